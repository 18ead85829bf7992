"""What people look at without changing anything: cards, lists, delivery health."""

from __future__ import annotations

from datetime import datetime

from bot.domain.actions import Action, Actor, Denial, Refused, check, someone_else_writes
from bot.domain.records import Draft, Incident, IncidentView, OpenItem
from bot.services import checks
from storage import cards as card_repo
from storage import drafts as draft_repo
from storage import incidents as repo
from storage import outbox
from storage import timers as timer_repo
from storage.cards import CardMessage
from storage.db import Database
from storage.outbox import OutboxStats


class Queries:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def view(self, incident_id: int) -> IncidentView | None:
        async with self.db.read() as conn:
            return await repo.view(conn, incident_id)

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
            return await checks.incident(conn, actor, action, incident_id)

    async def require_draft(self, actor: Actor, action: Action, draft_id: int) -> Draft:
        async with self.db.read() as conn:
            return (await checks.draft(conn, actor, action, draft_id))[0]

    async def editing_draft(self, actor: Actor) -> Draft | None:
        """The draft the person is writing, if any (their further messages join it)."""
        if actor.person_id is None:
            return None
        async with self.db.read() as conn:
            return await draft_repo.editing_by(conn, actor.person_id)

    async def colleagues_draft(self, actor: Actor, incident_id: int) -> Draft | None:
        """The incident's draft, if a colleague of the person is writing it."""
        async with self.db.read() as conn:
            incident = await repo.get_incident(conn, incident_id)
            part = await checks.part(conn, incident_id, actor.organisation_id or 0)
            if incident is not None and incident.parts:  # its own part (p. 17)
                draft = part.draft if part else None
            else:
                draft = await draft_repo.latest(conn, incident_id)
        # Only a draft of the person's own organisation can be a colleague's.
        own = part is not None and draft is not None and draft.assignment_id == part.assignment.id
        return draft if draft and own and someone_else_writes(actor, draft) else None

    async def open_list(
        self, organisation_id: int | None = None, supervisor_id: int | None = None
    ) -> list[OpenItem]:
        async with self.db.read() as conn:
            return await repo.open_list(conn, organisation_id, supervisor_id)

    async def supervised_list(self, supervisor_ids: list[int]) -> list[OpenItem]:
        """The open incidents of the organisations any of these deputy heads supervise."""
        found: dict[int, OpenItem] = {}
        async with self.db.read() as conn:
            for supervisor_id in supervisor_ids:
                for item in await repo.open_list(conn, None, supervisor_id):
                    found.setdefault(item.id, item)
        return sorted(found.values(), key=lambda item: item.id)

    async def card_at(self, chat_id: int, message_id: int) -> CardMessage | None:
        async with self.db.read() as conn:
            return await card_repo.at(conn, chat_id, message_id)

    async def next_timer(self) -> datetime | None:
        async with self.db.read() as conn:
            return await timer_repo.earliest(conn)

    async def delivery(self) -> OutboxStats:
        async with self.db.read() as conn:
            return await outbox.stats(conn)
