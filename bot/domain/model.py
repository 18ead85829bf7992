"""The vocabulary of the regulation: roles, categories, states, answer kinds."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    EXECUTOR = "executor"
    SUPERVISOR = "supervisor"
    HEAD = "head"


class Category(StrEnum):
    ORDINARY = "ordinary"
    FAST_TRACK = "fast_track"
    HIGH = "high"


class State(StrEnum):
    NEW = "new"  # forwarded in; category or executor not chosen yet
    ASSIGNED = "assigned"  # sent to an organisation, not accepted yet
    IN_PROGRESS = "in_progress"  # accepted; the executor prepares a draft
    DECLINED = "declined"  # «не наше»: back with the coordinator for re-routing
    APPROVAL = "approval"  # a draft waits for the coordinator
    REWORK = "rework"  # a draft was returned with reasons
    PUBLISHING = "publishing"  # approved, waits to be placed in «Инцидент Менеджмент»
    AWAITING_FINAL = "awaiting_final"  # interim answer placed; final answer still due
    CLOSED = "closed"


OPEN_STATES = frozenset(State) - {State.CLOSED}


class AnswerKind(StrEnum):
    FINAL = "final"
    INTERIM = "interim"
    CLARIFICATION = "clarification"


class DraftState(StrEnum):
    EDITING = "editing"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"
