"""Directory tables: blocks, organisations, people, supervision."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.directory_file import DirectoryRow
from bot.domain.model import Role
from bot.domain.names import sort_key
from bot.domain.records import Organisation, Person
from storage.backup import open_read_only
from storage.db import fetch_all, fetch_one, to_db_time

_PERSON_SQL = """
SELECT p.*, COALESCE(o.name, '') AS organisation
FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
"""
_ORG_SQL = """
SELECT o.id, o.name, o.block_id, COALESCE(b.name, '') AS block, o.chat_id
FROM organisations o LEFT JOIN blocks b ON b.id = o.block_id
"""


def _person(row: Any) -> Person:
    return Person(
        id=row["id"],
        full_name=row["full_name"],
        position=row["position"],
        role=Role(row["role"]),
        organisation_id=row["organisation_id"],
        organisation=row["organisation"],
        telegram_id=row["telegram_id"],
        invite_code=row["invite_code"],
        active=bool(row["active"]),
    )


def _org(row: Any) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row["name"],
        block_id=row["block_id"],
        block=row["block"],
        chat_id=row["chat_id"],
    )


async def person_by_telegram(conn: aiosqlite.Connection, telegram_id: int) -> Person | None:
    row = await fetch_one(
        conn, _PERSON_SQL + " WHERE p.telegram_id = ? AND p.active = 1", (telegram_id,)
    )
    return _person(row) if row else None


async def person(conn: aiosqlite.Connection, person_id: int) -> Person | None:
    row = await fetch_one(conn, _PERSON_SQL + " WHERE p.id = ?", (person_id,))
    return _person(row) if row else None


async def person_by_invite(conn: aiosqlite.Connection, code: str) -> Person | None:
    row = await fetch_one(conn, _PERSON_SQL + " WHERE p.invite_code = ? AND p.active = 1", (code,))
    return _person(row) if row else None


async def bind_person(
    conn: aiosqlite.Connection, person_id: int, telegram_id: int, at: datetime
) -> None:
    # A deactivated record may still hold this account; free it first.
    await conn.execute(
        "UPDATE people SET telegram_id = NULL WHERE telegram_id = ? AND active = 0",
        (telegram_id,),
    )
    await conn.execute(
        "UPDATE people SET telegram_id = ?, invite_code = NULL, bound_at = ? WHERE id = ?",
        (telegram_id, to_db_time(at), person_id),
    )


async def active_people(conn: aiosqlite.Connection) -> list[Person]:
    rows = await fetch_all(
        conn, _PERSON_SQL + " WHERE p.active = 1 ORDER BY p.role, organisation, p.full_name"
    )
    return [_person(r) for r in rows]


async def people_with_role(conn: aiosqlite.Connection, role: Role) -> list[Person]:
    rows = await fetch_all(
        conn,
        _PERSON_SQL + " WHERE p.active = 1 AND p.role = ? ORDER BY p.full_name",
        (role.value,),
    )
    return [_person(r) for r in rows]


async def organisation_members(conn: aiosqlite.Connection, organisation_id: int) -> list[Person]:
    rows = await fetch_all(
        conn,
        _PERSON_SQL + " WHERE p.active = 1 AND p.role = 'executor' AND p.organisation_id = ?"
        " ORDER BY p.full_name",
        (organisation_id,),
    )
    return [_person(r) for r in rows]


async def organisation(conn: aiosqlite.Connection, organisation_id: int) -> Organisation | None:
    row = await fetch_one(conn, _ORG_SQL + " WHERE o.id = ? AND o.active = 1", (organisation_id,))
    return _org(row) if row else None


async def organisation_names(
    conn: aiosqlite.Connection, organisation_ids: set[int]
) -> dict[int, str]:
    if not organisation_ids:
        return {}
    marks = ",".join("?" * len(organisation_ids))
    rows = await fetch_all(
        conn, f"SELECT id, name FROM organisations WHERE id IN ({marks})", list(organisation_ids)
    )
    return {r[0]: r[1] for r in rows}


async def organisation_by_chat(conn: aiosqlite.Connection, chat_id: int) -> Organisation | None:
    row = await fetch_one(conn, _ORG_SQL + " WHERE o.chat_id = ? AND o.active = 1", (chat_id,))
    return _org(row) if row else None


async def set_organisation_chat(
    conn: aiosqlite.Connection, organisation_id: int, chat_id: int | None
) -> None:
    if chat_id is not None:
        await conn.execute("UPDATE organisations SET chat_id = NULL WHERE chat_id = ?", (chat_id,))
    await conn.execute(
        "UPDATE organisations SET chat_id = ? WHERE id = ?", (chat_id, organisation_id)
    )


async def forget_chat(conn: aiosqlite.Connection, chat_id: int) -> None:
    await conn.execute("UPDATE organisations SET chat_id = NULL WHERE chat_id = ?", (chat_id,))


async def routable_blocks(conn: aiosqlite.Connection) -> list[tuple[int, str]]:
    """Blocks that hold at least one organisation with an executor in the directory."""
    rows = await fetch_all(
        conn,
        "SELECT DISTINCT b.id, b.name FROM blocks b"
        " JOIN organisations o ON o.block_id = b.id AND o.active = 1"
        " JOIN people p ON p.organisation_id = o.id AND p.active = 1 AND p.role = 'executor'"
        " ORDER BY b.name",
    )
    return [(r[0], r[1]) for r in rows]


async def routable_organisations(
    conn: aiosqlite.Connection, *, block_id: int | None = None, name_like: str | None = None
) -> list[Organisation]:
    sql = _ORG_SQL + (
        " WHERE o.active = 1 AND EXISTS (SELECT 1 FROM people p WHERE p.organisation_id = o.id"
        " AND p.active = 1 AND p.role = 'executor')"
    )
    args: list[Any] = []
    if block_id is not None:
        sql += " AND o.block_id = ?"
        args.append(block_id)
    rows = await fetch_all(conn, sql, args)
    orgs = sorted((_org(r) for r in rows), key=lambda o: (sort_key(o.name), o.name))
    if name_like:
        # casefold in Python: SQLite's LIKE folds ASCII only, not Cyrillic.
        needle = name_like.casefold()
        orgs = [o for o in orgs if needle in o.name.casefold()]
    return orgs


async def supervisors_of(conn: aiosqlite.Connection, organisation_id: int) -> list[Person]:
    rows = await fetch_all(
        conn,
        _PERSON_SQL + " JOIN supervision s ON s.person_id = p.id"
        " WHERE s.organisation_id = ? AND p.active = 1",
        (organisation_id,),
    )
    return [_person(r) for r in rows]


async def supervised(conn: aiosqlite.Connection, person_id: int) -> list[Organisation]:
    """The organisations a deputy head supervises (point 24), by name."""
    rows = await fetch_all(
        conn,
        _ORG_SQL + " JOIN supervision s ON s.organisation_id = o.id WHERE s.person_id = ?"
        " ORDER BY o.name",
        (person_id,),
    )
    return [_org(r) for r in rows]


async def export_rows(conn: aiosqlite.Connection) -> list[DirectoryRow]:
    people = await active_people(conn)
    blocks = {o.id: o.block for o in await _organisations(conn)}
    supervised: dict[int, list[str]] = {}
    for r in await fetch_all(
        conn,
        "SELECT s.person_id, o.name FROM supervision s"
        " JOIN organisations o ON o.id = s.organisation_id ORDER BY o.name",
    ):
        supervised.setdefault(r[0], []).append(r[1])
    return [
        DirectoryRow(
            line=0,
            organisation=person.organisation,
            block=blocks.get(person.organisation_id or 0, ""),
            full_name=person.full_name,
            position=person.position,
            role=person.role,
            supervises=tuple(supervised.get(person.id, ())),
        )
        for person in people
    ]


async def _organisations(conn: aiosqlite.Connection) -> list[Organisation]:
    return [_org(r) for r in await fetch_all(conn, _ORG_SQL + " WHERE o.active = 1")]


async def sync_directory(
    conn: aiosqlite.Connection, rows: Sequence[DirectoryRow], now: datetime
) -> tuple[int, int]:
    """Make the directory equal the file. Returns (added, deactivated) people.

    People are matched by (full name, role, organisation); a matched person keeps their
    Telegram binding. People and organisations missing from the file are deactivated, not
    deleted, so that the history of old incidents still names them.
    """
    org_ids: dict[str, int] = {}
    for row in rows:
        if not row.organisation:
            continue
        block_id = None
        if row.block:
            await conn.execute("INSERT OR IGNORE INTO blocks(name) VALUES (?)", (row.block,))
            block = await fetch_one(conn, "SELECT id FROM blocks WHERE name = ?", (row.block,))
            block_id = block[0]  # type: ignore[index]
        org = await fetch_one(
            conn,
            "INSERT INTO organisations(name, block_id) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET active = 1,"
            " block_id = COALESCE(excluded.block_id, block_id)"
            " RETURNING id",
            (row.organisation, block_id),
        )
        org_ids[row.organisation] = org[0]  # type: ignore[index]
    # A supervised organisation may have no executors in the file (its last one removed):
    # it stays, with its block, so that the deputy head's row needs no edit.
    for name in {name for row in rows for name in row.supervises} - org_ids.keys():
        org = await fetch_one(
            conn,
            "INSERT INTO organisations(name) VALUES (?)"
            " ON CONFLICT(name) DO UPDATE SET active = 1 RETURNING id",
            (name,),
        )
        org_ids[name] = org[0]  # type: ignore[index]
    placeholders = ",".join("?" * len(org_ids))
    await conn.execute(
        f"UPDATE organisations SET active = 0 WHERE id NOT IN ({placeholders})",
        list(org_ids.values()),
    )

    existing: dict[tuple[str, str, str], int] = {}
    for r in await fetch_all(conn, _PERSON_SQL):
        existing[(r["full_name"], r["role"], r["organisation"])] = r["id"]
    keep: list[int] = []
    added = 0
    stamp = to_db_time(now)
    for row in rows:
        org_id = org_ids.get(row.organisation)
        person_id = existing.get(row.key)
        if person_id is None:
            person = await fetch_one(
                conn,
                "INSERT INTO people(full_name, position, role, organisation_id, invite_code,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (row.full_name, row.position, row.role.value, org_id, new_invite_code(), stamp),
            )
            person_id = person[0]  # type: ignore[index]
            added += 1
        else:
            await conn.execute(
                "UPDATE people SET position = ?, active = 1,"
                " invite_code = CASE WHEN telegram_id IS NULL"
                " THEN COALESCE(invite_code, ?) END WHERE id = ?",
                (row.position, new_invite_code(), person_id),
            )
        keep.append(person_id)
        await conn.execute("DELETE FROM supervision WHERE person_id = ?", (person_id,))
        for name in row.supervises:
            await conn.execute(
                "INSERT OR IGNORE INTO supervision(person_id, organisation_id) VALUES (?, ?)",
                (person_id, org_ids[name]),
            )
    cur = await conn.execute(
        f"UPDATE people SET active = 0 WHERE active = 1"
        f" AND id NOT IN ({','.join('?' * len(keep))})",
        keep,
    )
    return added, cur.rowcount


def new_invite_code() -> str:
    # Deep-link payloads allow [A-Za-z0-9_-], up to 64 characters.
    return secrets.token_urlsafe(12)


def has_coordinator(path: Path) -> bool:
    """Whether the database file lists a coordinator (bound or still invited), read before
    the bot starts: then COORDINATOR_IDS may stay empty."""
    if not path.is_file():
        return False
    with contextlib.closing(open_read_only(path)) as conn:
        try:
            row = conn.execute(
                "SELECT 1 FROM people WHERE role = 'coordinator' AND active = 1 LIMIT 1"
            ).fetchone()
        except sqlite3.Error:  # a file from before the directory existed, or not ours
            return False
    return row is not None
