"""Incident tables: incidents, assignments, drafts, attachments, events, card messages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import (
    OPEN_STATES,
    AnswerKind,
    AttachmentKind,
    Category,
    DraftState,
    State,
)
from storage.db import defer, fetch_all, fetch_one, flush
from storage.records import (
    Assignment,
    Attachment,
    CardMessage,
    Draft,
    Event,
    Incident,
    from_db_time,
    to_db_time,
)


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
    )


async def create_incident(
    conn: aiosqlite.Connection,
    *,
    source_text: str,
    source_link: str | None,
    source_origin: str | None,
    media_group_id: str | None,
    detected_at: datetime,
    created_by: int,
    now: datetime,
) -> Incident:
    row = await fetch_one(
        conn,
        "INSERT INTO incidents(state, source_text, source_link, source_origin, media_group_id,"
        " detected_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            State.NEW.value,
            source_text,
            source_link,
            source_origin,
            media_group_id,
            to_db_time(detected_at),
            created_by,
            to_db_time(now),
        ),
    )
    assert row is not None
    return _incident(row)


async def incident_by_media_group(
    conn: aiosqlite.Connection, created_by: int, media_group_id: str
) -> Incident | None:
    row = await fetch_one(
        conn,
        "SELECT * FROM incidents WHERE created_by = ? AND media_group_id = ?",
        (created_by, media_group_id),
    )
    return _incident(row) if row else None


async def get_incident(conn: aiosqlite.Connection, incident_id: int) -> Incident | None:
    row = await fetch_one(conn, "SELECT * FROM incidents WHERE id = ?", (incident_id,))
    return _incident(row) if row else None


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


async def open_incidents(
    conn: aiosqlite.Connection, organisation_id: int | None = None
) -> list[Incident]:
    states = [s.value for s in OPEN_STATES]
    sql = f"SELECT * FROM incidents WHERE state IN ({','.join('?' * len(states))})"
    args: list[Any] = list(states)
    if organisation_id is not None:
        sql += (
            " AND id IN (SELECT incident_id FROM assignments"
            " WHERE organisation_id = ? AND status = 'active')"
        )
        args.append(organisation_id)
    rows = await fetch_all(conn, sql + " ORDER BY id", args)
    return [_incident(r) for r in rows]


_ASSIGNMENT_SQL = """
SELECT a.*, o.name AS organisation, p.full_name AS accepted_by_name
FROM assignments a JOIN organisations o ON o.id = a.organisation_id
LEFT JOIN people p ON p.id = a.accepted_by
"""


def _assignment(r: Any) -> Assignment:
    return Assignment(
        id=r["id"],
        incident_id=r["incident_id"],
        organisation_id=r["organisation_id"],
        organisation=r["organisation"],
        status=r["status"],
        assigned_at=from_db_time(r["assigned_at"]),  # type: ignore[arg-type]
        accepted_at=from_db_time(r["accepted_at"]),
        accepted_by_name=r["accepted_by_name"],
        declined_at=from_db_time(r["declined_at"]),
        decline_reason=r["decline_reason"],
    )


async def assignments(conn: aiosqlite.Connection, incident_id: int) -> list[Assignment]:
    rows = await fetch_all(
        conn, _ASSIGNMENT_SQL + " WHERE a.incident_id = ? ORDER BY a.id", (incident_id,)
    )
    return [_assignment(r) for r in rows]


async def active_assignment(
    conn: aiosqlite.Connection, incident_id: int, organisation_id: int
) -> Assignment | None:
    row = await fetch_one(
        conn,
        _ASSIGNMENT_SQL + " WHERE a.incident_id = ? AND a.organisation_id = ?"
        " AND a.status = 'active'",
        (incident_id, organisation_id),
    )
    return _assignment(row) if row else None


async def add_assignment(
    conn: aiosqlite.Connection, incident_id: int, organisation_id: int, now: datetime
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO assignments(incident_id, organisation_id, status, assigned_at)"
        " VALUES (?, ?, 'active', ?) RETURNING id",
        (incident_id, organisation_id, to_db_time(now)),
    )
    return int(row[0])  # type: ignore[index]


async def accept_assignment(
    conn: aiosqlite.Connection, assignment_id: int, person_id: int, now: datetime
) -> None:
    await conn.execute(
        "UPDATE assignments SET accepted_at = ?, accepted_by = ? WHERE id = ?"
        " AND accepted_at IS NULL",
        (to_db_time(now), person_id, assignment_id),
    )


async def decline_assignment(
    conn: aiosqlite.Connection, assignment_id: int, reason: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE assignments SET status = 'declined', declined_at = ?, decline_reason = ?"
        " WHERE id = ?",
        (to_db_time(now), reason, assignment_id),
    )


async def finish_assignments(conn: aiosqlite.Connection, incident_id: int) -> None:
    await conn.execute(
        "UPDATE assignments SET status = 'done' WHERE incident_id = ? AND status = 'active'",
        (incident_id,),
    )


_DRAFT_SQL = """
SELECT d.*, p.full_name AS author_name, o.name AS organisation
FROM drafts d JOIN assignments a ON a.id = d.assignment_id
JOIN organisations o ON o.id = a.organisation_id
LEFT JOIN people p ON p.id = d.author_id
"""


def _draft(r: Any) -> Draft:
    return Draft(
        id=r["id"],
        incident_id=r["incident_id"],
        assignment_id=r["assignment_id"],
        version=r["version"],
        kind=AnswerKind(r["kind"]),
        text=r["text"],
        state=DraftState(r["state"]),
        author_name=r["author_name"],
        organisation=r["organisation"],
        created_at=from_db_time(r["created_at"]),  # type: ignore[arg-type]
        return_reason=r["return_reason"],
    )


async def get_draft(conn: aiosqlite.Connection, draft_id: int) -> Draft | None:
    row = await fetch_one(conn, _DRAFT_SQL + " WHERE d.id = ?", (draft_id,))
    return _draft(row) if row else None


async def latest_draft(conn: aiosqlite.Connection, incident_id: int) -> Draft | None:
    row = await fetch_one(
        conn,
        _DRAFT_SQL + " WHERE d.incident_id = ? ORDER BY d.version DESC LIMIT 1",
        (incident_id,),
    )
    return _draft(row) if row else None


async def create_draft(
    conn: aiosqlite.Connection,
    incident_id: int,
    assignment_id: int,
    author_id: int,
    now: datetime,
    *,
    copy_from: Draft | None = None,
) -> int:
    row = await fetch_one(
        conn,
        "SELECT COALESCE(MAX(version), 0) + 1 FROM drafts WHERE incident_id = ?",
        (incident_id,),
    )
    version = row[0]  # type: ignore[index]
    row = await fetch_one(
        conn,
        "INSERT INTO drafts(incident_id, assignment_id, version, kind, text, state, author_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, 'editing', ?, ?) RETURNING id",
        (
            incident_id,
            assignment_id,
            version,
            copy_from.kind.value if copy_from else AnswerKind.FINAL.value,
            copy_from.text if copy_from else "",
            author_id,
            to_db_time(now),
        ),
    )
    draft_id = int(row[0])  # type: ignore[index]
    if copy_from:
        # Evidence of the returned version stays with the new one.
        await conn.execute(
            "INSERT INTO attachments(incident_id, draft_id, kind, file_id, file_unique_id,"
            " media_group_id, created_at) SELECT incident_id, ?, kind, file_id, file_unique_id,"
            " media_group_id, created_at FROM attachments WHERE draft_id = ? ORDER BY id",
            (draft_id, copy_from.id),
        )
    return draft_id


async def update_draft(conn: aiosqlite.Connection, draft_id: int, **fields: Any) -> None:
    values = {
        k: to_db_time(v) if isinstance(v, datetime) else getattr(v, "value", v)
        for k, v in fields.items()
    }
    sets = ", ".join(f"{name} = ?" for name in values)
    await conn.execute(f"UPDATE drafts SET {sets} WHERE id = ?", (*values.values(), draft_id))


async def add_attachment(
    conn: aiosqlite.Connection,
    incident_id: int,
    draft_id: int | None,
    kind: AttachmentKind,
    file_id: str,
    file_unique_id: str,
    media_group_id: str | None,
    now: datetime,
) -> Attachment:
    row = await fetch_one(
        conn,
        "INSERT INTO attachments(incident_id, draft_id, kind, file_id, file_unique_id,"
        " media_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            incident_id,
            draft_id,
            kind.value,
            file_id,
            file_unique_id,
            media_group_id,
            to_db_time(now),
        ),
    )
    assert row is not None
    return Attachment(int(row[0]), kind, file_id, media_group_id)


async def attachments(
    conn: aiosqlite.Connection, incident_id: int, draft_id: int | None
) -> list[Attachment]:
    if draft_id is None:
        rows = await fetch_all(
            conn,
            "SELECT * FROM attachments WHERE incident_id = ? AND draft_id IS NULL ORDER BY id",
            (incident_id,),
        )
    else:
        rows = await fetch_all(
            conn, "SELECT * FROM attachments WHERE draft_id = ? ORDER BY id", (draft_id,)
        )
    return [
        Attachment(r["id"], AttachmentKind(r["kind"]), r["file_id"], r["media_group_id"])
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
    """Recorded when the transaction commits (see storage.db.defer)."""
    await defer(
        conn,
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
    await flush(conn)  # this transaction's own events too
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


async def add_card(conn: aiosqlite.Connection, card: CardMessage) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO card_messages(chat_id, message_id, incident_id, audience, organisation_id,"
        " draft_id, shown) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            card.chat_id,
            card.message_id,
            card.incident_id,
            card.audience,
            card.organisation_id,
            card.draft_id,
            card.shown,
        ),
    )
    return int(row[0])  # type: ignore[index]


async def bind_cards(conn: aiosqlite.Connection, sent: Sequence[tuple[int, int]]) -> None:
    """Note the Telegram message id of each (card, message) just delivered."""
    if not sent:
        return
    # One statement for the batch (see outbox.mark_sent): pairs [card id, message id].
    await conn.execute(
        "UPDATE card_messages SET message_id = json_extract(s.value, '$[1]')"
        " FROM json_each(?) AS s WHERE card_messages.id = json_extract(s.value, '$[0]')",
        (json.dumps([list(pair) for pair in sent]),),
    )


async def set_card_shown(conn: aiosqlite.Connection, card_id: int, shown: str) -> None:
    await conn.execute("UPDATE card_messages SET shown = ? WHERE id = ?", (shown, card_id))


async def cards(conn: aiosqlite.Connection, incident_id: int) -> list[CardMessage]:
    rows = await fetch_all(
        conn, "SELECT * FROM card_messages WHERE incident_id = ? ORDER BY id", (incident_id,)
    )
    return [_card(r) for r in rows]


async def card_at(conn: aiosqlite.Connection, chat_id: int, message_id: int) -> CardMessage | None:
    r = await fetch_one(
        conn,
        "SELECT * FROM card_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return _card(r) if r else None


async def card_message_id(conn: aiosqlite.Connection, card_id: int) -> int | None:
    r = await fetch_one(conn, "SELECT message_id FROM card_messages WHERE id = ?", (card_id,))
    return int(r[0]) if r and r[0] is not None else None


async def forget_card(conn: aiosqlite.Connection, card_id: int) -> None:
    await conn.execute("DELETE FROM card_messages WHERE id = ?", (card_id,))


def _card(r: Any) -> CardMessage:
    return CardMessage(
        chat_id=r["chat_id"],
        incident_id=r["incident_id"],
        audience=r["audience"],
        organisation_id=r["organisation_id"],
        draft_id=r["draft_id"],
        shown=r["shown"],
        id=r["id"],
        message_id=r["message_id"],
    )
