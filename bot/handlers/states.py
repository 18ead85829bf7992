"""What the bot waits for from a person, kept in the FSM (stored in SQLite)."""

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.notifier import Notifier


class Input(StatesGroup):
    decline_reason = State()  # data: incident
    answer_text = State()  # data: incident
    attachments = State()  # data: incident, groups (albums already acknowledged)
    return_reason = State()  # data: draft
    org_search = State()  # data: incident
    detected_at = State()  # data: incident


async def ask_for(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    notifier: Notifier,
    waiting_for: State,
    data: dict[str, Any],
    prompt: str,
    alert: str | None = None,
) -> None:
    """A button asks for typed input: remember what for, then say what to type."""
    await state.set_state(waiting_for)
    await state.set_data(data)
    callback_answer.text = alert
    if query.message:
        await notifier.send(query.message.chat.id, prompt)
