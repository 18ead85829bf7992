"""Report periods and when the scheduled reports are due (pure rules)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.periods import Kind, Period, default, due_reports, parse
from bot.profiles import load_profile

TZ = ZoneInfo("Asia/Yekaterinburg")
CALENDAR = load_profile("krasnoufimsk").calendar


def due_at(local: str) -> list[tuple[str, str]]:
    now = datetime.fromisoformat(local).replace(tzinfo=TZ)
    found = due_reports(
        CALENDAR,
        TZ,
        now,
        digest_at=time(8),
        weekly_weekday=4,
        weekly_at=time(12),
        monthly_at=time(9),
    )
    return [(d.kind.value, d.period.label) for d in found]


def test_typed_periods_and_defaults() -> None:
    today = date(2026, 3, 11)
    assert parse(Kind.MONTH, "03.2026", today) == Period(
        Kind.MONTH, date(2026, 3, 1), date(2026, 4, 1)
    )
    assert parse(Kind.MONTH, "Март 2026", today) == parse(Kind.MONTH, "03.2026", today)
    assert parse(Kind.YEAR, "2025", today) == Period(Kind.YEAR, date(2025, 1, 1), date(2026, 1, 1))
    week = parse(Kind.WEEK, "11.03.2026", today)  # a Wednesday: its week, Monday to Sunday
    assert week == Period(Kind.WEEK, date(2026, 3, 9), date(2026, 3, 16))
    days = parse(Kind.DAYS, "01.03.2026 - 15.03.2026", today)
    assert days is not None
    assert days.label == "01.03.2026–15.03.2026"
    assert days.days == 15
    bad_ones = ("15.03.2026-01.03.2026", "31.02.2026", "13.2026", "вчера", "абв 2026")
    out_of_range = ("0000", "9999", "12.9999", "31.12.9999", "01.01.1900-01.01.2026")
    for bad in (*bad_ones, *out_of_range):
        assert parse(Kind.MONTH, bad, today) is None, bad
    assert default(Kind.WEEK, today).label == "04.03.2026–10.03.2026"
    assert default(Kind.MONTH, today).label == "февраль 2026"
    assert default(Kind.YEAR, today).label == "2025 год"
    assert default(Kind.DAYS, today).label == "01.03.2026–11.03.2026"


def test_the_period_before_has_the_same_length() -> None:
    march = parse(Kind.MONTH, "03.2026", date(2026, 3, 1))
    assert march is not None
    assert march.previous().label == "февраль 2026"
    week = Period(Kind.WEEK, date(2026, 3, 9), date(2026, 3, 16))
    assert week.previous() == Period(Kind.WEEK, date(2026, 3, 2), date(2026, 3, 9))
    start, end = march.bounds(TZ)
    assert start.isoformat() == "2026-02-28T19:00:00+00:00"  # local midnight, in UTC
    assert end.isoformat() == "2026-03-31T19:00:00+00:00"


def test_scheduled_moments() -> None:
    # Friday 13.03.2026: the digest at 8:00, the weekly report at 12:00 for 06–12 March.
    assert due_at("2026-03-13T07:59") == [("week", "27.02.2026–05.03.2026")]  # last week's
    assert due_at("2026-03-13T12:00") == [
        ("digest", "13.03.2026"),
        ("week", "06.03.2026–12.03.2026"),
    ]
    # Monday 9 March 2026 is a day off: no digest; Friday 6 March had the weekly report.
    assert ("digest", "09.03.2026") not in due_at("2026-03-09T12:00")
    # Monthly on the first working day at 9:00; in January with the yearly one. January 2027
    # starts working on Monday the 11th.
    assert ("month", "февраль 2026") in due_at("2026-03-02T09:00")
    assert ("month", "февраль 2026") not in due_at("2026-03-02T08:59")
    january = due_at("2027-01-11T09:30")
    assert ("month", "декабрь 2026") in january
    assert ("year", "2026 год") in january
    assert ("month", "декабрь 2026") not in due_at("2027-01-08T12:00")  # still the holidays
    # Missed for longer than a week (a bot installed mid-month): not sent late.
    assert ("month", "февраль 2026") not in due_at("2026-03-20T12:00")


def test_a_friday_off_moves_the_weekly_report_to_the_day_before() -> None:
    # Friday 1 May 2026 is a holiday: the weekly report goes on Thursday 30 April, for the
    # week to that Friday, so that every day is in one weekly report.
    assert ("week", "24.04.2026–30.04.2026") in due_at("2026-04-30T12:00")
    assert ("week", "17.04.2026–23.04.2026") in due_at("2026-04-24T12:00")
    assert ("week", "01.05.2026–07.05.2026") in due_at("2026-05-08T12:00")
