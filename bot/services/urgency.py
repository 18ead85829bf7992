"""«Срочно» (seed 000, 3.10: urgent requests «в любой день и час»): the incident's terms run
in calendar time from then on, the running ones counted anew; the executor's supervisor is
told at once."""

from __future__ import annotations

from bot.domain import outcomes as done
from bot.domain.actions import Action, Actor, Denial, Refused
from bot.domain.profile import Stage
from bot.services import checks
from bot.services.use_cases import UseCases
from storage import incidents as repo


class Urgency(UseCases):
    async def mark(self, actor: Actor, incident_id: int) -> done.MarkedUrgent:
        async with self.db.transaction() as conn:
            incident = await checks.incident(conn, actor, Action.MARK_URGENT, incident_id)
            if incident.urgent:
                raise Refused(Denial.ALREADY_URGENT, incident.state)
            await repo.update_incident(conn, incident_id, urgent=1)
            marked = await repo.get_incident(conn, incident_id)
            assert marked is not None
            detected, fields = marked.detected_at, {}
            if marked.answer_due_at:
                fields["answer_due_at"] = self.timekeeper.due(marked, Stage.ANSWER, detected)
            if marked.first_reply_due_at:
                fields["first_reply_due_at"] = self.timekeeper.due(
                    marked, Stage.FIRST_REPLY, detected
                )
            if fields:
                await repo.update_incident(conn, incident_id, **fields)
            await self.timekeeper.replan(conn, marked, self.clock())
            await self._event(conn, incident_id, actor, "urgent", incident.state)
            orgs = tuple(await checks.organisations(conn, incident_id))
            return await self._tell(done.MarkedUrgent(incident_id, orgs))
