"""Reminders and escalation with a controlled clock: the right moments, the right people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Cast, FakeClock, Harness, wait_until
from tests.emulator import Emulator, User
from tests.test_decline_and_rework import write_and_submit
from tests.test_happy_path import route_new_incident


def texts(user: User, since: int = 0) -> list[str]:
    return [m.text for m in user.inbox()[since:]]


async def tick_at(harness: Harness, clock: FakeClock, local: str) -> list[str]:
    clock.set_local(local)
    assert harness.app is not None
    notices = await harness.app.reminders.tick()
    await harness.settle()
    return [f"{n.stage}:{n.kind}" for n in notices]


async def test_executor_reminded_then_escalated_to_coordinator_and_supervisor(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await route_new_incident(cast)  # Monday 02.03.2026 10:00, ordinary
    card = cast.housing.find("Инцидент №1")
    assert "⏳ Срок ответа: до 02.03.2026 16:00" in card.text
    assert "⏳ Вернуть «не наше» можно: до 02.03.2026 10:30" in card.text
    marks = {
        u.first_name: len(u.inbox())
        for u in (cast.coordinator, cast.housing, cast.supervisor, cast.head, cast.water)
    }

    # The decline window (p. 11) closes without a reminder or an escalation: nothing in the
    # regulation obliges pressing «Принять».
    assert await tick_at(harness, clock, "2026-03-02T10:15") == []
    assert await tick_at(harness, clock, "2026-03-02T10:31") == []
    assert len(cast.housing.inbox()) == marks["Анна"]
    assert len(cast.coordinator.inbox()) == marks["Ольга"]
    assert len(cast.supervisor.inbox()) == marks["Кирилл"]

    assert await tick_at(harness, clock, "2026-03-02T13:00") == ["answer:remind"]
    reminder = cast.housing.last().text
    assert reminder.startswith("⏰ Инцидент №1")
    assert "осталось 3 ч" in reminder
    assert len(cast.coordinator.inbox()) == marks["Ольга"]  # not the coordinator's move

    # The answer term (p. 12) is the executor's: overdue, it escalates (p. 24).
    assert await tick_at(harness, clock, "2026-03-02T16:01") == ["answer:due"]
    assert "⌛ Инцидент №1" in cast.housing.last().text
    for watcher in (cast.coordinator, cast.supervisor):
        alarm = watcher.last().text
        assert alarm.startswith("🚨 Просрочка по инциденту №1")
        assert "МКУ «УРЖКК»: к 02.03.2026 16:00 не прислан ответ" in alarm
        assert "просрочено на 1 мин" in alarm
        assert "Уведомление 1 из 3" in alarm
    # Nobody else: not the Head, not another organisation.
    assert len(cast.head.inbox()) == marks["Галина"]
    assert len(cast.water.inbox()) == marks["Семён"]

    # Repeated while overdue; accepting does not end the answer term.
    await cast.housing.click("Принять", card)
    assert "Вернуть «не наше»" not in card.text
    assert await tick_at(harness, clock, "2026-03-03T12:00") == ["answer:escalate"]
    assert cast.supervisor.last().text.startswith("🚨")


async def test_terms_stop_with_their_stage_and_coordinator_is_reminded(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await route_new_incident(cast)
    await cast.housing.click("Принять")
    clock.set_local("2026-03-02T11:00")
    await write_and_submit(cast.housing, "Ответ готов.")
    # The answer term ended with the submission; approval runs: 30 min from 11:00.
    assert await tick_at(harness, clock, "2026-03-02T13:00") == ["approve:due"]
    assert "срок «согласовать черновик» истёк 02.03.2026 11:30" in cast.coordinator.last().text
    supervisor_seen = len(cast.supervisor.inbox())
    assert await tick_at(harness, clock, "2026-03-02T16:30") == []  # no escalation of MCU
    assert len(cast.supervisor.inbox()) == supervisor_seen

    await cast.coordinator.click("Согласовать")
    assert await tick_at(harness, clock, "2026-03-02T16:45") == ["publish:remind"]
    await cast.coordinator.click("Опубликовано")
    assert await tick_at(harness, clock, "2026-03-03T12:00") == []
    assert harness.app is not None
    assert await harness.app.queries.next_timer() is None


async def test_escalation_skips_organisations_without_supervisor(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await route_new_incident(
        cast, text="Нет отопления в школе", org="образованием", block="Образование"
    )
    seen = len(cast.supervisor.inbox())
    assert await tick_at(harness, clock, "2026-03-02T16:01") == ["answer:due"]
    assert cast.coordinator.last().text.startswith("🚨")
    assert len(cast.supervisor.inbox()) == seen  # Kuznetsov does not supervise schools


async def test_high_importance_and_significant_go_to_the_head(cast: Cast) -> None:
    await cast.coordinator.send(
        "Обрушение кровли в доме на ул. Мира", forward_from_channel="Мой город"
    )
    await cast.coordinator.click("Повышенной")
    note, copy = cast.head.inbox()[-2:]
    assert "Глава, для вашего сведения: инцидент №1" in note.text
    assert "повышенной важности" in note.text
    assert "Обрушение кровли" in copy.text
    assert copy.buttons == []
    await cast.coordinator.click("ЖКХ")
    await cast.coordinator.click("УРЖКК")
    assert "направлен исполнителю" in copy.text  # the Head's copy follows the incident

    await cast.coordinator.send("Массовые жалобы на запах", forward_from_channel="Мой город")
    before = len(cast.head.inbox())
    await cast.coordinator.click("Обычное")
    assert len(cast.head.inbox()) == before  # an ordinary one does not reach the Head
    second = cast.coordinator.find("Инцидент №2")
    await cast.coordinator.press(second, "i1:sig:2")
    assert "отмечен координатором как социально значимый" in cast.head.inbox()[-2].text

    # One notice per incident: the first one's Head copy shows «❗», and nothing more comes.
    before = len(cast.head.inbox())
    first = cast.coordinator.find("Инцидент №1")
    await cast.coordinator.click("Социально значимое", first)
    assert len(cast.head.inbox()) == before
    assert copy.text.startswith("❗ Инцидент №1")


async def test_missed_reminders_fire_once_after_restart(
    cast: Cast, harness: Harness, clock: FakeClock, emu: Emulator
) -> None:
    await route_new_incident(cast)
    await harness.stop()
    # Down from 10:00 to 16:15: the 13:00 and 15:30 reminders and the 16:00 deadline of the
    # answer were missed.
    clock.set_local("2026-03-02T16:15")
    harness.schedule = True
    seen = len(cast.housing.inbox())
    await harness.start()
    await wait_until(
        lambda: (
            len(cast.supervisor.inbox()) > 1
            and any(m.text.startswith("🚨") for m in cast.supervisor.inbox())
        )
    )
    await harness.settle()  # the other chats' messages, sent alongside
    missed = texts(cast.housing, seen)
    assert len([t for t in missed if "истёк" in t]) == 1
    assert not [t for t in missed if t.startswith("⏰")]  # folded into the deadline notice
    # A second restart sends nothing again.
    await harness.restart()
    await wait_until(
        lambda: harness.app is not None and harness.app.reminders.next_run() is not None
    )
    assert harness.app is not None
    next_run = harness.app.reminders.next_run()
    assert next_run is not None
    assert texts(cast.housing, seen) == missed
    # The scheduler is aimed at the next escalation: 17:00 by the test's clock.
    wait = next_run - datetime.now(UTC)
    assert timedelta(minutes=40) < wait <= timedelta(minutes=45)
