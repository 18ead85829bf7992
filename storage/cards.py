"""The card_messages table: every message that shows an incident or a draft, so that each copy
is edited in place when the incident changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.domain.model import CardAudience
from storage.db import fetch_all, fetch_one


@dataclass(frozen=True)
class CardMessage:
    chat_id: int
    incident_id: int
    audience: CardAudience
    organisation_id: int | None = None  # the organisation an executor's copy is for
    draft_id: int | None = None  # the draft a draft card shows
    shown: str | None = None  # digest of what it shows (or will): no edit when unchanged
    id: int = 0  # 0 until stored
    message_id: int | None = None  # None until delivered


def _card(r: Any) -> CardMessage:
    return CardMessage(
        chat_id=r["chat_id"],
        incident_id=r["incident_id"],
        audience=CardAudience(r["audience"]),
        organisation_id=r["organisation_id"],
        draft_id=r["draft_id"],
        shown=r["shown"],
        id=r["id"],
        message_id=r["message_id"],
    )


async def add(conn: aiosqlite.Connection, card: CardMessage) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO card_messages(chat_id, message_id, incident_id, audience, organisation_id,"
        " draft_id, shown) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            card.chat_id,
            card.message_id,
            card.incident_id,
            card.audience.value,
            card.organisation_id,
            card.draft_id,
            card.shown,
        ),
    )
    assert row is not None
    return int(row[0])


async def bind(conn: aiosqlite.Connection, sent: Iterable[tuple[int, int]]) -> None:
    """Note the Telegram message id of each (card, message id) just delivered."""
    await conn.executemany(
        "UPDATE card_messages SET message_id = ? WHERE id = ?",
        [(message_id, card_id) for card_id, message_id in sent],
    )


async def set_shown(conn: aiosqlite.Connection, card_id: int, shown: str) -> None:
    await conn.execute("UPDATE card_messages SET shown = ? WHERE id = ?", (shown, card_id))


async def of_incident(conn: aiosqlite.Connection, incident_id: int) -> list[CardMessage]:
    rows = await fetch_all(
        conn, "SELECT * FROM card_messages WHERE incident_id = ? ORDER BY id", (incident_id,)
    )
    return [_card(r) for r in rows]


async def at(conn: aiosqlite.Connection, chat_id: int, message_id: int) -> CardMessage | None:
    r = await fetch_one(
        conn,
        "SELECT * FROM card_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return _card(r) if r else None


async def message_id(conn: aiosqlite.Connection, card_id: int) -> int | None:
    r = await fetch_one(conn, "SELECT message_id FROM card_messages WHERE id = ?", (card_id,))
    return int(r[0]) if r and r[0] is not None else None


async def forget(conn: aiosqlite.Connection, card_id: int) -> None:
    """The message was deleted by its reader: nothing to keep current any more."""
    await conn.execute("UPDATE outbox SET card_id = NULL WHERE card_id = ?", (card_id,))
    await conn.execute("DELETE FROM card_messages WHERE id = ?", (card_id,))
