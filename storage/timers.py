"""The timers table: one row per running stage of an incident."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain.profile import Stage
from bot.domain.records import Timer
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time


def _timer(r: Any) -> Timer:
    return Timer(
        id=r["id"],
        incident_id=r["incident_id"],
        stage=Stage(r["stage"]),
        organisation_id=r["organisation_id"],
        started_at=from_db_time(r["started_at"]),  # type: ignore[arg-type]
        due_at=from_db_time(r["due_at"]),  # type: ignore[arg-type]
        step=r["step"],
        next_at=from_db_time(r["next_at"]),
    )


async def running(conn: aiosqlite.Connection, incident_id: int) -> list[Timer]:
    rows = await fetch_all(
        conn,
        "SELECT * FROM timers WHERE incident_id = ? AND active = 1 ORDER BY due_at, id",
        (incident_id,),
    )
    return [_timer(r) for r in rows]


@dataclass(frozen=True)
class NewTimer:
    stage: Stage
    organisation_id: int | None
    started_at: datetime
    due_at: datetime
    next_at: datetime | None


async def start(
    conn: aiosqlite.Connection, incident_id: int, timers: Sequence[NewTimer]
) -> list[Timer]:
    """Insert the timers; returns them in no particular order."""
    if not timers:
        return []
    rows = await fetch_all(
        conn,
        "INSERT INTO timers(incident_id, stage, organisation_id, started_at, due_at, next_at)"
        " VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(timers)) + " RETURNING *",
        [
            value
            for t in timers
            for value in (
                incident_id,
                t.stage.value,
                t.organisation_id,
                to_db_time(t.started_at),
                to_db_time(t.due_at),
                to_db_time(t.next_at) if t.next_at else None,
            )
        ],
    )
    return [_timer(r) for r in rows]


async def stop(
    conn: aiosqlite.Connection,
    timer_id: int,
    at: datetime,
    took: timedelta | None = None,
    late: timedelta | None = None,
) -> None:
    """The clock stops; `took` and `late` (working time) are kept for the reports when its
    move was made (None: it stopped for another reason, and is not counted)."""
    await conn.execute(
        "UPDATE timers SET active = 0, next_at = NULL, ended_at = ?, took_s = ?, late_s = ?"
        " WHERE id = ?",
        (
            to_db_time(at),
            None if took is None else int(took.total_seconds()),
            None if late is None else int(late.total_seconds()),
            timer_id,
        ),
    )


async def due(conn: aiosqlite.Connection, now: datetime) -> list[Timer]:
    # Times are stored in UTC ISO form, so text order is time order.
    rows = await fetch_all(
        conn,
        "SELECT * FROM timers WHERE active = 1 AND next_at IS NOT NULL AND next_at <= ?"
        " ORDER BY next_at, id",
        (to_db_time(now),),
    )
    return [_timer(r) for r in rows]


async def advance(
    conn: aiosqlite.Connection, timer_id: int, step: int, next_at: datetime | None
) -> None:
    await conn.execute(
        "UPDATE timers SET step = ?, next_at = ? WHERE id = ?",
        (step, to_db_time(next_at) if next_at else None, timer_id),
    )


async def replan(
    conn: aiosqlite.Connection,
    timer_id: int,
    due_at: datetime,
    step: int,
    next_at: datetime | None,
) -> None:
    """A running clock's term counted anew (an incident marked urgent)."""
    await conn.execute(
        "UPDATE timers SET due_at = ?, step = ?, next_at = ? WHERE id = ?",
        (to_db_time(due_at), step, to_db_time(next_at) if next_at else None, timer_id),
    )


async def earliest(conn: aiosqlite.Connection) -> datetime | None:
    row = await fetch_one(
        conn, "SELECT MIN(next_at) FROM timers WHERE active = 1 AND next_at IS NOT NULL"
    )
    return from_db_time(row[0]) if row and row[0] else None
