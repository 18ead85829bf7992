"""The directory edited from the chat: people and organisations added, moved, renamed,
switched off, and the audit log of every change (migration 020)."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.domain.model import Role
from bot.domain.names import sort_key
from bot.domain.records import Organisation, Person
from bot.domain.staff import AuditAction, AuditEntry
from storage import directory as repo
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time


async def blocks(conn: aiosqlite.Connection) -> list[tuple[int, str]]:
    """Every thematic block, by name."""
    rows = await fetch_all(conn, "SELECT id, name FROM blocks ORDER BY name")
    return [(r[0], r[1]) for r in rows]


async def block(conn: aiosqlite.Connection, block_id: int) -> str | None:
    row = await fetch_one(conn, "SELECT name FROM blocks WHERE id = ?", (block_id,))
    return str(row[0]) if row else None


async def add_block(conn: aiosqlite.Connection, name: str) -> int:
    row = await fetch_one(conn, "INSERT INTO blocks(name) VALUES (?) RETURNING id", (name,))
    assert row is not None
    return int(row[0])


async def organisations(
    conn: aiosqlite.Connection, block_id: int | None, *, any_block: bool = False
) -> list[Organisation]:
    """The active organisations of a block (None: those without one; `any_block`: all),
    sorted as people look for them."""
    sql = "SELECT id FROM organisations WHERE active = 1"
    args: list[int] = []
    if not any_block:
        sql += " AND block_id IS ?"
        args.append(block_id)  # type: ignore[arg-type]
    found = [await repo.organisation(conn, r[0]) for r in await fetch_all(conn, sql, args)]
    orgs = [o for o in found if o is not None]
    return sorted(orgs, key=lambda o: (sort_key(o.name), o.name))


async def organisation_names(conn: aiosqlite.Connection) -> list[tuple[int, str]]:
    """Every organisation's name, switched off or not (names are unique in the table)."""
    rows = await fetch_all(conn, "SELECT id, name FROM organisations")
    return [(r[0], r[1]) for r in rows]


async def has_unblocked(conn: aiosqlite.Connection) -> bool:
    row = await fetch_one(
        conn, "SELECT 1 FROM organisations WHERE active = 1 AND block_id IS NULL LIMIT 1"
    )
    return row is not None


async def people(conn: aiosqlite.Connection, organisation_id: int | None) -> list[Person]:
    """The organisation's people (None: those of no organisation), the active first."""
    rows = await fetch_all(
        conn,
        "SELECT id FROM people WHERE organisation_id IS ? ORDER BY active DESC, full_name",
        (organisation_id,),
    )
    found = [await repo.person(conn, r[0]) for r in rows]
    return [p for p in found if p is not None]


async def supervisors(conn: aiosqlite.Connection) -> list[Person]:
    return await repo.people_with_role(conn, Role.SUPERVISOR)


async def add_person(
    conn: aiosqlite.Connection,
    full_name: str,
    role: Role,
    organisation_id: int | None,
    invite_code: str,
    now: datetime,
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO people(full_name, role, organisation_id, invite_code, created_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (full_name, role.value, organisation_id, invite_code, to_db_time(now)),
    )
    assert row is not None
    return int(row[0])


async def move_person(conn: aiosqlite.Connection, person_id: int, organisation_id: int) -> None:
    await conn.execute(
        "UPDATE people SET organisation_id = ? WHERE id = ?", (organisation_id, person_id)
    )


async def switch_off(conn: aiosqlite.Connection, person_id: int) -> None:
    """Kept, with its Telegram binding (a CSV import may switch it on again), but no longer
    found by its account or its invite."""
    await conn.execute(
        "UPDATE people SET active = 0, invite_code = NULL WHERE id = ?", (person_id,)
    )


async def forget_cards(
    conn: aiosqlite.Connection, chat_id: int, organisation_id: int | None = None
) -> None:
    """Stop keeping current the cards in a chat (of one organisation, if given): their
    reader was switched off or moved."""
    where = "chat_id = ?" + (" AND organisation_id = ?" if organisation_id is not None else "")
    args = (chat_id,) if organisation_id is None else (chat_id, organisation_id)
    await conn.execute(
        f"UPDATE outbox SET card_id = NULL WHERE card_id IN"
        f" (SELECT id FROM card_messages WHERE {where})",
        args,
    )
    await conn.execute(f"DELETE FROM card_messages WHERE {where}", args)


async def add_organisation(conn: aiosqlite.Connection, name: str) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO organisations(name) VALUES (?)"
        " ON CONFLICT(name) DO UPDATE SET active = 1 RETURNING id",
        (name,),
    )
    assert row is not None
    return int(row[0])


async def switch_on_organisation(conn: aiosqlite.Connection, organisation_id: int) -> None:
    await conn.execute("UPDATE organisations SET active = 1 WHERE id = ?", (organisation_id,))


async def rename_organisation(conn: aiosqlite.Connection, organisation_id: int, name: str) -> None:
    await conn.execute("UPDATE organisations SET name = ? WHERE id = ?", (name, organisation_id))


async def set_block(
    conn: aiosqlite.Connection, organisation_id: int, block_id: int | None
) -> None:
    await conn.execute(
        "UPDATE organisations SET block_id = ? WHERE id = ?", (block_id, organisation_id)
    )


async def supervisor_ids(conn: aiosqlite.Connection, organisation_id: int) -> list[int]:
    """Who supervises the organisation (the active deputy heads)."""
    return [p.id for p in await repo.supervisors_of(conn, organisation_id)]


async def supervise(
    conn: aiosqlite.Connection, person_id: int, organisation_id: int, *, on: bool
) -> None:
    if on:
        await conn.execute(
            "INSERT OR IGNORE INTO supervision(person_id, organisation_id) VALUES (?, ?)",
            (person_id, organisation_id),
        )
    else:
        await conn.execute(
            "DELETE FROM supervision WHERE person_id = ? AND organisation_id = ?",
            (person_id, organisation_id),
        )


async def record(
    conn: aiosqlite.Connection,
    entry: AuditEntry,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO directory_audit(at, actor_telegram_id, actor_name, action, person_id,"
        " organisation_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            to_db_time(entry.at),
            entry.actor_telegram_id,
            entry.actor_name,
            entry.action.value,
            person_id,
            organisation_id,
            json.dumps(entry.details, ensure_ascii=False),
        ),
    )


async def latest(conn: aiosqlite.Connection, limit: int) -> list[AuditEntry]:
    """The last changes, newest first."""
    rows = await fetch_all(
        conn, "SELECT * FROM directory_audit ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [
        AuditEntry(
            at=from_db_time(r["at"]),  # type: ignore[arg-type]
            actor_name=r["actor_name"],
            action=AuditAction(r["action"]),
            details=json.loads(r["details"]),
            actor_telegram_id=r["actor_telegram_id"],
        )
        for r in rows
    ]
