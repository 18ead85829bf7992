"""What an incident or a draft looks like to each audience: text and buttons. Pure: whatever a
card shows is handed in (the notifier reads it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.domain.actions import answer_kinds
from bot.domain.calendar import Calendar, RoundTheClock, WorkingCalendar
from bot.domain.deadlines import EXECUTOR_STAGES, QUIET_STAGES, TO_PUBLICATION
from bot.domain.model import (
    COLLECTING,
    FINISHED_STATES,
    AnswerKind,
    CardAudience,
    Category,
    State,
)
from bot.domain.parts import executor_state
from bot.domain.profile import Stage
from bot.domain.records import Draft, Incident, IncidentView, Organisation, Part
from bot.keyboards import incident as kb
from bot.keyboards import picker as picker_kb
from bot.texts import Texts

RECENT_EVENTS = 3
ROUTABLE = frozenset({State.NEW, State.DECLINED})


@dataclass(frozen=True)
class RoutingChoices:
    """Where the coordinator may route the incident: the blocks; after a decline, the other
    organisations of the declined one's block come first (one tap to re-route)."""

    blocks: list[tuple[int, str]]
    block_id: int = 0
    organisations: list[Organisation] = field(default_factory=list)


class Cards:
    def __init__(
        self, texts: Texts, calendar: WorkingCalendar, *, to_publication: bool = False
    ) -> None:
        self.texts = texts
        self.calendar = calendar
        # The answer's terms end with publication (seed 000, 3.8): the cards say so.
        self.to_publication = to_publication

    # --- the incident card ---------------------------------------------------------------

    def incident(
        self,
        view: IncidentView,
        now: datetime,
        audience: CardAudience = CardAudience.VIEW,
        organisation_id: int | None = None,
        *,
        leads: bool = True,
    ) -> tuple[str, bool]:
        """The card's HTML for its audience (an executor sees only the terms that are
        theirs; only the coordinator who leads it is told what to press) and whether the
        post's text had to be shortened to fit."""
        recent = view.events[-RECENT_EVENTS:]
        deadlines = self.deadlines(view, now, audience, organisation_id)

        def render(source: str, truncated: bool) -> str:
            return self.texts.render(
                "card.html.j2",
                view=view,
                audience=audience.value,
                leads=leads,
                source=source,
                truncated=truncated,
                recent=recent,
                deadlines=deadlines,
                organisation_id=organisation_id,
            )

        return self.texts.fit(render, view.incident.source_text)

    def deadlines(
        self,
        view: IncidentView,
        now: datetime,
        audience: CardAudience = CardAudience.VIEW,
        organisation_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """The running terms with their due moment and, when late, by how much (working
        time, as of `now`). An executor's card shows only their organisation's."""
        names = {a.organisation_id: a.organisation for a in view.assignments}
        # An urgent incident is late in calendar time (seed 000, 3.10).
        urgent = view.incident.urgent
        calendar: Calendar = RoundTheClock(self.calendar.tz) if urgent else self.calendar
        several = len(view.active_assignments) > 1
        timers = view.timers
        if audience is CardAudience.EXECUTOR:
            timers = [
                t
                for t in timers
                if t.stage in EXECUTOR_STAGES and t.organisation_id == organisation_id
            ]
        return [
            {
                "stage": t.stage.value + ("_published" if self._published(t.stage) else ""),
                "organisation": names.get(t.organisation_id or 0) if several else None,
                "due": t.due_at,
                "late": calendar.between(t.due_at, now) if now > t.due_at else None,
            }
            for t in timers
            if not (t.stage in QUIET_STAGES and now > t.due_at)  # a window that has closed
        ]

    def _published(self, stage: Stage) -> bool:
        return self.to_publication and stage in TO_PUBLICATION

    def buttons(
        self,
        view: IncidentView,
        audience: CardAudience,
        organisation_id: int | None = None,
        routing: RoutingChoices | None = None,
        *,
        leads: bool = True,
    ) -> InlineKeyboardMarkup | None:
        incident = view.incident
        if audience is CardAudience.COORDINATOR:
            if not leads:
                return kb.take_over(self.texts, incident)
            if incident.category and incident.state in ROUTABLE and routing is not None:
                return kb.coordinator_card(self.texts, view, self.routing(incident, routing))
            return kb.coordinator_card(self.texts, view)
        if audience is CardAudience.EXECUTOR:
            if organisation_id not in view.active_organisations:
                return None  # declined or handed over: nothing more for them to press
            state = executor_state(incident.state, view.part_of(organisation_id))
            return kb.executor_card(self.texts, incident, state)
        if audience is CardAudience.PICKER and incident.state in ROUTABLE and routing:
            return self.routing(incident, routing)
        return None

    def routing(self, incident: Incident, routing: RoutingChoices) -> InlineKeyboardMarkup:
        if routing.organisations:
            return picker_kb.organisations(
                self.texts, incident.id, routing.organisations, block_id=routing.block_id
            )
        return picker_kb.blocks(self.texts, incident.id, routing.blocks)

    # --- drafts --------------------------------------------------------------------------

    def draft(self, draft: Draft, audience: CardAudience, incident: Incident) -> tuple[str, bool]:
        """A draft as its author edits it, or as the coordinator decides on it (with the
        post it answers); for PUBLISH, the bare text (a long press copies exactly what goes
        to IM)."""
        if audience is CardAudience.PUBLISH:
            return self.texts.message("full_text", text=draft.text), False

        def render(text: str, truncated: bool) -> str:
            return self.texts.render(
                "draft.html.j2",
                draft=draft,
                audience=audience,
                post=incident.source_text,
                text=text,
                truncated=truncated,
                attachments=draft.attachments,
            )

        return self.texts.fit(render, draft.text)

    def draft_buttons(
        self,
        draft: Draft,
        audience: CardAudience,
        incident: Incident,
        *,
        leads: bool = True,
        parts: Sequence[Part] = (),
    ) -> InlineKeyboardMarkup | None:
        """A finished incident's drafts have nothing to press; approving and publishing
        are for the coordinator who leads it. A part has no kind of its own; the answer
        composed from parts is the coordinator's to write and approve (p. 17)."""
        if incident.state in FINISHED_STATES:
            return None
        if audience is CardAudience.DRAFT and draft.part:
            return kb.draft_editor(self.texts, draft, [])
        kinds = answer_kinds(
            incident.category, incident.state, first_reply_due=incident.first_reply_due
        )
        details = draft.kind is AnswerKind.INTERIM and incident.category is Category.FAST_TRACK
        if audience is CardAudience.DRAFT and not draft.composed:
            return kb.draft_editor(self.texts, draft, kinds, details)
        if not leads:
            return kb.take_over(self.texts, incident)  # theirs to decide once taken over
        if audience is CardAudience.DRAFT:
            return kb.compose_editor(self.texts, draft, kinds, details, parts)
        if audience is CardAudience.PUBLISH:
            return kb.draft_publish(self.texts, draft)
        if draft.part:
            return kb.part_review(self.texts, draft) if incident.state in COLLECTING else None
        return kb.draft_approval(self.texts, draft)
