"""Bursts of incidents in one thematic block, or at one address (p. 25): what was counted,
what was told. A burst is keyed by `block_id` or by `address`, never both."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import fetch_all, fetch_one, from_db_time, to_db_time


async def recent_in_block(conn: aiosqlite.Connection, block_id: int, since: datetime) -> list[int]:
    """The incidents opened since `since` that were sent to an organisation of the block."""
    rows = await fetch_all(
        conn,
        "SELECT DISTINCT i.id FROM incidents i JOIN assignments a ON a.incident_id = i.id"
        " JOIN organisations o ON o.id = a.organisation_id"
        " WHERE o.block_id = ? AND i.created_at >= ? AND i.state != 'cancelled' ORDER BY i.id",
        (block_id, to_db_time(since)),
    )
    return [int(r[0]) for r in rows]


async def recent_at_address(
    conn: aiosqlite.Connection, address: str, since: datetime
) -> list[int]:
    """The incidents opened since `since` whose posts name the address."""
    rows = await fetch_all(
        conn,
        "SELECT id FROM incidents WHERE address = ? AND created_at >= ?"
        " AND state != 'cancelled' ORDER BY id",
        (address, to_db_time(since)),
    )
    return [int(r[0]) for r in rows]


def _key(block_id: int | None, address: str | None) -> tuple[str, int | str]:
    if block_id is not None:
        return "block_id", block_id
    assert address is not None
    return "address", address


async def last_of(
    conn: aiosqlite.Connection, *, block_id: int | None = None, address: str | None = None
) -> tuple[int, datetime] | None:
    """The block's (or the address's) latest burst: its id and its latest incident's moment."""
    column, value = _key(block_id, address)
    row = await fetch_one(
        conn,
        f"SELECT id, last_at FROM bursts WHERE {column} = ? ORDER BY last_at DESC LIMIT 1",
        (value,),
    )
    if row is None:
        return None
    last = from_db_time(row["last_at"])
    assert last is not None
    return int(row["id"]), last


async def start(
    conn: aiosqlite.Connection,
    now: datetime,
    *,
    block_id: int | None = None,
    address: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO bursts(block_id, address, started_at, last_at) VALUES (?, ?, ?, ?)",
        (block_id, address, to_db_time(now), to_db_time(now)),
    )


async def extend(conn: aiosqlite.Connection, burst_id: int, now: datetime) -> None:
    await conn.execute("UPDATE bursts SET last_at = ? WHERE id = ?", (to_db_time(now), burst_id))
