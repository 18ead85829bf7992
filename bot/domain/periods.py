"""Report periods in local dates (seeds 000, 001): what «неделя», «месяц», «год» cover, how a
typed period is read, and when each scheduled report is due."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkingCalendar

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
_DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
YEARS = (2000, 2100)  # a period outside is a typo
CATCH_UP = timedelta(days=7)  # a scheduled report missed longer ago is not sent late


class Kind(StrEnum):
    DIGEST = "digest"  # the working day's digest (not a period report)
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    DAYS = "days"  # any range of days typed


@dataclass(frozen=True)
class Period:
    kind: Kind
    start: date  # the first day
    end: date  # the day after the last

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's start and end in UTC (converted once, for the queries)."""
        return tuple(  # type: ignore[return-value]
            datetime.combine(d, time(0), tz).astimezone(UTC) for d in (self.start, self.end)
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> Period:
        """The period of the same length just before (the month before, the year before)."""
        if self.kind is Kind.MONTH:
            start = (self.start - timedelta(days=1)).replace(day=1)
            return Period(Kind.MONTH, start, self.start)
        if self.kind is Kind.YEAR:
            return Period(Kind.YEAR, self.start.replace(year=self.start.year - 1), self.start)
        return Period(self.kind, self.start - timedelta(days=self.days), self.start)

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def label(self) -> str:
        if self.kind is Kind.MONTH:
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.kind is Kind.YEAR:
            return f"{self.start.year} год"
        last = self.end - timedelta(days=1)
        if last == self.start:
            return f"{self.start:%d.%m.%Y}"
        return f"{self.start:%d.%m.%Y}–{last:%d.%m.%Y}"


def month_of(d: date) -> Period:
    start = d.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return Period(Kind.MONTH, start, end)


def year_of(d: date) -> Period:
    return Period(Kind.YEAR, date(d.year, 1, 1), date(d.year + 1, 1, 1))


def default(kind: Kind, today: date) -> Period:
    """Without a period typed: the 7 days before today, the previous month or year; the
    register (DAYS): the current month up to today."""
    if kind is Kind.WEEK:
        return Period(Kind.WEEK, today - timedelta(days=7), today)
    if kind is Kind.MONTH:
        return month_of(today.replace(day=1) - timedelta(days=1))
    if kind is Kind.YEAR:
        return year_of(date(today.year - 1, 1, 1))
    return Period(Kind.DAYS, today.replace(day=1), today + timedelta(days=1))


def parse(kind: Kind, raw: str, today: date) -> Period | None:
    """A typed period: «01.03.2026-15.03.2026», «03.2026» or «март 2026», «2026», or one day
    «09.03.2026» (for a week: the week, Monday to Sunday, that holds it). None: not
    understood, or it ends before it starts."""
    text = raw.strip().lower()
    if not text:
        return default(kind, today)
    try:
        period = _parse(kind, text)
    except (ValueError, OverflowError):  # a day or a year that is none
        return None
    if period is None or not YEARS[0] <= period.start.year <= YEARS[1]:
        return None
    return period if period.end.year <= YEARS[1] + 1 else None


def _parse(kind: Kind, text: str) -> Period | None:
    if m := re.fullmatch(_DAY + r"\s*[-–—]\s*" + _DAY, text):
        first, last = _date(*m.groups()[:3]), _date(*m.groups()[3:])
        if first is None or last is None or last < first:
            return None
        return Period(Kind.DAYS, first, last + timedelta(days=1))
    if m := re.fullmatch(_DAY, text):
        day = _date(*m.groups())
        if day is None:
            return None
        if kind is Kind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return Period(Kind.WEEK, monday, monday + timedelta(days=7))
        return Period(Kind.DAYS, day, day + timedelta(days=1))
    if m := re.fullmatch(r"(\d{1,2})\.(\d{4})", text):
        month, year = int(m.group(1)), int(m.group(2))
        return month_of(date(year, month, 1)) if 1 <= month <= 12 else None
    if m := re.fullmatch(r"([а-яё]+)\s+(\d{4})", text):
        name = m.group(1)
        found = [n for n, month in enumerate(MONTHS, 1) if month.startswith(name[:3])]
        return month_of(date(int(m.group(2)), found[0], 1)) if found else None
    if re.fullmatch(r"\d{4}", text):
        return year_of(date(int(text), 1, 1))
    return None


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- when the scheduled reports are due ---------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A scheduled report: its kind, the period it covers, and the moment it is due."""

    kind: Kind
    period: Period
    at: datetime


def _first_working_day(calendar: WorkingCalendar, start: date) -> date:
    day = start
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def weekly_day(calendar: WorkingCalendar, week_of: date, weekday: int) -> date | None:
    """The weekday of that week (Friday: 4), or the last working day before it when it is a
    day off, so that the report is there before the deadline (seed 001: Friday 13:00)."""
    monday = week_of - timedelta(days=week_of.weekday())
    day = monday + timedelta(days=weekday)
    while day >= monday:
        if calendar.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return None


def due_reports(
    calendar: WorkingCalendar,
    tz: ZoneInfo,
    now: datetime,
    *,
    digest_at: time,
    weekly_weekday: int,
    weekly_at: time,
    monthly_at: time,
) -> list[Due]:
    """The scheduled reports whose moment has come by `now` within the last days (a
    restart that missed one still sends it; whether it went already is the caller's).

    - digest: each working day at `digest_at`, of that day;
    - week: on `weekly_weekday` (or the working day before) at `weekly_at`, for the 7 days
      before that day;
    - month: on the first working day of a month at `monthly_at`, for the month before;
    - year: with January's monthly report, for the year before (seed 001: by the 3rd
      working day of January)."""
    today = now.astimezone(tz).date()
    found: list[Due] = []

    def at(day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tz)

    if calendar.is_working_day(today) and at(today, digest_at) <= now:
        this_day = Period(Kind.DAYS, today, today + timedelta(days=1))
        found.append(Due(Kind.DIGEST, this_day, at(today, digest_at)))
    for week_of in (today, today - timedelta(days=7)):
        day = weekly_day(calendar, week_of, weekly_weekday)
        if day is not None and at(day, weekly_at) <= now:
            if now <= at(day, weekly_at) + CATCH_UP:
                # The 7 days before the regular weekday, even when sent a day early: each
                # day is in one weekly report.
                regular = week_of - timedelta(days=week_of.weekday() - weekly_weekday)
                period = Period(Kind.WEEK, regular - timedelta(days=7), regular)
                found.append(Due(Kind.WEEK, period, at(day, weekly_at)))
            break
    first = at(_first_working_day(calendar, today.replace(day=1)), monthly_at)
    # Caught up after a restart within a week; a bot installed mid-month does not send the
    # month before it was there.
    if first <= now <= first + CATCH_UP:
        previous = month_of(today.replace(day=1) - timedelta(days=1))
        found.append(Due(Kind.MONTH, previous, first))
        if today.month == 1:
            found.append(Due(Kind.YEAR, year_of(date(today.year - 1, 1, 1)), first))
    return found
