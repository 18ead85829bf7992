"""aiogram FSM storage in the bot's SQLite file: a half-typed reason survives a restart.

Read per update by its key (the primary key); written in the update's transaction, so a
handler that fails leaves the state as it was."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey

from storage.db import Database, fetch_one


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database) -> None:
        self.db = db
        self.keys = DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO fsm(key, state) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET state = excluded.state",
                (self.keys.build(key), value),
            )

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.db.read() as conn:
            row = await fetch_one(
                conn, "SELECT state FROM fsm WHERE key = ?", (self.keys.build(key),)
            )
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO fsm(key, data) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET data = excluded.data",
                (self.keys.build(key), json.dumps(dict(data), ensure_ascii=False)),
            )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.db.read() as conn:
            row = await fetch_one(
                conn, "SELECT data FROM fsm WHERE key = ?", (self.keys.build(key),)
            )
        return dict(json.loads(row[0])) if row else {}

    async def close(self) -> None:
        # The connection belongs to the application; it closes it.
        return None
