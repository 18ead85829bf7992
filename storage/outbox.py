"""The outbox table: messages waiting to be sent, in order per chat, and the chats that cannot
be reached."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import fetch_all, fetch_one, from_db_time, to_db_time

EDITS = frozenset({"edit", "markup"})


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    method: str  # message, edit, markup, media, album, commands
    payload_json: str
    card_id: int | None
    incident_id: int | None
    attempts: int
    not_before: datetime | None

    @property
    def payload(self) -> dict[str, Any]:
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
    if method in EDITS and card_id is not None:
        # One pending edit per card is enough: the newest content replaces the older one
        # (a text-less edit keeps a pending text change). Should the older one be on its way
        # to Telegram meanwhile, the sender sees the change and sends the row again.
        pending = "card_id = ? AND state = 'pending' AND method IN ('edit', 'markup')"
        if payload.get("text") is not None:
            cursor = await conn.execute(
                f"UPDATE outbox SET method = 'edit', payload = ? WHERE {pending}",
                (json.dumps(payload, ensure_ascii=False), card_id),
            )
        else:
            cursor = await conn.execute(
                f"UPDATE outbox SET payload = json_set(payload, '$.markup', json(?))"
                f" WHERE {pending}",
                (json.dumps(payload.get("markup"), ensure_ascii=False), card_id),
            )
        if cursor.rowcount:
            return
    await conn.execute(
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


@dataclass(frozen=True)
class Head:
    """A chat's oldest pending row, as far as deciding whether it may go now needs."""

    id: int
    chat_id: int
    not_before: datetime | None


async def heads(conn: aiosqlite.Connection, skip_chats: Collection[int] = ()) -> list[Head]:
    """The oldest pending row of each chat (only it may go next: order per chat), leaving
    out the chats in `skip_chats` (those with a message in flight).

    The chats are found one index lookup after another (each the next chat with something
    pending), not by reading every pending row: a backlog of thousands costs no more than
    a few."""
    rows = await fetch_all(
        conn,
        "WITH RECURSIVE chats(chat_id) AS ("
        " SELECT MIN(chat_id) FROM outbox WHERE state = 'pending'"
        " UNION ALL SELECT (SELECT MIN(chat_id) FROM outbox"
        " WHERE state = 'pending' AND chat_id > chats.chat_id)"
        " FROM chats WHERE chats.chat_id IS NOT NULL)"
        " SELECT o.id, o.chat_id, o.not_before FROM chats"
        " JOIN outbox o ON o.id = (SELECT MIN(id) FROM outbox"
        " WHERE state = 'pending' AND chat_id = chats.chat_id) ORDER BY o.id",
    )
    skip = set(skip_chats)
    return [
        Head(r["id"], r["chat_id"], from_db_time(r["not_before"]))
        for r in rows
        if r["chat_id"] not in skip
    ]


async def row(conn: aiosqlite.Connection, row_id: int) -> OutboxRow | None:
    found = await fetch_one(conn, "SELECT * FROM outbox WHERE id = ?", (row_id,))
    return _row(found) if found else None


async def mark_sent(
    conn: aiosqlite.Connection, rows: Iterable[OutboxRow], now: datetime
) -> list[OutboxRow]:
    """Record these rows as delivered, unless one was changed (a newer edit merged into it)
    while it was on its way: that one stays pending, to be sent as it is now. Returns the
    rows recorded."""
    done = []
    for row in rows:
        cursor = await conn.execute(
            "UPDATE outbox SET state = 'sent', done_at = ?, error = NULL"
            " WHERE id = ? AND method = ? AND payload = ?",
            (to_db_time(now), row.id, row.method, row.payload_json),
        )
        if cursor.rowcount:
            done.append(row)
    return done


async def mark_failed(conn: aiosqlite.Connection, row_id: int, error: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', done_at = ?, error = ? WHERE id = ?",
        (to_db_time(now), error, row_id),
    )


async def retry_later(
    conn: aiosqlite.Connection, row_id: int, not_before: datetime, error: str, *, count: bool
) -> None:
    """Try again not before `not_before`; `count` it towards giving up (not for a 429)."""
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + ?, not_before = ?, error = ? WHERE id = ?",
        (int(count), to_db_time(not_before), error, row_id),
    )


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    failed: int
    oldest_pending: datetime | None
    unreachable: int
    failed_updates: int


async def stats(conn: aiosqlite.Connection) -> OutboxStats:
    r = await fetch_one(
        conn,
        "SELECT SUM(state = 'pending'), SUM(state = 'failed'),"
        " MIN(CASE WHEN state = 'pending' THEN created_at END),"
        " (SELECT COUNT(*) FROM unreachable_chats), (SELECT COUNT(*) FROM failed_updates)"
        " FROM outbox",
    )
    assert r is not None
    return OutboxStats(int(r[0] or 0), int(r[1] or 0), from_db_time(r[2]), int(r[3]), int(r[4]))


async def mark_unreachable(
    conn: aiosqlite.Connection, chat_id: int, reason: str, now: datetime
) -> bool:
    """Remember that a chat cannot be reached; True the first time (tell the coordinator)."""
    cur = await conn.execute(
        "INSERT OR IGNORE INTO unreachable_chats(chat_id, since, reason) VALUES (?, ?, ?)",
        (chat_id, to_db_time(now), reason),
    )
    return cur.rowcount > 0


async def mark_reachable(conn: aiosqlite.Connection, chat_ids: Iterable[int]) -> None:
    await conn.executemany(
        "DELETE FROM unreachable_chats WHERE chat_id = ?", [(chat,) for chat in set(chat_ids)]
    )


async def prune(conn: aiosqlite.Connection, before: datetime) -> None:
    """Forget delivered messages and handled update ids older than `before`."""
    stamp = to_db_time(before)
    await conn.execute("DELETE FROM outbox WHERE state = 'sent' AND done_at < ?", (stamp,))
    await conn.execute("DELETE FROM processed_updates WHERE at < ?", (stamp,))
