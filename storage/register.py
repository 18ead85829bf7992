"""The incident register («реестр»): one row per incident of a period with each stage's
due and done moment and how late it ended, in one query."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.reports import REGISTER_STAGES, RegisterRow
from storage.db import from_db_time
from storage.reports import FIGURE_COLUMNS, Orgs, org_filter, period_query

COLUMNS = FIGURE_COLUMNS + ", substr(source_text, 1, 300) AS post, source_link, closed_at"


async def register(
    conn: aiosqlite.Connection, start: datetime, end: datetime, orgs: Orgs
) -> list[RegisterRow]:
    """The register: one row per incident of the period, with each stage's due and done
    moment and how late it ended (working time), in one query: of each stage, its latest
    clock (of the scope's organisations, or the coordinator's)."""
    org_sql, org_args = org_filter("organisation_id", orgs, or_null=True)
    # Each stage's latest clock in one GROUP BY: its fields packed behind its zero-padded
    # id, so that MAX picks the latest clock's (a window function costs seconds more).
    pivot = ", ".join(
        f"MAX(CASE WHEN stage = '{s.value}' THEN printf('%012d|%s|%s|%s', id, due_at,"
        f" COALESCE(ended_at, ''), COALESCE(late_s, '')) END) AS {s.value}"
        for s in REGISTER_STAGES
    )
    rows = await period_query(
        conn,
        start,
        end,
        orgs,
        f", t AS (SELECT incident_id, {pivot} FROM timers"
        f" WHERE incident_id IN (SELECT id FROM scope) {org_sql} GROUP BY incident_id),"
        " a AS (SELECT a.incident_id, group_concat(DISTINCT o.name) AS orgs,"
        " group_concat(DISTINCT b.name) AS blocks FROM assignments a"
        " JOIN organisations o ON o.id = a.organisation_id"
        " LEFT JOIN blocks b ON b.id = o.block_id"
        " WHERE a.incident_id IN (SELECT id FROM scope) GROUP BY a.incident_id)"
        " SELECT s.id, s.detected_at, s.category, s.state, s.post,"
        " s.source_link, s.repeat_of, s.closed_at, s.no_answer, a.orgs, a.blocks,"
        " (SELECT d.kind FROM drafts d WHERE d.incident_id = s.id AND d.part = 0"
        "  AND d.state = 'published' ORDER BY d.published_at DESC LIMIT 1) AS kind, t.*"
        " FROM scope s LEFT JOIN t ON t.incident_id = s.id"
        " LEFT JOIN a ON a.incident_id = s.id ORDER BY s.id",
        org_args,
        columns=COLUMNS,
    )
    return [
        RegisterRow(
            id=r["id"],
            detected_at=from_db_time(r["detected_at"]),  # type: ignore[arg-type]
            category=r["category"],
            blocks=(r["blocks"] or "").replace(",", ", "),
            organisations=(r["orgs"] or "").replace(",", ", "),
            state=r["state"],
            post=(r["post"] or "").strip() or (r["source_link"] or ""),
            stages={s: _latest(r[s.value]) for s in REGISTER_STAGES},
            answer_kind=r["kind"],
            repeat_of=r["repeat_of"],
            closed_at=from_db_time(r["closed_at"]),
            no_answer=r["no_answer"],
        )
        for r in rows
    ]


def _latest(packed: str | None) -> tuple[datetime | None, datetime | None, int | None]:
    """A stage's latest clock as the register packed it: due, done, late seconds."""
    if packed is None:
        return None, None, None
    _, due, done, late = packed.split("|")
    return from_db_time(due), from_db_time(done), int(late) if late else None
