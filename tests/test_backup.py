"""`python -m bot backup FILE`: a consistent copy of the database while the bot runs."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import COORDINATOR_ID, Harness
from tests.emulator import Emulator, User


async def test_backup_of_the_live_database(
    harness: Harness, emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert harness.app is not None
    coordinator = User(emu, COORDINATOR_ID, "Ольга")
    await coordinator.send("Яма на Ленина", forward_from_channel="Подслушано")
    assert "Инцидент №1" in coordinator.last().text
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(harness.db_path))
    copy = tmp_path / "backup" / "copy.sqlite3"
    # The bot is in the middle of a write when the copy is made: the copy has what was
    # committed, not the half-done change, and the bot's write goes through.
    async with harness.app.db.transaction() as conn:
        await conn.execute(
            "UPDATE incidents SET source_text = 'half-done' WHERE id = 1",
        )
        assert main(["backup", str(copy)]) == 0
    assert rows(harness.db_path, "SELECT source_text FROM incidents") == [("half-done",)]
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert conn.execute("SELECT id, source_text FROM incidents").fetchall() == [
            (1, "Яма на Ленина")
        ]
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sqlite3"]
    # The bot goes on as before.
    await coordinator.send("Второй пост", forward_from_channel="Подслушано")
    assert "Инцидент №2" in coordinator.last().text
    assert main(["backup", str(harness.db_path)]) == 1


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()
