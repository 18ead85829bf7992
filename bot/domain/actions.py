"""The actions on an incident: who may take each, from which states, and where it leads.

Every use case asks `check()` before it changes anything, so a stale button, a second tap,
a stranger or forged callback data all end here with a `Denial` instead of a change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.absences import Member
from bot.domain.model import (
    COLLECTING,
    OPEN_STATES,
    AnswerKind,
    Category,
    DraftState,
    Role,
    State,
)
from bot.domain.records import Draft


class Action(StrEnum):
    SET_CATEGORY = "set_category"
    SET_DETECTED = "set_detected"
    MARK_SIGNIFICANT = "mark_significant"
    MARK_URGENT = "mark_urgent"  # «срочно»: terms in calendar time (seed 000, 3.10)
    ROUTE = "route"
    ACCEPT = "accept"
    DECLINE = "decline"
    WRITE = "write"  # write or replace the draft text
    ATTACH = "attach"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    PUBLISH = "publish"
    VIEW = "view"
    WITHDRAW = "withdraw"  # take the incident back from an organisation, to route it anew
    CANCEL = "cancel"  # opened by mistake
    NO_ANSWER = "no_answer"  # closed without an answer, on a ground of p. 21
    MARK_REPEAT = "mark_repeat"  # a repeat of an earlier incident, or not (p. 18)
    CITIZEN_REPLY = "citizen_reply"  # the coordinator brings in the citizen's reply (p. 13)
    TAKE_OVER = "take_over"  # another coordinator leads it from now on
    EDIT_DRAFT = "edit_draft"  # the coordinator corrects a draft's style before approving
    TAKE_DRAFT = "take_draft"  # a colleague of the draft's author continues it
    ADD_ORGANISATION = "add_organisation"  # one more organisation, each answers a part (p. 17)
    COMPOSE = "compose"  # the coordinator composes the answer from the parts (p. 17)
    RETURN_PART = "return_part"  # one organisation's part back for rework (p. 17)


COORDINATOR_ACTIONS = frozenset(
    {
        Action.SET_CATEGORY,
        Action.SET_DETECTED,
        Action.MARK_SIGNIFICANT,
        Action.MARK_URGENT,
        Action.ROUTE,
        Action.APPROVE,
        Action.RETURN,
        Action.PUBLISH,
        Action.WITHDRAW,
        Action.CANCEL,
        Action.NO_ANSWER,
        Action.MARK_REPEAT,
        Action.CITIZEN_REPLY,
        Action.TAKE_OVER,
        Action.EDIT_DRAFT,
        Action.ADD_ORGANISATION,
        Action.COMPOSE,
        Action.RETURN_PART,
    }
)
EXECUTOR_ACTIONS = frozenset(
    {Action.ACCEPT, Action.DECLINE, Action.WRITE, Action.ATTACH, Action.SUBMIT, Action.TAKE_DRAFT}
)

# While the citizen is asked (p. 13) the executor may still write: the term runs on.
_DRAFTING = frozenset(
    {State.ASSIGNED, State.IN_PROGRESS, State.REWORK, State.AWAITING_FINAL, State.AWAITING_CITIZEN}
)

# States from which each action may start.
ALLOWED_FROM: dict[Action, frozenset[State]] = {
    Action.SET_CATEGORY: frozenset({State.NEW}),
    Action.SET_DETECTED: OPEN_STATES,
    Action.MARK_SIGNIFICANT: OPEN_STATES,
    Action.MARK_URGENT: OPEN_STATES,
    Action.ROUTE: frozenset({State.NEW, State.DECLINED}),
    Action.ACCEPT: frozenset({State.ASSIGNED}),
    Action.DECLINE: frozenset({State.ASSIGNED, State.IN_PROGRESS}),
    Action.WRITE: _DRAFTING,
    Action.ATTACH: _DRAFTING,
    Action.SUBMIT: _DRAFTING,
    Action.APPROVE: frozenset({State.APPROVAL}),
    Action.RETURN: frozenset({State.APPROVAL}),
    Action.PUBLISH: frozenset({State.PUBLISHING}),
    Action.VIEW: frozenset(State),
    # Until the answer is approved the coordinator may take it back and route it anew.
    Action.WITHDRAW: frozenset({State.ASSIGNED, State.IN_PROGRESS, State.REWORK, State.APPROVAL}),
    Action.CANCEL: OPEN_STATES,
    Action.NO_ANSWER: OPEN_STATES,
    Action.MARK_REPEAT: OPEN_STATES,
    # p. 13: the reply to a clarification; seed 000, 3.6: a comment on the published answer.
    Action.CITIZEN_REPLY: frozenset({State.AWAITING_CITIZEN, State.AWAITING_RATING}),
    Action.TAKE_OVER: OPEN_STATES,
    Action.EDIT_DRAFT: frozenset({State.APPROVAL}),
    Action.TAKE_DRAFT: _DRAFTING,
    # Not while an answer waits for approval or publication: it would leave the part out.
    Action.ADD_ORGANISATION: frozenset(
        {State.ASSIGNED, State.IN_PROGRESS, State.REWORK, State.AWAITING_FINAL}
    ),
    Action.COMPOSE: COLLECTING,
    Action.RETURN_PART: COLLECTING,
}


class Denial(StrEnum):
    """Why an action was refused; each has a Russian text in templates/alerts.txt.j2."""

    UNKNOWN_PERSON = "unknown_person"
    NOT_COORDINATOR = "not_coordinator"
    NOT_EXECUTOR = "not_executor"
    OTHER_ORGANISATION = "other_organisation"
    WRONG_STATE = "wrong_state"
    NO_CATEGORY = "no_category"
    NOT_FOUND = "not_found"
    OLD_VERSION = "old_version"  # a button of a draft version that was since replaced
    EMPTY_DRAFT = "empty_draft"
    NO_SUCH_ORGANISATION = "no_such_organisation"
    ALREADY_SIGNIFICANT = "already_significant"
    ALREADY_URGENT = "already_urgent"
    OTHER_COORDINATOR = "other_coordinator"  # the incident is led by another coordinator
    ALREADY_YOURS = "already_yours"
    DRAFT_OF_COLLEAGUE = "draft_of_colleague"  # a colleague is writing it: take it over first
    POST_GONE = "post_gone"  # a typed text to confirm that is not there (or not yours)
    POST_OPENED = "post_opened"  # it opened an incident already
    NEEDS_EVIDENCE = "needs_evidence"  # a fast-track answer without photo, video, document
    PROMISE_PAST = "promise_past"  # a promised term that has already passed
    INTERIM_DETAILS = "interim_details"  # a fast-track interim answer without term, who, what
    REPEAT_OF_ITSELF = "repeat_of_itself"
    NO_EARLIER_INCIDENT = "no_earlier_incident"
    KIND_NOT_ALLOWED = "kind_not_allowed"  # «не подтвердилась» for a non-fast-track one
    ALREADY_ROUTED = "already_routed"  # the organisation has the incident already
    DECLINED_BY_YOU = "declined_by_you"  # the actor's organisation said «не наше»
    NO_PARTS = "no_parts"  # composing an answer before any part came in
    NO_PICKS = "no_picks"  # «Отправить выбранным» with nobody ticked
    PARTS_NEED_EVIDENCE = "parts_need_evidence"  # a composed fast-track answer without any
    PARTS_CHANGED = "parts_changed"  # a part it was composed from was since returned or withdrawn
    FIRST_REPLY_FIRST = "first_reply_first"  # an answer sent while the first reply is owed
    RATING_CLOSED = "rating_closed"  # a citizen's comment after the window closed
    # The directory edited from the chat (bot/domain/staff.py).
    EMPTY_NAME = "empty_name"
    NAME_TOO_LONG = "name_too_long"
    NAME_SEMICOLON = "name_semicolon"
    DUPLICATE_PERSON = "duplicate_person"
    DUPLICATE_ORGANISATION = "duplicate_organisation"
    PERSON_GONE = "person_gone"  # not in the directory, or switched off already
    ORGANISATION_GONE = "organisation_gone"
    BLOCK_GONE = "block_gone"
    NEEDS_BLOCK = "needs_block"  # an executor in an organisation without a thematic block
    SAME_ORGANISATION = "same_organisation"
    NOT_A_SUPERVISOR = "not_a_supervisor"
    SELF_OFF = "self_off"


class Refused(Exception):
    """An action the rules do not allow; `denial` says why, `state` is the incident's now.
    Raised before anything is written, so the update commits only its refusal."""

    def __init__(self, denial: Denial, state: State | None = None) -> None:
        super().__init__(denial)
        self.denial = denial
        self.state = state


@dataclass(frozen=True)
class Actor:
    """The person behind an update, as far as the rules care."""

    telegram_id: int
    name: str
    person_id: int | None = None
    role: Role | None = None
    organisation_id: int | None = None
    is_coordinator: bool = False
    # Whom they stand in for today (seed 001, 3.8): they may do what those could.
    acting_for: tuple[Member, ...] = ()

    @property
    def known(self) -> bool:
        return self.is_coordinator or self.person_id is not None

    def speaks_for(self, chat: int | None) -> bool:
        """Whether `chat` is theirs, or that of someone they stand in for."""
        return chat == self.telegram_id or any(m.chat == chat for m in self.acting_for)

    def acts_as(self, role: Role) -> bool:
        return self.role is role or any(m.role is role for m in self.acting_for)

    def supervisor_ids(self) -> list[int]:
        """The deputy heads whose organisations they look after: themselves, and those
        they stand in for."""
        own = [(self.role, self.person_id)]
        others = [(m.role, m.person_id) for m in self.acting_for]
        return [
            person_id
            for role, person_id in own + others
            if role is Role.SUPERVISOR and person_id is not None
        ]


# The bot itself, in the history of what happens by the clock (a window that ends).
BOT = Actor(0, "МЦУ-бот")


def check(
    actor: Actor,
    action: Action,
    state: State,
    assigned_organisations: Collection[int] = (),
    *,
    has_category: bool = True,
    owner: int | None = None,
) -> Denial | None:
    """Return why `actor` may not do `action` now, or None if allowed. `owner` is the
    coordinator who leads the incident: the others may only take it over."""
    if not actor.known:
        return Denial.UNKNOWN_PERSON
    if action in COORDINATOR_ACTIONS and not actor.is_coordinator:
        return Denial.NOT_COORDINATOR
    if action in COORDINATOR_ACTIONS and owner is not None:
        mine = owner is not None and actor.speaks_for(owner)
        if action is Action.TAKE_OVER and mine and state in ALLOWED_FROM[action]:
            return Denial.ALREADY_YOURS
        if action is not Action.TAKE_OVER and not mine:
            return Denial.OTHER_COORDINATOR
    if action in EXECUTOR_ACTIONS:
        if actor.role is not Role.EXECUTOR:
            return Denial.NOT_EXECUTOR
        if actor.organisation_id not in assigned_organisations:
            return Denial.OTHER_ORGANISATION
    if action is Action.VIEW and not may_view(actor, assigned_organisations):
        return Denial.OTHER_ORGANISATION
    if state not in ALLOWED_FROM[action]:
        return Denial.WRONG_STATE
    if action is Action.ROUTE and not has_category:
        return Denial.NO_CATEGORY
    return None


def may_view(actor: Actor, organisations: Collection[int]) -> bool:
    """Coordinators, supervisors and the Head see everything; executors their own."""
    if actor.is_coordinator or actor.role in (Role.SUPERVISOR, Role.HEAD, Role.COORDINATOR):
        return True
    return actor.role is Role.EXECUTOR and actor.organisation_id in organisations


def after_action(
    action: Action, state: State, kind: AnswerKind | None = None, *, rated: bool = False
) -> State:
    """The state an allowed action leads to. `rated`: the profile gives the citizen a window
    to comment on the final answer (seed 000, 3.6)."""
    if action is Action.ROUTE:
        return State.ASSIGNED
    if action is Action.ACCEPT:
        return State.IN_PROGRESS
    if action is Action.DECLINE:
        return State.DECLINED
    if action in (Action.WRITE, Action.ATTACH):
        # Writing on an unaccepted incident means the executor took it on.
        return State.IN_PROGRESS if state is State.ASSIGNED else state
    if action is Action.SUBMIT:
        return State.APPROVAL
    if action is Action.APPROVE:
        return State.PUBLISHING
    if action is Action.RETURN:
        return State.REWORK
    if action is Action.WITHDRAW:
        return State.NEW  # routed anew (the use case keeps the state if others remain)
    if action is Action.CANCEL:
        return State.CANCELLED
    if action is Action.NO_ANSWER:
        return State.CLOSED
    if action is Action.PUBLISH:
        if kind in (AnswerKind.FINAL, AnswerKind.NOT_CONFIRMED):
            return State.AWAITING_RATING if rated else State.CLOSED
        if kind is AnswerKind.FIRST_REPLY:
            return State.IN_PROGRESS  # the answer itself is still due
        if kind is AnswerKind.INTERIM:
            return State.AWAITING_FINAL
        return State.AWAITING_CITIZEN  # a clarification was asked; the answer is still due
    if action is Action.CITIZEN_REPLY:
        # A comment on the published answer reopens it to its organisation (seed 000, 3.6).
        return State.REWORK if state is State.AWAITING_RATING else State.IN_PROGRESS
    return state


def taken_as(action: Action, draft: Draft | None = None) -> Action:
    """What a press means on a draft: on an answer composed from parts the coordinator
    writes, and approves without a separate submission; a part is returned to its
    organisation alone (p. 17)."""
    composing = (Action.WRITE, Action.EDIT_DRAFT, Action.APPROVE)  # not SUBMIT: approved
    if draft is not None and draft.composed and action in composing:
        return Action.COMPOSE
    if draft is not None and draft.part and action is Action.RETURN:
        return Action.RETURN_PART
    return action


def someone_else_writes(actor: Actor, draft: Draft) -> bool:
    """A colleague of the organisation is writing this draft (and has written some): it is
    taken over, never overwritten."""
    started = bool(draft.text.strip() or draft.attachments)
    return (
        not draft.composed  # the coordinator's, and whoever leads the incident continues it
        and draft.state is DraftState.EDITING
        and started
        and draft.author_id not in (None, actor.person_id)
    )


def answer_kinds(
    category: Category | None, state: State | None = None, *, first_reply_due: bool = False
) -> list[AnswerKind]:
    """The kinds of answer an incident may get: «проблема не подтвердилась» is for
    fast-track incidents (p. 20); after an interim answer, only the final one is awaited
    (a clarification then would lose the final term); while a first reply is owed, only it
    (seed 000, 3.7)."""
    if first_reply_due:
        return [AnswerKind.FIRST_REPLY]
    if state is State.AWAITING_FINAL:
        return [AnswerKind.FINAL]
    kinds = [AnswerKind.FINAL, AnswerKind.INTERIM, AnswerKind.CLARIFICATION]
    return [*kinds, AnswerKind.NOT_CONFIRMED] if category is Category.FAST_TRACK else kinds


def needs_evidence(category: Category | None, kind: AnswerKind) -> bool:
    """p. 20: a fast-track incident's final answer, or «не подтвердилась», goes for approval
    only with a photo, video or document."""
    return category is Category.FAST_TRACK and kind in (AnswerKind.FINAL, AnswerKind.NOT_CONFIRMED)


def interim_details_missing(category: Category | None, draft: Draft) -> list[str]:
    """p. 20: an interim answer to a fast-track incident (it cannot be solved in time) must
    name the term, the person responsible and the actions; what it still lacks."""
    if category is not Category.FAST_TRACK or draft.kind is not AnswerKind.INTERIM:
        return []
    named = {
        "promise": draft.promised_at,
        "responsible": draft.responsible,
        "actions": draft.actions,
    }
    return [name for name, value in named.items() if not value]
