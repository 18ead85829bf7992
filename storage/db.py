"""One aiosqlite connection for the process; versioned migrations applied at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")
# Work that shares one commit at most (see Database.grouped).
GROUP_MAX = 32


class _RolledBack(Exception):
    """Another member of the group failed, and this member's changes went with it."""


@dataclass
class _Group:
    """A transaction handed from one piece of grouped work to the next. `outcome` is None
    once committed, else why not (the commit's error, or _RolledBack)."""

    outcome: asyncio.Future[BaseException | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    size: int = 0


async def _connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA busy_timeout=5000")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA synchronous=NORMAL")
    return conn


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
    """The first row, in one round trip to the database thread (execute + fetchone is two)."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


async def fetch_all(
    conn: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()
) -> list[aiosqlite.Row]:
    return list(await conn.execute_fetchall(sql, params))


# Journal inserts waiting for their transaction's commit, per connection (see `defer`).
_deferred: WeakKeyDictionary[aiosqlite.Connection, list[tuple[str, tuple[Any, ...]]]] = (
    WeakKeyDictionary()
)


async def defer(conn: aiosqlite.Connection, sql: str, params: Iterable[Any]) -> None:
    """An INSERT whose result nobody waits for, into a journal (events, outbox), run just
    before the transaction commits: together with the same statement of every update that
    shares the commit, one trip to the database thread for all of them rather than one trip
    each (on the 2-core benchmark machine a trip costs 70 µs, the insert itself 3 µs).
    Whoever reads such a table inside a transaction calls `flush` first. Outside a
    transaction it runs at once."""
    if not conn.in_transaction:
        await conn.execute(sql, tuple(params))
        return
    _deferred.setdefault(conn, []).append((sql, tuple(params)))


async def flush(conn: aiosqlite.Connection) -> None:
    """Run the deferred inserts now: grouped by statement (the journals do not refer to one
    another), each statement's rows in the order they were deferred (executemany: a few rows,
    one or two per update of the group)."""
    pending = _deferred.pop(conn, None)
    if not pending:
        return
    by_statement: dict[str, list[tuple[Any, ...]]] = {}
    for sql, params in pending:
        by_statement.setdefault(sql, []).append(params)
    for sql, rows in by_statement.items():
        await conn.executemany(sql, rows)


class Database:
    def __init__(self, conn: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self.conn = conn
        # A second connection for single-statement reads (see `glance`): in WAL mode it sees
        # the last commit without waiting for a transaction in progress on `conn`.
        self.reader = reader
        # Serialises transactions: one connection is shared by concurrent handlers.
        self._lock = asyncio.Lock()
        self._waiting = 0  # tasks queued for the lock: grouped work leaves the group open
        self._group: _Group | None = None
        self._closer: asyncio.Task[None] | None = None
        # Called after every rollback: what is kept in memory from reads made inside the
        # transaction may describe changes that never happened.
        self.rolled_back: list[Callable[[], None]] = []
        # Set while this task is in a transaction: what to call once it has committed.
        self._on_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar(
            f"on_commit_{id(self)}", default=None
        )

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await _connect(path)
        # Read to the end: a statement left open would keep the file locked for the reader.
        await conn.execute_fetchall("PRAGMA journal_mode=WAL")
        db = cls(conn, await _connect(path))
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
            await self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT. Inside an open transaction of the same task (an update
        being handled, a scheduler tick) it joins that one: the outer one commits or rolls
        back everything together."""
        if self.in_transaction():
            yield self.conn
            return
        callbacks: list[Callable[[], None]] = []
        async with self._locked():
            await self.conn.execute("BEGIN IMMEDIATE")
            token = self._on_commit.set(callbacks)
            try:
                yield self.conn
                await flush(self.conn)
            except BaseException:
                _deferred.pop(self.conn, None)
                await self.conn.execute("ROLLBACK")
                self._forget()
                raise
            else:
                await self.conn.execute("COMMIT")
            finally:
                self._on_commit.reset(token)
        for callback in callbacks:
            callback()

    async def grouped(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run `work` in a transaction, like `transaction`, but hand the open transaction on
        to grouped work already queued behind it: up to GROUP_MAX pieces (updates of
        different chats, under load) share one BEGIN and one COMMIT, each still one at a
        time. Each returns only once the group has committed.

        Should a later member fail, the whole group rolls back, and the others run their
        `work` again, each in a transaction of its own: `work` must be safe to repeat (an
        update's handling is: it touches nothing but this database)."""
        if self.in_transaction():
            return await work(self.conn)
        callbacks: list[Callable[[], None]] = []
        async with self._locked(grouping=True):
            group = self._group
            if group is None:
                await self.conn.execute("BEGIN IMMEDIATE")
                group = self._group = _Group()
            group.size += 1
            token = self._on_commit.set(callbacks)
            try:
                result = await work(self.conn)
            except BaseException:
                await self._end_group(commit=False)
                raise
            finally:
                self._on_commit.reset(token)
            if not self._waiting or group.size >= GROUP_MAX:
                await self._end_group(commit=True)
        outcome = await asyncio.shield(group.outcome)
        if isinstance(outcome, _RolledBack):
            log.info("event=group_rolled_back redo=1")
            async with self.transaction() as conn:
                return await work(conn)
        if outcome is not None:
            raise outcome
        for callback in callbacks:
            callback()
        return result

    @asynccontextmanager
    async def _locked(self, *, grouping: bool = False) -> AsyncIterator[None]:
        """The lock, with an open group committed first unless this is grouped work too."""
        self._waiting += 1
        try:
            await self._lock.acquire()
        except BaseException:
            # Cancelled while queued: the group may have been left open for this task, and
            # if nobody else is coming, nobody would commit it.
            others_queued = self._waiting - 1
            if self._group is not None and not others_queued and not self._lock.locked():
                self._closer = asyncio.create_task(self._commit_open_group())
            raise
        finally:
            self._waiting -= 1
        try:
            if not grouping:
                await self._end_group(commit=True)
            yield
        finally:
            self._lock.release()

    async def _commit_open_group(self) -> None:
        async with self._locked():
            pass

    async def _end_group(self, *, commit: bool) -> None:
        group, self._group = self._group, None
        if group is None:
            return
        outcome: BaseException | None = None if commit else _RolledBack()
        try:
            if commit:
                try:
                    await flush(self.conn)
                except Exception as exc:
                    # Some member's deferred insert failed: each runs again alone, so that
                    # only its own update fails.
                    log.warning("event=deferred_insert_failed error=%r", exc)
                    outcome, commit = _RolledBack(), False
            await self.conn.execute("COMMIT" if commit else "ROLLBACK")
        except Exception as exc:
            outcome = exc
            if self.conn.in_transaction:
                await self.conn.execute("ROLLBACK")
        finally:
            _deferred.pop(self.conn, None)
            group.outcome.set_result(outcome)
            if outcome is not None:
                self._forget()

    def _forget(self) -> None:
        for callback in self.rolled_back:
            callback()

    def in_transaction(self) -> bool:
        """Whether this task is inside a transaction (its uncommitted changes visible)."""
        return self._on_commit.get() is not None

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once this task's transaction has committed (now, if there is none;
        never, if it rolls back): what it starts may only look at committed data."""
        callbacks = self._on_commit.get()
        if callbacks is None:
            callback()
        elif callback not in callbacks:
            callbacks.append(callback)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        # Reads share the lock so they never interleave with another task's transaction;
        # inside this task's own transaction they simply use it.
        if self.in_transaction():
            yield self.conn
            return
        async with self._locked():
            yield self.conn

    @asynccontextmanager
    async def glance(self) -> AsyncIterator[aiosqlite.Connection]:
        """For one statement that reads committed data: it neither waits for another task's
        transaction nor holds one up. Inside this task's own transaction it joins it, so the
        transaction's uncommitted changes are seen."""
        yield self.conn if self.in_transaction() else self.reader

    async def close(self) -> None:
        async with self._locked():
            pass  # a group still open commits
        await self.reader.close()
        await self.conn.close()
