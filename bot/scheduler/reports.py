"""The scheduled reports: a job each minute asks which are due (bot/domain/periods.py) and
sends those not sent yet. The record of what went is in SQLite, with the queued messages,
so a restart sends a missed report once and never twice."""

from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain.periods import Due
from bot.services.reports import Reports

log = logging.getLogger(__name__)
JOB_ID = "reports"
EVERY_SECONDS = 60  # reports are due at whole minutes of the profile


class ReportScheduler:
    def __init__(self, reports: Reports) -> None:
        self.reports = reports
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self.scheduler.start()
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=EVERY_SECONDS,
            id=JOB_ID,
            coalesce=True,
            misfire_grace_time=None,
        )
        await self.tick()  # one missed while the bot was down goes now

    async def shutdown(self) -> None:
        async with self._lock:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)

    async def tick(self) -> list[Due]:
        async with self._lock:
            try:
                return await self.reports.run_due()
            except Exception:
                # Nothing was marked as sent (one transaction): the next minute tries again.
                log.exception("event=reports_failed retry_in=%ss", EVERY_SECONDS)
                return []
