"""/status, the coordinator's view of delivery: each figure on its own line."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.texts import Texts
from storage.outbox import OutboxStats
from tests.conftest import COORDINATOR_ID, START, TIMEZONE, Harness
from tests.emulator import Emulator, User


async def test_status_shows_each_figure_on_its_own_line(harness: Harness, emu: Emulator) -> None:
    coordinator = User(emu, COORDINATOR_ID, "Ольга")
    await coordinator.send("/status")
    lines = coordinator.last().text.splitlines()
    assert lines[0] == "Доставка сообщений"
    assert re.fullmatch(r"В очереди: \d+", lines[1]), lines
    assert lines[2:] == ["Не доставлено (ошибки): 0", "Недоступных чатов: 0"]


def test_status_with_a_waiting_message_and_failed_updates_keeps_its_lines() -> None:
    # The other branches of the same text, which a live bot shows only under faults.
    texts = Texts(ZoneInfo(TIMEZONE))
    figures = OutboxStats(
        pending=3, failed=1, oldest_pending=START, unreachable=2, failed_updates=4
    )
    text = texts.message("status", figures=figures, waiting=timedelta(minutes=5))
    assert text.splitlines() == [
        "<b>Доставка сообщений</b>",
        "В очереди: 3; самое старое ждёт с 02.03.2026 10:00 (5 мин)",
        "Не доставлено (ошибки): 1",
        "Недоступных чатов: 2",
        "Обновлений, которые не удалось обработать (сохранены в базе, таблица failed_updates): 4",
    ]
