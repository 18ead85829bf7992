"""Answer drafts (each return for rework makes a new version) and attachments: the post's
media and the evidence of drafts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.model import AnswerKind, AttachmentKind, DraftState
from bot.domain.records import Attachment, Draft, Media
from storage.db import fetch_all, fetch_one, from_db_time, to_db_time

_DRAFT_SQL = """
SELECT d.*, p.full_name AS author_name, COALESCE(o.name, '') AS organisation,
(SELECT COUNT(*) FROM attachments x WHERE x.draft_id = d.id) AS attachments,
(SELECT group_concat(DISTINCT o.draft_id) FROM attachments x JOIN attachments o
  ON o.id = x.copied_from WHERE x.draft_id = d.id) AS evidence_from,
d.version = (SELECT MAX(version) FROM drafts v WHERE v.incident_id = d.incident_id
  AND v.part = d.part AND (d.part = 0 OR v.assignment_id = d.assignment_id)) AS latest
FROM drafts d LEFT JOIN assignments a ON a.id = d.assignment_id
LEFT JOIN organisations o ON o.id = a.organisation_id
LEFT JOIN people p ON p.id = d.author_id
"""
# Versions count per answer (the incident's) and per part (its organisation's).
_SAME_STREAM = "d.incident_id = ? AND d.part = ? AND (d.part = 0 OR d.assignment_id = ?)"


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
        part=bool(r["part"]),
        evidence_from=_ids(r["evidence_from"]),
        composed_from=_ids(r["composed_from"]),
        rework=bool(r["rework"]),
    )


def _ids(joined: str | None) -> tuple[int, ...]:
    return tuple(int(n) for n in (joined or "").split(",") if n)


async def get(conn: aiosqlite.Connection, draft_id: int) -> Draft | None:
    row = await fetch_one(conn, _DRAFT_SQL + " WHERE d.id = ?", (draft_id,))
    return _draft(row) if row else None


async def of_incident(conn: aiosqlite.Connection, incident_id: int) -> dict[int, Draft]:
    """Every version of the incident's draft, by id: what its cards show, in one query."""
    rows = await fetch_all(conn, _DRAFT_SQL + " WHERE d.incident_id = ?", (incident_id,))
    return {r["id"]: _draft(r) for r in rows}


async def latest(conn: aiosqlite.Connection, incident_id: int) -> Draft | None:
    """The latest version of the incident's answer (not of a part)."""
    row = await fetch_one(
        conn,
        _DRAFT_SQL + " WHERE d.incident_id = ? AND d.part = 0 ORDER BY d.version DESC LIMIT 1",
        (incident_id,),
    )
    return _draft(row) if row else None


async def latest_parts(conn: aiosqlite.Connection, incident_id: int) -> dict[int, Draft]:
    """The latest version of each organisation's part, by assignment."""
    rows = await fetch_all(
        conn,
        _DRAFT_SQL + " WHERE d.incident_id = ? AND d.part = 1 ORDER BY d.version",
        (incident_id,),
    )
    return {r["assignment_id"]: _draft(r) for r in rows if r["latest"]}


async def latest_part(conn: aiosqlite.Connection, assignment_id: int) -> Draft | None:
    row = await fetch_one(
        conn,
        _DRAFT_SQL + " WHERE d.assignment_id = ? AND d.part = 1 ORDER BY d.version DESC LIMIT 1",
        (assignment_id,),
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
    assignment_id: int | None,
    author_id: int | None,
    now: datetime,
    *,
    copy_from: Draft | None = None,
    part: bool = False,
    text: str = "",
    composed_from: Iterable[int] = (),
    kind: AnswerKind = AnswerKind.FINAL,
) -> int:
    """A new version of the incident's answer (`assignment_id` None: composed by the
    coordinator) or, with `part`, of an organisation's part."""
    row = await fetch_one(
        conn,
        f"SELECT COALESCE(MAX(version), 0) + 1 FROM drafts d WHERE {_SAME_STREAM}",
        (incident_id, int(part), assignment_id),
    )
    version = row[0]  # type: ignore[index]
    row = await fetch_one(
        conn,
        "INSERT INTO drafts(incident_id, assignment_id, part, version, kind, text, state,"
        " author_id, created_at, composed_from) VALUES (?, ?, ?, ?, ?, ?, 'editing', ?, ?, ?)"
        " RETURNING id",
        (
            incident_id,
            assignment_id,
            int(part),
            version,
            copy_from.kind.value if copy_from else kind.value,
            copy_from.text if copy_from else text,
            author_id,
            to_db_time(now),
            ",".join(map(str, composed_from)) or None,
        ),
    )
    draft_id = int(row[0])  # type: ignore[index]
    if copy_from:
        # The interim answer's term, who and what stay too (p. 20).
        await conn.execute(
            "UPDATE drafts SET promised_at = ?, responsible = ?, actions = ?, rework = 1"
            " WHERE id = ?",
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


async def make_parts(conn: aiosqlite.Connection, assignment_id: int) -> None:
    """An organisation's answer in progress becomes its part: others were added (p. 17)."""
    await conn.execute(
        "UPDATE drafts SET part = 1 WHERE assignment_id = ?"
        " AND state IN ('editing', 'submitted', 'returned')",
        (assignment_id,),
    )


async def consume_parts(
    conn: aiosqlite.Connection, part_ids: Iterable[int], now: datetime
) -> None:
    """The parts the published answer was built from are used: the next answer needs new
    ones (a part that came after composing waits for it)."""
    for part_id in part_ids:
        await conn.execute(
            "UPDATE drafts SET state = 'published', published_at = ?"
            " WHERE id = ? AND part = 1 AND state = 'submitted'",
            (to_db_time(now), part_id),
        )


async def drop_copies_of(conn: aiosqlite.Connection, part_id: int) -> None:
    """A part returned or withdrawn: an answer still being composed loses its evidence."""
    await conn.execute(
        "DELETE FROM attachments WHERE copied_from IN"
        " (SELECT id FROM attachments WHERE draft_id = ?) AND draft_id IN"
        " (SELECT id FROM drafts WHERE assignment_id IS NULL AND state = 'editing')",
        (part_id,),
    )


async def organisation_of(conn: aiosqlite.Connection, draft_id: int) -> int | None:
    """The organisation whose draft (or part) it is; None for a composed answer."""
    row = await fetch_one(
        conn,
        "SELECT a.organisation_id FROM drafts d JOIN assignments a ON a.id = d.assignment_id"
        " WHERE d.id = ?",
        (draft_id,),
    )
    return int(row[0]) if row else None


async def drop_evidence(conn: aiosqlite.Connection, draft_id: int) -> None:
    """A composed answer rebuilt: its copies of the parts' evidence go (copied anew)."""
    await conn.execute("DELETE FROM attachments WHERE draft_id = ?", (draft_id,))


async def keep_evidence(
    conn: aiosqlite.Connection, draft_id: int, part_id: int, keep: bool
) -> None:
    """Copy a part's evidence into the composed answer, or drop the copies."""
    if not keep:
        await conn.execute(
            "DELETE FROM attachments WHERE draft_id = ? AND copied_from IN"
            " (SELECT id FROM attachments WHERE draft_id = ?)",
            (draft_id, part_id),
        )
        return
    await conn.execute(
        "INSERT INTO attachments(incident_id, draft_id, kind, file_id, file_unique_id,"
        " media_group_id, created_at, copied_from) SELECT incident_id, ?, kind, file_id,"
        " file_unique_id, media_group_id, created_at, id FROM attachments WHERE draft_id = ?"
        " ORDER BY id",
        (draft_id, part_id),
    )


async def update(conn: aiosqlite.Connection, draft_id: int, **fields: Any) -> None:
    if "composed_from" in fields:
        fields["composed_from"] = ",".join(map(str, fields["composed_from"])) or None
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
