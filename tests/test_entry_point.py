"""`python -m bot` itself, as an administrator starts it, against the emulator; and its
answers to a token Telegram refuses and to a Bot API server that is not there."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.__main__ import run_bot
from bot.config import load_settings
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
        # Telegram's pacing is the delivery tests' subject; here it would only add seconds.
        "SEND_PER_SECOND": "0",
        "SEND_PRIVATE_INTERVAL": "0",
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
        # The reply comes through the bot's outbox.
        await wait_until(lambda: bool(coordinator.inbox()), 10)
        assert "Вы — координатор МЦУ" in coordinator.last().text
        await coordinator.send("Яма на ул. Ленина", forward_from_channel="Мой город")
        await wait_until(lambda: len(coordinator.inbox()) == 2, 10)
        assert "Инцидент №1" in coordinator.last().text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    log = stderr.decode()
    assert "event=start mode=polling" in log
    assert "event=stop mode=polling" in log
    # A normal stop, no traceback (aiogram's runner takes Ctrl+C, SIGINT, the same way).
    assert "Traceback" not in log
    assert "Error" not in log
    assert TOKEN not in log  # not even at DEBUG level
    assert (tmp_path / "data" / "bot.sqlite3").exists()


async def test_rejected_token_is_reported(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "999999:WRONG-token-abcdefghijklmnopqrstuv"
    settings = load_settings(**{**settings_for(emu, tmp_path), "bot_token": wrong})
    assert await run_bot(settings) == 1
    err = capsys.readouterr().err
    assert "Telegram отклонил BOT_TOKEN" in err
    assert wrong not in err


async def test_unreachable_bot_api_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(
        bot_token=TOKEN,
        timezone="Europe/Moscow",
        coordinator_ids="1",
        bot_api_url="http://127.0.0.1:9",
        database_path=tmp_path / "db.sqlite3",
        _env_file=None,
    )
    assert await run_bot(settings) == 1
    captured = capsys.readouterr()
    assert "Нет связи с сервером Bot API (http://127.0.0.1:9)" in captured.err
    assert TOKEN not in captured.err + captured.out


def settings_for(emu: Emulator, tmp_path: Path) -> dict[str, object]:
    return {
        "bot_token": TOKEN,
        "bot_api_url": emu.url,
        "timezone": "Asia/Yekaterinburg",
        "coordinator_ids": str(COORDINATOR_ID),
        "database_path": tmp_path / "data" / "bot.sqlite3",
        "_env_file": None,
    }
