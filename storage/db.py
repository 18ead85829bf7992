"""One aiosqlite connection for the process; versioned migrations applied at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)


def migration_scripts() -> list[tuple[int, str]]:
    """(version, sql) pairs from storage/migrations/NNN_name.sql, in order."""
    scripts = []
    for entry in resources.files("storage.migrations").iterdir():
        if entry.name.endswith(".sql"):
            scripts.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(scripts)


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # Serialises transactions: one connection is shared by concurrent handlers.
        self._lock = asyncio.Lock()
        self._in_transaction: ContextVar[bool] = ContextVar(
            f"in_transaction_{id(self)}", default=False
        )

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        db = cls(conn)
        await db.migrate()
        return db

    async def migrate(self) -> None:
        row = await (await self.conn.execute("PRAGMA user_version")).fetchone()
        current = int(row[0]) if row else 0
        for version, sql in migration_scripts():
            if version <= current:
                continue
            log.info("applying schema migration %03d", version)
            # executescript commits on its own; the version bump is in the same script so a
            # crash never leaves a half-applied migration marked as done.
            await self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT. Inside an open transaction of the same task (an update
        being handled, a scheduler tick) it joins that one: the outer one commits or rolls
        back everything together."""
        if self._in_transaction.get():
            yield self.conn
            return
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            token = self._in_transaction.set(True)
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
            finally:
                self._in_transaction.reset(token)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        # Reads share the lock so they never interleave with another task's transaction;
        # inside this task's own transaction they simply use it.
        if self._in_transaction.get():
            yield self.conn
            return
        async with self._lock:
            yield self.conn

    async def close(self) -> None:
        await self.conn.close()
