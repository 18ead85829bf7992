"""Which terms run in each state, and when to remind and escalate while one runs.

Pure rules: the service stores their results, the scheduler acts on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.calendar import Calendar
from bot.domain.model import PartStatus, State
from bot.domain.profile import ReminderPolicy, Stage

# Stages whose move is the executor's; overdue ones escalate (point 24).
EXECUTOR_STAGES = frozenset(
    {Stage.DECLINE, Stage.ANSWER, Stage.REWORK, Stage.FINAL, Stage.PART, Stage.FIRST_REPLY}
)
# Stages whose end the profile may put at publication rather than the draft (seed 000, 3.8).
TO_PUBLICATION = frozenset({Stage.ANSWER, Stage.FIRST_REPLY})
# Stages the card shows but nobody is reminded of or escalated about: the decline window
# (p. 11) only bounds when «не наше» may be said; nothing obliges pressing «Принять».
QUIET_STAGES = frozenset({Stage.DECLINE})
# Stages whose clock starts at detection rather than when the state began (point 12).
FROM_DETECTION = frozenset({Stage.ANSWER, Stage.FINAL, Stage.FIRST_REPLY})
# Windows rather than terms: nobody is reminded; at the end the incident moves on by itself.
WINDOWS = frozenset({Stage.RATING})
# A draft is with the coordinator: being decided on, reworked after return, or published.
DECIDING = frozenset({State.APPROVAL, State.REWORK, State.PUBLISHING})

STAGES_IN_STATE: dict[State, tuple[Stage, ...]] = {
    State.NEW: (Stage.ROUTE,),
    State.DECLINED: (Stage.ROUTE,),
    State.ASSIGNED: (Stage.DECLINE, Stage.ANSWER),
    State.IN_PROGRESS: (Stage.ANSWER,),
    State.REWORK: (Stage.REWORK,),
    State.AWAITING_FINAL: (Stage.FINAL,),
    # p. 13: asking the citizen does not stop the answer term, counted from detection.
    State.AWAITING_CITIZEN: (Stage.ANSWER,),
    State.APPROVAL: (Stage.APPROVE,),
    State.PUBLISHING: (Stage.PUBLISH,),
    State.AWAITING_RATING: (Stage.RATING,),  # seed 000, 3.6: the citizen may comment
    State.CLOSED: (),
    State.CANCELLED: (),
}


@dataclass(frozen=True)
class Clock:
    """A stage that should be running: for an organisation, or for the coordinator (None)."""

    stage: Stage
    organisation_id: int | None


def running_clocks(
    state: State,
    organisations: list[int],
    parts: Mapping[int, PartStatus] | None = None,
    owed: frozenset[Stage] = frozenset(),
) -> set[Clock]:
    """The clocks the state runs; `parts`: the incident is answered in parts (p. 17), each
    organisation's part status by organisation; `owed`: the executor's terms still running
    besides the state's own (see `owed_terms`)."""
    if parts is not None and state in PART_CLOCKS:
        return _part_clocks(state, organisations, parts)
    clocks: set[Clock] = set()
    for stage in (*STAGES_IN_STATE[state], *sorted(owed)):
        if stage in EXECUTOR_STAGES:
            clocks.update(Clock(stage, org) for org in organisations)
        else:
            clocks.add(Clock(stage, None))
    return clocks


def owed_terms(
    state: State,
    *,
    first_reply_due: bool,
    deciding_first_reply: bool,
    to_publication: bool,
    answered: bool,
) -> frozenset[Stage]:
    """Seed 000: the executor's terms counted from detection that run besides the state's
    own. A first reply is owed while the executor works, and while it is decided on the
    answer term runs on; where the terms end with publication (3.8), they run on while the
    draft is with the coordinator, until an answer is published."""
    if state in (State.ASSIGNED, State.IN_PROGRESS):
        return frozenset({Stage.FIRST_REPLY}) if first_reply_due else frozenset()
    if state not in DECIDING:
        return frozenset()
    if deciding_first_reply:
        return frozenset({Stage.ANSWER, *([Stage.FIRST_REPLY] if to_publication else [])})
    return frozenset({Stage.ANSWER}) if to_publication and not answered else frozenset()


# p. 17: while parts are collected, the answer (or the final answer) is the coordinator's to
# compose in time, and each organisation has its part's clock (in AWAITING_FINAL, the final
# term): 2 working hours from when it got the card, or the rework term if its part came back.
PART_CLOCKS: dict[State, tuple[Stage, Stage | None]] = {
    State.ASSIGNED: (Stage.ANSWER, Stage.PART),
    State.IN_PROGRESS: (Stage.ANSWER, Stage.PART),
    State.AWAITING_CITIZEN: (Stage.ANSWER, None),  # the citizen's turn: parts wait
    State.AWAITING_FINAL: (Stage.FINAL, Stage.FINAL),
}


def _part_clocks(
    state: State, organisations: list[int], parts: Mapping[int, PartStatus]
) -> set[Clock]:
    whole, each = PART_CLOCKS[state]
    clocks = {Clock(whole, None)}
    for org in organisations:
        status = parts.get(org, PartStatus.WAITING)
        if status is PartStatus.RETURNED and each is not None:  # not while the citizen is asked
            clocks.add(Clock(Stage.REWORK, org))
        elif status in (PartStatus.WAITING, PartStatus.NOT_ACCEPTED) and each is not None:
            clocks.add(Clock(each, org))
        if status is PartStatus.NOT_ACCEPTED and each is Stage.PART:
            clocks.add(Clock(Stage.DECLINE, org))  # p. 11: the window for «не наше»
    return clocks


class StepKind(StrEnum):
    REMIND = "remind"  # to the person whose move it is
    DUE = "due"  # the term has run out: to that person, and escalated if it is an executor's
    ESCALATE = "escalate"  # still overdue: to the coordinator and the supervisor again
    HEAD = "head"  # overdue by more than the profile's limit, escalations spent: to the Head


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: StepKind
    number: int = 0  # escalation count for DUE (1) and ESCALATE (2, 3, …)


def plan(
    calendar: Calendar,
    policy: ReminderPolicy,
    stage: Stage,
    started: datetime,
    due: datetime,
    *,
    executor: bool = True,
) -> list[Step]:
    """Every moment to act while the stage runs, in order (none for a quiet stage).
    `executor`: the clock is an organisation's (the coordinator's own, p. 17, is reminded
    and told when due, never escalated)."""
    if stage in QUIET_STAGES:
        return []
    if stage in WINDOWS:
        return [Step(due, StepKind.DUE, 1)]
    begin = calendar.add(started, timedelta(0))
    length = calendar.between(begin, due)
    moments = {calendar.add(begin, length * share) for share in policy.shares if 0 < share < 1}
    moments |= {
        calendar.add(begin, length - before) for before in policy.before if before < length
    }
    steps = [Step(at, StepKind.REMIND) for at in sorted(m for m in moments if begin < m < due)]
    steps.append(Step(due, StepKind.DUE, 1))
    if stage in EXECUTOR_STAGES and executor:  # point 24: overdue executor terms escalate
        for number in range(2, policy.escalation_times + 1):
            at = calendar.add(due, policy.escalation_every * (number - 1))
            steps.append(Step(at, StepKind.ESCALATE, number))
        # The profile keeps head_after past the last escalation, so this step comes last.
        steps.append(Step(calendar.add(due, policy.head_after), StepKind.HEAD))
    return steps


def current_step(steps: list[Step], done: int, now: datetime) -> int | None:
    """The latest step not yet done whose moment has come; steps missed while the bot was
    down are folded into it, so each timer speaks once on start, never twice."""
    ready = [i for i in range(done, len(steps)) if steps[i].at <= now]
    return ready[-1] if ready else None
