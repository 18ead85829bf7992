"""Keeps the stored stage clocks in step with incident states, and says what is due."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.domain.profile import Profile, Stage
from bot.domain.timers import (
    FROM_DETECTION,
    Clock,
    Step,
    StepKind,
    current_step,
    plan,
    running_clocks,
)
from storage import incidents as incident_repo
from storage import timers as repo
from storage.records import Incident, Timer


@dataclass(frozen=True)
class Notice:
    """Something the scheduler must tell people about one running stage."""

    incident_id: int
    stage: Stage
    organisation_id: int | None
    kind: StepKind
    number: int
    due_at: datetime
    left: timedelta  # working time left (reminders)
    late: timedelta  # working time overdue (due and escalations)


class Timekeeper:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def plan(self, timer: Timer) -> list[Step]:
        return plan(
            self.profile.calendar,
            self.profile.reminders,
            timer.stage,
            timer.started_at,
            timer.due_at,
        )

    async def sync(
        self,
        conn: aiosqlite.Connection,
        incident_id: int,
        now: datetime,
        restart: Collection[Stage] = (),
    ) -> None:
        """Start the clocks the incident's state runs and stop the others (in the caller's
        transaction). A clock that keeps running keeps its start, unless in `restart`."""
        found = await incident_repo.incident_with_active(conn, incident_id)
        if found is None:
            return
        incident, organisations = found
        running = await repo.running(conn, incident_id)
        await self._align(conn, incident, organisations, running, now, restart)

    async def start(
        self, conn: aiosqlite.Connection, incident: Incident, now: datetime
    ) -> list[Timer]:
        """The clocks of an incident just created (it has none yet and no organisations):
        what `sync` would do, without reading back what the caller has just written."""
        return await self._align(conn, incident, [], [], now, ())

    async def _align(
        self,
        conn: aiosqlite.Connection,
        incident: Incident,
        organisations: list[int],
        running: list[Timer],
        now: datetime,
        restart: Collection[Stage],
    ) -> list[Timer]:
        """Returns the timers running afterwards."""
        wanted = running_clocks(incident.state, organisations)
        kept: dict[Clock, Timer] = {}
        for timer in running:
            clock = Clock(timer.stage, timer.organisation_id)
            if clock in wanted and clock not in kept and timer.stage not in restart:
                kept[clock] = timer
            else:
                await repo.stop(conn, timer.id, now)
        starting = []
        for clock in wanted - kept.keys():
            started = incident.detected_at if clock.stage in FROM_DETECTION else now
            due = self.profile.due(clock.stage, started, incident.category)
            steps = plan(self.profile.calendar, self.profile.reminders, clock.stage, started, due)
            starting.append(
                repo.NewTimer(clock.stage, clock.organisation_id, started, due, steps[0].at)
            )
        timers = [*kept.values(), *await repo.start(conn, incident.id, starting)]
        return sorted(timers, key=lambda t: (t.due_at, t.id))  # as `running` reads them

    async def fire(self, conn: aiosqlite.Connection, now: datetime) -> list[Notice]:
        """Advance every timer whose moment has come; return what to tell (in the caller's
        transaction, so a notice is recorded as given exactly when it is produced)."""
        notices = []
        for timer in await repo.due(conn, now):
            steps = self.plan(timer)
            index = current_step(steps, timer.step, now)
            if index is None:  # the plan moved (profile changed): re-aim at the next step
                following = [s for s in steps[timer.step :] if s.at > now]
                await repo.advance(
                    conn, timer.id, timer.step, following[0].at if following else None
                )
                continue
            step = steps[index]
            following_at = steps[index + 1].at if index + 1 < len(steps) else None
            await repo.advance(conn, timer.id, index + 1, following_at)
            calendar = self.profile.calendar
            notices.append(
                Notice(
                    incident_id=timer.incident_id,
                    stage=timer.stage,
                    organisation_id=timer.organisation_id,
                    kind=step.kind,
                    number=step.number,
                    due_at=timer.due_at,
                    left=calendar.between(now, timer.due_at),
                    late=calendar.between(timer.due_at, now),
                )
            )
        return notices

    async def earliest(self, conn: aiosqlite.Connection) -> datetime | None:
        return await repo.earliest(conn)
