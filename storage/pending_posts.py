"""Typed (not forwarded) texts that wait for the coordinator's «Создать инцидент»."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import AttachmentKind
from bot.domain.records import Media
from storage.db import fetch_one, from_db_time, to_db_time


@dataclass(frozen=True)
class PendingPost:
    id: int
    chat_id: int
    created_by: int
    text: str
    link: str | None
    media: list[Media]
    batch_key: str | None
    sent_at: datetime  # its first part: the detection time once it opens an incident
    received_at: datetime  # its last part: the next one sent together comes within moments
    incident_id: int | None  # set once it opened an incident


def _post(r: Any) -> PendingPost:
    return PendingPost(
        id=r["id"],
        chat_id=r["chat_id"],
        created_by=r["created_by"],
        text=r["text"],
        link=r["link"],
        media=[Media(AttachmentKind(k), f, u, g) for k, f, u, g in json.loads(r["media"])],
        batch_key=r["batch_key"],
        sent_at=from_db_time(r["sent_at"]),  # type: ignore[arg-type]
        received_at=from_db_time(r["received_at"]),  # type: ignore[arg-type]
        incident_id=r["incident_id"],
    )


def _media(items: list[Media]) -> str:
    return json.dumps(
        [[m.kind.value, m.file_id, m.file_unique_id, m.media_group_id] for m in items]
    )


async def get(conn: aiosqlite.Connection, post_id: int) -> PendingPost | None:
    row = await fetch_one(conn, "SELECT * FROM pending_posts WHERE id = ?", (post_id,))
    return _post(row) if row else None


async def latest(conn: aiosqlite.Connection, chat_id: int) -> PendingPost | None:
    row = await fetch_one(
        conn, "SELECT * FROM pending_posts WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,)
    )
    return _post(row) if row else None


async def add(
    conn: aiosqlite.Connection,
    chat_id: int,
    created_by: int,
    text: str,
    link: str | None,
    media: list[Media],
    batch_key: str | None,
    received_at: datetime,
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO pending_posts(chat_id, created_by, text, link, media, batch_key,"
        " sent_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            chat_id,
            created_by,
            text,
            link,
            _media(media),
            batch_key,
            to_db_time(received_at),
            to_db_time(received_at),
        ),
    )
    assert row is not None
    return int(row[0])


async def extend(
    conn: aiosqlite.Connection,
    post: PendingPost,
    text: str,
    link: str | None,
    media: list[Media],
    at: datetime,
) -> None:
    """A further part of the same post: its text follows, its media joins."""
    joined = "\n".join(t for t in (post.text, text) if t)
    await conn.execute(
        "UPDATE pending_posts SET text = ?, media = ?, link = COALESCE(link, ?),"
        " received_at = ? WHERE id = ?",
        (joined, _media([*post.media, *media]), link, to_db_time(at), post.id),
    )


async def opened(conn: aiosqlite.Connection, post_id: int, incident_id: int) -> None:
    await conn.execute(
        "UPDATE pending_posts SET incident_id = ? WHERE id = ?", (incident_id, post_id)
    )


async def drop(conn: aiosqlite.Connection, post_id: int) -> None:
    await conn.execute(
        "DELETE FROM pending_posts WHERE id = ? AND incident_id IS NULL", (post_id,)
    )
