"""`python -m bot` itself, as an administrator starts it, against the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import COORDINATOR_ID, TOKEN, wait_until
from tests.emulator import Emulator, User


def bot_env(emu: Emulator, tmp_path: Path, token: str = TOKEN) -> dict[str, str]:
    return {
        **os.environ,
        "BOT_TOKEN": token,
        "BOT_API_URL": emu.url,
        "TIMEZONE": "Asia/Yekaterinburg",
        "COORDINATOR_IDS": str(COORDINATOR_ID),
        "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
        "LOG_LEVEL": "DEBUG",
    }


async def test_python_m_bot_serves_and_stops_on_sigterm(emu: Emulator, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=bot_env(emu, tmp_path),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_until(lambda: any(r.method == "getUpdates" for r in emu.requests), 30)
        coordinator = User(emu, COORDINATOR_ID, "Ольга")
        await coordinator.send("/help")
        # The reply comes through the bot's outbox, at Telegram's pace.
        await wait_until(lambda: bool(coordinator.inbox()), 10)
        assert "Вы — координатор МЦУ" in coordinator.last().text
        await coordinator.send("Яма на ул. Ленина")
        await wait_until(lambda: len(coordinator.inbox()) == 2, 10)
        assert "Инцидент №1" in coordinator.last().text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    log = stderr.decode()
    assert "event=start mode=polling" in log
    assert "event=stop mode=polling" in log
    assert TOKEN not in log  # not even at DEBUG level
    assert (tmp_path / "data" / "bot.sqlite3").exists()


async def test_rejected_token_is_reported(emu: Emulator, tmp_path: Path) -> None:
    wrong = "999999:WRONG-token-abcdefghijklmnopqrstuv"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=bot_env(emu, tmp_path, wrong),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert "Telegram отклонил BOT_TOKEN" in stderr.decode()
    assert wrong not in stderr.decode()
