"""The actions on an incident: who may take each, from which states, and where it leads.

Every use case asks `check()` before it changes anything, so a stale button, a second tap,
a stranger or forged callback data all end here with a `Denial` instead of a change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.model import AnswerKind, Role, State


class Action(StrEnum):
    SET_CATEGORY = "set_category"
    SET_DETECTED = "set_detected"
    MARK_SIGNIFICANT = "mark_significant"
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


COORDINATOR_ACTIONS = frozenset(
    {
        Action.SET_CATEGORY,
        Action.SET_DETECTED,
        Action.MARK_SIGNIFICANT,
        Action.ROUTE,
        Action.APPROVE,
        Action.RETURN,
        Action.PUBLISH,
    }
)
EXECUTOR_ACTIONS = frozenset(
    {Action.ACCEPT, Action.DECLINE, Action.WRITE, Action.ATTACH, Action.SUBMIT}
)

_DRAFTING = frozenset({State.ASSIGNED, State.IN_PROGRESS, State.REWORK, State.AWAITING_FINAL})

# States from which each action may start.
ALLOWED_FROM: dict[Action, frozenset[State]] = {
    Action.SET_CATEGORY: frozenset({State.NEW}),
    Action.SET_DETECTED: frozenset(State) - {State.CLOSED},
    Action.MARK_SIGNIFICANT: frozenset(State) - {State.CLOSED},
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

    @property
    def known(self) -> bool:
        return self.is_coordinator or self.person_id is not None


def check(
    actor: Actor,
    action: Action,
    state: State,
    assigned_organisations: Collection[int] = (),
    *,
    has_category: bool = True,
) -> Denial | None:
    """Return why `actor` may not do `action` now, or None if allowed."""
    if not actor.known:
        return Denial.UNKNOWN_PERSON
    if action in COORDINATOR_ACTIONS and not actor.is_coordinator:
        return Denial.NOT_COORDINATOR
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


def after_action(action: Action, state: State, kind: AnswerKind | None = None) -> State:
    """The state an allowed action leads to."""
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
    if action is Action.PUBLISH:
        if kind is AnswerKind.FINAL:
            return State.CLOSED
        if kind is AnswerKind.INTERIM:
            return State.AWAITING_FINAL
        return State.IN_PROGRESS  # a clarification was asked; the answer is still due
    return state
