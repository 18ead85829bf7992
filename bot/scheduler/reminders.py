"""One scheduler job, always aimed at the earliest stored timer.

The timers live in SQLite, not in the scheduler: re-arming after a restart is one query, and
a reminder missed while the bot was down fires once on start (its step is recorded in the
same transaction that produces it, so it is never produced twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.timers import Notice
from bot.services.workflow import Workflow

log = logging.getLogger(__name__)
JOB_ID = "timers"


class ReminderScheduler:
    def __init__(
        self,
        workflow: Workflow,
        deliver: Callable[[Notice], Awaitable[None]],
    ) -> None:
        self.workflow = workflow
        self.deliver = deliver
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self.scheduler.start()
        self.workflow.on_change = self.rearm
        await self.rearm()

    async def shutdown(self) -> None:
        self.workflow.on_change = None
        async with self._lock:  # let a tick in progress finish its transaction and sends
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)

    async def rearm(self) -> None:
        """Aim the job at the earliest pending timer (or now, if one is already late)."""
        when = await self.workflow.next_timer()
        if not self.scheduler.running:
            return
        if when is None:
            if self.scheduler.get_job(JOB_ID):
                self.scheduler.remove_job(JOB_ID)
            return
        # The wait is measured on the workflow's clock, so a test's clock steers it too.
        wait = max(when - self.workflow.clock(), timedelta(0))
        self.scheduler.add_job(
            self.tick,
            "date",
            run_date=datetime.now(UTC) + wait,
            id=JOB_ID,
            replace_existing=True,
            # Late is better than never: a wake-up missed under load still runs.
            misfire_grace_time=None,
            coalesce=True,
        )

    async def tick(self) -> list[Notice]:
        """Act on every timer that is due now; returns what was told (for tests and logs)."""
        # One transaction: a step is recorded as done together with the messages it queues.
        async with self._lock, self.workflow.db.transaction():
            notices = await self.workflow.fire_timers()
            for notice in notices:
                log.info(
                    "timer incident=%s stage=%s kind=%s",
                    notice.incident_id,
                    notice.stage,
                    notice.kind,
                )
                try:
                    await self.deliver(notice)
                except Exception:
                    # One failed delivery must not stop the others or the next wake-up.
                    log.exception(
                        "could not deliver a reminder for incident %s", notice.incident_id
                    )
            await self.rearm()
            return notices

    def next_run(self) -> datetime | None:
        job = self.scheduler.get_job(JOB_ID)
        return job.next_run_time if job else None
