"""Cards sent outside working time arrive without a sound, unless the incident is of high
importance or a term is overdue (issue 15, item 17)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import WorkingCalendar
from bot.domain.deadlines import StepKind
from bot.domain.model import Category
from bot.domain.outcomes import Routed, TermNotice
from bot.domain.profile import Stage
from bot.domain.quiet import arrives_silently
from tests.conftest import TIMEZONE, Cast, FakeClock, Harness
from tests.emulator import Emulator, Msg, User
from tests.test_decline_and_rework import write_and_submit
from tests.test_happy_path import POST, route_new_incident

TZ = ZoneInfo(TIMEZONE)
CALENDAR = WorkingCalendar(TZ, {d: (time(8), time(17)) for d in range(5)})
ROUTED = Routed(1, 1, "МКУ «УРЖКК»", True)


def new(user: User, seen: int) -> list[Msg]:
    return user.inbox()[seen:]


@pytest.mark.parametrize(
    ("local", "category", "silent"),
    [
        ("2026-03-02T20:00", Category.ORDINARY, True),  # Monday evening
        ("2026-03-07T11:00", Category.FAST_TRACK, True),  # Saturday
        ("2026-03-02T07:59", Category.ORDINARY, True),
        ("2026-03-02T08:00", Category.ORDINARY, False),
        ("2026-03-02T17:00", Category.ORDINARY, False),  # the end of the day still counts
        ("2026-03-02T20:00", Category.HIGH, False),
        ("2026-03-02T20:00", None, True),  # not categorised yet
    ],
)
def test_the_rule(local: str, category: Category | None, silent: bool) -> None:
    now = datetime.fromisoformat(local).replace(tzinfo=TZ)
    assert arrives_silently(ROUTED, category, now, CALENDAR) is silent


def test_overdue_terms_are_loud_at_night() -> None:
    night = datetime(2026, 3, 2, 23, 0, tzinfo=TZ)
    overdue = TermNotice(
        1,
        Stage.ANSWER,
        StepKind.ESCALATE,
        1,
        "МКУ «УРЖКК»",
        night,
        timedelta(0),
        timedelta(0),
        2,
        3,
    )
    assert not arrives_silently(overdue, Category.ORDINARY, night, CALENDAR)


async def test_a_card_routed_in_the_evening_arrives_silently(
    cast: Cast, clock: FakeClock, emu: Emulator
) -> None:
    clock.set_local("2026-03-02T20:00")
    seen = len(cast.housing.inbox())
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    assert card.silent
    assert "Срок ответа: до 03.03.2026 14:00" in card.text  # the term starts in the morning
    assert all(m.silent for m in new(cast.housing, seen))

    # The executor's draft at night reaches the coordinator silently too.
    await cast.housing.click("Принять", card)
    seen = len(cast.coordinator.inbox())
    await write_and_submit(cast.housing, "Яму засыпали.")
    approval = cast.coordinator.find("На согласование: инцидент №1")
    assert approval.silent
    assert all(m.silent for m in new(cast.coordinator, seen))
    assert not emu.failed_requests()


async def test_a_card_routed_in_working_time_rings(cast: Cast) -> None:
    await route_new_incident(cast)  # Monday 10:00
    assert not cast.housing.find("Инцидент №1").silent


async def test_high_importance_rings_at_night(cast: Cast, clock: FakeClock) -> None:
    clock.set_local("2026-03-02T23:30")
    head_seen = len(cast.head.inbox())
    await route_new_incident(cast, text=POST, category="Повышенной")
    assert not cast.housing.find("Инцидент №1").silent
    told = new(cast.head, head_seen)
    assert any("повышенной важности" in m.text for m in told)
    assert not any(m.silent for m in told)


async def test_an_escalation_rings_at_night(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    clock.set_local("2026-03-02T16:50")
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    assert card.silent is False
    # Nobody accepts; the decline term (30 min) ran out the next morning, seen at night.
    clock.set_local("2026-03-03T22:00")
    assert harness.app is not None
    seen = len(cast.supervisor.inbox())
    assert await harness.app.reminders.tick()
    await harness.settle()
    alarms = [m for m in new(cast.supervisor, seen) if "Просрочка" in m.text]
    assert alarms
    assert not any(m.silent for m in alarms)
