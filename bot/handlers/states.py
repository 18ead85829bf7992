"""What the bot waits for from a person, kept in the FSM (stored in SQLite)."""

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.services.message_queue import MessageQueue
from bot.texts import Texts


class Input(StatesGroup):
    decline_reason = State()  # data: incident
    answer_text = State()  # data: incident
    attachments = State()  # data: incident, groups (albums already acknowledged)
    return_reason = State()  # data: draft
    org_search = State()  # data: incident
    detected_at = State()  # data: incident
    cancel_reason = State()  # data: incident
    edit_text = State()  # data: draft, incident (the coordinator corrects a draft)
    repeat_of = State()  # data: incident
    citizen_reply = State()  # data: incident (forwarded, or typed)
    interim_detail = State()  # data: draft, incident, detail (promise, responsible, actions)
    absent_who = State()  # a coordinator types whose absence it is
    absent_days = State()  # data: absent (chat); then starts_on, ends_on


class DirInput(StatesGroup):
    """The directory edited from the chat (bot/handlers/directory.py)."""

    person_name = State()  # data: org (0: none), role
    org_name = State()
    org_rename = State()  # data: org
    block_name = State()  # data: org, new


TEXT_INPUT = (
    Input.decline_reason,
    Input.return_reason,
    Input.org_search,
    Input.detected_at,
    Input.cancel_reason,
    Input.edit_text,
    Input.repeat_of,
    Input.citizen_reply,
    Input.interim_detail,
    Input.absent_who,
    Input.absent_days,
    DirInput.person_name,
    DirInput.org_name,
    DirInput.org_rename,
    DirInput.block_name,
)


def chat_of(query: CallbackQuery) -> int:
    """Where the button was pressed (a group, or the private chat)."""
    return query.message.chat.id if query.message else query.from_user.id


async def reason_of(message: Message, queue: MessageQueue, texts: Texts) -> str | None:
    """The reason typed; None (and the person asked again) if it is a command instead."""
    reason = (message.text or "").strip()
    if reason.startswith("/"):
        await queue.send(message.chat.id, texts.message("reason_needed"))
        return None
    return reason


async def typed_reason(
    message: Message, state: FSMContext, queue: MessageQueue, texts: Texts, key: str
) -> tuple[int, str] | None:
    """The reason awaited and what it is for (the id kept with the state under `key`),
    the wait over; None (and the person asked again) if a command came instead."""
    reason = await reason_of(message, queue, texts)
    if reason is None:
        return None
    target = int((await state.get_data())[key])
    await state.clear()
    return target, reason
