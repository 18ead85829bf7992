"""Answer drafts (each return for rework makes a new version) and attachments: the post's
media and the evidence of drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import AnswerKind, AttachmentKind, DraftState
from bot.domain.records import Attachment, Draft, Media
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time

_DRAFT_SQL = """
SELECT d.*, p.full_name AS author_name, o.name AS organisation,
(SELECT COUNT(*) FROM attachments x WHERE x.draft_id = d.id) AS attachments,
d.version = (SELECT MAX(version) FROM drafts v WHERE v.incident_id = d.incident_id) AS latest
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
        author_id=r["author_id"],
        organisation=r["organisation"],
        created_at=from_db_time(r["created_at"]),  # type: ignore[arg-type]
        return_reason=r["return_reason"],
        attachments=r["attachments"],
        latest=bool(r["latest"]),
        promised_at=from_db_time(r["promised_at"]),
        responsible=r["responsible"],
        actions=r["actions"],
    )


async def get(conn: aiosqlite.Connection, draft_id: int) -> Draft | None:
    row = await fetch_one(conn, _DRAFT_SQL + " WHERE d.id = ?", (draft_id,))
    return _draft(row) if row else None


async def of_incident(conn: aiosqlite.Connection, incident_id: int) -> dict[int, Draft]:
    """Every version of the incident's draft, by id: what its cards show, in one query."""
    rows = await fetch_all(conn, _DRAFT_SQL + " WHERE d.incident_id = ?", (incident_id,))
    return {r["id"]: _draft(r) for r in rows}


async def latest(conn: aiosqlite.Connection, incident_id: int) -> Draft | None:
    row = await fetch_one(
        conn,
        _DRAFT_SQL + " WHERE d.incident_id = ? ORDER BY d.version DESC LIMIT 1",
        (incident_id,),
    )
    return _draft(row) if row else None


async def editing_by(conn: aiosqlite.Connection, person_id: int) -> Draft | None:
    """The draft this person is writing now, if any: the latest of them."""
    row = await fetch_one(
        conn,
        _DRAFT_SQL + " WHERE d.author_id = ? AND d.state = 'editing' AND a.status = 'active'"
        " ORDER BY d.id DESC LIMIT 1",
        (person_id,),
    )
    return _draft(row) if row else None


async def create(
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
        # The interim answer's term, who and what stay too (p. 20).
        await conn.execute(
            "UPDATE drafts SET promised_at = ?, responsible = ?, actions = ? WHERE id = ?",
            (
                to_db_time(copy_from.promised_at) if copy_from.promised_at else None,
                copy_from.responsible,
                copy_from.actions,
                draft_id,
            ),
        )
        # Evidence of the returned version stays with the new one.
        await conn.execute(
            "INSERT INTO attachments(incident_id, draft_id, kind, file_id, file_unique_id,"
            " media_group_id, created_at) SELECT incident_id, ?, kind, file_id, file_unique_id,"
            " media_group_id, created_at FROM attachments WHERE draft_id = ? ORDER BY id",
            (draft_id, copy_from.id),
        )
    return draft_id


async def set_aside(conn: aiosqlite.Connection, assignment_id: int, now: datetime) -> None:
    """The organisation's draft in progress ends with its part (it was withdrawn)."""
    await conn.execute(
        "UPDATE drafts SET state = 'withdrawn', decided_at = ?"
        " WHERE assignment_id = ? AND state IN ('editing', 'submitted')",
        (to_db_time(now), assignment_id),
    )


async def update(conn: aiosqlite.Connection, draft_id: int, **fields: Any) -> None:
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
    media: Media,
    now: datetime,
) -> Attachment:
    """Media of the source post (`draft_id` None) or evidence of a draft."""
    row = await fetch_one(
        conn,
        "INSERT INTO attachments(incident_id, draft_id, kind, file_id, file_unique_id,"
        " media_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            incident_id,
            draft_id,
            media.kind.value,
            media.file_id,
            media.file_unique_id,
            media.media_group_id,
            to_db_time(now),
        ),
    )
    assert row is not None
    return Attachment(int(row[0]), media.kind, media.file_id, media.media_group_id)


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
