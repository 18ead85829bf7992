"""What the bot waits for from a person, kept in the FSM (stored in SQLite)."""

from aiogram.fsm.state import State, StatesGroup


class Input(StatesGroup):
    decline_reason = State()  # data: incident
    answer_text = State()  # data: incident
    attachments = State()  # data: incident
    return_reason = State()  # data: draft
    org_search = State()  # data: incident
    detected_at = State()  # data: incident
