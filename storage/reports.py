"""The figures of reports, counted in SQL over indexed columns (incidents by detection time,
their assignments, stage clocks, drafts, events): never by loading the incidents.

`orgs` limits a report to the incidents those organisations had (a deputy head's, an
executor's); None: all. Bounds are UTC, converted once from the period's local dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain.deadlines import QUIET_STAGES
from bot.domain.reports import (
    REPORT_STAGES,
    Figures,
    RatingRow,
    StageFigures,
)
from storage.db import fetch_all, to_db_time

Orgs = Sequence[int] | None


# The columns the figures use: the fewer, the cheaper the scope (a post's text is long).
FIGURE_COLUMNS = "id, category, state, repeat_of, no_answer, detected_at"


def _scope(orgs: Orgs, columns: str = FIGURE_COLUMNS) -> tuple[str, list[Any]]:
    """The incidents of the period (and of the organisations), as a CTE named `scope`."""
    sql = f"scope AS (SELECT {columns} FROM incidents WHERE detected_at >= ? AND detected_at < ?"
    if orgs is not None:
        marks = ",".join("?" * len(orgs)) or "NULL"
        sql += (
            f" AND id IN (SELECT incident_id FROM assignments WHERE organisation_id IN ({marks}))"
        )
    return sql + ")", list(orgs or [])


def org_filter(column: str, orgs: Orgs, *, or_null: bool = False) -> tuple[str, list[Any]]:
    if orgs is None:
        return "", []
    marks = ",".join("?" * len(orgs)) or "NULL"
    if or_null:
        return f" AND ({column} IN ({marks}) OR {column} IS NULL)", list(orgs)
    return f" AND {column} IN ({marks})", list(orgs)


async def period_query(
    conn: aiosqlite.Connection,
    start: datetime,
    end: datetime,
    orgs: Orgs,
    body: str,
    args: Sequence[Any] = (),
    columns: str = FIGURE_COLUMNS,
) -> list[aiosqlite.Row]:
    scope, scope_args = _scope(orgs, columns)
    params = [to_db_time(start), to_db_time(end), *scope_args, *args]
    return await fetch_all(conn, f"WITH {scope} {body}", params)


async def figures(
    conn: aiosqlite.Connection,
    start: datetime,
    end: datetime,
    orgs: Orgs,
    now: datetime,
    utc_offset: timedelta,
    *,
    detail: bool = True,
) -> Figures:
    """`utc_offset`: the municipality's, to count by local day (Russia keeps one all year).
    Without `detail` (the period before, for the change): no days, no percentiles."""
    by_category = {
        r[0] or "none": r[1]
        for r in await period_query(
            conn, start, end, orgs, "SELECT category, COUNT(*) FROM scope GROUP BY category"
        )
    }
    org_sql, org_args = org_filter("a.organisation_id", orgs)
    by_block = {
        r[0] or "": r[1]
        for r in await period_query(
            conn,
            start,
            end,
            orgs,
            "SELECT b.name, COUNT(DISTINCT a.incident_id) FROM assignments a"
            " JOIN scope s ON s.id = a.incident_id"
            " JOIN organisations o ON o.id = a.organisation_id"
            f" LEFT JOIN blocks b ON b.id = o.block_id WHERE 1 {org_sql}"
            " GROUP BY b.name ORDER BY 2 DESC",
            org_args,
        )
    }
    minutes = int(utc_offset.total_seconds() // 60)
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for r in (
        []
        if not detail
        else await period_query(
            conn,
            start,
            end,
            orgs,
            "SELECT date(detected_at, ? || ' minutes') AS day, category, COUNT(*) FROM scope"
            " GROUP BY day, category ORDER BY day",
            [f"{minutes:+d}"],
        )
    ):
        by_day[date.fromisoformat(r[0])][r[1] or "none"] = r[2]
    stages = await _stages(conn, start, end, orgs, now, percentiles=detail)
    counts = await period_query(
        conn,
        start,
        end,
        orgs,
        "SELECT"
        " (SELECT COUNT(*) FROM scope),"
        " (SELECT COUNT(*) FROM events e JOIN scope s ON s.id = e.incident_id"
        "   WHERE e.action IN ('returned', 'part_returned')"
        f"  {org_filter('e.organisation_id', orgs)[0]}),"
        " (SELECT COUNT(*) FROM assignments a JOIN scope s ON s.id = a.incident_id"
        f"   WHERE a.status = 'declined' {org_sql}),"
        # EXISTS, so that the period's incidents drive these two: joined, SQLite scanned
        # all the assignments against the materialised scope (bench/reports.py).
        " (SELECT COUNT(*) FROM scope s WHERE EXISTS (SELECT 1 FROM assignments a1"
        "   JOIN assignments a2 ON a2.incident_id = a1.incident_id AND a2.id > a1.id"
        "   WHERE a1.incident_id = s.id"
        "   AND (a1.status = 'declined' OR a1.withdrawn_at IS NOT NULL))),"
        " (SELECT COUNT(*) FROM scope WHERE repeat_of IS NOT NULL),"
        " (SELECT COUNT(*) FROM scope WHERE state = 'awaiting_final'),"
        " (SELECT COUNT(*) FROM scope s"
        "   WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = s.id)),"
        " (SELECT COUNT(*) FROM drafts d JOIN scope s ON s.id = d.incident_id"
        "   WHERE d.state = 'published' AND d.part = 0"
        "   AND d.kind IN ('final', 'not_confirmed')),"
        " (SELECT COUNT(*) FROM drafts d JOIN scope s ON s.id = d.incident_id"
        "   WHERE d.state = 'published' AND d.part = 0"
        "   AND d.kind IN ('final', 'not_confirmed')"
        "   AND EXISTS (SELECT 1 FROM attachments x WHERE x.draft_id = d.id))",
        [*org_filter("e.organisation_id", orgs)[1], *org_args],
    )
    (received, returns, declines, reroutes, repeats, awaiting, routed, answered, evidence) = (
        counts[0]
    )
    no_answer = {
        r[0]: r[1]
        for r in await period_query(
            conn,
            start,
            end,
            orgs,
            "SELECT no_answer, COUNT(*) FROM scope WHERE no_answer IS NOT NULL GROUP BY no_answer",
        )
    }
    return Figures(
        received=received,
        by_category=by_category,
        by_block=by_block,
        by_day=dict(by_day),
        stages=stages,
        returns=returns,
        declines=declines,
        reroutes=reroutes,
        repeats=repeats,
        awaiting_final=awaiting,
        no_answer=no_answer,
        fast_track=by_category.get("fast_track", 0),
        routed=routed,
        answered=answered,
        with_evidence=evidence,
    )


async def _stages(
    conn: aiosqlite.Connection,
    start: datetime,
    end: datetime,
    orgs: Orgs,
    now: datetime,
    *,
    percentiles: bool = True,
) -> list[StageFigures]:
    """Per stage: ended in time or late, still running past due; the median and the 90th
    percentile of the working time it took. One walk over the period's clocks: grouped by
    stage and time taken, then window sums over those groups pick the percentiles."""
    # A scoped report counts its organisations' clocks and the coordinator's of its incidents.
    org_sql, org_args = org_filter("t.organisation_id", orgs, or_null=True)
    counted = (
        "SUM(t.active = 0 AND t.late_s = 0), SUM(t.active = 0 AND t.late_s > 0),"
        " SUM(t.active = 1 AND t.due_at < ?), NULL, NULL"
        " FROM timers t JOIN scope s ON s.id = t.incident_id"
        f" WHERE 1 {org_sql} GROUP BY t.stage"
    )
    rows = (
        await period_query(
            conn,
            start,
            end,
            orgs,
            f"SELECT t.stage, {counted}",
            [to_db_time(now), *org_args],
        )
        if not percentiles
        else await period_query(
            conn,
            start,
            end,
            orgs,
            "SELECT g, SUM(in_time), SUM(late), SUM(overdue),"
            " MIN(CASE WHEN c > 0 AND n >= (c + 1) / 2 THEN took_s END),"
            " MIN(CASE WHEN c > 0 AND n >= MAX(1, (c * 9 + 9) / 10) THEN took_s END) FROM ("
            " SELECT *, SUM(ended) OVER (PARTITION BY g ORDER BY took_s) AS n,"
            " SUM(ended) OVER (PARTITION BY g) AS c FROM ("
            " SELECT t.stage AS g, t.took_s, SUM(t.active = 0 AND t.late_s = 0) AS in_time,"
            " SUM(t.active = 0 AND t.late_s > 0) AS late, SUM(t.active = 1 AND t.due_at < ?)"
            " AS overdue, SUM(t.active = 0 AND t.took_s IS NOT NULL) AS ended"
            " FROM timers t JOIN scope s ON s.id = t.incident_id"
            f" WHERE 1 {org_sql} GROUP BY t.stage, t.took_s)) GROUP BY g",
            [to_db_time(now), *org_args],
        )
    )
    found = {r[0]: (r[1] or 0, r[2] or 0, r[3] or 0, r[4], r[5]) for r in rows}
    result = []
    for stage in REPORT_STAGES:
        on_time, late, overdue, median, p90 = found.get(stage.value, (0, 0, 0, None, None))
        if stage in QUIET_STAGES:  # the «не наше» window binds nobody: only how long it took
            on_time, late, overdue = on_time + late, 0, 0
        result.append(StageFigures(stage, on_time, late, overdue, median, p90))
    return result


async def _percentiles(
    conn: aiosqlite.Connection,
    start: datetime,
    end: datetime,
    orgs: Orgs,
    group: str,
    where: str,
    args: Sequence[Any],
) -> dict[Any, tuple[int | None, int | None]]:
    """Median and 90th percentile of timers' working time (`took_s`), per `group`: the
    smallest value with at least n timers at or below it. Window functions run over the
    distinct values with their counts, not over every timer (3 times faster on a month of
    a large region, bench/reports.py)."""
    rows = await period_query(
        conn,
        start,
        end,
        orgs,
        "SELECT g, MIN(CASE WHEN n >= (c + 1) / 2 THEN took_s END),"
        " MIN(CASE WHEN n >= MAX(1, (c * 9 + 9) / 10) THEN took_s END) FROM ("
        " SELECT g, took_s, SUM(k) OVER (PARTITION BY g ORDER BY took_s) AS n,"
        " SUM(k) OVER (PARTITION BY g) AS c FROM ("
        f" SELECT {group} AS g, t.took_s, COUNT(*) AS k"
        f" FROM timers t JOIN scope s ON s.id = t.incident_id WHERE {where}"
        " GROUP BY g, t.took_s)) GROUP BY g",
        args,
    )
    return {r[0]: (r[1], r[2]) for r in rows}


_EXECUTOR_TERMS = "('answer', 'part', 'rework', 'final', 'first_reply')"


async def rating(
    conn: aiosqlite.Connection, start: datetime, end: datetime, orgs: Orgs, now: datetime
) -> list[RatingRow]:
    """One row per organisation that had an incident of the period (unranked)."""
    org_sql, org_args = org_filter("a.organisation_id", orgs)
    rows = await period_query(
        conn,
        start,
        end,
        orgs,
        "SELECT o.id, o.name, COUNT(DISTINCT a.incident_id),"
        " SUM(a.status = 'declined'),"
        " COUNT(DISTINCT CASE WHEN s.repeat_of IS NOT NULL THEN s.id END)"
        " FROM assignments a JOIN scope s ON s.id = a.incident_id"
        f" JOIN organisations o ON o.id = a.organisation_id WHERE 1 {org_sql}"
        " GROUP BY o.id",
        org_args,
    )
    terms = {
        r[0]: (r[1] or 0, r[2] or 0)
        for r in await period_query(
            conn,
            start,
            end,
            orgs,
            "SELECT t.organisation_id,"
            # Its terms: those it kept or missed, and those overdue now; not those that
            # stopped for another reason (it declined, the incident was cancelled).
            " SUM((t.active = 0 AND t.late_s IS NOT NULL) OR (t.active = 1 AND t.due_at < ?)),"
            " SUM(t.active = 0 AND t.late_s = 0)"
            " FROM timers t JOIN scope s ON s.id = t.incident_id"
            f" WHERE t.organisation_id IS NOT NULL AND t.stage IN {_EXECUTOR_TERMS}"
            " GROUP BY t.organisation_id",
            [to_db_time(now)],
        )
    }
    returns = {
        r[0]: r[1]
        for r in await period_query(
            conn,
            start,
            end,
            orgs,
            "SELECT e.organisation_id, COUNT(*) FROM events e JOIN scope s"
            " ON s.id = e.incident_id WHERE e.action IN ('returned', 'part_returned')"
            " GROUP BY e.organisation_id",
        )
    }
    medians = await _percentiles(
        conn,
        start,
        end,
        orgs,
        "t.organisation_id",
        "t.active = 0 AND t.took_s IS NOT NULL AND t.stage IN ('answer', 'part')"
        " AND t.organisation_id IS NOT NULL",
        [],
    )
    return [
        RatingRow(
            organisation=name,
            incidents=incidents,
            terms=terms.get(org, (0, 0))[0],
            on_time=terms.get(org, (0, 0))[1],
            median_answer_s=medians.get(org, (None, None))[0],
            returns=returns.get(org, 0),
            declines=declines or 0,
            repeats=repeats,
        )
        for org, name, incidents, declines, repeats in rows
    ]
