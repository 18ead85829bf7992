"""Benchmark of the deadline engine and of re-arming reminders at start-up.

    python bench/deadlines.py [--json]

computations_per_s: due moments computed per second (working-time terms of 30 min to 8 h
and 8-calendar-day terms, from random moments of 2025–2027, Krasnoufimsk profile).
rearm_100k_s / rearm_100k_peak_mb: time and peak Python memory to start the reminder
scheduler over a database holding 100 000 open incidents with running terms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app
from bot.config import load_settings
from bot.domain.deadlines import plan
from bot.domain.model import Category, State
from bot.domain.profile import Stage
from bot.profiles import load_profile
from storage.db import Database, to_db_time

INCIDENTS = 100_000
COMPUTATIONS = 300_000


def bench_computations() -> float:
    profile = load_profile("krasnoufimsk")
    rng = random.Random(1)
    span = int(timedelta(days=3 * 365).total_seconds())
    base = datetime(2025, 1, 1, tzinfo=profile.calendar.tz)
    starts = [base + timedelta(seconds=rng.randrange(span)) for _ in range(COMPUTATIONS)]
    stages = [Stage.ROUTE, Stage.ANSWER, Stage.PART, Stage.FINAL]
    categories = list(Category)
    jobs = [(rng.choice(stages), rng.choice(categories)) for _ in range(COMPUTATIONS)]
    for start in starts[:2000]:  # warm the per-day cache as a running bot would have it
        profile.due(Stage.ANSWER, start)
    began = time.perf_counter()
    for start, (stage, category) in zip(starts, jobs, strict=True):
        profile.due(stage, start, category)
    return COMPUTATIONS / (time.perf_counter() - began)


async def fill(db: Database, now: datetime) -> None:
    profile = load_profile("krasnoufimsk")
    stamp = to_db_time(now)
    incidents = []
    timers = []
    for n in range(1, INCIDENTS + 1):
        detected = now - timedelta(minutes=n % 300)
        due = profile.due(Stage.ANSWER, detected, Category.ORDINARY)
        steps = plan(profile.calendar, profile.reminders, Stage.ANSWER, detected, due)
        incidents.append(
            (
                n,
                State.IN_PROGRESS.value,
                "ordinary",
                to_db_time(detected),
                to_db_time(due),
                1,
                stamp,
            )
        )
        timers.append(
            (n, Stage.ANSWER.value, to_db_time(detected), to_db_time(due), to_db_time(steps[0].at))
        )
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO incidents(id, state, category, detected_at, answer_due_at, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            incidents,
        )
        await conn.executemany(
            "INSERT INTO timers(incident_id, stage, started_at, due_at, next_at)"
            " VALUES (?, ?, ?, ?, ?)",
            timers,
        )


async def bench_rearm() -> tuple[float, float]:
    now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        db = await Database.open(path)
        await fill(db, now)
        await db.close()

        settings = load_settings(
            bot_token="123456:BENCH-token-abcdefghijklmnopqrstuvwxyz",
            timezone="Asia/Yekaterinburg",
            coordinator_ids="1",
            database_path=path,
            _env_file=None,
        )
        tracemalloc.start()
        began = time.perf_counter()
        # What start-up does: open, migrate, re-arm (no Telegram is needed for that).
        app = await create_app(settings, lambda: now)
        await app.reminders.start()
        elapsed = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        assert app.reminders.next_run() is not None
        await app.reminders.shutdown()
        await app.close()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rate = bench_computations()
    rearm_s, peak_mb = asyncio.run(bench_rearm())
    result = {
        "computations_per_s": round(rate),
        "rearm_100k_s": round(rearm_s, 4),
        "rearm_100k_peak_mb": round(peak_mb, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"deadline computations: {result['computations_per_s']:,} per second")
        print(
            f"re-arm over {INCIDENTS:,} open incidents: {rearm_s:.4f} s, "
            f"peak {peak_mb:.2f} MB of Python memory"
        )


if __name__ == "__main__":
    main()
