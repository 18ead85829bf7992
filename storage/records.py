"""Plain records read from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.model import AnswerKind, AttachmentKind, Category, DraftState, Role, State
from bot.domain.profile import Stage


def to_db_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    # Always UTC, so that stored times sort as text in time order.
    return value.astimezone(UTC).isoformat()


def from_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    block_id: int | None
    block: str
    chat_id: int | None


@dataclass(frozen=True)
class Person:
    id: int
    full_name: str
    position: str
    role: Role
    organisation_id: int | None
    organisation: str
    telegram_id: int | None
    invite_code: str | None
    active: bool


@dataclass(frozen=True)
class Incident:
    id: int
    state: State
    category: Category | None
    significant: bool
    source_text: str
    source_link: str | None
    source_origin: str | None
    detected_at: datetime
    answer_due_at: datetime | None
    created_by: int
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Assignment:
    id: int
    incident_id: int
    organisation_id: int
    organisation: str
    status: str
    assigned_at: datetime
    accepted_at: datetime | None
    accepted_by_name: str | None
    declined_at: datetime | None
    decline_reason: str | None


@dataclass(frozen=True)
class Draft:
    id: int
    incident_id: int
    assignment_id: int
    version: int
    kind: AnswerKind
    text: str
    state: DraftState
    author_name: str | None
    organisation: str
    created_at: datetime
    return_reason: str | None


@dataclass(frozen=True)
class Attachment:
    id: int
    kind: AttachmentKind
    file_id: str
    media_group_id: str | None


@dataclass(frozen=True)
class Event:
    at: datetime
    actor_name: str
    action: str
    state_after: State
    organisation: str | None
    comment: str | None


@dataclass(frozen=True)
class CardMessage:
    """A message that shows an incident or a draft and is kept current."""

    chat_id: int
    incident_id: int
    audience: str
    organisation_id: int | None = None
    draft_id: int | None = None
    shown: str | None = None
    id: int = 0  # 0 until stored
    message_id: int | None = None  # None until delivered


@dataclass(frozen=True)
class Timer:
    id: int
    incident_id: int
    stage: Stage
    organisation_id: int | None
    started_at: datetime
    due_at: datetime
    step: int
    next_at: datetime | None
