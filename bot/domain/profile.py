"""A regulation profile: the municipality's terms and working calendar, built from the data
of a TOML file (bot/profiles.py finds and reads the file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from bot.domain.bursts import BurstPolicy
from bot.domain.calendar import Calendar, RoundTheClock, WorkingCalendar
from bot.domain.model import Category

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TERM = re.compile(r"^\s*(\d+)\s*(m|min|h|d)\s*$")


class Stage(StrEnum):
    """Each term of the regulation, named by the move it waits for."""

    ROUTE = "route"  # p. 10: coordinator sends the incident to an executor
    DECLINE = "decline"  # p. 11: executor accepts or returns it
    ANSWER = "answer"  # p. 12: answer or interim answer, from detection
    FINAL = "final"  # p. 12: final answer after an interim one, calendar days
    PART = "part"  # p. 17: each executor's part when there are several
    APPROVE = "approve"  # p. 14
    REWORK = "rework"  # p. 15
    PUBLISH = "publish"  # p. 16
    FIRST_REPLY = "first_reply"  # seed 000, 3.7: a first reply with the terms, from detection
    RATING = "rating"  # seed 000, 3.6: the citizen's window to comment on the final answer


class AnswerEnd(StrEnum):
    """Where the answer term (and the first reply's) ends: with the draft sent for approval
    (Krasnoufimsk, p. 12), or with the answer published (seed 000, 3.8)."""

    DRAFT = "draft"
    PUBLICATION = "publication"


@dataclass(frozen=True)
class Term:
    amount: int
    unit: str  # "m", "h" or "d" (calendar days)

    @classmethod
    def parse(cls, raw: str) -> Term:
        match = _TERM.match(str(raw))
        if not match:
            raise ProfileError(f"срок «{raw}» не понят: пишите 30m, 6h или 8d")
        unit = "m" if match.group(2) in ("m", "min") else match.group(2)
        return cls(int(match.group(1)), unit)

    @property
    def working(self) -> timedelta:
        return timedelta(minutes=self.amount) if self.unit == "m" else timedelta(hours=self.amount)

    def due(self, calendar: Calendar, start: datetime) -> datetime:
        if self.unit == "d":
            return calendar.add_days(start, self.amount)
        return calendar.add(start, self.working)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True)
class ReminderPolicy:
    shares: tuple[float, ...]  # remind when this share of the term has passed
    before: tuple[timedelta, ...]  # and this long (working time) before the due moment
    escalation_every: timedelta  # repeat escalation while overdue (working time)
    escalation_times: int  # at most this many escalations
    # Still overdue this long (working time) after the last escalation: the Head is told once.
    head_after: timedelta


@dataclass(frozen=True)
class ReportPolicy:
    """When the scheduled reports go and to whom besides the coordinators and the Head
    (seeds 000, 001, 003 p. 6.5), and the plan values of the target indicators (seed 001)."""

    digest_at: time  # each working day: the digest, to the coordinators
    weekly_weekday: int  # 0 Monday … 4 Friday (a day off: the working day before)
    weekly_at: time
    monthly_at: time  # on the first working day, for the month before (January: the year too)
    recipients: tuple[int, ...] = ()  # more Telegram ids to receive the reports
    targets: dict[str, float] = field(default_factory=dict)  # plan shares, 0…1


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    calendar: WorkingCalendar
    terms: dict[Stage, Term]
    answer: dict[Category, Term]
    reminders: ReminderPolicy
    reports: ReportPolicy = field(
        default_factory=lambda: ReportPolicy(time(8), 4, time(12), time(9))
    )
    bursts: BurstPolicy = field(default_factory=lambda: BurstPolicy(5, timedelta(hours=3)))
    answer_ends: AnswerEnd = AnswerEnd.DRAFT

    def term(self, stage: Stage, category: Category | None = None) -> Term | None:
        if stage is Stage.ANSWER:
            return self.answer[category or Category.ORDINARY]
        return self.terms.get(stage)

    def due(
        self,
        stage: Stage,
        start: datetime,
        category: Category | None = None,
        *,
        urgent: bool = False,
    ) -> datetime:
        term = self.term(stage, category)
        if term is None:
            raise ProfileError(f"в профиле нет срока «{stage.value}»")
        return term.due(self.calendar_for(urgent), start)

    def calendar_for(self, urgent: bool) -> Calendar:
        """Urgent requests run in calendar time (seed 000, 3.10), the others in working time."""
        return RoundTheClock(self.calendar.tz) if urgent else self.calendar

    def all_due(self, category: Category, detected: datetime) -> dict[str, datetime]:
        """Each stage's due moment as if its clock started at `detected`."""
        return {
            stage.value: self.due(stage, detected, category)
            for stage in Stage
            if self.term(stage, category) is not None
        }


class ProfileError(Exception):
    """A profile that cannot be used, worded for the administrator."""


def _clock(raw: str) -> tuple[time, time]:
    start, _, end = str(raw).partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def parse_profile(key: str, data: dict[str, Any], tz: ZoneInfo | None = None) -> Profile:
    """A profile from the TOML file's data; `tz` overrides its timezone. KeyError, ValueError
    or TypeError when the data is not a usable profile."""
    cal = data["calendar"]
    zone = tz or ZoneInfo(data["timezone"])
    hours = {WEEKDAYS.index(day): _clock(span) for day, span in cal["hours"].items()}
    # Years are filled in lazily on first lookup (holidays' expand=True).
    russian = holidays.country_holidays("RU", language="ru") if cal.get("russian", True) else None
    terms_raw = dict(data["terms"])
    answer_raw = terms_raw.pop("answer")
    answer_ends = _answer_ends(terms_raw.pop("answer_ends", AnswerEnd.DRAFT.value))
    reminders = data.get("reminders", {})
    lunch = _clock(cal["lunch"]) if cal.get("lunch") else None
    return Profile(
        key=key,
        name=data.get("name", key),
        calendar=WorkingCalendar(
            tz=zone,
            hours=hours,
            lunch=lunch,
            public_holidays=russian if russian is not None else frozenset(),
            weekend_workdays=russian.weekend_workdays if russian is not None else frozenset(),
            extra_days_off=frozenset(date.fromisoformat(d) for d in cal.get("days_off", [])),
            extra_working_days=frozenset(
                date.fromisoformat(d) for d in cal.get("working_days", [])
            ),
            shorten_pre_holiday=bool(cal.get("shorten_pre_holiday", True)),
        ),
        terms=_terms(terms_raw),
        answer=_answer_terms(answer_raw),
        reminders=_reminders(reminders, _working_day(hours[min(hours)], lunch)),
        reports=_reports(data.get("reports", {}), hours[min(hours)][0]),
        bursts=_bursts(data.get("bursts", {})),
        answer_ends=answer_ends,
    )


def _answer_ends(raw: object) -> AnswerEnd:
    try:
        return AnswerEnd(str(raw))
    except ValueError:
        raise ProfileError(
            f"terms.answer_ends = «{raw}»: нужно draft (срок — до отправки на согласование)"
            " или publication (до публикации ответа)"
        ) from None


def _terms(raw: dict[str, Any]) -> dict[Stage, Term]:
    """The [terms] table; an unknown name or a term not understood is named with its key."""
    terms = {}
    for name, value in raw.items():
        if name not in {s.value for s in Stage} - {Stage.ANSWER.value}:
            known = ", ".join(s.value for s in Stage if s is not Stage.ANSWER)
            raise ProfileError(f"terms.{name}: такого срока нет; есть {known}, answer_ends")
        terms[Stage(name)] = _term(f"terms.{name}", value)
    return terms


def _answer_terms(raw: dict[str, Any]) -> dict[Category, Term]:
    terms = {}
    for name, value in raw.items():
        if name not in {c.value for c in Category}:
            known = ", ".join(c.value for c in Category)
            raise ProfileError(f"terms.answer.{name}: такой категории нет; есть {known}")
        terms[Category(name)] = _term(f"terms.answer.{name}", value)
    return terms


def _term(key: str, raw: object) -> Term:
    try:
        return Term.parse(str(raw))
    except ProfileError as error:
        raise ProfileError(f"{key}: {error}") from None


def _bursts(raw: dict[str, Any]) -> BurstPolicy:
    """The [bursts] table (p. 25): `count` incidents of one block (or, with `addresses`,
    naming one address) within `window`."""
    count = raw.get("count", 5)
    if not isinstance(count, int) or count < 2:
        raise ProfileError(f"bursts.count = «{count}»: нужно целое число не меньше 2")
    try:
        term = Term.parse(str(raw.get("window", "3h")))
    except ProfileError as error:
        raise ProfileError(f"bursts.window: {error}") from None
    window = timedelta(days=term.amount) if term.unit == "d" else term.working
    addresses = raw.get("addresses", True)
    if not isinstance(addresses, bool):
        raise ProfileError(f"bursts.addresses = «{addresses}»: нужно true или false")
    return BurstPolicy(count, window, addresses)


def _reports(raw: dict[str, Any], day_start: time) -> ReportPolicy:
    """The [reports] table: every key optional; a bad value is named."""
    try:
        day, _, at = str(raw.get("weekly", "fri 12:00")).partition(" ")
        weekday = WEEKDAYS.index(day.strip().lower())
        weekly_at = time.fromisoformat(at.strip())
    except ValueError:
        raise ProfileError(
            f'reports.weekly = «{raw.get("weekly")}»: нужен день и время, например "fri 12:00"'
        ) from None
    times = {}
    for name, fallback in (("digest_at", day_start), ("monthly_at", time(9))):
        try:
            times[name] = time.fromisoformat(str(raw[name])) if name in raw else fallback
        except ValueError:
            raise ProfileError(
                f'reports.{name} = «{raw[name]}»: нужно время, например "09:00"'
            ) from None
    targets = {}
    for name, value in dict(raw.get("targets", {})).items():
        if name not in ("fast_track", "routed", "evidence") or not 0 <= float(value) <= 100:
            raise ProfileError(
                f"reports.targets.{name} = «{value}»: ключи fast_track, routed, evidence,"
                " значения — проценты 0…100"
            )
        targets[name] = float(value) / 100
    recipients = tuple(int(r) for r in raw.get("recipients", []))
    return ReportPolicy(
        times["digest_at"], weekday, weekly_at, times["monthly_at"], recipients, targets
    )


def _working_day(hours: tuple[time, time], lunch: tuple[time, time] | None) -> timedelta:
    """The working time of a standard day (the first working weekday's hours, less lunch)."""

    def span(start: time, end: time) -> timedelta:
        day = date(2000, 1, 1)
        return max(timedelta(0), datetime.combine(day, end) - datetime.combine(day, start))

    length = span(*hours)
    if lunch:
        length -= span(max(hours[0], lunch[0]), min(hours[1], lunch[1]))
    return length


def _reminders(raw: dict[str, Any], working_day: timedelta) -> ReminderPolicy:
    every_raw = raw.get("escalation_every", "1h")
    every = Term.parse(every_raw).working
    times = int(raw.get("escalation_times", 3))
    head_after = working_day  # one working day unless the profile says otherwise
    if "head_after" in raw:
        term = Term.parse(raw["head_after"])
        if term.unit == "d":
            raise ProfileError(
                f"head_after = «{raw['head_after']}»: нужно рабочее время, например 9h"
            )
        head_after = term.working
    last_escalation = every * max(times - 1, 0)
    if head_after <= last_escalation:
        raise ProfileError(
            f"head_after = «{raw.get('head_after')}» не дольше эскалаций ({times} раза через"
            f" {every_raw}): Главе сообщают только после последней, срок нужен больше"
        )
    return ReminderPolicy(
        shares=tuple(float(s) for s in raw.get("shares", [0.5])),
        before=tuple(Term.parse(b).working for b in raw.get("before", ["30m"])),
        escalation_every=every,
        escalation_times=times,
        head_after=head_after,
    )
