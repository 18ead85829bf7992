"""The answer composed from the organisations' parts (p. 17): the coordinator starts from the
parts joined, may replace the text and keep or drop each part's evidence, then approves it
(bot/services/drafts.py) and publishes it as any answer."""

from __future__ import annotations

from bot.domain import outcomes as done
from bot.domain.actions import Action, Actor, Denial, Refused
from bot.domain.model import DraftState
from bot.domain.parts import joined_text, parts_in
from bot.services import checks
from bot.services.use_cases import UseCases
from storage import drafts as draft_repo
from storage import incidents as repo


class Parts(UseCases):
    async def compose(
        self, actor: Actor, chat_id: int, incident_id: int, *, anew: bool = False
    ) -> done.Composing:
        """The coordinator composes the answer from the parts in (p. 17): it starts as the
        parts joined, with their evidence. Pressed again, the same draft is shown; `anew`
        («Собрать заново»), it is rebuilt from the parts in now (a part came late)."""
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.COMPOSE, incident_id)
            if not incident.parts:
                raise Refused(Denial.WRONG_STATE, incident.state)
            latest = await draft_repo.latest(conn, incident_id)
            editing = latest if latest and latest.composed else None
            if editing and editing.state is not DraftState.EDITING:
                editing = None
            if editing and not anew:
                return await self._tell(done.Composing(incident_id, chat_id, editing.id))
            view = await repo.view(conn, incident_id)
            assert view is not None
            ready = parts_in(view.parts)
            if not ready:
                raise Refused(Denial.NO_PARTS, incident.state)
            text = joined_text(view.parts)
            used = [p.draft.id for p in ready if p.draft]
            if editing:
                draft_id = editing.id
                await draft_repo.update(conn, draft_id, text=text, composed_from=used)
                await draft_repo.drop_evidence(conn, draft_id)
            else:
                draft_id = await draft_repo.create(
                    conn,
                    incident_id,
                    None,
                    actor.person_id,
                    self.clock(),
                    text=text,
                    composed_from=used,
                )
            for part in ready:
                if part.draft and part.draft.attachments:
                    await draft_repo.keep_evidence(conn, draft_id, part.draft.id, keep=True)
            await self._event(conn, incident_id, actor, "composing", incident.state)
            outcome = done.Composing(incident_id, chat_id, draft_id, refreshed=editing is not None)
            return await self._tell(outcome)

    async def keep_evidence(
        self, actor: Actor, chat_id: int, draft_id: int, part_id: int
    ) -> done.Composing:
        """Keep or drop a part's evidence in the composed answer (it toggles)."""
        async with self.db.transaction() as conn:
            draft, incident = await checks.draft(conn, actor, Action.COMPOSE, draft_id)
            part = await draft_repo.get(conn, part_id)
            if (
                not draft.composed
                or draft.state is not DraftState.EDITING
                or part is None
                or not part.part
                or part.incident_id != incident.id
            ):
                raise Refused(Denial.WRONG_STATE, incident.state)  # forged
            keep = part_id not in draft.evidence_from
            await draft_repo.keep_evidence(conn, draft_id, part_id, keep=keep)
            return await self._tell(done.Composing(incident.id, chat_id, draft_id, refreshed=True))
