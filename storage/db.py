"""One aiosqlite connection for the process, one transaction at a time on it; versioned
migrations applied at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)


def to_db_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    # Always UTC, so that stored times sort as text in time order.
    return value.astimezone(UTC).isoformat()


def from_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def migration_scripts() -> list[tuple[int, str]]:
    """(version, sql) pairs from storage/migrations/NNN_name.sql, in order."""
    scripts = []
    for entry in resources.files("storage.migrations").iterdir():
        if entry.name.endswith(".sql"):
            scripts.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(scripts)


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()
) -> aiosqlite.Row | None:
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


async def fetch_all(
    conn: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()
) -> list[aiosqlite.Row]:
    return list(await conn.execute_fetchall(sql, params))


class _Transaction:
    """The open transaction: what to call once it has committed."""

    def __init__(self) -> None:
        self.after_commit: list[Callable[[], None]] = []


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # The connection is shared by the handlers, the sender and the scheduler: one
        # transaction (or read) at a time.
        self._lock = asyncio.Lock()
        self._open: _Transaction | None = None
        # Which transaction this task is in, so that nested use joins it.
        self._joined: ContextVar[_Transaction | None] = ContextVar(f"db{id(self)}", default=None)

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute_fetchall("PRAGMA journal_mode=WAL")
        # FULL: a commit confirmed to Telegram survives a power cut (NORMAL may lose it).
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        db = cls(conn)
        await db.migrate()
        return db

    async def migrate(self) -> None:
        row = await fetch_one(self.conn, "PRAGMA user_version")
        current = int(row[0]) if row else 0
        for version, sql in migration_scripts():
            if version <= current:
                continue
            log.info("applying schema migration %03d", version)
            # executescript commits on its own; the version bump is in the same script so a
            # crash never leaves a half-applied migration marked as done.
            # Foreign keys are off while a table is rebuilt (SQLite's way to change a
            # column), and checked before the migration commits.
            await self.conn.execute("PRAGMA foreign_keys=OFF")
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};"
                )
                broken = await fetch_all(self.conn, "PRAGMA foreign_key_check")
                if broken:
                    await self.conn.execute("ROLLBACK")
                    raise RuntimeError(f"migration {version:03d} broke references: {broken}")
                await self.conn.execute("COMMIT")
            finally:
                await self.conn.execute("PRAGMA foreign_keys=ON")

    def in_transaction(self) -> bool:
        """Whether this task is inside the open transaction (and sees its changes)."""
        joined = self._joined.get()
        return joined is not None and joined is self._open

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT. Inside an open transaction of the same task (an update
        being handled, a scheduler tick) it joins that one: the outer one commits or rolls
        back everything together."""
        if self.in_transaction():
            yield self.conn
            return
        async with self._lock:
            transaction = self._open = _Transaction()
            token = self._joined.set(transaction)
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
                await self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise
            finally:
                self._joined.reset(token)
                self._open = None
        for callback in transaction.after_commit:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once this task's transaction has committed (now, if there is none;
        never, if it rolls back): what it starts may only look at committed data."""
        if not self.in_transaction():
            callback()
            return
        assert self._open is not None
        if callback not in self._open.after_commit:
            self._open.after_commit.append(callback)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Reads outside a transaction wait for the one in progress (the connection is
        shared, and would show its uncommitted changes); inside one they simply use it."""
        if self.in_transaction():
            yield self.conn
            return
        async with self._lock:
            yield self.conn

    async def close(self) -> None:
        async with self._lock:
            await self.conn.close()
