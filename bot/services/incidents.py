"""The incident once open (bot/services/intake.py opens it): category, detection time,
«социально значимое», routing, withdrawal, cancellation, «без ответа», repeats, the citizen's
reply; the executor accepts or declines; the stage clocks' notices."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import outcomes as done
from bot.domain.actions import (
    ALLOWED_FROM,
    BOT,
    Action,
    Actor,
    Denial,
    Refused,
    after_action,
)
from bot.domain.deadlines import FROM_DETECTION
from bot.domain.model import CardAudience, Category, NoAnswerGround, PartStatus, State
from bot.domain.parts import parts_in
from bot.domain.profile import Stage
from bot.domain.records import Incident, Media, Organisation, Person
from bot.services import checks
from bot.services.use_cases import UseCases
from storage import assignments as assignment_repo
from storage import bursts as burst_repo
from storage import directory as directory_repo
from storage import drafts as draft_repo
from storage import incidents as repo


def routing(more: bool) -> Action:
    """Routing an incident, or adding one more organisation to those on it (p. 17)."""
    return Action.ADD_ORGANISATION if more else Action.ROUTE


class Incidents(UseCases):
    # --- coordinator ---------------------------------------------------------------------

    async def set_category(
        self, actor: Actor, chat_id: int, incident_id: int, category: Category
    ) -> done.CategorySet:
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.SET_CATEGORY, incident_id)
            if incident.category is category:
                raise Refused(Denial.WRONG_STATE, incident.state)  # a second tap
            # p. 25: the Head hears of a high-importance incident once.
            tell_head = category is Category.HIGH and not incident.head_told
            await repo.update_incident(
                conn,
                incident_id,
                category=category.value,
                head_told=incident.head_told or tell_head,
            )
            await self._event(
                conn, incident_id, actor, "category", incident.state, comment=category.value
            )
            routable = bool(await directory_repo.routable_blocks(conn))
            outcome = done.CategorySet(incident_id, chat_id, category, routable, tell_head)
            return await self._tell(outcome)

    async def set_detected(
        self, actor: Actor, chat_id: int, incident_id: int, detected_at: datetime
    ) -> done.DetectionChanged:
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.SET_DETECTED, incident_id)
            fields: dict[str, object] = {"detected_at": detected_at}
            if incident.category and incident.answer_due_at:
                fields["answer_due_at"] = self.timekeeper.due(incident, Stage.ANSWER, detected_at)
            if incident.first_reply_due_at:
                fields["first_reply_due_at"] = self.timekeeper.due(
                    incident, Stage.FIRST_REPLY, detected_at
                )
            await repo.update_incident(conn, incident_id, **fields)
            await self._event(
                conn, incident_id, actor, "detected", incident.state, restart=FROM_DETECTION
            )
            return await self._tell(done.DetectionChanged(incident_id, chat_id))

    async def set_significant(self, actor: Actor, incident_id: int) -> done.MarkedSignificant:
        """«Социально значимое» (p. 25): kept now so the Head can be told of it."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.MARK_SIGNIFICANT, incident_id)
            if incident.significant:
                raise Refused(Denial.ALREADY_SIGNIFICANT, incident.state)
            await repo.update_incident(conn, incident_id, significant=1, head_told=1)
            await self._event(conn, incident_id, actor, "significant", incident.state)
            return await self._tell(done.MarkedSignificant(incident_id, not incident.head_told))

    async def route(
        self,
        actor: Actor,
        incident_id: int,
        organisation_id: int,
        *,
        force: bool = False,
        more: bool = False,
    ) -> done.Routed | done.NotRouted:
        """Send the incident to an organisation; with `more`, to one more besides those on
        it (each then answers a part, p. 17). If nobody there can receive the card (no
        invite opened, no group), the coordinator is asked first unless `force`."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, routing(more), incident_id)
            org, members = await self._routable(conn, incident, organisation_id)
            reachable = bool(await self.notifier.recipients.organisation(org.id))
            if not reachable and not force:
                invites = tuple((m.full_name, m.invite_code) for m in members if m.invite_code)
                return done.NotRouted(incident_id, org.id, org.name, invites)
            await assignment_repo.clear_picks(conn, incident_id)
            return await self._route(conn, actor, incident, org, reachable)

    async def route_picked(
        self, actor: Actor, incident_id: int, *, more: bool = False
    ) -> list[done.Routed]:
        """Send the incident to every organisation ticked in the picker at once: with two or
        more, each answers a part (p. 17). Those nobody can receive yet are sent it too, and
        the coordinator is told so for each."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, routing(more), incident_id)
            picked = await assignment_repo.picks(conn, incident_id)
            if not picked:
                raise Refused(Denial.NO_PICKS, incident.state)
            orgs = [(await self._routable(conn, incident, org))[0] for org in picked]
            await assignment_repo.clear_picks(conn, incident_id)
            if len(orgs) > 1 and not incident.parts:
                await repo.update_incident(conn, incident_id, parts=1)
            routed = []
            for org in orgs:
                incident = await repo.get_incident(conn, incident_id) or incident
                reachable = bool(await self.notifier.recipients.organisation(org.id))
                routed.append(await self._route(conn, actor, incident, org, reachable))
            return routed

    async def toggle_pick(
        self, actor: Actor, incident_id: int, organisation_id: int, *, more: bool = False
    ) -> list[int]:
        """Tick (or untick) an organisation in the picker; the ones ticked now."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, routing(more), incident_id)
            await self._routable(conn, incident, organisation_id)
            await assignment_repo.toggle_pick(conn, incident_id, organisation_id)
            return await assignment_repo.picks(conn, incident_id)

    async def picks(self, incident_id: int) -> list[int]:
        async with self.db.read() as conn:
            return await assignment_repo.picks(conn, incident_id)

    async def _routable(
        self, conn: aiosqlite.Connection, incident: Incident, organisation_id: int
    ) -> tuple[Organisation, list[Person]]:
        org = await directory_repo.organisation(conn, organisation_id)
        members = await directory_repo.organisation_members(conn, org.id) if org else []
        if org is None or not members:
            raise Refused(Denial.NO_SUCH_ORGANISATION, incident.state)
        if await assignment_repo.active_assignment(conn, incident.id, org.id):
            raise Refused(Denial.ALREADY_ROUTED, incident.state)
        return org, members

    async def _route(
        self,
        conn: aiosqlite.Connection,
        actor: Actor,
        incident: Incident,
        org: Organisation,
        reachable: bool,
    ) -> done.Routed:
        # Someone is on it already: the one more makes it an answer in parts (p. 17), and
        # what the others have written becomes their parts.
        adding = incident.state not in ALLOWED_FROM[Action.ROUTE]
        fields: dict[str, object] = {
            "answer_due_at": incident.answer_due_at
            or self.timekeeper.due(incident, Stage.ANSWER, incident.detected_at)
        }
        first_reply = self.timekeeper.profile.term(Stage.FIRST_REPLY)
        if first_reply and incident.first_reply_due_at is None:  # seed 000, 3.7
            fields["first_reply_due_at"] = self.timekeeper.due(
                incident, Stage.FIRST_REPLY, incident.detected_at
            )
        if adding:  # (again for each of several added at once: it changes nothing twice)
            for assignment in await assignment_repo.assignments(conn, incident.id):
                await draft_repo.make_parts(conn, assignment.id)
        state: State = after_action(Action.ROUTE, incident.state)
        if adding:
            fields["parts"] = 1
            # A returned answer is now a returned part: the whole is in progress.
            state = State.IN_PROGRESS if incident.state is State.REWORK else incident.state
        await assignment_repo.add_assignment(conn, incident.id, org.id, self.clock())
        await repo.update_incident(conn, incident.id, state=state.value, **fields)
        await self._event(conn, incident.id, actor, "routed", state, organisation_id=org.id)
        routed = await self._tell(
            done.Routed(incident.id, org.id, org.name, reachable, incident.urgent)
        )
        await self._burst(conn, incident.id, org)
        return routed

    async def _burst(
        self, conn: aiosqlite.Connection, incident_id: int, org: Organisation
    ) -> None:
        """p. 25: many incidents of one block in a short time are told once, as a burst."""
        if org.block_id is None:
            return
        since = self.clock() - self.timekeeper.profile.bursts.window
        counted = await burst_repo.recent_in_block(conn, org.block_id, since)
        await self._look_for_burst(conn, incident_id, counted, org.block, block_id=org.block_id)

    async def withdraw(
        self, actor: Actor, incident_id: int, organisation_id: int
    ) -> done.Withdrawn:
        """Take the incident back from an organisation (before its answer is approved), to
        route it anew. Its draft goes with it."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.WITHDRAW, incident_id)
            assignment = await assignment_repo.active_assignment(
                conn, incident_id, organisation_id
            )
            if assignment is None:
                raise Refused(Denial.WRONG_STATE, incident.state)
            now = self.clock()
            await assignment_repo.withdraw_assignment(conn, assignment.id, now)
            await self._set_aside(conn, assignment.id, now)
            remaining = await checks.organisations(conn, incident_id)
            state = incident.state if remaining else after_action(Action.WITHDRAW, incident.state)
            await repo.update_incident(conn, incident_id, state=state.value)
            await self._event(
                conn, incident_id, actor, "withdrawn", state, organisation_id=organisation_id
            )
            outcome = done.Withdrawn(
                incident_id,
                organisation_id,
                assignment.organisation,
                await self._all_parts_in(conn, incident),
            )
            return await self._tell(outcome)

    async def cancel(
        self, actor: Actor, chat_id: int, incident_id: int, reason: str
    ) -> done.Cancelled:
        """An incident opened by mistake (not «без ответа»: nothing is published)."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.CANCEL, incident_id)
            # Those still on it need to stop; those withdrawn or declining heard then.
            active = tuple(await checks.organisations(conn, incident_id))
            now = self.clock()
            await assignment_repo.finish_assignments(conn, incident_id)
            state = after_action(Action.CANCEL, incident.state)
            await repo.update_incident(conn, incident_id, state=state.value, closed_at=now)
            await self._event(conn, incident_id, actor, "cancelled", state, comment=reason)
            return await self._tell(done.Cancelled(incident_id, chat_id, reason, active))

    async def close_no_answer(
        self, actor: Actor, incident_id: int, ground: NoAnswerGround
    ) -> done.ClosedNoAnswer:
        """p. 21: closed without an answer, from any open state; every clock stops."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.NO_ANSWER, incident_id)
            had_it = tuple(
                dict.fromkeys(
                    a.organisation_id for a in await assignment_repo.assignments(conn, incident_id)
                )
            )
            now = self.clock()
            await assignment_repo.finish_assignments(conn, incident_id)
            state = after_action(Action.NO_ANSWER, incident.state)
            await repo.update_incident(
                conn, incident_id, state=state.value, closed_at=now, no_answer=ground.value
            )
            await self._event(conn, incident_id, actor, "no_answer", state, comment=ground.value)
            return await self._tell(done.ClosedNoAnswer(incident_id, ground, had_it))

    async def mark_repeat(
        self, actor: Actor, chat_id: int, incident_id: int, earlier: int | None
    ) -> done.RepeatMarked:
        """The coordinator marks the incident a repeat of `earlier` by hand, or (None)
        unlinks a false match (p. 18)."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.MARK_REPEAT, incident_id)
            if earlier is None and incident.repeat_of is None:
                raise Refused(Denial.WRONG_STATE, incident.state)  # a second tap
            if earlier is not None:
                if earlier == incident_id:
                    raise Refused(Denial.REPEAT_OF_ITSELF, incident.state)
                if earlier > incident_id or await repo.get_incident(conn, earlier) is None:
                    raise Refused(Denial.NO_EARLIER_INCIDENT, incident.state)
            await repo.update_incident(conn, incident_id, repeat_of=earlier)
            comment = f"№{earlier}" if earlier else None
            event = "repeat" if earlier else "not_repeat"
            await self._event(conn, incident_id, actor, event, incident.state, comment=comment)
            return await self._tell(done.RepeatMarked(incident_id, chat_id, earlier))

    async def citizen_replied(
        self, actor: Actor, chat_id: int, incident_id: int, text: str, media: list[Media]
    ) -> done.CitizenReplied:
        """p. 13: the citizen answered the clarification; the executor continues. Seed 000,
        3.6: a comment on the published answer within the window reopens it to the same
        organisation; after the window it is refused."""
        async with self.db.transaction() as conn:
            try:
                incident = await checks.incident(conn, actor, Action.CITIZEN_REPLY, incident_id)
            except Refused as refused:
                closed = await repo.get_incident(conn, incident_id)
                if refused.denial is Denial.WRONG_STATE and closed and closed.rating_until:
                    raise Refused(Denial.RATING_CLOSED, closed.state) from None
                raise
            for item in media:
                await draft_repo.add_attachment(conn, incident_id, None, item, self.clock())
            comment = incident.state is State.AWAITING_RATING
            state = after_action(Action.CITIZEN_REPLY, incident.state)
            await repo.update_incident(conn, incident_id, state=state.value)
            event = "citizen_comment" if comment else "citizen_reply"
            await self._event(conn, incident_id, actor, event, state, comment=text)
            orgs = tuple(await checks.organisations(conn, incident_id))
            outcome = done.CitizenReplied(incident_id, chat_id, text, orgs, comment)
            return await self._tell(outcome)

    async def take_over(self, actor: Actor, chat_id: int, incident_id: int) -> done.TakenOver:
        """Another coordinator leads the incident from now on: its drafts come to them."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.TAKE_OVER, incident_id)
            await repo.update_incident(conn, incident_id, owner_id=actor.telegram_id)
            await self._event(conn, incident_id, actor, "taken_over", incident.state)
            waiting = {
                State.APPROVAL: CardAudience.APPROVAL,
                State.PUBLISHING: CardAudience.PUBLISH,
            }.get(incident.state)
            parts = incident.parts and bool(await self._all_parts_in(conn, incident, some=True))
            outcome = done.TakenOver(
                incident_id, chat_id, actor.name, incident.owner_id, waiting, parts
            )
            return await self._tell(outcome)

    @staticmethod
    async def _set_aside(conn: aiosqlite.Connection, assignment_id: int, now: datetime) -> None:
        """An organisation's work in progress ends with its part in the incident; an answer
        being composed from its part loses that part's evidence."""
        part = await draft_repo.latest_part(conn, assignment_id)
        if part is not None:
            await draft_repo.drop_copies_of(conn, part.id)
        await draft_repo.set_aside(conn, assignment_id, now)

    @staticmethod
    async def _all_parts_in(
        conn: aiosqlite.Connection, incident: Incident, *, some: bool = False
    ) -> int:
        """How many parts are in, if that is all of them now (with `some`, however many);
        0 if not, or the incident is not answered in parts."""
        if not incident.parts:
            return 0
        view = await repo.view(conn, incident.id)
        assert view is not None
        expected = [p for p in view.parts if p.status is not PartStatus.DECLINED]
        received = parts_in(view.parts)
        return len(received) if some or (expected and len(received) == len(expected)) else 0

    # --- executor ------------------------------------------------------------------------

    async def accept(self, actor: Actor, incident_id: int) -> done.Accepted:
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.ACCEPT, incident_id)
            await self._accept(conn, actor, incident)
            return await self._tell(done.Accepted(incident_id))

    async def decline(
        self, actor: Actor, chat_id: int, incident_id: int, reason: str
    ) -> done.Declined:
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.DECLINE, incident_id)
            assignment = await checks.assignment(conn, actor, incident)
            now = self.clock()
            await assignment_repo.decline_assignment(conn, assignment.id, reason, now)
            await self._set_aside(conn, assignment.id, now)  # the next one starts afresh
            remaining = await checks.organisations(conn, incident_id)
            # With other organisations still on it, the incident stays where it is.
            state = incident.state if remaining else after_action(Action.DECLINE, incident.state)
            await repo.update_incident(conn, incident_id, state=state.value)
            await self._event(
                conn,
                incident_id,
                actor,
                "declined",
                state,
                organisation_id=assignment.organisation_id,
                comment=reason,
            )
            outcome = done.Declined(
                incident_id,
                chat_id,
                assignment.organisation,
                actor.name,
                reason,
                bool(remaining),
                await self._all_parts_in(conn, incident),
            )
            return await self._tell(outcome)

    # --- terms ---------------------------------------------------------------------------

    async def fire_timers(self) -> list[done.TermNotice]:
        """Every reminder, due moment and escalation that has come, told and recorded."""
        async with self.db.transaction() as conn:
            notices = await self.timekeeper.fire(conn, self.clock())
            for notice in notices:
                if notice.stage is Stage.RATING:
                    await self._close_unrated(conn, notice.incident_id)
                else:
                    await self._tell(notice)
        return notices

    async def _close_unrated(self, conn: aiosqlite.Connection, incident_id: int) -> None:
        """Seed 000, 3.6: no comment within the window, the answer stands: closed."""
        incident = await repo.get_incident(conn, incident_id)
        if incident is None or incident.state is not State.AWAITING_RATING:
            return
        orgs = tuple(await checks.organisations(conn, incident_id))
        await assignment_repo.finish_assignments(conn, incident_id)
        await repo.update_incident(
            conn, incident_id, state=State.CLOSED.value, closed_at=self.clock()
        )
        await self._event(conn, incident_id, BOT, "rating_closed", State.CLOSED)
        await self._tell(done.RatingClosed(incident_id, incident.owner_id, orgs))
