"""«Срочно» (seed 000, 3.10: urgent requests «в любой день и час»; issue 18, item 5): the
terms run in calendar time, reminders and escalation come at night, on the weekend and on
the 8 March holiday, and the executor's supervisor is told at once."""

from __future__ import annotations

from tests.conftest import Cast, FakeClock, Harness
from tests.emulator import User
from tests.test_happy_path import route_new_incident
from tests.test_reminders import tick_at


def counts(*users: User) -> list[int]:
    return [len(u.inbox()) for u in users]


async def test_an_urgent_incident_runs_round_the_clock_and_its_supervisor_hears_at_once(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, housing, supervisor = cast.coordinator, cast.housing, cast.supervisor
    clock.set_local("2026-03-06T15:00")  # Friday before the holiday (7–9 March off)
    await route_new_incident(cast, text="Нет отопления в доме")
    clock.set_local("2026-03-06T15:01")
    await route_new_incident(cast, text="Обычная жалоба на мусор", org="водоканал")
    card = coordinator.find("Инцидент №1 ·")
    unrelated = (cast.head, cast.education_supervisor, cast.school)
    quiet = counts(*unrelated)
    told_water = counts(cast.water)

    forged = await housing.press(housing.find("Инцидент №1 ·"), "i1:urg:1")
    assert "координатор" in forged["text"]
    answer = await coordinator.click("Срочно", card)
    assert answer["text"] == "Отмечено «срочно»: сроки — по календарному времени"
    assert card.text.startswith("🔥 Инцидент №1")
    assert "⏳ Срок ответа: до 06.03.2026 21:00" in card.text  # 6 hours, not working ones
    assert "🔥 Срочно" not in card.buttons
    alarm = supervisor.last()
    assert alarm.text.startswith("🔥 Срочный инцидент №1 у организации, которую вы курируете")
    assert "🔥 Инцидент №1 — срочный" in housing.last().text
    assert counts(*unrelated) == quiet
    again = await coordinator.press(card, "i1:urg:1")
    assert again["text"] == "Инцидент уже срочный."

    # Friday evening, the night, Saturday morning: reminders, the due moment, escalations
    # every hour and the Head, all outside working hours.
    assert await tick_at(harness, clock, "2026-03-06T18:00") == ["answer:remind"]
    assert "осталось 3 ч" in housing.last().text
    assert await tick_at(harness, clock, "2026-03-06T21:00") == ["answer:due"]
    assert "к 06.03.2026 21:00 не прислан ответ" in supervisor.last().text
    assert await tick_at(harness, clock, "2026-03-06T22:00") == ["answer:escalate"]
    assert await tick_at(harness, clock, "2026-03-06T23:00") == ["answer:escalate"]
    assert await tick_at(harness, clock, "2026-03-07T06:00") == ["answer:head"]
    assert "долгая просрочка по инциденту №1" in cast.head.last().text
    assert "просрочено на 9 ч.\n" in cast.head.last().text  # calendar hours
    # The other incident of that afternoon waits for Tuesday, in working time.
    assert await tick_at(harness, clock, "2026-03-09T12:00") == []
    assert counts(cast.water) == told_water
    assert counts(cast.education_supervisor, cast.school) == quiet[1:]


async def test_marked_urgent_before_routing_the_supervisor_hears_when_it_is_routed(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator = cast.coordinator
    clock.set_local("2026-03-07T11:00")  # Saturday
    await coordinator.send("Ребёнок не может попасть в школу", forward_from_channel="Подслушано")
    card = coordinator.last()
    await coordinator.click("Повышенной важности", card)
    await coordinator.click("Срочно", card)
    assert "⏳ Направить исполнителю: до 07.03.2026 11:30" in card.text
    quiet = counts(cast.supervisor, cast.head)
    await coordinator.click("Образование", card)
    await coordinator.click("Управление образованием", card)
    assert cast.education_supervisor.last().text.startswith("🔥 Срочный инцидент №1")
    assert "⏳ Срок ответа: до 07.03.2026 14:00" in cast.school.find("Инцидент №1 ·").text
    assert counts(cast.supervisor) == quiet[:1]  # not the other deputy head
