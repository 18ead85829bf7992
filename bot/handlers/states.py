"""What the bot waits for from a person, kept in the FSM (stored in SQLite)."""

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services.message_queue import MessageQueue


class Input(StatesGroup):
    decline_reason = State()  # data: incident
    answer_text = State()  # data: incident
    attachments = State()  # data: incident, groups (albums already acknowledged)
    return_reason = State()  # data: draft
    org_search = State()  # data: incident
    detected_at = State()  # data: incident


TEXT_INPUT = (Input.decline_reason, Input.return_reason, Input.org_search, Input.detected_at)


def chat_of(query: CallbackQuery) -> int:
    """Where the button was pressed (a group, or the private chat)."""
    return query.message.chat.id if query.message else query.from_user.id


async def ask_for(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    queue: MessageQueue,
    waiting_for: State,
    data: dict[str, Any],
    prompt: str,
    alert: str | None = None,
) -> None:
    """A button asks for typed input: remember what for, then say what to type."""
    await state.set_state(waiting_for)
    await state.set_data(data)
    callback_answer.text = alert
    await queue.send(chat_of(query), prompt)
