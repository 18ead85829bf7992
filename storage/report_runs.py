"""The scheduled reports: what the digest lists, whether the bot was in use, which went."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.deadlines import QUIET_STAGES
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time


async def digest(conn: aiosqlite.Connection, now: datetime, day_end: datetime) -> dict[str, Any]:
    """What the working day's digest lists: open incidents by state, terms due today,
    overdue terms (their due moments; the lateness is counted by the caller), drafts
    waiting for approval."""
    by_state = {
        r[0]: r[1]
        for r in await fetch_all(
            conn,
            "SELECT state, COUNT(*) FROM incidents WHERE state NOT IN ('closed', 'cancelled')"
            " GROUP BY state",
        )
    }
    running = await fetch_all(
        conn,
        "SELECT incident_id, stage, due_at FROM timers WHERE active = 1 AND due_at < ?"
        " ORDER BY due_at",
        (to_db_time(day_end),),
    )
    approvals = await fetch_all(
        conn, "SELECT id FROM incidents WHERE state = 'approval' ORDER BY id"
    )
    due = [(r[0], r[1], from_db_time(r[2])) for r in running if r[1] not in QUIET_STAGES]
    return {
        "by_state": by_state,
        "due_today": [(i, s, d) for i, s, d in due if d and d >= now],
        "overdue": [(i, s, d) for i, s, d in due if d and d < now],
        "approvals": [r[0] for r in approvals],
    }


async def any_before(conn: aiosqlite.Connection, moment: datetime) -> bool:
    """Whether the bot had an incident detected before `moment`."""
    row = await fetch_one(
        conn, "SELECT 1 FROM incidents WHERE detected_at < ? LIMIT 1", (to_db_time(moment),)
    )
    return row is not None


async def sent(conn: aiosqlite.Connection, kind: str, period: str) -> bool:
    row = await fetch_one(
        conn, "SELECT 1 FROM report_runs WHERE kind = ? AND period = ?", (kind, period)
    )
    return row is not None


async def mark_sent(conn: aiosqlite.Connection, kind: str, period: str, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO report_runs(kind, period, sent_at) VALUES (?, ?, ?)",
        (kind, period, to_db_time(now)),
    )
