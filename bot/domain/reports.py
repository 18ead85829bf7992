"""What a report says (seeds 000–003): the figures of a period, the executor rating and its
rule, the target indicators. Pure: storage/reports.py counts, bot/reports/ renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.deadlines import QUIET_STAGES
from bot.domain.periods import Period
from bot.domain.profile import Stage

# The stages a report counts, in the order of the work; the register has a column each.
REPORT_STAGES = (
    Stage.ROUTE,
    Stage.DECLINE,
    Stage.FIRST_REPLY,  # seed 000, 3.7 (Междуреченск)
    Stage.ANSWER,
    Stage.PART,
    Stage.APPROVE,
    Stage.REWORK,
    Stage.PUBLISH,
    Stage.FINAL,
)
REGISTER_STAGES = (Stage.ROUTE, Stage.ANSWER, Stage.APPROVE, Stage.PUBLISH, Stage.FINAL)


@dataclass(frozen=True)
class StageFigures:
    """One stage's terms in the period, in working time: ended in time, ended late, still
    running past due; how long it took (median and 90th percentile, seconds)."""

    stage: Stage
    on_time: int
    late: int
    overdue_now: int
    median_s: int | None
    p90_s: int | None

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue_now

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.total if self.total else None


@dataclass(frozen=True)
class Figures:
    """The figures of one period (incidents detected in it)."""

    received: int
    by_category: dict[str, int]
    by_block: dict[str, int]
    by_day: dict[date, dict[str, int]]  # local day → category → incidents
    stages: list[StageFigures]
    returns: int  # drafts and parts returned for rework
    declines: int  # «не наше»
    reroutes: int  # incidents sent to another organisation after a decline or withdrawal
    repeats: int
    awaiting_final: int  # interim answers still waiting for the final one
    no_answer: dict[str, int]  # closed «без ответа», by ground
    fast_track: int
    routed: int  # delivered to an executor through the bot
    answered: int  # final answers published
    with_evidence: int  # … of them with a photo, video or document

    def stage(self, stage: Stage) -> StageFigures | None:
        return next((s for s in self.stages if s.stage == stage), None)

    @property
    def on_time(self) -> int:
        return sum(s.on_time for s in self.stages if s.stage not in QUIET_STAGES)

    @property
    def terms(self) -> int:
        """The terms that bind (the «не наше» window does not: only how long it took)."""
        return sum(s.total for s in self.stages if s.stage not in QUIET_STAGES)

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.terms if self.terms else None


@dataclass(frozen=True)
class RatingRow:
    """One organisation's line of the executor rating."""

    organisation: str
    incidents: int
    terms: int  # its terms that ended or are overdue (those it had)
    on_time: int
    median_answer_s: int | None  # its part or answer, working time
    returns: int
    declines: int
    repeats: int

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.terms if self.terms else None


def rank(rows: list[RatingRow]) -> list[RatingRow]:
    """Worst first, so that the Head sees where to act: the share of terms kept, lowest
    first (an organisation with no terms last), then more returns for rework, then more
    declines, then more incidents. The report states this rule in its own words
    (templates/report.html.j2, «rating_rule»): Когалым rates by count, quality and speed
    (seed 001), Кожевниково by count, timeliness and completeness (seed 002)."""
    return sorted(
        rows,
        key=lambda r: (
            r.share_on_time is None,
            r.share_on_time if r.share_on_time is not None else 1.0,
            -r.returns,
            -r.declines,
            -r.incidents,
            r.organisation,
        ),
    )


@dataclass(frozen=True)
class Target:
    """A target indicator (Постановление № 1844, seed 001) the bot can measure itself."""

    key: str  # fast_track, routed, evidence
    actual: float | None  # a share, 0…1
    plan: float | None  # the profile's plan value


TARGET_KEYS = ("fast_track", "routed", "evidence")


def targets(figures: Figures, plan: dict[str, float]) -> list[Target]:
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    actual = {
        "fast_track": share(figures.fast_track, figures.received),
        "routed": share(figures.routed, figures.received),
        "evidence": share(figures.with_evidence, figures.answered),
    }
    return [Target(key, actual[key], plan.get(key)) for key in TARGET_KEYS]


@dataclass(frozen=True)
class Report:
    period: Period
    scope: list[str] | None  # the organisations it is limited to; None: all
    figures: Figures
    previous: Figures  # the period of the same length before
    rating: list[RatingRow]
    targets: list[Target]
    made_at: datetime


@dataclass(frozen=True)
class RegisterRow:
    """One incident's line of the register («реестр»)."""

    id: int
    detected_at: datetime
    category: str | None
    blocks: str
    organisations: str
    state: str
    post: str
    # per stage of REGISTER_STAGES: (due, done, late seconds in working time)
    stages: dict[Stage, tuple[datetime | None, datetime | None, int | None]] = field(
        default_factory=dict
    )
    answer_kind: str | None = None
    repeat_of: int | None = None
    closed_at: datetime | None = None
    no_answer: str | None = None


@dataclass(frozen=True)
class Digest:
    """The working day's digest for the coordinators."""

    day: date
    by_state: dict[str, int]
    due_today: list[tuple[int, datetime]]  # incident, its answer term
    overdue: list[tuple[int, str, int]]  # incident, stage, late seconds (working time)
    approvals_waiting: list[int]
