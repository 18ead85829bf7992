"""Updates of different chats sharing one commit (Database.grouped): what each sees, and what
happens when one of them fails or goes away while queued; and what a rollback leaves behind."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiosqlite
import pytest

from storage.db import Database, defer, fetch_one, flush
from tests.conftest import Cast, Harness, wait_until


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "groups.sqlite3")
    await database.conn.execute("CREATE TABLE notes (name TEXT NOT NULL)")
    yield database
    await database.close()


async def committed(db: Database) -> list[str]:
    """What another connection sees: only what has been committed."""
    async with db.glance() as conn:
        rows = await conn.execute_fetchall("SELECT name FROM notes ORDER BY rowid")
    return [row[0] for row in rows]


def writer(
    name: str, runs: list[str], gate: asyncio.Event | None = None, fail: bool = False
) -> Callable[[aiosqlite.Connection], Awaitable[str]]:
    async def work(conn: aiosqlite.Connection) -> str:
        runs.append(name)
        await conn.execute("INSERT INTO notes(name) VALUES (?)", (name,))
        if gate is not None:
            await gate.wait()
        if fail:
            raise RuntimeError(f"{name} fails")
        return name

    return work


async def until_queued(db: Database, count: int) -> None:
    await wait_until(lambda: db._waiting >= count)


async def test_queued_work_shares_the_transaction_and_returns_after_the_commit(db: Database):
    runs: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(db.grouped(writer("a", runs, gate)))
    await asyncio.sleep(0.05)
    rest = [asyncio.create_task(db.grouped(writer(n, runs))) for n in ("b", "c")]
    await until_queued(db, 2)
    gate.set()
    await asyncio.sleep(0.05)
    assert await asyncio.gather(first, *rest) == ["a", "b", "c"]
    assert runs == ["a", "b", "c"]  # each once: nothing was redone
    assert await committed(db) == ["a", "b", "c"]


async def test_nothing_is_visible_before_the_group_commits(db: Database):
    runs: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(db.grouped(writer("a", runs)))
    second = asyncio.create_task(db.grouped(writer("b", runs, gate)))
    await asyncio.sleep(0.05)
    # "a" is done, but it handed its transaction on to "b": neither is committed yet.
    assert runs == ["a", "b"]
    assert not first.done()
    assert await committed(db) == []
    gate.set()
    await asyncio.gather(first, second)
    assert await committed(db) == ["a", "b"]


Maker = Callable[..., Callable[[aiosqlite.Connection], Awaitable[str]]]


async def group_where_b_fails(
    db: Database, make: Maker, runs: list[str]
) -> list[asyncio.Task[str]]:
    """ "a" holds the transaction open until "b" (made to fail) and "c" queue behind it."""
    gate = asyncio.Event()
    first = asyncio.create_task(db.grouped(make("a", runs, gate)))
    await asyncio.sleep(0.05)
    failing = asyncio.create_task(db.grouped(make("b", runs, fail=True)))
    last = asyncio.create_task(db.grouped(make("c", runs)))
    await until_queued(db, 2)
    gate.set()
    return [first, failing, last]


async def test_a_failing_member_takes_only_its_own_change_away(db: Database):
    runs: list[str] = []
    first, failing, last = await group_where_b_fails(db, writer, runs)
    with pytest.raises(RuntimeError, match="b fails"):
        await failing
    assert [await first, await last] == ["a", "c"]
    # "a" shared the failed group: it ran again on its own, and is stored once.
    assert runs.count("a") == 2
    assert sorted(await committed(db)) == ["a", "c"]


async def test_a_group_left_for_a_task_that_is_then_cancelled_still_commits(db: Database):
    runs: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(db.grouped(writer("a", runs, gate)))
    await asyncio.sleep(0.05)
    queued = asyncio.create_task(db.grouped(writer("b", runs)))
    await until_queued(db, 1)
    # "a" hands the open transaction to "b", which is cancelled before it can take it.
    asyncio.get_running_loop().call_soon(queued.cancel)
    gate.set()
    assert await asyncio.wait_for(first, 5) == "a"
    assert queued.cancelled()
    assert runs == ["a"]
    assert await committed(db) == ["a"]


async def test_an_exclusive_transaction_commits_an_open_group_first(db: Database):
    runs: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(db.grouped(writer("a", runs, gate)))
    await asyncio.sleep(0.05)

    async def exclusive() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO notes(name) VALUES ('x')")
            raise RuntimeError("x fails")

    other = asyncio.create_task(exclusive())
    await until_queued(db, 1)
    gate.set()
    with pytest.raises(RuntimeError, match="x fails"):
        await other
    # "a" was committed before "x" began: the rollback of "x" does not reach it.
    assert await first == "a"
    assert await committed(db) == ["a"]


def deferring(
    name: str, runs: list[str], gate: asyncio.Event | None = None, fail: bool = False
) -> Callable[[aiosqlite.Connection], Awaitable[str]]:
    """Work whose insert waits for the commit (a journal row); None as the name breaks the
    NOT NULL rule only then."""

    async def work(conn: aiosqlite.Connection) -> str:
        runs.append(name)
        await defer(conn, "INSERT INTO notes(name) VALUES (?)", (None if fail else name,))
        if gate is not None:
            await gate.wait()
        return name

    return work


async def test_deferred_inserts_commit_with_their_group_and_are_seen_inside_it(db: Database):
    runs: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(db.grouped(deferring("a", runs, gate)))
    await asyncio.sleep(0.05)

    async def reads_its_own(conn: aiosqlite.Connection) -> str:
        await defer(conn, "INSERT INTO notes(name) VALUES (?)", ("b",))
        await flush(conn)  # as a reader of the journal does
        rows = await conn.execute_fetchall("SELECT name FROM notes ORDER BY rowid")
        return ",".join(row[0] for row in rows)

    second = asyncio.create_task(db.grouped(reads_its_own))
    await until_queued(db, 1)
    gate.set()
    assert [await first, await second] == ["a", "a,b"]
    assert await committed(db) == ["a", "b"]


async def test_a_deferred_insert_that_fails_at_the_commit_fails_only_its_own_work(
    db: Database,
):
    runs: list[str] = []
    first, failing, last = await group_where_b_fails(db, deferring, runs)
    with pytest.raises(aiosqlite.IntegrityError):
        await failing
    assert [await first, await last] == ["a", "c"]
    # The whole group ran again, each alone: "b" failed at its own commit.
    assert sorted(runs) == ["a", "a", "b", "b", "c", "c"]
    assert sorted(await committed(db)) == ["a", "c"]


async def test_deferred_inserts_of_a_rolled_back_transaction_are_never_written(db: Database):
    async def failing() -> None:
        async with db.transaction() as conn:
            await defer(conn, "INSERT INTO notes(name) VALUES (?)", ("lost",))
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError, match="the change fails"):
        await failing()
    async with db.transaction() as conn:
        await defer(conn, "INSERT INTO notes(name) VALUES (?)", ("kept",))
    assert await committed(db) == ["kept"]


async def test_people_seen_inside_a_rolled_back_change_are_not_remembered(
    cast: Cast, harness: Harness
):
    """Who is who is kept in memory by the people counter's value; a rolled-back change
    brings the counter back, and the next change moves it to the same value again."""
    assert harness.app is not None
    app = harness.app
    stranger = 777_777
    with contextlib.suppress(RuntimeError):
        async with app.db.transaction() as conn:
            await conn.execute(
                "UPDATE people SET telegram_id = ? WHERE telegram_id = ?",
                (stranger, cast.school.id),
            )
            inside = await people_version(conn)
            actor = await app.workflow.actor(stranger, "Чужой", inside)
            assert actor.person_id is not None  # inside, the school's person has that id
            raise RuntimeError("the change fails")
    async with app.db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET position = 'директор' WHERE telegram_id = ?", (cast.water.id,)
        )
        after = await people_version(conn)
    assert after == inside
    actor = await app.workflow.actor(stranger, "Чужой", after)
    assert actor.person_id is None
    assert not actor.known


async def people_version(conn: aiosqlite.Connection) -> int:
    row = await fetch_one(conn, "SELECT n FROM people_version")
    assert row is not None
    return int(row[0])
