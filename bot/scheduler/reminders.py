"""One scheduler job, always aimed at the earliest stored timer.

The timers live in SQLite, not in the scheduler: re-arming after a restart is one query, and
a reminder missed while the bot was down fires once on start (its step is recorded in the
same transaction that produces it, so it is never produced twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain.outcomes import TermNotice
from bot.services.incidents import Incidents
from bot.services.queries import Queries

log = logging.getLogger(__name__)
JOB_ID = "timers"
RETRY = timedelta(minutes=1)


class ReminderScheduler:
    def __init__(
        self, incidents: Incidents, queries: Queries, clock: Callable[[], datetime]
    ) -> None:
        self.incidents = incidents
        self.queries = queries
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._lock = asyncio.Lock()  # one tick at a time

    async def start(self) -> None:
        self.scheduler.start()
        self.incidents.timekeeper.on_new_moment = self.aim
        await self.rearm()

    async def shutdown(self) -> None:
        self.incidents.timekeeper.on_new_moment = lambda moment: None
        async with self._lock:  # let a tick in progress finish
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)

    def aim(self, moment: datetime) -> None:
        """A new clock needs attention at `moment`: wake up then, if that is sooner."""
        if not self.scheduler.running:
            return
        job = self.scheduler.get_job(JOB_ID)
        run_at = self._run_date(moment)
        if job is None or job.next_run_time is None or run_at < job.next_run_time:
            self._schedule(run_at)

    async def rearm(self) -> None:
        """Aim the job at the earliest pending timer (or now, if one is already late)."""
        when = await self.queries.next_timer()
        if not self.scheduler.running:
            return
        if when is None:
            if self.scheduler.get_job(JOB_ID):
                self.scheduler.remove_job(JOB_ID)
            return
        self._schedule(self._run_date(when))

    def _run_date(self, moment: datetime) -> datetime:
        # The wait is measured on the bot's clock, so a test's clock steers it too.
        return datetime.now(UTC) + max(moment - self.clock(), timedelta(0))

    def _schedule(self, run_at: datetime) -> None:
        self.scheduler.add_job(
            self.tick,
            "date",
            run_date=run_at,
            id=JOB_ID,
            replace_existing=True,
            # Late is better than never: a wake-up missed under load still runs.
            misfire_grace_time=None,
            coalesce=True,
        )

    async def tick(self) -> list[TermNotice]:
        """Act on every timer that is due now; returns what was told (for tests and logs)."""
        async with self._lock:
            try:
                notices = await self.incidents.fire_timers()
            except Exception:
                # Nothing was recorded (one transaction): the same moments come again.
                log.exception("event=timers_failed retry_in=60s")
                self._schedule(datetime.now(UTC) + RETRY)
                return []
            for notice in notices:
                log.info(
                    "event=timer incident=%s stage=%s kind=%s",
                    notice.incident_id,
                    notice.stage,
                    notice.kind,
                )
            await self.rearm()
            return notices

    def next_run(self) -> datetime | None:
        job = self.scheduler.get_job(JOB_ID)
        return job.next_run_time if job else None
