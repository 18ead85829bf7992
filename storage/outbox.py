"""The outbox table: messages waiting to be sent, in order per chat."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import defer, fetch_all, fetch_one, flush
from storage.records import from_db_time, to_db_time


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    method: str
    payload_json: str
    card_id: int | None
    incident_id: int | None
    attempts: int
    not_before: datetime | None
    created_at: datetime

    @property
    def payload(self) -> dict[str, Any]:
        # Decoded when sent, not on every look at the queue's heads.
        return dict(json.loads(self.payload_json))


def _row(r: Any) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        chat_id=r["chat_id"],
        method=r["method"],
        payload_json=r["payload"],
        card_id=r["card_id"],
        incident_id=r["incident_id"],
        attempts=r["attempts"],
        not_before=from_db_time(r["not_before"]),
        created_at=from_db_time(r["created_at"]),  # type: ignore[arg-type]
    )


async def enqueue(
    conn: aiosqlite.Connection,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    card_id: int | None = None,
    incident_id: int | None = None,
) -> None:
    """Queue a message; a new row is written when the transaction commits (see
    storage.db.defer)."""
    if method in ("edit", "markup") and card_id is not None:
        # One pending edit per card is enough: the newest content replaces the older one
        # (a new text-less edit keeps a pending text change).
        await flush(conn)
        pending = await fetch_one(
            conn,
            "SELECT id, method, payload FROM outbox WHERE card_id = ? AND state = 'pending'"
            " AND method IN ('edit', 'markup')",
            (card_id,),
        )
        if pending:
            merged = {
                **json.loads(pending["payload"]),
                **{k: v for k, v in payload.items() if k != "text" or v is not None},
            }
            kind = "edit" if merged.get("text") is not None else "markup"
            await conn.execute(
                "UPDATE outbox SET method = ?, payload = ? WHERE id = ?",
                (kind, json.dumps(merged, ensure_ascii=False), pending["id"]),
            )
            return
    await defer(
        conn,
        "INSERT INTO outbox(chat_id, method, payload, card_id, incident_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            chat_id,
            method,
            json.dumps(payload, ensure_ascii=False),
            card_id,
            incident_id,
            to_db_time(now),
        ),
    )


async def heads(conn: aiosqlite.Connection, skip_chats: Collection[int] = ()) -> list[OutboxRow]:
    """The oldest pending row of each chat (only it may go next: order per chat), leaving
    out the chats in `skip_chats` (those with a message in flight)."""
    skip = ",".join("?" * len(skip_chats))
    await flush(conn)
    rows = await fetch_all(
        conn,
        "SELECT o.* FROM outbox o JOIN (SELECT MIN(id) AS id FROM outbox"
        f" WHERE state = 'pending' AND chat_id NOT IN ({skip}) GROUP BY chat_id) h"
        " ON h.id = o.id ORDER BY o.id",
        list(skip_chats),
    )
    return [_row(r) for r in rows]


async def mark_sent(conn: aiosqlite.Connection, row_ids: Iterable[int], now: datetime) -> None:
    # One statement for many rows, the ids as a JSON array: executemany would bind each row
    # in Python on the database thread, competing for the GIL with the event loop.
    await conn.execute(
        "UPDATE outbox SET state = 'sent', done_at = ?, error = NULL"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (to_db_time(now), json.dumps(list(row_ids))),
    )


async def mark_failed(conn: aiosqlite.Connection, row_id: int, error: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', done_at = ?, error = ? WHERE id = ?",
        (to_db_time(now), error, row_id),
    )


async def retry_later(
    conn: aiosqlite.Connection, row_id: int, not_before: datetime, error: str
) -> None:
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
        (to_db_time(not_before), error, row_id),
    )


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    failed: int
    oldest_pending: datetime | None


async def stats(conn: aiosqlite.Connection) -> OutboxStats:
    await flush(conn)
    r = await fetch_one(
        conn,
        "SELECT SUM(state = 'pending'), SUM(state = 'failed'),"
        " MIN(CASE WHEN state = 'pending' THEN created_at END) FROM outbox",
    )
    assert r is not None
    return OutboxStats(int(r[0] or 0), int(r[1] or 0), from_db_time(r[2]))


async def mark_unreachable(
    conn: aiosqlite.Connection, chat_id: int, reason: str, now: datetime
) -> bool:
    """Remember that a chat cannot be reached; True the first time (tell the coordinator)."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO unreachable_chats(chat_id, since, reason) VALUES (?, ?, ?)",
        (chat_id, to_db_time(now), reason),
    )
    return cur.rowcount > 0


async def unreachable_count(conn: aiosqlite.Connection) -> int:
    row = await fetch_one(conn, "SELECT COUNT(*) FROM unreachable_chats")
    return int(row[0]) if row else 0


async def mark_reachable(conn: aiosqlite.Connection, chat_ids: Iterable[int]) -> None:
    await conn.execute(
        "DELETE FROM unreachable_chats WHERE chat_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(chat_ids)),),
    )


async def remember_update(conn: aiosqlite.Connection, update_id: int, now: datetime) -> int | None:
    """None if this update was handled before (a redelivery); else the people version as
    this transaction sees it (read in the same trip: see Workflow.actor)."""
    row = await fetch_one(
        conn,
        "INSERT OR IGNORE INTO processed_updates(update_id, at) VALUES (?, ?)"
        " RETURNING (SELECT n FROM people_version)",
        (update_id, to_db_time(now)),
    )
    return None if row is None else int(row[0])


async def prune(conn: aiosqlite.Connection, before: datetime) -> None:
    """Forget delivered messages and handled update ids older than `before`."""
    stamp = to_db_time(before)
    await conn.execute("DELETE FROM outbox WHERE state = 'sent' AND done_at < ?", (stamp,))
    await conn.execute("DELETE FROM processed_updates WHERE at < ?", (stamp,))
