"""Absences and their acting substitutes (seed 001, 3.8), as recorded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.absences import Absence, Member
from bot.domain.model import Role
from storage.db import fetch_all, fetch_one, to_db_time

_COLUMNS = (
    "id, absent_chat, absent_name, absent_role, absent_organisation_id, substitute_chat,"
    " substitute_name, substitute_role, starts_on, ends_on"
)


def _absence(row: Any) -> Absence:
    substitute = None
    if row["substitute_chat"] is not None:
        substitute = Member(
            int(row["substitute_chat"]), row["substitute_name"], Role(row["substitute_role"])
        )
    return Absence(
        int(row["id"]),
        Member(
            int(row["absent_chat"]),
            row["absent_name"],
            Role(row["absent_role"]),
            row["absent_organisation_id"],
        ),
        substitute,
        date.fromisoformat(row["starts_on"]),
        date.fromisoformat(row["ends_on"]),
    )


async def add(
    conn: aiosqlite.Connection,
    absent: Member,
    substitute: Member | None,
    starts_on: date,
    ends_on: date,
    by: tuple[int, str],
    at: datetime,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO absences (absent_chat, absent_name, absent_role, absent_organisation_id,"
        " substitute_chat, substitute_name, substitute_role, starts_on, ends_on, created_by,"
        " created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            absent.chat,
            absent.name,
            absent.role.value,
            absent.organisation_id,
            substitute.chat if substitute else None,
            substitute.name if substitute else None,
            substitute.role.value if substitute else None,
            starts_on.isoformat(),
            ends_on.isoformat(),
            by[0],
            by[1],
            to_db_time(at),
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def not_over(conn: aiosqlite.Connection, today: date) -> list[Absence]:
    """The absences running today or still to come, not cancelled, by their start; not
    those whose substitute has since been switched off (the messages go back then)."""
    rows = await fetch_all(
        conn,
        f"SELECT {_COLUMNS} FROM absences a WHERE cancelled_at IS NULL AND ends_on >= ?"
        " AND NOT EXISTS (SELECT 1 FROM people p"
        " WHERE p.telegram_id = a.substitute_chat AND p.active = 0)"
        " ORDER BY starts_on, id",
        (today.isoformat(),),
    )
    return [_absence(r) for r in rows]


async def get(conn: aiosqlite.Connection, absence_id: int) -> Absence | None:
    row = await fetch_one(
        conn,
        f"SELECT {_COLUMNS} FROM absences WHERE id = ? AND cancelled_at IS NULL",
        (absence_id,),
    )
    return _absence(row) if row else None


async def cancel(conn: aiosqlite.Connection, absence_id: int, at: datetime) -> None:
    await conn.execute(
        "UPDATE absences SET cancelled_at = ? WHERE id = ?", (to_db_time(at), absence_id)
    )


async def last_name_of(conn: aiosqlite.Connection, chat: int) -> str | None:
    """The name a coordinator of the settings (no person row) last acted under."""
    row = await fetch_one(
        conn,
        "SELECT actor_name FROM events WHERE actor_telegram_id = ? ORDER BY id DESC LIMIT 1",
        (chat,),
    )
    return str(row[0]) if row else None


async def cancel_involving(conn: aiosqlite.Connection, chat: int, at: datetime) -> None:
    """Every absence someone is in, away or standing in: they changed organisation."""
    await conn.execute(
        "UPDATE absences SET cancelled_at = ?"
        " WHERE cancelled_at IS NULL AND (absent_chat = ? OR substitute_chat = ?)",
        (to_db_time(at), chat, chat),
    )
