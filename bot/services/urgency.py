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
            profile, detected = self.timekeeper.profile, incident.detected_at
            fields: dict[str, object] = {"urgent": 1}
            if incident.answer_due_at:
                fields["answer_due_at"] = profile.due(
                    Stage.ANSWER, detected, incident.category, urgent=True
                )
            if incident.first_reply_due_at:
                fields["first_reply_due_at"] = profile.due(
                    Stage.FIRST_REPLY, detected, urgent=True
                )
            await repo.update_incident(conn, incident_id, **fields)
            marked = await repo.get_incident(conn, incident_id)
            assert marked is not None
            await self.timekeeper.replan(conn, marked, self.clock())
            await self._event(conn, incident_id, actor, "urgent", incident.state)
            orgs = tuple(await checks.organisations(conn, incident_id))
            return await self._tell(done.MarkedUrgent(incident_id, orgs))
