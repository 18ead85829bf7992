"""Updates already handled (a redelivered one changes nothing twice) and updates whose
handling kept failing (kept for the administrator)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import fetch_one, to_db_time


async def remember(conn: aiosqlite.Connection, update_id: int, now: datetime) -> bool:
    """Note the update as handled; False if it was handled before (a redelivery)."""
    row = await fetch_one(
        conn,
        "INSERT OR IGNORE INTO processed_updates(update_id, at) VALUES (?, ?) RETURNING 1",
        (update_id, to_db_time(now)),
    )
    return row is not None


async def keep_failed(
    conn: aiosqlite.Connection, update_id: int, payload: str, error: str, now: datetime
) -> None:
    """Keep an update that could not be handled, and count it as handled."""
    await conn.execute(
        "INSERT OR REPLACE INTO failed_updates(update_id, at, error, payload) VALUES (?, ?, ?, ?)",
        (update_id, to_db_time(now), error, payload),
    )
    await remember(conn, update_id, now)
