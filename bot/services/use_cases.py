"""What the use cases share.

Each use case checks the rules (bot/services/checks.py) before it writes anything, so a refusal
leaves nothing behind; then stores the change and its event, keeps the stage clocks in step,
and hands its outcome to the notifier: all in the caller's transaction (the update's, or the
scheduler's). None of them knows aiogram.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import aiosqlite

from bot.domain import bursts
from bot.domain import outcomes as done
from bot.domain.actions import Action, Actor, after_action
from bot.domain.model import State
from bot.domain.profile import Stage
from bot.domain.records import Incident
from bot.services import checks
from bot.services.notifier import Notifier
from bot.services.timekeeper import Timekeeper
from storage import assignments as assignment_repo
from storage import bursts as burst_repo
from storage import incidents as repo
from storage.db import Database

log = logging.getLogger("bot.incidents")
Told = TypeVar("Told", bound=done.Outcome)


class UseCases:
    def __init__(
        self,
        db: Database,
        timekeeper: Timekeeper,
        notifier: Notifier,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.timekeeper = timekeeper
        self.notifier = notifier
        self.clock = clock

    async def _accept(self, conn: aiosqlite.Connection, actor: Actor, incident: Incident) -> None:
        """The executor's organisation takes the incident on."""
        assignment = await checks.assignment(conn, actor, incident)
        await assignment_repo.accept_assignment(
            conn, assignment.id, actor.person_id or 0, self.clock()
        )
        # Answered in parts, one organisation accepting moves the whole only out of ASSIGNED.
        state = after_action(Action.ACCEPT, incident.state)
        state = state if incident.state is State.ASSIGNED else incident.state
        await repo.update_incident(conn, incident.id, state=state.value)
        org = assignment.organisation_id
        await self._event(conn, incident.id, actor, "accepted", state, organisation_id=org)

    async def _look_for_burst(
        self,
        conn: aiosqlite.Connection,
        incident_id: int,
        counted: list[int],
        where: str,
        *,
        block_id: int | None = None,
        address: str | None = None,
    ) -> None:
        """p. 25: `counted` incidents of one block (or at one address) within the window:
        a burst is told once, and not again while it goes on."""
        policy, now = self.timekeeper.profile.bursts, self.clock()
        last = await burst_repo.last_of(conn, block_id=block_id, address=address)
        found = bursts.step(policy, len(counted), last[1] if last else None, now)
        if found is bursts.Step.GOING_ON and last is not None:
            await burst_repo.extend(conn, last[0], now)
        elif found is bursts.Step.NEW:
            await burst_repo.start(conn, now, block_id=block_id, address=address)
            by_address = address is not None
            outcome = done.BurstBegan(
                incident_id, where, tuple(counted), policy.window, by_address
            )
            await self._tell(outcome)

    async def _tell(self, outcome: Told) -> Told:
        await self.notifier.tell(outcome)
        return outcome

    async def _event(
        self,
        conn: aiosqlite.Connection,
        incident_id: int,
        actor: Actor,
        action: str,
        state: State,
        *,
        restart: frozenset[Stage] = frozenset(),
        **extra: object,
    ) -> None:
        """The event, and the stage clocks put in step with the new state (every transition
        ends with its event: the one place to start and stop them)."""
        now = self.clock()
        await self._record(conn, incident_id, actor, action, state, now, **extra)
        await self.timekeeper.sync(conn, incident_id, now, restart=restart)

    async def _record(
        self,
        conn: aiosqlite.Connection,
        incident_id: int,
        actor: Actor,
        action: str,
        state: State,
        at: datetime,
        **extra: object,
    ) -> None:
        await repo.add_event(
            conn,
            incident_id,
            at=at,
            actor_telegram_id=actor.telegram_id,
            actor_name=actor.name,
            action=action,
            state_after=state,
            **extra,  # type: ignore[arg-type]
        )
        log.info(
            "event=transition incident=%s action=%s actor=%s state=%s",
            incident_id,
            action,
            actor.telegram_id,
            state.value,
        )
