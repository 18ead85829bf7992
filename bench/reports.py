"""Benchmark of the reports over a year of a large region (bench/report_data.py: default
1 000 000 incidents of 2025, 300 organisations), through the real Database and the SQL of
storage/reports.py.

    python bench/reports.py [--json] [--incidents N] [--db PATH] [--keep]

monthly_s: a monthly report for all organisations: the figures of October 2025 and of
  September (for the change), the rating, ranked, and the target indicators; with the XLSX
  workbook when bot/reports/workbook.py is there (stderr says whether it was).
weekly_s: the same for the week of 13–19 October 2025 and the week before.
register_month_s: the register of October 2025 (one row per incident, ≈ N / 12), with its
  XLSX when bot/reports/workbook.py is there (stderr says whether it was).
peak_mb: the peak resident memory of the process that timed them (the generation runs in
  a process of its own).
Each time is the best of 3 runs, wall clock. Generating the database is not timed in them;
its duration goes to stderr. --db PATH keeps the database there (reused by the next run
with the same N); without it, a temporary one is removed unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import multiprocessing
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report_data import NOW, TZ, generate

from bot.domain.periods import Kind, Period, month_of
from bot.profiles import load_profile
from bot.services.reports import build_report
from bot.texts import Texts
from storage import register as register_repo
from storage.db import Database

RUNS = 3
MONTH = month_of(date(2025, 10, 1))
WEEK = Period(Kind.WEEK, date(2025, 10, 13), date(2025, 10, 20))


def _workbook() -> Any:
    """bot/reports/workbook.py, when it is there (written in parallel with this bench)."""
    try:
        return importlib.import_module("bot.reports.workbook")
    except ImportError:
        return None


def _generate(path: str, incidents: int) -> None:
    began = time.perf_counter()
    counts = asyncio.run(generate(Path(path), incidents))
    took = time.perf_counter() - began
    print(f"generated in {took:.1f} s: {counts}", file=sys.stderr)


def _ready(path: Path, incidents: int) -> bool:
    """A database left by an earlier run with the same number of incidents."""
    if not path.exists():
        return False
    conn = sqlite3.connect(path)
    try:
        (count,) = conn.execute("SELECT COUNT(*) FROM incidents").fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    if count != incidents:
        raise SystemExit(f"{path} holds {count} incidents, not {incidents}: remove it first")
    return True


async def _best(run: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        await run()
        times.append(time.perf_counter() - began)
    return min(times)


async def _timings(path: Path) -> dict[str, float]:
    db = await Database.open(path)
    conn = db.conn
    workbook = _workbook()
    texts = Texts(TZ)
    plan = load_profile("krasnoufimsk", TZ).reports.targets
    offset = NOW.utcoffset()
    assert offset is not None

    async def report(period: Period) -> object:
        made = await build_report(conn, period, None, None, tz=TZ, now=NOW, plan=plan)
        return workbook.report_workbook(made, texts) if workbook else made

    async def register(period: Period) -> object:
        rows = await register_repo.register(conn, *period.bounds(TZ), None)
        return workbook.register_workbook(rows, texts) if workbook else rows

    measured = "with the XLSX workbooks" if workbook else "without XLSX (no bot.reports.workbook)"
    print(f"measured: the SQL and the report objects, {measured}", file=sys.stderr)
    rows = await register_repo.register(conn, *MONTH.bounds(TZ), None)
    print(f"register of {MONTH.label}: {len(rows)} rows", file=sys.stderr)
    del rows
    try:
        return {
            "monthly_s": await _best(lambda: report(MONTH)),
            "weekly_s": await _best(lambda: report(WEEK)),
            "register_month_s": await _best(lambda: register(MONTH)),
        }
    finally:
        await db.close()


def run(incidents: int, path: Path) -> dict[str, Any]:
    if _ready(path, incidents):
        print(f"reusing {path}", file=sys.stderr)
    else:
        # In a process of its own, so that its memory is not in this one's peak.
        child = multiprocessing.get_context("spawn").Process(
            target=_generate, args=(str(path), incidents)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generation failed")
    timings = asyncio.run(_timings(path))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "incidents": incidents,
        **{key: round(value, 3) for key, value in timings.items()},
        "peak_mb": round(peak_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="where to keep the generated database")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    if args.db is not None:
        result = run(args.incidents, args.db)
    else:
        folder = tempfile.mkdtemp(prefix="bench-reports-")
        path = Path(folder) / "reports.sqlite3"
        try:
            result = run(args.incidents, path)
        finally:
            if args.keep:
                print(f"kept {path}", file=sys.stderr)
            else:
                for file in Path(folder).iterdir():
                    file.unlink()
                Path(folder).rmdir()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['incidents']:,} incidents")
        print(f"monthly report with rating: {result['monthly_s']:.3f} s (target < 2 s)")
        print(f"weekly report: {result['weekly_s']:.3f} s (target < 0.5 s)")
        print(f"register of a month: {result['register_month_s']:.3f} s (target < 10 s)")
        print(f"peak memory: {result['peak_mb']:.1f} MB")


if __name__ == "__main__":
    main()
