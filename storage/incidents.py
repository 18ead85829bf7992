"""Incident tables: incidents, the organisations' assignments, and the events of each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import (
    OPEN_STATES,
    Category,
    NoAnswerGround,
    State,
)
from bot.domain.records import (
    Assignment,
    Event,
    Incident,
    IncidentView,
    OpenItem,
    Part,
    Repeat,
)
from storage import assignments as assignment_repo
from storage import drafts, timers
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time


def _incident(r: Any) -> Incident:
    return Incident(
        id=r["id"],
        state=State(r["state"]),
        category=Category(r["category"]) if r["category"] else None,
        significant=bool(r["significant"]),
        source_text=r["source_text"],
        source_link=r["source_link"],
        source_origin=r["source_origin"],
        detected_at=from_db_time(r["detected_at"]),  # type: ignore[arg-type]
        answer_due_at=from_db_time(r["answer_due_at"]),
        created_by=r["created_by"],
        created_at=from_db_time(r["created_at"]),  # type: ignore[arg-type]
        closed_at=from_db_time(r["closed_at"]),
        owner_id=r["owner_id"] or r["created_by"],
        head_told=bool(r["head_told"]),
        no_answer=NoAnswerGround(r["no_answer"]) if r["no_answer"] else None,
        repeat_of=r["repeat_of"],
        source_author=r["source_author"],
        final_due_at=from_db_time(r["final_due_at"]),
        parts=bool(r["parts"]),
        first_reply_due_at=from_db_time(r["first_reply_due_at"]),
        first_reply_at=from_db_time(r["first_reply_at"]),
        answered_at=from_db_time(r["answered_at"]),
        rating_until=from_db_time(r["rating_until"]),
        urgent=bool(r["urgent"]),
    )


async def create_incident(
    conn: aiosqlite.Connection,
    *,
    source_text: str,
    source_link: str | None,
    source_origin: str | None,
    source_author: str | None,
    repeat_of: int | None,
    batch_key: str | None,
    detected_at: datetime,
    created_by: int,
    now: datetime,
    address: str | None = None,
) -> Incident:
    row = await fetch_one(
        conn,
        "INSERT INTO incidents(state, source_text, source_link, source_origin, source_author,"
        " repeat_of, batch_key, detected_at, created_by, owner_id, created_at, address)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            State.NEW.value,
            source_text,
            source_link,
            source_origin,
            source_author,
            repeat_of,
            batch_key,
            to_db_time(detected_at),
            created_by,
            created_by,
            to_db_time(now),
            address,
        ),
    )
    assert row is not None
    return _incident(row)


async def incident_by_batch(
    conn: aiosqlite.Connection, created_by: int, batch_key: str, since: datetime
) -> Incident | None:
    """The open incident that earlier messages sent together with this one opened."""
    row = await fetch_one(
        conn,
        "SELECT * FROM incidents WHERE created_by = ? AND batch_key = ? AND created_at >= ?"
        " AND state NOT IN ('closed', 'cancelled') ORDER BY id DESC",
        (created_by, batch_key, to_db_time(since)),
    )
    return _incident(row) if row else None


async def earlier_of(
    conn: aiosqlite.Connection, author: str | None, link: str | None
) -> int | None:
    """The latest incident of the same author or with the same link, if any (p. 18)."""
    row = await fetch_one(
        conn,
        "SELECT MAX(id) FROM incidents WHERE (source_author = ? OR source_link = ?)"
        " AND state != 'cancelled'",
        (author, link),
    )
    return row[0] if row else None


async def repeat(conn: aiosqlite.Connection, incident_id: int) -> Repeat | None:
    """The earlier incident, as the card of its repeat shows it: who answered, and what
    (its latest published answer, not a clarification asked)."""
    row = await fetch_one(
        conn,
        "SELECT e.id, (SELECT a.organisation_id FROM drafts d JOIN assignments a"
        " ON a.id = d.assignment_id WHERE d.incident_id = e.id AND d.state = 'published'"
        " AND d.kind != 'clarification' ORDER BY d.published_at DESC, d.id DESC LIMIT 1)"
        " AS organisation_id,"
        " (SELECT d.text FROM drafts d WHERE d.incident_id = e.id AND d.state = 'published'"
        " AND d.part = 0 AND d.kind != 'clarification' ORDER BY d.published_at DESC LIMIT 1)"
        " AS answer"
        " FROM incidents i JOIN incidents e ON e.id = i.repeat_of WHERE i.id = ?",
        (incident_id,),
    )
    return Repeat(row["id"], row["organisation_id"], row["answer"]) if row else None


async def get_incident(conn: aiosqlite.Connection, incident_id: int) -> Incident | None:
    row = await fetch_one(conn, "SELECT * FROM incidents WHERE id = ?", (incident_id,))
    return _incident(row) if row else None


async def view(conn: aiosqlite.Connection, incident_id: int) -> IncidentView | None:
    """Everything a card shows about one incident."""
    incident = await get_incident(conn, incident_id)
    if incident is None:
        return None
    assignments = await assignment_repo.assignments(conn, incident_id)
    return IncidentView(
        incident,
        assignments,
        await drafts.latest(conn, incident_id),
        await drafts.attachments(conn, incident_id, None),
        await events(conn, incident_id),
        await timers.running(conn, incident_id),
        await repeat(conn, incident_id) if incident.repeat_of else None,
        await parts(conn, incident, assignments),
    )


async def parts(
    conn: aiosqlite.Connection, incident: Incident, assignments: list[Assignment]
) -> list[Part]:
    """Each organisation's part, if the incident is answered in parts: those on it and
    those that declined (not those withdrawn)."""
    if not incident.parts:
        return []
    latest = await drafts.latest_parts(conn, incident.id)
    # One part per organisation: its latest assignment (one that declined may be sent the
    # incident again).
    last = {a.organisation_id: a for a in assignments}
    return [Part(a, latest.get(a.id)) for a in last.values() if a.withdrawn_at is None]


async def incident_with_active(
    conn: aiosqlite.Connection, incident_id: int
) -> tuple[Incident, list[int]] | None:
    """The incident and the organisations actively working on it (what the rules and the
    stage clocks look at), in one query."""
    row = await fetch_one(
        conn,
        "SELECT i.*, (SELECT group_concat(a.organisation_id) FROM assignments a"
        " WHERE a.incident_id = i.id AND a.status = 'active') AS active"
        " FROM incidents i WHERE i.id = ?",
        (incident_id,),
    )
    if row is None:
        return None
    active = [int(org) for org in row["active"].split(",")] if row["active"] else []
    return _incident(row), active


async def update_incident(conn: aiosqlite.Connection, incident_id: int, **fields: Any) -> None:
    values = {k: to_db_time(v) if isinstance(v, datetime) else v for k, v in fields.items()}
    sets = ", ".join(f"{name} = ?" for name in values)
    await conn.execute(
        f"UPDATE incidents SET {sets} WHERE id = ?", (*values.values(), incident_id)
    )


async def open_list(
    conn: aiosqlite.Connection,
    organisation_id: int | None = None,
    supervisor_id: int | None = None,
) -> list[OpenItem]:
    """Open incidents with the organisations working on them, in one query: all of them, or
    those of one organisation, or those of the organisations a deputy head supervises."""
    states = [s.value for s in OPEN_STATES]
    sql = (
        "SELECT i.id, i.state, i.answer_due_at, substr(i.source_text, 1, 500) AS post,"
        " i.source_link, (SELECT group_concat(name, char(10)) FROM"
        " (SELECT o.name FROM assignments a JOIN organisations o ON o.id = a.organisation_id"
        " WHERE a.incident_id = i.id AND a.status = 'active' ORDER BY a.id)) AS organisations"
        f" FROM incidents i WHERE i.state IN ({','.join('?' * len(states))})"
    )
    args: list[Any] = list(states)
    if organisation_id is not None:
        sql += (
            " AND i.id IN (SELECT incident_id FROM assignments"
            " WHERE organisation_id = ? AND status = 'active')"
        )
        args.append(organisation_id)
    if supervisor_id is not None:
        sql += (
            " AND i.id IN (SELECT a.incident_id FROM assignments a JOIN supervision s"
            " ON s.organisation_id = a.organisation_id"
            " WHERE s.person_id = ? AND a.status = 'active')"
        )
        args.append(supervisor_id)
    rows = await fetch_all(conn, sql + " ORDER BY i.id", args)
    return [
        OpenItem(
            id=r["id"],
            state=State(r["state"]),
            answer_due_at=from_db_time(r["answer_due_at"]),
            organisations=r["organisations"].split("\n") if r["organisations"] else [],
            post=r["post"].strip() or (r["source_link"] or ""),
        )
        for r in rows
    ]


async def add_event(
    conn: aiosqlite.Connection,
    incident_id: int,
    *,
    at: datetime,
    actor_telegram_id: int | None,
    actor_name: str,
    action: str,
    state_after: State,
    organisation_id: int | None = None,
    draft_id: int | None = None,
    comment: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO events(incident_id, at, actor_telegram_id, actor_name, action, state_after,"
        " organisation_id, draft_id, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            incident_id,
            to_db_time(at),
            actor_telegram_id,
            actor_name,
            action,
            state_after.value,
            organisation_id,
            draft_id,
            comment,
        ),
    )


async def events(conn: aiosqlite.Connection, incident_id: int) -> list[Event]:
    rows = await fetch_all(
        conn,
        "SELECT e.*, o.name AS organisation FROM events e"
        " LEFT JOIN organisations o ON o.id = e.organisation_id"
        " WHERE e.incident_id = ? ORDER BY e.id",
        (incident_id,),
    )
    return [
        Event(
            at=from_db_time(r["at"]),  # type: ignore[arg-type]
            actor_name=r["actor_name"],
            action=r["action"],
            state_after=State(r["state_after"]),
            organisation=r["organisation"],
            comment=r["comment"],
        )
        for r in rows
    ]
