"""Files the bot generated itself, kept in SQLite until the outbox has sent them: a restart
between queueing and delivery still delivers, and no bytes go into a JSON payload.

A payload names a stored file as a media item {"kind": …, "file": id} (a file already in
Telegram is {"kind": …, "file_id": …}). Once a row is sent or given up, `release` deletes
the files it named that no pending row names any more, in the same transaction: nothing is
left behind to sweep, and a file shared by several recipients stays until the last is sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import fetch_all, fetch_one, to_db_time


@dataclass(frozen=True)
class StoredFile:
    id: int
    name: str
    mime: str
    data: bytes


async def store(
    conn: aiosqlite.Connection, name: str, mime: str, data: bytes, now: datetime
) -> int:
    """The id of a file with these bytes, name and type: the one stored already, if any."""
    sha = hashlib.sha256(data).hexdigest()
    found = await fetch_one(
        conn, "SELECT id FROM files WHERE sha256 = ? AND name = ? AND mime = ?", (sha, name, mime)
    )
    if found:
        return int(found["id"])
    cursor = await conn.execute(
        "INSERT INTO files(name, mime, sha256, data, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, mime, sha, data, to_db_time(now)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def named_in(payload: dict[str, Any]) -> list[int]:
    """The stored files an outbox payload sends."""
    media = payload.get("media")
    items = media if isinstance(media, list) else [media] if isinstance(media, dict) else []
    return list(dict.fromkeys(int(item["file"]) for item in items if "file" in item))


async def load(conn: aiosqlite.Connection, ids: Iterable[int]) -> dict[int, StoredFile]:
    wanted = list(ids)
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    rows = await fetch_all(
        conn, f"SELECT id, name, mime, data FROM files WHERE id IN ({marks})", wanted
    )
    return {r["id"]: StoredFile(r["id"], r["name"], r["mime"], bytes(r["data"])) for r in rows}


async def release(conn: aiosqlite.Connection, ids: Iterable[int]) -> None:
    """Delete these files unless a pending outbox row still sends one (only media rows
    can: the others' payloads are not looked into)."""
    await conn.executemany(
        "DELETE FROM files WHERE id = ? AND NOT EXISTS (SELECT 1 FROM outbox o,"
        " json_tree(o.payload, '$.media') j WHERE o.state = 'pending'"
        " AND o.method IN ('media', 'album') AND j.key = 'file' AND j.value = files.id)",
        [(file_id,) for file_id in set(ids)],
    )
