"""The organisations' parts in incidents: routed, accepted, declined, withdrawn, done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import AssignmentStatus
from bot.domain.records import Assignment
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time

_ASSIGNMENT_SQL = """
SELECT a.*, o.name AS organisation, p.full_name AS accepted_by_name
FROM assignments a JOIN organisations o ON o.id = a.organisation_id
LEFT JOIN people p ON p.id = a.accepted_by
"""


def _assignment(r: Any) -> Assignment:
    return Assignment(
        id=r["id"],
        incident_id=r["incident_id"],
        organisation_id=r["organisation_id"],
        organisation=r["organisation"],
        status=AssignmentStatus(r["status"]),
        assigned_at=from_db_time(r["assigned_at"]),  # type: ignore[arg-type]
        accepted_at=from_db_time(r["accepted_at"]),
        accepted_by_name=r["accepted_by_name"],
        declined_at=from_db_time(r["declined_at"]),
        decline_reason=r["decline_reason"],
        withdrawn_at=from_db_time(r["withdrawn_at"]),
    )


async def assignments(conn: aiosqlite.Connection, incident_id: int) -> list[Assignment]:
    rows = await fetch_all(
        conn, _ASSIGNMENT_SQL + " WHERE a.incident_id = ? ORDER BY a.id", (incident_id,)
    )
    return [_assignment(r) for r in rows]


async def active_assignment(
    conn: aiosqlite.Connection, incident_id: int, organisation_id: int
) -> Assignment | None:
    row = await fetch_one(
        conn,
        _ASSIGNMENT_SQL + " WHERE a.incident_id = ? AND a.organisation_id = ?"
        " AND a.status = 'active'",
        (incident_id, organisation_id),
    )
    return _assignment(row) if row else None


async def add_assignment(
    conn: aiosqlite.Connection, incident_id: int, organisation_id: int, now: datetime
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO assignments(incident_id, organisation_id, status, assigned_at)"
        " VALUES (?, ?, 'active', ?) RETURNING id",
        (incident_id, organisation_id, to_db_time(now)),
    )
    return int(row[0])  # type: ignore[index]


async def accept_assignment(
    conn: aiosqlite.Connection, assignment_id: int, person_id: int, now: datetime
) -> None:
    await conn.execute(
        "UPDATE assignments SET accepted_at = ?, accepted_by = ? WHERE id = ?"
        " AND accepted_at IS NULL",
        (to_db_time(now), person_id, assignment_id),
    )


async def decline_assignment(
    conn: aiosqlite.Connection, assignment_id: int, reason: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE assignments SET status = 'declined', declined_at = ?, decline_reason = ?"
        " WHERE id = ?",
        (to_db_time(now), reason, assignment_id),
    )


async def withdraw_assignment(
    conn: aiosqlite.Connection, assignment_id: int, now: datetime
) -> None:
    await conn.execute(
        "UPDATE assignments SET status = 'done', withdrawn_at = ? WHERE id = ?",
        (to_db_time(now), assignment_id),
    )


async def finish_assignments(conn: aiosqlite.Connection, incident_id: int) -> None:
    await conn.execute(
        "UPDATE assignments SET status = 'done' WHERE incident_id = ? AND status = 'active'",
        (incident_id,),
    )


async def picks(conn: aiosqlite.Connection, incident_id: int) -> list[int]:
    """The organisations ticked in the picker, to be sent the incident together."""
    rows = await fetch_all(
        conn,
        "SELECT organisation_id FROM route_picks WHERE incident_id = ? ORDER BY rowid",
        (incident_id,),
    )
    return [int(r[0]) for r in rows]


async def toggle_pick(conn: aiosqlite.Connection, incident_id: int, organisation_id: int) -> None:
    deleted = await conn.execute(
        "DELETE FROM route_picks WHERE incident_id = ? AND organisation_id = ?",
        (incident_id, organisation_id),
    )
    if deleted.rowcount == 0:
        await conn.execute(
            "INSERT INTO route_picks(incident_id, organisation_id) VALUES (?, ?)",
            (incident_id, organisation_id),
        )


async def clear_picks(conn: aiosqlite.Connection, incident_id: int) -> None:
    await conn.execute("DELETE FROM route_picks WHERE incident_id = ?", (incident_id,))
