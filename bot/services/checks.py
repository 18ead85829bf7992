"""The checks every use case makes before it writes: the rules of bot/domain/actions.py
applied to what is stored. Each raises Refused, or returns what it checked."""

from __future__ import annotations

import aiosqlite

from bot.domain.actions import EXECUTOR_ACTIONS, Action, Actor, Denial, Refused, check, taken_as
from bot.domain.model import AssignmentStatus, DraftState
from bot.domain.parts import executor_state
from bot.domain.records import Assignment, Draft, Incident, Part
from storage import assignments as assignment_repo
from storage import drafts as draft_repo
from storage import incidents as repo


async def incident(
    conn: aiosqlite.Connection,
    actor: Actor,
    action: Action,
    incident_id: int,
    draft: Draft | None = None,
) -> Incident:
    """The incident, if `action` (on `draft`, if given) is allowed on it now. On an incident
    answered in parts an organisation's actions follow its own part's state."""
    found = await repo.incident_with_active(conn, incident_id)
    if found is None:
        raise Refused(Denial.NOT_FOUND)
    incident, orgs = found
    action = taken_as(action, draft)
    state = incident.state
    if incident.parts and action in EXECUTOR_ACTIONS and actor.organisation_id in orgs:
        state = executor_state(state, await part(conn, incident.id, actor.organisation_id))
    denial = check(
        actor,
        action,
        state,
        orgs,
        has_category=incident.category is not None,
        owner=incident.owner_id,
    )
    if denial is Denial.OTHER_ORGANISATION and await _declined(conn, incident.id, actor):
        denial = Denial.DECLINED_BY_YOU
    if denial:
        raise Refused(denial, incident.state)
    return incident


async def part(conn: aiosqlite.Connection, incident_id: int, organisation_id: int) -> Part | None:
    """The organisation's part of an incident answered in parts, if it is on it."""
    found = await assignment_repo.active_assignment(conn, incident_id, organisation_id)
    if found is None:
        return None
    return Part(found, await draft_repo.latest_part(conn, found.id))


async def _declined(conn: aiosqlite.Connection, incident_id: int, actor: Actor) -> bool:
    return any(
        a.organisation_id == actor.organisation_id and a.status is AssignmentStatus.DECLINED
        for a in await assignment_repo.assignments(conn, incident_id)
    )


async def draft(
    conn: aiosqlite.Connection, actor: Actor, action: Action, draft_id: int
) -> tuple[Draft, Incident]:
    """The draft and its incident, if the action is allowed on it: only the latest version
    of a draft may be acted on."""
    draft = await draft_repo.get(conn, draft_id)
    if draft is None:
        raise Refused(Denial.NOT_FOUND)
    checked = await incident(conn, actor, action, draft.incident_id, draft)
    if not draft.latest:
        raise Refused(Denial.OLD_VERSION, checked.state)
    if taken_as(action, draft) is Action.RETURN_PART and draft.state is not DraftState.SUBMITTED:
        raise Refused(Denial.WRONG_STATE, checked.state)  # returned already: not asked again
    if taken_as(action, draft) in EXECUTOR_ACTIONS:
        # Each organisation writes its own part, never another's.
        mine = await assignment_repo.active_assignment(
            conn, draft.incident_id, actor.organisation_id or 0
        )
        if mine is None or mine.id != draft.assignment_id:
            raise Refused(Denial.OTHER_ORGANISATION, checked.state)
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
