"""Keeps the stored stage clocks in step with incident states, and says which moments of their
plans (reminders, due, escalations) have come."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

import aiosqlite

from bot.domain.deadlines import (
    DECIDING,
    FROM_DETECTION,
    TO_PUBLICATION,
    Clock,
    Step,
    StepKind,
    current_step,
    owed_terms,
    plan,
    running_clocks,
)
from bot.domain.model import AnswerKind, PartStatus, State
from bot.domain.outcomes import TermNotice
from bot.domain.profile import AnswerEnd, Profile, Stage
from bot.domain.records import Incident, Timer
from storage import assignments as assignment_repo
from storage import directory as directory_repo
from storage import drafts as draft_repo
from storage import incidents as incident_repo
from storage import timers as repo
from storage.db import Database


class Timekeeper:
    def __init__(self, db: Database, profile: Profile) -> None:
        self.db = db
        self.profile = profile
        # Told, once the change has committed, the first moment a newly started clock will
        # need attention: the scheduler aims at it if that is sooner than its next wake-up.
        self.on_new_moment: Callable[[datetime], None] = lambda moment: None

    def plan(self, timer: Timer, urgent: bool = False) -> list[Step]:
        return plan(
            self.profile.calendar_for(urgent),
            self.profile.reminders,
            timer.stage,
            timer.started_at,
            timer.due_at,
            executor=timer.organisation_id is not None,
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
        parts = None
        if incident.parts:
            assignments = await assignment_repo.assignments(conn, incident_id)
            found_parts = await incident_repo.parts(conn, incident, assignments)
            parts = {p.organisation_id: p.status for p in found_parts}
        running = await repo.running(conn, incident_id)
        owed = await self._owed(conn, incident)
        await self._align(conn, incident, organisations, running, now, restart, parts, owed)

    def _to_publication(self, stage: Stage) -> bool:
        return stage in TO_PUBLICATION and self.profile.answer_ends is AnswerEnd.PUBLICATION

    async def _owed(self, conn: aiosqlite.Connection, incident: Incident) -> frozenset[Stage]:
        """The executor's terms that run besides the state's own (seed 000). Answered in
        parts, the answer is the coordinator's to compose, and its clock is theirs (p. 17)."""
        if incident.parts:
            return frozenset()
        deciding_first_reply = False
        if incident.state in DECIDING:
            latest = await draft_repo.latest(conn, incident.id)
            deciding_first_reply = latest is not None and latest.kind is AnswerKind.FIRST_REPLY
        return owed_terms(
            incident.state,
            first_reply_due=incident.first_reply_due,
            deciding_first_reply=deciding_first_reply,
            to_publication=self._to_publication(Stage.ANSWER),
            answered=incident.answered_at is not None,
        )

    async def start(
        self, conn: aiosqlite.Connection, incident: Incident, now: datetime
    ) -> list[Timer]:
        """The clocks of an incident just created (it has none yet and no organisations)."""
        return await self._align(conn, incident, [], [], now, ())

    async def _align(
        self,
        conn: aiosqlite.Connection,
        incident: Incident,
        organisations: list[int],
        running: list[Timer],
        now: datetime,
        restart: Collection[Stage],
        parts: Mapping[int, PartStatus] | None = None,
        owed: frozenset[Stage] = frozenset(),
    ) -> list[Timer]:
        """Returns the timers running afterwards, as `repo.running` orders them."""
        wanted = running_clocks(incident.state, organisations, parts, owed)
        kept: dict[Clock, Timer] = {}
        for timer in running:
            clock = Clock(timer.stage, timer.organisation_id)
            if clock in wanted and clock not in kept and timer.stage not in restart:
                kept[clock] = timer
            elif not _completed(incident, organisations, timer, restart):
                await repo.stop(conn, timer.id, now)  # not done: the reports do not count it
            else:
                calendar = self.profile.calendar_for(incident.urgent)
                took = calendar.between(timer.started_at, now)
                late = calendar.between(timer.due_at, now)
                await repo.stop(conn, timer.id, now, took, late)
        starting = []
        for clock in wanted - kept.keys():
            started = incident.detected_at if clock.stage in FROM_DETECTION else now
            due = self.due(incident, clock.stage, started)
            steps = plan(
                self.profile.calendar_for(incident.urgent),
                self.profile.reminders,
                clock.stage,
                started,
                due,
                executor=clock.organisation_id is not None,
            )
            first_step = steps[0].at if steps else None
            starting.append(
                repo.NewTimer(clock.stage, clock.organisation_id, started, due, first_step)
            )
        moments = [t.next_at for t in starting if t.next_at is not None]
        if moments:
            first = min(moments)
            self.db.after_commit(lambda: self.on_new_moment(first))
        timers = [*kept.values(), *await repo.start(conn, incident.id, starting)]
        return sorted(timers, key=lambda t: (t.due_at, t.id))

    def due(self, incident: Incident, stage: Stage, started: datetime) -> datetime:
        """The incident's term of `stage` from `started`: in calendar time when urgent, and
        no later than the final answer promised in the interim one."""
        due = self.profile.due(stage, started, incident.category, urgent=incident.urgent)
        if stage is Stage.FINAL and incident.final_due_at:
            due = min(due, incident.final_due_at)  # promised sooner in the interim answer
        return due

    async def replan(self, conn: aiosqlite.Connection, incident: Incident, now: datetime) -> None:
        """The running clocks of an incident just marked urgent, counted anew in calendar
        time from their start. Reminders whose moment has passed are not given late; a term
        already run out is told at the next tick, and escalated."""
        calendar = self.profile.calendar_for(incident.urgent)
        moments: list[datetime] = []
        for timer in await repo.running(conn, incident.id):
            due = self.due(incident, timer.stage, timer.started_at)
            steps = plan(
                calendar,
                self.profile.reminders,
                timer.stage,
                timer.started_at,
                due,
                executor=timer.organisation_id is not None,
            )
            done = sum(s.kind is StepKind.REMIND and s.at <= now for s in steps)
            next_at = steps[done].at if done < len(steps) else None
            await repo.replan(conn, timer.id, due, done, next_at)
            moments.extend([next_at] if next_at else [])
        if moments:
            first = min(moments)
            self.db.after_commit(lambda: self.on_new_moment(first))

    async def fire(self, conn: aiosqlite.Connection, now: datetime) -> list[TermNotice]:
        """Advance every timer whose moment has come; return what to tell (in the caller's
        transaction, so a notice is recorded as given exactly when it is produced)."""
        notices = []
        due = await repo.due(conn, now)
        names = await directory_repo.organisation_names(
            conn, {t.organisation_id for t in due if t.organisation_id is not None}
        )
        for timer in due:
            incident = await incident_repo.get_incident(conn, timer.incident_id)
            urgent = incident is not None and incident.urgent
            calendar = self.profile.calendar_for(urgent)
            steps = self.plan(timer, urgent)
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
            post, accepted_by = "", None
            if step.kind is not StepKind.REMIND and timer.organisation_id is not None:
                post, accepted_by = await _overdue(conn, timer.incident_id, timer.organisation_id)
            published = self._to_publication(timer.stage)
            deciding = incident is not None and incident.state in DECIDING
            with_coordinator = published and deciding
            notices.append(
                TermNotice(
                    incident_id=timer.incident_id,
                    stage=timer.stage,
                    kind=step.kind,
                    organisation_id=timer.organisation_id,
                    organisation=names.get(timer.organisation_id or 0, ""),
                    due_at=timer.due_at,
                    left=calendar.between(now, timer.due_at),
                    late=calendar.between(timer.due_at, now),
                    number=step.number,
                    total=self.profile.reminders.escalation_times,
                    includes_due=any(s.kind is StepKind.DUE for s in steps[timer.step : index]),
                    post=post,
                    accepted_by=accepted_by,
                    to_publication=published,
                    with_coordinator=with_coordinator,
                    urgent=urgent,
                )
            )
        return notices


def _completed(
    incident: Incident, organisations: list[int], timer: Timer, restart: Collection[Stage]
) -> bool:
    """Whether a clock stops because its move was made (an answer sent, a draft approved),
    rather than because the move is no longer anyone's: the organisation declined or was
    withdrawn, the incident was cancelled or closed without an answer, the clock restarted."""
    if incident.state is State.CANCELLED or incident.no_answer or timer.stage in restart:
        return False
    return timer.organisation_id is None or timer.organisation_id in organisations


async def _overdue(
    conn: aiosqlite.Connection, incident_id: int, organisation_id: int
) -> tuple[str, str | None]:
    """What an overdue executor's notice quotes: the post (its link if it has no text), and
    who of the organisation accepted the incident, if anyone did."""
    incident = await incident_repo.get_incident(conn, incident_id)
    assignment = await assignment_repo.active_assignment(conn, incident_id, organisation_id)
    post = (incident.source_text.strip() or incident.source_link or "") if incident else ""
    return post, assignment.accepted_by_name if assignment else None
