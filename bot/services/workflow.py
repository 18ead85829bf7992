"""The incident workflow: each use case checks the rules, then stores the change and its event
in one transaction. Sending messages is the notifier's job; this module knows no aiogram."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.domain.model import AnswerKind, AttachmentKind, Category, DraftState, Role, State
from bot.domain.profile import Stage
from bot.domain.timers import FROM_DETECTION
from bot.domain.workflow import Action, Actor, Denial, after_action, check
from bot.services.timers import Notice, Timekeeper
from storage import directory as dir_repo
from storage import incidents as repo
from storage import timers as timer_repo
from storage.db import Database
from storage.records import (
    Assignment,
    Attachment,
    Draft,
    Event,
    Incident,
    Organisation,
    Person,
    Timer,
)

log = logging.getLogger("bot.workflow")


class Refused(Exception):
    """An action the rules do not allow; `denial` says why, `state` is the incident's now."""

    def __init__(self, denial: Denial, state: State | None = None) -> None:
        super().__init__(denial)
        self.denial = denial
        self.state = state


@dataclass(frozen=True)
class IncidentView:
    """Everything a card or a history shows about one incident."""

    incident: Incident
    assignments: list[Assignment]
    draft: Draft | None
    source_media: list[Attachment]
    events: list[Event]
    timers: list[Timer]

    @property
    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.status == "active"]

    @property
    def active_organisations(self) -> list[int]:
        return [a.organisation_id for a in self.active_assignments]

    @property
    def last_decline(self) -> Assignment | None:
        declined = [a for a in self.assignments if a.status == "declined"]
        return declined[-1] if declined else None


def utc_now() -> datetime:
    return datetime.now(UTC)


class Workflow:
    def __init__(
        self,
        db: Database,
        coordinator_ids: Collection[int],
        timekeeper: Timekeeper,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.coordinator_ids = frozenset(coordinator_ids)
        self.timekeeper = timekeeper
        self.clock = clock
        self._people: dict[int, Person | None] = {}  # by Telegram id, as of _people_version
        self._people_version: int | None = None
        # A rolled-back change to people brings the counter back, and the next change moves
        # it to the same number again: what was seen meanwhile must not survive that.
        db.rolled_back.append(self._forget_people)
        # Told after every committed change, so the scheduler can re-aim at new timers.
        self.on_change: Callable[[], Awaitable[None]] | None = None

    @asynccontextmanager
    async def _changing(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self.db.transaction() as conn:
            yield conn
        if self.on_change is not None:
            await self.on_change()

    # --- who is acting -------------------------------------------------------------------

    def _forget_people(self) -> None:
        self._people.clear()
        self._people_version = None

    async def actor(
        self, telegram_id: int, telegram_name: str, people_version: int | None = None
    ) -> Actor:
        """`people_version`, read in the caller's transaction, lets a person looked up
        before be taken from memory: any change to people (here or by the CLI) moves it."""
        if people_version is not None and people_version != self._people_version:
            self._people.clear()
            self._people_version = people_version
        if people_version is not None and telegram_id in self._people:
            person = self._people[telegram_id]
        else:
            async with self.db.read() as conn:
                person = await dir_repo.person_by_telegram(conn, telegram_id)
            if people_version is not None:
                self._people[telegram_id] = person
        is_coordinator = telegram_id in self.coordinator_ids or (
            person is not None and person.role is Role.COORDINATOR
        )
        if person is None:
            return Actor(telegram_id, telegram_name, is_coordinator=is_coordinator)
        return Actor(
            telegram_id,
            person.full_name,
            person_id=person.id,
            role=person.role,
            organisation_id=person.organisation_id,
            is_coordinator=is_coordinator,
        )

    # --- reading -------------------------------------------------------------------------

    async def view(self, incident_id: int) -> IncidentView | None:
        async with self.db.read() as conn:
            return await self._view(conn, incident_id)

    async def _view(self, conn: aiosqlite.Connection, incident_id: int) -> IncidentView | None:
        # Queued together, the reads wait for the database thread once, not six times.
        incident, assignments, draft, source_media, events, timers = await asyncio.gather(
            repo.get_incident(conn, incident_id),
            repo.assignments(conn, incident_id),
            repo.latest_draft(conn, incident_id),
            repo.attachments(conn, incident_id, None),
            repo.events(conn, incident_id),
            timer_repo.running(conn, incident_id),
        )
        if incident is None:
            return None
        return IncidentView(incident, assignments, draft, source_media, events, timers)

    async def viewable(self, actor: Actor, incident_id: int) -> IncidentView:
        if not actor.known:
            raise Refused(Denial.UNKNOWN_PERSON)
        view = await self.view(incident_id)
        if view is None:
            raise Refused(Denial.NOT_FOUND)
        orgs = [a.organisation_id for a in view.assignments]
        denial = check(actor, Action.VIEW, view.incident.state, orgs)
        if denial:
            raise Refused(denial, view.incident.state)
        return view

    async def require(self, actor: Actor, action: Action, incident_id: int) -> Incident:
        """Refuse now, before asking the person for input, if the action is not allowed."""
        async with self.db.read() as conn:
            return await self._checked(conn, actor, action, incident_id)

    async def open_incidents(self, organisation_id: int | None = None) -> list[IncidentView]:
        async with self.db.read() as conn:
            incidents = await repo.open_incidents(conn, organisation_id)
            views = [await self._view(conn, i.id) for i in incidents]
        return [v for v in views if v is not None]

    async def draft(self, draft_id: int) -> Draft | None:
        async with self.db.read() as conn:
            return await repo.get_draft(conn, draft_id)

    async def draft_attachments(self, draft: Draft) -> list[Attachment]:
        async with self.db.read() as conn:
            return await repo.attachments(conn, draft.incident_id, draft.id)

    # --- coordinator ---------------------------------------------------------------------

    async def open_incident(
        self,
        actor: Actor,
        *,
        text: str,
        link: str | None,
        origin: str | None,
        media: tuple[AttachmentKind, str, str] | None,
        media_group_id: str | None,
        detected_at: datetime,
    ) -> tuple[int, IncidentView | None]:
        """Create an incident from a forwarded post. A further message of the same album adds
        its media to the incident already opened. Returns the incident's id and, if it was
        created, its view."""
        if not actor.is_coordinator:
            raise Refused(Denial.NOT_COORDINATOR)
        now = self.clock()
        async with self._changing() as conn:
            existing = None
            if media_group_id:
                existing = await repo.incident_by_media_group(
                    conn, actor.telegram_id, media_group_id
                )
            if existing is None:
                view = await self._create(
                    conn, actor, text, link, origin, media, media_group_id, detected_at, now
                )
                return view.incident.id, view
            if text and not existing.source_text:
                await repo.update_incident(conn, existing.id, source_text=text)
            if media:
                kind, file_id, unique_id = media
                await repo.add_attachment(
                    conn, existing.id, None, kind, file_id, unique_id, media_group_id, now
                )
        return existing.id, None

    async def _create(
        self,
        conn: aiosqlite.Connection,
        actor: Actor,
        text: str,
        link: str | None,
        origin: str | None,
        media: tuple[AttachmentKind, str, str] | None,
        media_group_id: str | None,
        detected_at: datetime,
        now: datetime,
    ) -> IncidentView:
        # Built from what is written rather than read back: forwarding posts is the bulk of
        # what the bot receives, and every read in the update's transaction holds up the rest.
        incident = await repo.create_incident(
            conn,
            source_text=text,
            source_link=link,
            source_origin=origin,
            media_group_id=media_group_id,
            detected_at=detected_at,
            created_by=actor.telegram_id,
            now=now,
        )
        await self._record(conn, incident.id, actor, "created", State.NEW, now)
        event = Event(now, actor.name, "created", State.NEW, organisation=None, comment=None)
        timers = await self.timekeeper.start(conn, incident, now)
        source_media = []
        if media:
            kind, file_id, unique_id = media
            source_media.append(
                await repo.add_attachment(
                    conn, incident.id, None, kind, file_id, unique_id, media_group_id, now
                )
            )
        return IncidentView(incident, [], None, source_media, [event], timers)

    async def set_category(self, actor: Actor, incident_id: int, category: Category) -> None:
        async with self._changing() as conn:
            incident = await self._checked(conn, actor, Action.SET_CATEGORY, incident_id)
            if incident.category is category:
                return
            now = self.clock()
            await repo.update_incident(conn, incident_id, category=category.value)
            await self._event(
                conn,
                incident_id,
                actor,
                "category",
                incident.state,
                now,
                comment=category.value,
            )

    async def set_detected(self, actor: Actor, incident_id: int, detected_at: datetime) -> None:
        async with self._changing() as conn:
            incident = await self._checked(conn, actor, Action.SET_DETECTED, incident_id)
            fields: dict[str, object] = {"detected_at": detected_at}
            if incident.category and incident.answer_due_at:
                fields["answer_due_at"] = self._answer_due(detected_at, incident)
            await repo.update_incident(conn, incident_id, **fields)
            now = self.clock()
            await self._event(conn, incident_id, actor, "detected", incident.state, now)
            # The terms counted from detection start again from the corrected moment.
            await self.timekeeper.sync(conn, incident_id, now, restart=FROM_DETECTION)

    async def set_significant(self, actor: Actor, incident_id: int) -> None:
        """«Социально значимое» (point 25): kept now so the Head can be told of it."""
        async with self._changing() as conn:
            incident = await self._checked(conn, actor, Action.MARK_SIGNIFICANT, incident_id)
            if incident.significant:
                raise Refused(Denial.ALREADY_SIGNIFICANT, incident.state)
            await repo.update_incident(conn, incident_id, significant=1)
            await self._event(
                conn, incident_id, actor, "significant", incident.state, self.clock()
            )

    async def route(self, actor: Actor, incident_id: int, organisation_id: int) -> Organisation:
        async with self._changing() as conn:
            incident = await self._checked(conn, actor, Action.ROUTE, incident_id)
            org = await dir_repo.organisation(conn, organisation_id)
            if org is None or not await dir_repo.organisation_members(conn, org.id):
                raise Refused(Denial.NO_SUCH_ORGANISATION, incident.state)
            if await repo.active_assignment(conn, incident_id, org.id):
                raise Refused(Denial.WRONG_STATE, incident.state)
            assert incident.category is not None  # checked by the rules
            now = self.clock()
            await repo.add_assignment(conn, incident_id, org.id, now)
            state = after_action(Action.ROUTE, incident.state)
            await repo.update_incident(
                conn,
                incident_id,
                state=state.value,
                answer_due_at=incident.answer_due_at
                or self._answer_due(incident.detected_at, incident),
            )
            await self._event(
                conn, incident_id, actor, "routed", state, now, organisation_id=org.id
            )
        return org

    async def approve(self, actor: Actor, draft_id: int) -> Draft:
        return await self._decide(actor, draft_id, Action.APPROVE, None)

    async def return_draft(self, actor: Actor, draft_id: int, reason: str) -> Draft:
        return await self._decide(actor, draft_id, Action.RETURN, reason)

    async def _decide(
        self, actor: Actor, draft_id: int, action: Action, reason: str | None
    ) -> Draft:
        async with self._changing() as conn:
            draft, incident = await self._draft_checked(conn, actor, action, draft_id)
            if draft.state is not DraftState.SUBMITTED:
                raise Refused(Denial.WRONG_STATE, incident.state)
            now = self.clock()
            approved = action is Action.APPROVE
            await repo.update_draft(
                conn,
                draft_id,
                state=DraftState.APPROVED if approved else DraftState.RETURNED,
                decided_at=now,
                decided_by=actor.telegram_id,
                return_reason=reason,
            )
            state = after_action(action, incident.state)
            await repo.update_incident(conn, incident.id, state=state.value)
            await self._event(
                conn,
                incident.id,
                actor,
                "approved" if approved else "returned",
                state,
                now,
                draft_id=draft_id,
                comment=reason,
            )
            return await repo.get_draft(conn, draft_id)  # type: ignore[return-value]

    async def publish(self, actor: Actor, draft_id: int) -> State:
        async with self._changing() as conn:
            draft, incident = await self._draft_checked(conn, actor, Action.PUBLISH, draft_id)
            if draft.state is not DraftState.APPROVED:
                raise Refused(Denial.WRONG_STATE, incident.state)
            now = self.clock()
            await repo.update_draft(conn, draft_id, state=DraftState.PUBLISHED, published_at=now)
            state = after_action(Action.PUBLISH, incident.state, draft.kind)
            fields: dict[str, object] = {"state": state.value}
            if state is State.CLOSED:
                fields["closed_at"] = now
                await repo.finish_assignments(conn, incident.id)
            await repo.update_incident(conn, incident.id, **fields)
            await self._event(
                conn,
                incident.id,
                actor,
                "published",
                state,
                now,
                draft_id=draft_id,
                comment=draft.kind.value,
            )
        return state

    # --- executor ------------------------------------------------------------------------

    async def accept(self, actor: Actor, incident_id: int) -> None:
        async with self._changing() as conn:
            incident = await self._checked(conn, actor, Action.ACCEPT, incident_id)
            await self._accept(conn, actor, incident)

    async def _accept(self, conn: aiosqlite.Connection, actor: Actor, incident: Incident) -> None:
        assignment = await self._assignment(conn, actor, incident)
        now = self.clock()
        await repo.accept_assignment(conn, assignment.id, actor.person_id or 0, now)
        state = after_action(Action.ACCEPT, incident.state)
        await repo.update_incident(conn, incident.id, state=state.value)
        await self._event(
            conn,
            incident.id,
            actor,
            "accepted",
            state,
            now,
            organisation_id=assignment.organisation_id,
        )

    async def decline(self, actor: Actor, incident_id: int, reason: str) -> Assignment:
        async with self._changing() as conn:
            incident = await self._checked(conn, actor, Action.DECLINE, incident_id)
            assignment = await self._assignment(conn, actor, incident)
            now = self.clock()
            await repo.decline_assignment(conn, assignment.id, reason, now)
            remaining = [
                a for a in await repo.assignments(conn, incident_id) if a.status == "active"
            ]
            # With other organisations still on it, the incident stays where it is.
            state = incident.state if remaining else after_action(Action.DECLINE, incident.state)
            await repo.update_incident(conn, incident_id, state=state.value)
            await self._event(
                conn,
                incident_id,
                actor,
                "declined",
                state,
                now,
                organisation_id=assignment.organisation_id,
                comment=reason,
            )
        return assignment

    async def write(self, actor: Actor, incident_id: int, text: str) -> Draft:
        async with self._changing() as conn:
            draft = await self._editing_draft(conn, actor, incident_id, Action.WRITE)
            await repo.update_draft(conn, draft.id, text=text)
            return await repo.get_draft(conn, draft.id)  # type: ignore[return-value]

    async def attach(
        self,
        actor: Actor,
        incident_id: int,
        kind: AttachmentKind,
        file_id: str,
        file_unique_id: str,
        media_group_id: str | None,
    ) -> Draft:
        async with self._changing() as conn:
            draft = await self._editing_draft(conn, actor, incident_id, Action.ATTACH)
            await repo.add_attachment(
                conn,
                incident_id,
                draft.id,
                kind,
                file_id,
                file_unique_id,
                media_group_id,
                self.clock(),
            )
            return draft

    async def set_kind(self, actor: Actor, draft_id: int, kind: AnswerKind) -> Draft:
        async with self._changing() as conn:
            await self._own_editing(conn, actor, draft_id, Action.WRITE)
            await repo.update_draft(conn, draft_id, kind=kind)
            return await repo.get_draft(conn, draft_id)  # type: ignore[return-value]

    async def submit(self, actor: Actor, draft_id: int) -> Draft:
        async with self._changing() as conn:
            draft, incident = await self._own_editing(conn, actor, draft_id, Action.SUBMIT)
            if not draft.text.strip():
                raise Refused(Denial.EMPTY_DRAFT, incident.state)
            now = self.clock()
            await repo.update_draft(conn, draft_id, state=DraftState.SUBMITTED, submitted_at=now)
            state = after_action(Action.SUBMIT, incident.state)
            await repo.update_incident(conn, incident.id, state=state.value)
            await self._event(
                conn,
                incident.id,
                actor,
                "submitted",
                state,
                now,
                draft_id=draft_id,
                comment=draft.kind.value,
            )
            return await repo.get_draft(conn, draft_id)  # type: ignore[return-value]

    async def _own_editing(
        self, conn: aiosqlite.Connection, actor: Actor, draft_id: int, action: Action
    ) -> tuple[Draft, Incident]:
        draft, incident = await self._draft_checked(conn, actor, action, draft_id)
        if draft.state is not DraftState.EDITING:
            raise Refused(Denial.WRONG_STATE, incident.state)
        return draft, incident

    async def _editing_draft(
        self, conn: aiosqlite.Connection, actor: Actor, incident_id: int, action: Action
    ) -> Draft:
        """The draft the executor is working on, starting a new version when needed."""
        incident = await self._checked(conn, actor, action, incident_id)
        if incident.state is State.ASSIGNED:
            await self._accept(conn, actor, incident)
        assignment = await self._assignment(conn, actor, incident)
        latest = await repo.latest_draft(conn, incident_id)
        if latest and latest.state is DraftState.EDITING:
            return latest
        copy = latest if latest and latest.state is DraftState.RETURNED else None
        draft_id = await repo.create_draft(
            conn, incident_id, assignment.id, actor.person_id or 0, self.clock(), copy_from=copy
        )
        return await repo.get_draft(conn, draft_id)  # type: ignore[return-value]

    # --- shared checks -------------------------------------------------------------------

    async def _checked(
        self, conn: aiosqlite.Connection, actor: Actor, action: Action, incident_id: int
    ) -> Incident:
        found = await repo.incident_with_active(conn, incident_id)
        if found is None:
            raise Refused(Denial.NOT_FOUND)
        incident, orgs = found
        denial = check(
            actor, action, incident.state, orgs, has_category=incident.category is not None
        )
        if denial:
            raise Refused(denial, incident.state)
        return incident

    async def _draft_checked(
        self, conn: aiosqlite.Connection, actor: Actor, action: Action, draft_id: int
    ) -> tuple[Draft, Incident]:
        draft = await repo.get_draft(conn, draft_id)
        if draft is None:
            raise Refused(Denial.NOT_FOUND)
        incident = await self._checked(conn, actor, action, draft.incident_id)
        latest = await repo.latest_draft(conn, draft.incident_id)
        if latest is None or latest.id != draft.id:
            raise Refused(Denial.OLD_VERSION, incident.state)
        return draft, incident

    async def _assignment(
        self, conn: aiosqlite.Connection, actor: Actor, incident: Incident
    ) -> Assignment:
        assignment = await repo.active_assignment(conn, incident.id, actor.organisation_id or 0)
        if assignment is None:
            raise Refused(Denial.OTHER_ORGANISATION, incident.state)
        return assignment

    def _answer_due(self, detected_at: datetime, incident: Incident) -> datetime:
        return self.timekeeper.profile.due(Stage.ANSWER, detected_at, incident.category)

    # --- terms ---------------------------------------------------------------------------

    async def fire_timers(self) -> list[Notice]:
        async with self.db.transaction() as conn:
            return await self.timekeeper.fire(conn, self.clock())

    async def next_timer(self) -> datetime | None:
        async with self.db.read() as conn:
            return await self.timekeeper.earliest(conn)

    async def _event(
        self,
        conn: aiosqlite.Connection,
        incident_id: int,
        actor: Actor,
        action: str,
        state: State,
        at: datetime,
        **extra: object,
    ) -> None:
        await self._record(conn, incident_id, actor, action, state, at, **extra)
        # Every transition ends with its event: the place to start and stop stage clocks.
        await self.timekeeper.sync(conn, incident_id, at)

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
        """The event row and its log line, clocks untouched."""
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
