"""The vocabulary of the regulation: roles, categories, states, answer kinds, and the kinds of
things the bot keeps about them."""

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
    AWAITING_CITIZEN = "awaiting_citizen"  # a clarification was published: the citizen's turn
    # The final answer is published; the citizen may still comment (seed 000, 3.6).
    AWAITING_RATING = "awaiting_rating"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # opened by mistake: cancelled by the coordinator, with a reason


FINISHED_STATES = frozenset({State.CLOSED, State.CANCELLED})
OPEN_STATES = frozenset(State) - FINISHED_STATES
# Answered in parts (p. 17), the states in which parts are written and the answer composed.
COLLECTING = frozenset(
    {State.ASSIGNED, State.IN_PROGRESS, State.AWAITING_FINAL, State.AWAITING_CITIZEN}
)


class AnswerKind(StrEnum):
    FINAL = "final"
    INTERIM = "interim"
    CLARIFICATION = "clarification"
    NOT_CONFIRMED = "not_confirmed"  # «проблема не подтвердилась»: fast-track only (p. 20)
    FIRST_REPLY = "first_reply"  # a short first reply with the terms (seed 000, 3.7)


class NoAnswerGround(StrEnum):
    """Why a message gets no answer (p. 21)."""

    HARM = "harm"  # written with intent to harm
    OBSCENE = "obscene"  # obscene language
    INSULT = "insult"  # insults
    THREAT = "threat"  # threats to an official or their family


class DraftState(StrEnum):
    EDITING = "editing"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # its organisation's part was withdrawn by the coordinator


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"


class AssignmentStatus(StrEnum):
    """An organisation's part in an incident."""

    ACTIVE = "active"
    DECLINED = "declined"  # «не наше»
    DONE = "done"  # its part is over: the incident closed, or the coordinator withdrew it


class PartStatus(StrEnum):
    NOT_ACCEPTED = "not_accepted"  # sent to the organisation, not accepted yet
    WAITING = "waiting"  # accepted, not sent yet (or used in an answer already published)
    IN = "in"  # sent: with the coordinator
    RETURNED = "returned"  # returned for rework to its organisation alone
    DECLINED = "declined"  # «не наше»


class CardAudience(StrEnum):
    """Who a message that shows an incident (a card) is for; each is kept current."""

    COORDINATOR = "coordinator"  # the incident card with the coordinator's buttons
    EXECUTOR = "executor"  # the incident card with an organisation's buttons
    VIEW = "view"  # the incident card without buttons (the Head, /incident for viewers)
    PICKER = "picker"  # a routing picker: only its buttons change, spent once routed
    DRAFT = "draft"  # a draft as its author edits it
    APPROVAL = "approval"  # a draft as the coordinator decides on it
    PUBLISH = "publish"  # an approved text to paste into «Инцидент Менеджмент»


# Cards whose text never changes after sending; only their buttons do.
MARKUP_ONLY = frozenset({CardAudience.PICKER, CardAudience.PUBLISH})
DRAFT_AUDIENCES = frozenset({CardAudience.DRAFT, CardAudience.APPROVAL, CardAudience.PUBLISH})
