"""/status, the coordinator's view of delivery: each figure on its own line."""

from __future__ import annotations

import re

from tests.conftest import COORDINATOR_ID, Harness
from tests.emulator import Emulator, User


async def test_status_shows_each_figure_on_its_own_line(harness: Harness, emu: Emulator) -> None:
    coordinator = User(emu, COORDINATOR_ID, "Ольга")
    await coordinator.send("/status")
    lines = coordinator.last().text.splitlines()
    assert lines[0] == "Доставка сообщений"
    assert re.fullmatch(r"В очереди: \d+", lines[1]), lines
    assert lines[2:] == ["Не доставлено (ошибки): 0", "Недоступных чатов: 0"]
