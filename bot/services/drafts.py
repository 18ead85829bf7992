"""The answer: the executor writes a draft and attaches evidence, the coordinator approves it
or returns it for rework, and marks it published."""

from __future__ import annotations

import aiosqlite

from bot.domain import outcomes as done
from bot.domain.actions import Action, Actor, Denial, Refused, after_action
from bot.domain.model import AnswerKind, AssignmentStatus, DraftState, State
from bot.domain.records import Draft, Incident, Media
from bot.services import checks
from bot.services.use_cases import UseCases
from storage import drafts as draft_repo
from storage import incidents as repo


class Drafts(UseCases):
    async def write(
        self,
        actor: Actor,
        chat_id: int,
        incident_id: int,
        text: str,
        media: Media | None,
        reply_to: int | None,
    ) -> done.DraftReady:
        """The text becomes the draft's; media sent along with it becomes evidence."""
        async with self.db.transaction() as conn:
            draft = await self._editing_draft(conn, actor, incident_id, Action.WRITE)
            await draft_repo.update(conn, draft.id, text=text)
            if media:
                await draft_repo.add_attachment(conn, incident_id, draft.id, media, self.clock())
            return await self._tell(done.DraftReady(incident_id, chat_id, draft.id, reply_to))

    async def attach(
        self,
        actor: Actor,
        chat_id: int,
        incident_id: int,
        media: Media,
        reply_to: int,
        acknowledge: bool,
    ) -> done.EvidenceAdded:
        async with self.db.transaction() as conn:
            draft = await self._editing_draft(conn, actor, incident_id, Action.ATTACH)
            await draft_repo.add_attachment(conn, incident_id, draft.id, media, self.clock())
            outcome = done.EvidenceAdded(incident_id, chat_id, draft.id, reply_to, acknowledge)
            return await self._tell(outcome)

    async def show_draft(self, actor: Actor, chat_id: int, draft_id: int) -> done.DraftReady:
        """The author is done attaching: the draft as it stands."""
        async with self.db.transaction() as conn:
            draft, _ = await checks.draft(conn, actor, Action.WRITE, draft_id)
            return await self._tell(done.DraftReady(draft.incident_id, chat_id, draft.id, None))

    async def set_kind(self, actor: Actor, draft_id: int, kind: AnswerKind) -> done.KindChosen:
        async with self.db.transaction() as conn:
            draft, _ = await self._own_editing(conn, actor, draft_id, Action.WRITE)
            await draft_repo.update(conn, draft_id, kind=kind)
            return await self._tell(done.KindChosen(draft.incident_id, draft_id))

    async def submit(self, actor: Actor, draft_id: int) -> done.Submitted:
        async with self.db.transaction() as conn:
            draft, incident = await self._own_editing(conn, actor, draft_id, Action.SUBMIT)
            if not draft.text.strip():
                raise Refused(Denial.EMPTY_DRAFT, incident.state)
            await draft_repo.update(
                conn, draft_id, state=DraftState.SUBMITTED, submitted_at=self.clock()
            )
            state = after_action(Action.SUBMIT, incident.state)
            await repo.update_incident(conn, incident.id, state=state.value)
            await self._event(
                conn, incident.id, actor, "submitted", state, draft_id=draft_id, comment=draft.kind
            )
            return await self._tell(done.Submitted(incident.id, draft_id))

    async def _own_editing(
        self, conn: aiosqlite.Connection, actor: Actor, draft_id: int, action: Action
    ) -> tuple[Draft, Incident]:
        draft, incident = await checks.draft(conn, actor, action, draft_id)
        if draft.state is not DraftState.EDITING:
            raise Refused(Denial.WRONG_STATE, incident.state)
        return draft, incident

    async def _editing_draft(
        self, conn: aiosqlite.Connection, actor: Actor, incident_id: int, action: Action
    ) -> Draft:
        """The draft the executor is working on, starting a new version when needed.
        Writing on an incident not yet accepted means taking it on."""
        incident = await checks.incident(conn, actor, action, incident_id)
        if incident.state is State.ASSIGNED:
            await self._accept(conn, actor, incident)
        assignment = await checks.assignment(conn, actor, incident)
        latest = await draft_repo.latest(conn, incident_id)
        if latest and latest.state is DraftState.EDITING:
            return latest
        copy = latest if latest and latest.state is DraftState.RETURNED else None
        draft_id = await draft_repo.create(
            conn, incident_id, assignment.id, actor.person_id or 0, self.clock(), copy_from=copy
        )
        draft = await draft_repo.get(conn, draft_id)
        assert draft is not None
        return draft

    async def approve(self, actor: Actor, draft_id: int) -> done.Approved:
        async with self.db.transaction() as conn:
            draft, incident = await self._decide(conn, actor, draft_id, Action.APPROVE, None)
            orgs = tuple(await checks.organisations(conn, incident.id))
            return await self._tell(done.Approved(incident.id, draft.id, draft.kind, orgs))

    async def return_draft(
        self, actor: Actor, chat_id: int, draft_id: int, reason: str
    ) -> done.Returned:
        async with self.db.transaction() as conn:
            draft, incident = await self._decide(conn, actor, draft_id, Action.RETURN, reason)
            orgs = tuple(await checks.organisations(conn, incident.id))
            return await self._tell(
                done.Returned(incident.id, chat_id, draft.id, draft.version, reason, orgs)
            )

    async def _decide(
        self,
        conn: aiosqlite.Connection,
        actor: Actor,
        draft_id: int,
        action: Action,
        reason: str | None,
    ) -> tuple[Draft, Incident]:
        draft, incident = await checks.draft(conn, actor, action, draft_id)
        if draft.state is not DraftState.SUBMITTED:
            raise Refused(Denial.WRONG_STATE, incident.state)
        approved = action is Action.APPROVE
        await draft_repo.update(
            conn,
            draft_id,
            state=DraftState.APPROVED if approved else DraftState.RETURNED,
            decided_at=self.clock(),
            decided_by=actor.telegram_id,
            return_reason=reason,
        )
        state = after_action(action, incident.state)
        await repo.update_incident(conn, incident.id, state=state.value)
        event = "approved" if approved else "returned"
        await self._event(
            conn, incident.id, actor, event, state, draft_id=draft_id, comment=reason
        )
        return draft, incident

    async def publish(self, actor: Actor, draft_id: int) -> done.Published:
        async with self.db.transaction() as conn:
            draft, incident = await checks.draft(conn, actor, Action.PUBLISH, draft_id)
            if draft.state is not DraftState.APPROVED:
                raise Refused(Denial.WRONG_STATE, incident.state)
            now = self.clock()
            await draft_repo.update(conn, draft_id, state=DraftState.PUBLISHED, published_at=now)
            state = after_action(Action.PUBLISH, incident.state, draft.kind)
            # Everyone who worked on it hears of the publication, not those who declined.
            orgs = tuple(await checks.organisations(conn, incident.id, AssignmentStatus.DECLINED))
            fields: dict[str, object] = {"state": state.value}
            if state is State.CLOSED:
                fields["closed_at"] = now
                await repo.finish_assignments(conn, incident.id)
            await repo.update_incident(conn, incident.id, **fields)
            await self._event(
                conn, incident.id, actor, "published", state, draft_id=draft_id, comment=draft.kind
            )
            closed = state is State.CLOSED
            return await self._tell(
                done.Published(incident.id, draft_id, draft.kind, closed, orgs)
            )
