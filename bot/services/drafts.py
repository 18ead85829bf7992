"""The answer: the executor writes a draft and attaches evidence, the coordinator approves it
or returns it for rework, and marks it published."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import outcomes as done
from bot.domain.actions import (
    Action,
    Actor,
    Denial,
    Refused,
    after_action,
    answer_kinds,
    interim_details_missing,
    needs_evidence,
    someone_else_writes,
)
from bot.domain.model import AnswerKind, AssignmentStatus, Category, DraftState, PartStatus, State
from bot.domain.parts import parts_in
from bot.domain.profile import Stage
from bot.domain.records import Draft, Incident, Media
from bot.services import checks
from bot.services.use_cases import UseCases
from storage import assignments as assignment_repo
from storage import directory as directory_repo
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
        *,
        replace: bool = False,
    ) -> done.DraftReady | done.DraftBusy:
        """The text joins the draft's (an answer may come in several messages), or replaces
        it when the executor asked to; media sent along with it becomes evidence."""
        async with self.db.transaction() as conn:
            draft = await self._editing_draft(conn, actor, incident_id, Action.WRITE)
            if someone_else_writes(actor, draft):
                return await self._tell(self._busy(chat_id, draft, kept=bool(text)))
            added = bool(text and draft.text.strip() and not replace)
            if text:
                joined = f"{draft.text}\n{text}" if added else text
                await draft_repo.update(conn, draft.id, text=joined)
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
        caption: str = "",
    ) -> done.EvidenceAdded | done.DraftBusy:
        """Evidence for the draft; a caption sent with it is added to the draft's text."""
        async with self.db.transaction() as conn:
            draft = await self._editing_draft(conn, actor, incident_id, Action.ATTACH)
            if someone_else_writes(actor, draft):
                return await self._tell(self._busy(chat_id, draft, kept=False))
            await draft_repo.add_attachment(conn, incident_id, draft.id, media, self.clock())
            if caption.strip():
                joined = f"{draft.text}\n{caption}" if draft.text.strip() else caption
                await draft_repo.update(conn, draft.id, text=joined)
            outcome = done.EvidenceAdded(
                incident_id, chat_id, draft.id, reply_to, acknowledge, captioned=bool(caption)
            )
            return await self._tell(outcome)

    async def take_draft(
        self, actor: Actor, chat_id: int, draft_id: int, text: str | None = None
    ) -> done.DraftTaken:
        """A colleague of the draft's author continues it, under their own name; `text`
        is what they sent before (it was kept, not added, while the draft was not theirs)."""
        async with self.db.transaction() as conn:
            draft, incident = await checks.draft(conn, actor, Action.TAKE_DRAFT, draft_id)
            if draft.state is not DraftState.EDITING:
                raise Refused(Denial.WRONG_STATE, incident.state)
            if not someone_else_writes(actor, draft):
                raise Refused(Denial.ALREADY_YOURS, incident.state)
            previous = await directory_repo.person(conn, draft.author_id or 0)
            await draft_repo.update(conn, draft_id, author_id=actor.person_id)
            if text:
                await draft_repo.update(conn, draft_id, text=f"{draft.text}\n{text}")
            await self._event(
                conn,
                incident.id,
                actor,
                "draft_taken",
                incident.state,
                draft_id=draft_id,
                comment=draft.author_name,
            )
            outcome = done.DraftTaken(
                incident.id,
                chat_id,
                draft_id,
                actor.name,
                previous.telegram_id if previous else None,
            )
            return await self._tell(outcome)

    @staticmethod
    def _busy(chat_id: int, draft: Draft, kept: bool) -> done.DraftBusy:
        author = draft.author_name or ""
        return done.DraftBusy(draft.incident_id, chat_id, draft.id, author, kept)

    async def show_draft(self, actor: Actor, chat_id: int, draft_id: int) -> done.DraftReady:
        """The author is done attaching: the draft as it stands."""
        async with self.db.transaction() as conn:
            draft, _ = await checks.draft(conn, actor, Action.WRITE, draft_id)
            return await self._tell(done.DraftReady(draft.incident_id, chat_id, draft.id, None))

    async def set_kind(self, actor: Actor, draft_id: int, kind: AnswerKind) -> done.KindChosen:
        async with self.db.transaction() as conn:
            draft, incident = await self._own_editing(conn, actor, draft_id, Action.WRITE)
            # A part has no kind of its own: the coordinator chooses it when composing.
            allowed = answer_kinds(
                incident.category, incident.state, first_reply_due=incident.first_reply_due
            )
            if draft.part or kind not in allowed:
                raise Refused(Denial.KIND_NOT_ALLOWED, incident.state)
            await draft_repo.update(conn, draft_id, kind=kind)
            return await self._tell(done.KindChosen(draft.incident_id, draft_id))

    async def set_detail(
        self, actor: Actor, chat_id: int, draft_id: int, detail: str, value: str | datetime
    ) -> done.DraftReady:
        """A detail an interim answer names (p. 20): the promised term, who is responsible,
        what will be done. A term later than the regulation allows is pointed out."""
        async with self.db.transaction() as conn:
            draft, incident = await self._own_editing(conn, actor, draft_id, Action.WRITE)
            if (
                draft.kind is not AnswerKind.INTERIM
                or incident.category is not Category.FAST_TRACK
            ):
                raise Refused(Denial.WRONG_STATE, incident.state)  # forged: never asked for
            if isinstance(value, datetime) and value <= self.clock():
                raise Refused(Denial.PROMISE_PAST, incident.state)
            column = {"promise": "promised_at", "responsible": "responsible", "actions": "actions"}
            await draft_repo.update(conn, draft_id, **{column[detail]: value})
            latest = None
            if isinstance(value, datetime):
                allowed = self.timekeeper.profile.due(
                    Stage.FINAL, incident.detected_at, incident.category
                )
                latest = allowed if value > allowed else None
            outcome = done.DraftReady(incident.id, chat_id, draft_id, None, too_late=latest)
            return await self._tell(outcome)

    async def submit(self, actor: Actor, draft_id: int) -> done.Submitted | done.PartIn:
        async with self.db.transaction() as conn:
            draft, incident = await self._own_editing(conn, actor, draft_id, Action.SUBMIT)
            if draft.composed:
                raise Refused(Denial.WRONG_STATE, incident.state)  # approved, never submitted
            if draft.part:
                return await self._part_in(conn, actor, draft, incident)
            self._ready(draft, incident)
            await draft_repo.update(
                conn, draft_id, state=DraftState.SUBMITTED, submitted_at=self.clock()
            )
            state = after_action(Action.SUBMIT, incident.state)
            await repo.update_incident(conn, incident.id, state=state.value)
            await self._event(
                conn, incident.id, actor, "submitted", state, draft_id=draft_id, comment=draft.kind
            )
            return await self._tell(done.Submitted(incident.id, draft_id))

    @staticmethod
    def _ready(draft: Draft, incident: Incident) -> None:
        """What an answer needs before approval: a text, evidence for a fast-track final
        answer, an interim answer's term, who and what (p. 20)."""
        if not draft.text.strip():
            raise Refused(Denial.EMPTY_DRAFT, incident.state)
        if incident.first_reply_due and draft.kind is not AnswerKind.FIRST_REPLY:
            raise Refused(Denial.FIRST_REPLY_FIRST, incident.state)
        if needs_evidence(incident.category, draft.kind) and not draft.attachments:
            missing = Denial.PARTS_NEED_EVIDENCE if draft.composed else Denial.NEEDS_EVIDENCE
            raise Refused(missing, incident.state)
        if interim_details_missing(incident.category, draft):
            raise Refused(Denial.INTERIM_DETAILS, incident.state)

    async def _part_in(
        self, conn: aiosqlite.Connection, actor: Actor, draft: Draft, incident: Incident
    ) -> done.PartIn:
        """An organisation's part goes to the coordinator; the incident stays where it is."""
        if not draft.text.strip():
            raise Refused(Denial.EMPTY_DRAFT, incident.state)
        await draft_repo.update(
            conn, draft.id, state=DraftState.SUBMITTED, submitted_at=self.clock()
        )
        await self._event(
            conn,
            incident.id,
            actor,
            "part_in",
            incident.state,
            draft_id=draft.id,
            organisation_id=actor.organisation_id,
            comment=draft.text,
        )
        view = await repo.view(conn, incident.id)
        assert view is not None
        expected = [p for p in view.parts if p.status is not PartStatus.DECLINED]
        received = len(parts_in(view.parts))
        outcome = done.PartIn(incident.id, draft.id, draft.organisation, received, len(expected))
        return await self._tell(outcome)

    async def _own_editing(
        self, conn: aiosqlite.Connection, actor: Actor, draft_id: int, action: Action
    ) -> tuple[Draft, Incident]:
        draft, incident = await checks.draft(conn, actor, action, draft_id)
        if draft.state is not DraftState.EDITING:
            raise Refused(Denial.WRONG_STATE, incident.state)
        if someone_else_writes(actor, draft):
            raise Refused(Denial.DRAFT_OF_COLLEAGUE, incident.state)
        return draft, incident

    async def _editing_draft(
        self, conn: aiosqlite.Connection, actor: Actor, incident_id: int, action: Action
    ) -> Draft:
        """The draft the executor is working on, starting a new version when needed.
        Writing on an incident not yet accepted means taking it on."""
        incident = await checks.incident(conn, actor, action, incident_id)
        assignment = await checks.assignment(conn, actor, incident)
        if assignment.accepted_at is None:
            await self._accept(conn, actor, incident)
        if incident.parts:  # each organisation writes its part (p. 17)
            latest = await draft_repo.latest_part(conn, assignment.id)
        else:
            latest = await draft_repo.latest(conn, incident_id)
        if latest and latest.state is DraftState.EDITING and latest.assignment_id == assignment.id:
            return latest
        # A returned version is reworked by its organisation, not by one routed after it.
        copy = None
        if latest and latest.state is DraftState.RETURNED:
            copy = latest if latest.assignment_id == assignment.id else None
        draft_id = await draft_repo.create(
            conn,
            incident_id,
            assignment.id,
            actor.person_id or 0,
            self.clock(),
            copy_from=copy,
            part=incident.parts,
            kind=AnswerKind.FIRST_REPLY if incident.first_reply_due else AnswerKind.FINAL,
        )
        draft = await draft_repo.get(conn, draft_id)
        assert draft is not None
        return draft

    async def correct(
        self, actor: Actor, chat_id: int, draft_id: int, text: str
    ) -> done.Corrected:
        """The coordinator corrects the style of a draft before approving it (p. 6.3); the
        executor's wording stays in the history."""
        async with self.db.transaction() as conn:
            draft, incident = await checks.draft(conn, actor, Action.EDIT_DRAFT, draft_id)
            # The coordinator's own answer, composed from parts, is edited until approved.
            editable = DraftState.EDITING if draft.composed else DraftState.SUBMITTED
            if draft.state is not editable:
                raise Refused(Denial.WRONG_STATE, incident.state)
            await draft_repo.update(conn, draft_id, text=text)
            await self._event(
                conn,
                incident.id,
                actor,
                "corrected",
                incident.state,
                draft_id=draft_id,
                comment=draft.text,
            )
            outcome = done.Corrected(incident.id, chat_id, draft_id, draft.composed)
            return await self._tell(outcome)

    async def approve(self, actor: Actor, draft_id: int) -> done.Approved:
        async with self.db.transaction() as conn:
            draft, incident = await self._decide(conn, actor, draft_id, Action.APPROVE, None)
            orgs = tuple(await checks.organisations(conn, incident.id))
            outcome = done.Approved(
                incident.id, draft.id, draft.kind, orgs, draft.attachments, draft.composed
            )
            return await self._tell(outcome)

    async def return_draft(
        self, actor: Actor, chat_id: int, draft_id: int, reason: str
    ) -> done.Returned:
        async with self.db.transaction() as conn:
            draft, incident = await self._decide(conn, actor, draft_id, Action.RETURN, reason)
            if draft.part:
                await draft_repo.drop_copies_of(conn, draft.id)
                part_of = await draft_repo.organisation_of(conn, draft.id)
                orgs: tuple[int, ...] = (part_of,) if part_of is not None else ()
            else:
                orgs = tuple(await checks.organisations(conn, incident.id))
            outcome = done.Returned(
                incident.id, chat_id, draft.id, draft.version, reason, orgs, draft.part
            )
            return await self._tell(outcome)

    async def _decide(
        self,
        conn: aiosqlite.Connection,
        actor: Actor,
        draft_id: int,
        action: Action,
        reason: str | None,
    ) -> tuple[Draft, Incident]:
        draft, incident = await checks.draft(conn, actor, action, draft_id)
        approved = action is Action.APPROVE
        if draft.composed and approved and draft.state is DraftState.EDITING:
            self._ready(draft, incident)  # the coordinator's own answer: approved as written
            view = await repo.view(conn, incident.id)
            assert view is not None
            still_in = {p.draft.id for p in parts_in(view.parts) if p.draft}
            if not set(draft.composed_from) <= still_in:
                raise Refused(Denial.PARTS_CHANGED, incident.state)
        elif draft.state is not DraftState.SUBMITTED:
            raise Refused(Denial.WRONG_STATE, incident.state)
        await draft_repo.update(
            conn,
            draft_id,
            state=DraftState.APPROVED if approved else DraftState.RETURNED,
            decided_at=self.clock(),
            decided_by=actor.telegram_id,
            return_reason=reason,
        )
        # A part returned goes back to its organisation alone: the whole stays where it is.
        state = incident.state if draft.part else after_action(action, incident.state)
        await repo.update_incident(conn, incident.id, state=state.value)
        event = ("approved" if approved else "returned") if not draft.part else "part_returned"
        await self._event(
            conn,
            incident.id,
            actor,
            event,
            state,
            draft_id=draft_id,
            organisation_id=await draft_repo.organisation_of(conn, draft_id),
            comment=reason,
        )
        return draft, incident

    async def publish(self, actor: Actor, draft_id: int) -> done.Published:
        async with self.db.transaction() as conn:
            draft, incident = await checks.draft(conn, actor, Action.PUBLISH, draft_id)
            if draft.state is not DraftState.APPROVED:
                raise Refused(Denial.WRONG_STATE, incident.state)
            now = self.clock()
            await draft_repo.update(conn, draft_id, state=DraftState.PUBLISHED, published_at=now)
            profile = self.timekeeper.profile
            rated = profile.term(Stage.RATING) is not None
            state = after_action(Action.PUBLISH, incident.state, draft.kind, rated=rated)
            # Everyone who worked on it hears of the publication, not those who declined.
            orgs = tuple(await checks.organisations(conn, incident.id, AssignmentStatus.DECLINED))
            fields: dict[str, object] = {"state": state.value}
            if draft.kind is AnswerKind.FIRST_REPLY:
                fields["first_reply_at"] = now
            elif draft.kind is not AnswerKind.CLARIFICATION and incident.answered_at is None:
                fields["answered_at"] = now  # the answer term's move is made (seed 000, 3.8)
            if state is State.AWAITING_RATING:
                fields["rating_until"] = profile.due(Stage.RATING, now)
            if (
                draft.kind is AnswerKind.INTERIM
                and draft.promised_at
                and incident.category is Category.FAST_TRACK
            ):
                # p. 20: the final answer is due by the promise, if that comes first.
                regulation = self.timekeeper.profile.due(
                    Stage.FINAL, incident.detected_at, incident.category
                )
                fields["final_due_at"] = min(draft.promised_at, regulation)
            if incident.parts:
                await draft_repo.consume_parts(conn, draft.composed_from, now)
            if state is State.CLOSED:
                fields["closed_at"] = now
                await assignment_repo.finish_assignments(conn, incident.id)
            await repo.update_incident(conn, incident.id, **fields)
            await self._event(
                conn, incident.id, actor, "published", state, draft_id=draft_id, comment=draft.kind
            )
            closed = state is State.CLOSED
            until = fields.get("rating_until")
            return await self._tell(
                done.Published(
                    incident.id,
                    draft_id,
                    draft.kind,
                    closed,
                    orgs,
                    until if isinstance(until, datetime) else None,
                )
            )
