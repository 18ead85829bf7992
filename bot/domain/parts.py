"""Several organisations on one incident (p. 17): each sends its part of the answer on its own
clock, the coordinator composes the answer from the parts and approves it.

While the parts are collected the incident's state says where the whole is (assigned, in
progress, waiting for the final answer); each organisation's own step is its part's status.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.model import COLLECTING, PartStatus, State
from bot.domain.records import Part


def executor_state(incident_state: State, part: Part | None) -> State:
    """The state an organisation's actions and buttons follow: on an incident in parts, its
    own part's (one organisation accepts while another is writing)."""
    if part is None or incident_state not in COLLECTING:
        return incident_state
    if part.assignment.accepted_at is None:
        return State.ASSIGNED
    status = part.status
    if status is PartStatus.IN:
        return State.APPROVAL  # its part waits for the coordinator
    if status is PartStatus.RETURNED:
        return State.REWORK
    return State.IN_PROGRESS if incident_state is State.ASSIGNED else incident_state


def parts_in(parts: Sequence[Part]) -> list[Part]:
    return [p for p in parts if p.status is PartStatus.IN]


def joined_text(parts: Sequence[Part]) -> str:
    """The starting text of the composed answer: the parts in, in the order routed."""
    return "\n\n".join(p.draft.text.strip() for p in parts_in(parts) if p.draft)
