"""Working time (regulation point 9): terms in minutes and hours run only inside working
hours; what is left at the end of a day continues at the start of the next working day.

Positions inside a day are kept as integer microseconds of local wall-clock time, so that
adding a and then b is exactly adding a + b.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

US_PER_MINUTE = 60_000_000
DAY = timedelta(days=1)
MAX_SEARCH_DAYS = 3660  # a calendar with no working day at all must fail, not hang

Interval = tuple[int, int]  # [start, end) in microseconds since local midnight


def _us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _at(d: date, us: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(), tzinfo=tz) + timedelta(microseconds=us)


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    # weekday (0 = Monday) -> (start, end) of the working day
    hours: Mapping[int, tuple[time, time]]
    lunch: tuple[time, time] | None = None
    # Dates of public holidays and transferred days off (a `holidays` object or a set).
    public_holidays: Container[date] = field(default_factory=frozenset)
    # Saturdays and Sundays that are working days by a transfer.
    weekend_workdays: Container[date] = field(default_factory=frozenset)
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    shorten_pre_holiday: bool = True  # Labour Code art. 95: one hour less

    def __post_init__(self) -> None:
        if not self.hours:
            raise ValueError("a working calendar needs at least one working weekday")
        for start, end in self.hours.values():
            if not start < end:
                raise ValueError("a working day must end after it starts")

    @cached_property
    def _cache(self) -> dict[date, tuple[Interval, ...]]:
        return {}

    @cached_property
    def _standard_hours(self) -> tuple[time, time]:
        # A working Saturday keeps the hours of the first working weekday.
        return self.hours[min(self.hours)]

    # --- days ----------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_days_off:
            return False
        if d in self.extra_working_days:
            return True
        if d in self.public_holidays:
            return False
        return d.weekday() in self.hours or d in self.weekend_workdays

    def is_shortened(self, d: date) -> bool:
        """The last working day before days off that include a public holiday."""
        if not (self.shorten_pre_holiday and self.is_working_day(d)):
            return False
        following = d + DAY
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(following):
                return False
            if following in self.public_holidays and following not in self.extra_days_off:
                return True
            following += DAY
        return False

    def intervals(self, d: date) -> tuple[Interval, ...]:
        """Working intervals of a local date, lunch taken out, pre-holiday hour cut."""
        cached = self._cache.get(d)
        if cached is not None:
            return cached
        result: tuple[Interval, ...] = ()
        if self.is_working_day(d):
            start, end = self.hours.get(d.weekday(), self._standard_hours)
            a, b = _us(start), _us(end)
            if self.is_shortened(d):
                b = max(a, b - 60 * US_PER_MINUTE)
            parts: list[Interval] = [(a, b)]
            if self.lunch:
                la, lb = _us(self.lunch[0]), _us(self.lunch[1])
                parts = [(a, min(b, la)), (max(a, lb), b)]
            result = tuple((x, y) for x, y in parts if x < y)
        self._cache[d] = result
        return result

    def working_hours(self, d: date) -> timedelta:
        return timedelta(microseconds=sum(b - a for a, b in self.intervals(d)))

    # --- moments -------------------------------------------------------------------------

    def _local(self, moment: datetime) -> tuple[date, int]:
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        local = moment.astimezone(self.tz)
        return local.date(), _us(local.time())

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """`start` plus `duration` of working time. A clock started outside working time
        starts at the next working moment; add(start, 0) is that moment."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        d, pos = self._local(start)
        remaining = duration // timedelta(microseconds=1)
        for _ in range(MAX_SEARCH_DAYS):
            for a, b in self.intervals(d):
                # The end of an interval is working time too (see is_working_time): a term
                # that ended there, plus nothing, stays there.
                if pos <= b:
                    begin = max(pos, a)
                    if remaining <= b - begin:
                        return _at(d, begin + remaining, self.tz)
                    remaining -= b - begin
                    pos = b
            d += DAY
            pos = 0
        raise ValueError("no working time within ten years: check the calendar")

    def add_days(self, start: datetime, days: int) -> datetime:
        """A term in calendar days. If it ends on a non-working day, it ends with the next
        working day instead (at the end of its working hours)."""
        end = start.astimezone(self.tz) + timedelta(days=days)
        d = end.date()
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(d) and self.intervals(d):
                if d == end.date():
                    return end
                return _at(d, self.intervals(d)[-1][1], self.tz)
            d += DAY
        raise ValueError("no working day within ten years: check the calendar")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero if `end` is not later)."""
        if end <= start:
            return timedelta(0)
        d, pos = self._local(start)
        last_day, last_pos = self._local(end)
        total = 0
        while d <= last_day:
            for a, b in self.intervals(d):
                lo = max(a, pos)
                hi = min(b, last_pos) if d == last_day else b
                if hi > lo:
                    total += hi - lo
            d += DAY
            pos = 0
        return timedelta(microseconds=total)

    def is_working_time(self, moment: datetime) -> bool:
        """Inside a working interval; the end of an interval counts (a term may end there)."""
        d, pos = self._local(moment)
        return any(a <= pos <= b for a, b in self.intervals(d))


_GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
_NOMINATIVE = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
# «марта», «март», «мар» (and «сент»): a month as people write it after a day.
_MONTHS = {
    word: number
    for number, (genitive, nominative) in enumerate(
        zip(_GENITIVE.split(), _NOMINATIVE.split(), strict=True), start=1
    )
    for word in (genitive, nominative, genitive[:3], genitive[:4])
}
_RELATIVE = {"сегодня": 0, "вчера": 1, "позавчера": 2}
_CLOCK = r"(?:в\s*)?(?P<h>\d{1,2}):(?P<m>\d{2})"
_NUMERIC = re.compile(r"(?P<d>\d{1,2})\.(?P<mo>\d{1,2})(?:\.(?P<y>\d{4}))?,?\s+" + _CLOCK)
_WORDS = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<mo>[а-яё]+)\.?(?:\s+(?P<y>\d{4})(?:\s*г\.?)?)?,?\s+" + _CLOCK
)
_DAY_WORD = re.compile(r"(?:(?P<rel>[а-яё]+),?\s+)?" + _CLOCK)


def _nearest_year(day: int, month: int, today: date) -> date | None:
    """A date written without its year: this year's or last year's, whichever is nearer to
    today (on 5 January «28 декабря» is eight days ago, not in eleven months)."""
    candidates = []
    for year in (today.year, today.year - 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - today), default=None)


def parse_local_time(raw: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """Wall-clock time in the municipality's zone, as a person writes it: «05.03.2026 14:30»,
    «05.03 14:30», «6 марта 11:00», «вчера 15:30», «11:00» (today). None if malformed."""
    text = " ".join(raw.strip().lower().split())
    today = now.astimezone(tz).date()
    day: date | None
    if match := _NUMERIC.fullmatch(text) or _WORDS.fullmatch(text):
        month = int(match["mo"]) if match["mo"].isdigit() else _MONTHS.get(match["mo"])
        if month is None:
            return None
        try:
            day = (
                date(int(match["y"]), month, int(match["d"]))
                if match["y"]
                else _nearest_year(int(match["d"]), month, today)
            )
        except ValueError:
            return None
    elif match := _DAY_WORD.fullmatch(text):
        back = _RELATIVE.get(match["rel"] or "сегодня")
        if back is None:
            return None
        day = today - timedelta(days=back)
    else:
        return None
    hour, minute = int(match["h"]), int(match["m"])
    if day is None or hour > 23 or minute > 59:
        return None
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


@dataclass(frozen=True)
class RoundTheClock:
    """Calendar time, for urgent requests (seed 000, 3.10: «в любой день и час»): every hour
    counts, nights, weekends and holidays too. Same questions as a WorkingCalendar."""

    tz: ZoneInfo

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start.astimezone(self.tz) + duration

    def add_days(self, start: datetime, days: int) -> datetime:
        return start.astimezone(self.tz) + timedelta(days=days)

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, timedelta(0))

    def is_working_time(self, moment: datetime) -> bool:
        return True


Calendar = WorkingCalendar | RoundTheClock
