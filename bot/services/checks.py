"""The checks every use case makes before it writes: the rules of bot/domain/actions.py
applied to what is stored. Each raises Refused, or returns what it checked."""

from __future__ import annotations

import aiosqlite

from bot.domain.actions import Action, Actor, Denial, Refused, check
from bot.domain.model import AssignmentStatus
from bot.domain.records import Assignment, Draft, Incident
from storage import assignments as assignment_repo
from storage import drafts as draft_repo
from storage import incidents as repo


async def incident(
    conn: aiosqlite.Connection, actor: Actor, action: Action, incident_id: int
) -> Incident:
    found = await repo.incident_with_active(conn, incident_id)
    if found is None:
        raise Refused(Denial.NOT_FOUND)
    incident, orgs = found
    denial = check(
        actor,
        action,
        incident.state,
        orgs,
        has_category=incident.category is not None,
        owner=incident.owner_id,
    )
    if denial:
        raise Refused(denial, incident.state)
    return incident


async def draft(
    conn: aiosqlite.Connection, actor: Actor, action: Action, draft_id: int
) -> tuple[Draft, Incident]:
    """The draft and its incident, if the action is allowed on it: only the latest version
    of a draft may be acted on."""
    draft = await draft_repo.get(conn, draft_id)
    if draft is None:
        raise Refused(Denial.NOT_FOUND)
    checked = await incident(conn, actor, action, draft.incident_id)
    if not draft.latest:
        raise Refused(Denial.OLD_VERSION, checked.state)
    return draft, checked


async def assignment(conn: aiosqlite.Connection, actor: Actor, incident: Incident) -> Assignment:
    """The actor's organisation's active part in the incident."""
    found = await assignment_repo.active_assignment(conn, incident.id, actor.organisation_id or 0)
    if found is None:
        raise Refused(Denial.OTHER_ORGANISATION, incident.state)
    return found


async def organisations(
    conn: aiosqlite.Connection, incident_id: int, but: AssignmentStatus | None = None
) -> list[int]:
    """The organisations working on it; with `but`, every one not in that status."""
    statuses = {AssignmentStatus.ACTIVE} if but is None else set(AssignmentStatus) - {but}
    found = [
        a.organisation_id
        for a in await assignment_repo.assignments(conn, incident_id)
        if a.status in statuses
    ]
    return list(dict.fromkeys(found))
