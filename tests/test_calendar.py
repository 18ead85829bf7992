"""The deadline engine, against the regulation worked out by hand, and its properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.calendar import WorkingCalendar
from bot.domain.model import Category
from bot.domain.profile import ProfileError, Stage, Term
from bot.profiles import PROFILES, load_profile

KRASNOUFIMSK = load_profile("krasnoufimsk")
CAL = KRASNOUFIMSK.calendar
TZ = CAL.tz


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("start", "term", "expected"),
    [
        # inside one day
        ("2026-03-03T09:00", "6h", "2026-03-03T15:00"),
        # crossing the end of a day: 2 h today, 4 h tomorrow
        ("2026-03-03T15:00", "6h", "2026-03-04T12:00"),
        # crossing a weekend: Friday 16:00 + 3 h -> Monday 10:00
        ("2026-03-13T16:00", "3h", "2026-03-16T10:00"),
        # started outside working hours: at 19:00 the clock starts next morning
        ("2026-03-03T19:00", "30m", "2026-03-04T08:30"),
        ("2026-03-04T05:00", "30m", "2026-03-04T08:30"),
        # on a Saturday: starts Monday
        ("2026-03-14T11:00", "6h", "2026-03-16T14:00"),
        # New Year holidays: 30.12.2025 is shortened (to 16:00), then 31.12–11.01 are off
        ("2025-12-30T16:00", "6h", "2026-01-12T14:00"),
        ("2025-12-30T15:00", "3h", "2026-01-12T10:00"),
        # a working Saturday (01.11.2025), shortened before the 4 November holiday
        ("2025-10-31T15:00", "3h", "2025-11-01T09:00"),
        ("2025-11-01T14:00", "2h", "2025-11-01T16:00"),
        ("2025-11-01T14:00", "3h", "2025-11-05T09:00"),
        # exactly a working day fills it to its end
        ("2026-03-03T08:00", "9h", "2026-03-03T17:00"),
    ],
)
def test_working_time_terms(start: str, term: str, expected: str) -> None:
    assert Term.parse(term).due(CAL, at(start)) == at(expected)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 8 calendar days that end on a working day: the same moment
        ("2026-03-02T10:00", 8, "2026-03-10T10:00"),
        # ending on a Sunday -> the next working day, to its end
        ("2026-03-07T10:00", 8, "2026-03-16T17:00"),
        # ending on 07.01 (holiday) -> 12.01.2026, the first working day
        ("2025-12-30T16:00", 8, "2026-01-12T17:00"),
        # ending on 09.03.2026, the observed day off for 8 March
        ("2026-03-01T12:00", 8, "2026-03-10T17:00"),
    ],
)
def test_calendar_day_terms(start: str, days: int, expected: str) -> None:
    assert CAL.add_days(at(start), days) == at(expected)


def test_calendar_facts() -> None:
    assert not CAL.is_working_day(date(2026, 1, 9))  # transferred day off
    assert CAL.is_working_day(date(2025, 11, 1))  # working Saturday
    assert CAL.is_shortened(date(2025, 12, 30))
    assert not CAL.is_shortened(date(2026, 3, 13))  # an ordinary Friday
    assert CAL.working_hours(date(2025, 12, 30)) == timedelta(hours=8)
    assert CAL.working_hours(date(2026, 3, 3)) == timedelta(hours=9)


def test_profiles_and_local_overrides(tmp_path) -> None:
    mezh = load_profile("mezhdurechensk")
    detected = datetime(2026, 3, 3, 9, 0, tzinfo=mezh.calendar.tz)
    due = mezh.all_due(Category.HIGH, detected)
    assert due["answer"] == detected + timedelta(hours=4)
    assert due["first_reply"] == detected + timedelta(hours=1)
    assert mezh.all_due(Category.ORDINARY, detected)["answer"] == datetime(
        2026, 3, 3, 17, 0, tzinfo=mezh.calendar.tz
    )
    assert "first_reply" not in KRASNOUFIMSK.all_due(Category.ORDINARY, detected)

    text = (
        KRASNOUFIMSK_PATH.read_text("utf-8")
        .replace("days_off = []", 'days_off = ["2026-03-04"]')
        .replace('lunch = "12:00-13:00"', "XX")
        .replace("# XX", 'lunch = "12:00-13:00"')
    )
    local = tmp_path / "local.toml"
    local.write_text(text, encoding="utf-8")
    profile = load_profile(str(local))
    # 03.03 10:00 + 6 h with lunch: 2 h before lunch, 4 h after -> 17:00; 04.03 is off.
    assert profile.due(Stage.ANSWER, at("2026-03-03T10:00"), Category.ORDINARY) == at(
        "2026-03-03T17:00"
    )
    # 03.03 15:00: 2 h left that day, 04.03 is off, 4 h on 05.03 end right at lunch.
    assert profile.due(Stage.ANSWER, at("2026-03-03T15:00"), Category.ORDINARY) == at(
        "2026-03-05T12:00"
    )
    # One minute more continues after lunch.
    assert Term.parse("361m").due(profile.calendar, at("2026-03-03T15:00")) == at(
        "2026-03-05T13:01"
    )


KRASNOUFIMSK_PATH = PROFILES / "krasnoufimsk.toml"


def test_bad_profiles_are_explained(tmp_path) -> None:
    with pytest.raises(ProfileError, match="не найден; есть: krasnoufimsk, mezhdurechensk"):
        load_profile("atlantis")
    broken = tmp_path / "broken.toml"
    broken.write_text(KRASNOUFIMSK_PATH.read_text("utf-8").replace('"30m"', '"полчаса"', 1))
    with pytest.raises(ProfileError, match="срок «полчаса» не понят"):
        load_profile(str(broken))
    with pytest.raises(ValueError, match="at least one working weekday"):
        WorkingCalendar(tz=TZ, hours={})


# --- properties ------------------------------------------------------------------------

# Naive bounds are what hypothesis asks for; the zone is attached right after.
moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
).map(lambda d: d.replace(tzinfo=TZ))
durations = st.integers(min_value=0, max_value=60 * 24 * 10).map(lambda m: timedelta(minutes=m))
SIMPLE = WorkingCalendar(
    tz=ZoneInfo("Europe/Moscow"),
    hours={d: (time(8), time(17)) for d in range(5)},
    lunch=(time(12), time(13)),
    public_holidays=CAL.public_holidays,
    weekend_workdays=CAL.weekend_workdays,
)


@settings(max_examples=300, deadline=None)
@given(moments, durations.filter(lambda d: d > timedelta(0)))
def test_results_fall_inside_working_time(start: datetime, duration: timedelta) -> None:
    for cal in (CAL, SIMPLE):
        assert cal.is_working_time(cal.add(start, duration))


@settings(max_examples=300, deadline=None)
@given(moments, durations, durations)
# Lands exactly at the start of lunch (the end of a working interval): adding nothing more
# must not move it past lunch.
@example(datetime(2025, 1, 1, tzinfo=TZ), timedelta(hours=60), timedelta(0))
def test_adding_a_then_b_equals_adding_a_plus_b(
    start: datetime, a: timedelta, b: timedelta
) -> None:
    for cal in (CAL, SIMPLE):
        assert cal.add(cal.add(start, a), b) == cal.add(start, a + b)


@settings(max_examples=300, deadline=None)
@given(moments, durations, durations)
def test_more_time_never_gives_an_earlier_due(start: datetime, a: timedelta, b: timedelta) -> None:
    shorter, longer = sorted((a, b))
    assert CAL.add(start, shorter) <= CAL.add(start, longer)


@settings(max_examples=200, deadline=None)
@given(moments, durations)
def test_between_measures_what_add_added(start: datetime, duration: timedelta) -> None:
    begin = CAL.add(start, timedelta(0))
    assert CAL.between(begin, CAL.add(begin, duration)) == duration
