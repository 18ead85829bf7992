"""Shows incidents to people: cards, drafts, reminders, and every copy kept edited in place.

Nothing is sent from here: each message goes into the outbox, in the transaction of the change
that caused it, and the sender delivers it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from bot.domain.model import AttachmentKind, Role, State
from bot.domain.timers import StepKind
from bot.keyboards import incident as kb
from bot.keyboards.layout import Markup
from bot.services.timers import Notice
from bot.services.workflow import IncidentView, Workflow
from bot.texts import Texts, split_lines
from storage import directory as dir_repo
from storage import incidents as repo
from storage import outbox
from storage.db import Database
from storage.records import Attachment, CardMessage, Draft

RECENT_EVENTS = 3
# Cards whose text never changes after sending; only their buttons do.
MARKUP_ONLY = frozenset({"publish", "picker"})
ALBUM_MAX = 10


class Notifier:
    def __init__(
        self,
        db: Database,
        workflow: Workflow,
        texts: Texts,
        coordinator_ids: Sequence[int],
    ) -> None:
        self.db = db
        # Set to the sender's wake-up once it exists: new rows are picked up at once.
        self.wake: Callable[[], None] = lambda: None
        self.workflow = workflow
        self.texts = texts
        self.coordinator_ids = coordinator_ids

    # --- rendering -----------------------------------------------------------------------

    def card_text(self, view: IncidentView) -> str:
        return self.render_card(view)[0]

    def render_card(self, view: IncidentView) -> tuple[str, bool]:
        """The card's HTML and whether the post's text had to be shortened to fit."""
        recent = view.events[-RECENT_EVENTS:]
        deadlines = self.deadlines(view)

        def render(source: str, truncated: bool) -> str:
            return self.texts.render(
                "card.html.j2",
                view=view,
                source=source,
                truncated=truncated,
                recent=recent,
                deadlines=deadlines,
            )

        return self.texts.fit(render, view.incident.source_text)

    def deadlines(self, view: IncidentView) -> list[dict[str, object]]:
        """The running terms with their due moment and, when late, by how much (working
        time, as of now)."""
        now = self.workflow.clock()
        calendar = self.workflow.timekeeper.profile.calendar
        names = {a.organisation_id: a.organisation for a in view.assignments}
        return [
            {
                "stage": t.stage.value,
                "organisation": names.get(t.organisation_id) if t.organisation_id else None,
                "due": t.due_at,
                "late": calendar.between(t.due_at, now) if now > t.due_at else None,
            }
            for t in view.timers
        ]

    async def coordinator_markup(self, view: IncidentView) -> Markup | None:
        incident = view.incident
        if incident.category and incident.state in (State.NEW, State.DECLINED):
            async with self.db.read() as conn:
                blocks = await dir_repo.routable_blocks(conn)
                if view.last_decline and incident.state is State.DECLINED:
                    # One tap to re-route: the declined organisation's block comes up first.
                    org = await dir_repo.organisation(conn, view.last_decline.organisation_id)
                    if org and org.block_id:
                        orgs = await dir_repo.routable_organisations(conn, block_id=org.block_id)
                        orgs = [o for o in orgs if o.id != org.id]
                        if orgs:
                            return kb.organisations(
                                self.texts, incident.id, orgs, block_id=org.block_id
                            )
            return kb.blocks(self.texts, incident.id, blocks)
        return kb.coordinator_card(self.texts, incident)

    def draft_text(self, draft: Draft, audience: str, attachments: int) -> tuple[str, bool]:
        def render(text: str, truncated: bool) -> str:
            return self.texts.render(
                "draft.html.j2",
                draft=draft,
                audience=audience,
                text=text,
                truncated=truncated,
                attachments=attachments,
            )

        return self.texts.fit(render, draft.text)

    def draft_markup(self, draft: Draft, audience: str) -> Markup | None:
        """The author edits a draft ("draft"); the coordinator decides on it (any other)."""
        if audience == "draft":
            return kb.draft_editor(self.texts, draft)
        return kb.draft_approval(self.texts, draft)

    # --- targets -------------------------------------------------------------------------

    async def coordinator_chats(self) -> list[int]:
        async with self.db.read() as conn:
            people = await dir_repo.people_with_role(conn, Role.COORDINATOR)
        bound = [p.telegram_id for p in people if p.telegram_id]
        return list(dict.fromkeys([*self.coordinator_ids, *bound]))

    async def organisation_chats(self, organisation_id: int) -> list[int]:
        """The organisation's group if the bot is in one, else each bound member."""
        async with self.db.read() as conn:
            org = await dir_repo.organisation(conn, organisation_id)
            if org is None:
                return []
            if org.chat_id:
                return [org.chat_id]
            members = await dir_repo.organisation_members(conn, organisation_id)
        return [m.telegram_id for m in members if m.telegram_id]

    # --- sending -------------------------------------------------------------------------

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: Markup | None = None,
        *,
        reply_to: int | None = None,
        incident_id: int | None = None,
    ) -> None:
        """Queue a message (in the caller's transaction, if there is one). A text over
        Telegram's limit goes as several messages, cut between lines."""
        chunks = split_lines(text)
        async with self.db.transaction() as conn:
            for n, chunk in enumerate(chunks):
                last = n == len(chunks) - 1
                payload = {
                    "text": chunk,
                    "markup": _dump(markup) if last else None,
                    "reply_to": reply_to if n == 0 else None,
                }
                await outbox.enqueue(
                    conn,
                    chat_id,
                    "message",
                    payload,
                    self.workflow.clock(),
                    incident_id=incident_id,
                )
        self.db.after_commit(self.wake)

    async def send_card(
        self,
        chat_id: int,
        view: IncidentView,
        audience: str,
        organisation_id: int | None = None,
    ) -> None:
        if audience == "coordinator":
            markup = await self.coordinator_markup(view)
        else:
            markup = kb.executor_card(self.texts, view.incident)
        await self.send_tracked(
            chat_id,
            self.card_text(view),
            markup,
            incident_id=view.incident.id,
            audience=audience,
            organisation_id=organisation_id,
        )

    async def send_tracked(
        self,
        chat_id: int,
        text: str,
        markup: Markup | None,
        *,
        incident_id: int,
        audience: str,
        organisation_id: int | None = None,
        draft_id: int | None = None,
        reply_to: int | None = None,
    ) -> None:
        """Queue a message that `refresh` keeps current; its id is bound once it is sent."""
        shown = _digest(None if audience in MARKUP_ONLY else text, markup)
        card = CardMessage(chat_id, incident_id, audience, organisation_id, draft_id, shown)
        payload = {"text": text, "markup": _dump(markup), "reply_to": reply_to}
        async with self.db.transaction() as conn:
            card_id = await repo.add_card(conn, card)
            await outbox.enqueue(
                conn,
                chat_id,
                "message",
                payload,
                self.workflow.clock(),
                card_id=card_id,
                incident_id=incident_id,
            )
        self.db.after_commit(self.wake)

    async def send_media(
        self, chat_id: int, items: Sequence[Attachment], incident_id: int | None = None
    ) -> None:
        """Photos and videos as albums of up to ten, documents as their own albums."""
        visual = [a for a in items if a.kind is not AttachmentKind.DOCUMENT]
        documents = [a for a in items if a.kind is AttachmentKind.DOCUMENT]
        async with self.db.transaction() as conn:
            for group in (visual, documents):
                for start in range(0, len(group), ALBUM_MAX):
                    chunk = [
                        {"kind": a.kind.value, "file_id": a.file_id}
                        for a in group[start : start + ALBUM_MAX]
                    ]
                    method, payload = (
                        ("media", {"media": chunk[0]})
                        if len(chunk) == 1
                        else ("album", {"media": chunk})
                    )
                    await outbox.enqueue(
                        conn,
                        chat_id,
                        method,
                        payload,
                        self.workflow.clock(),
                        incident_id=incident_id,
                    )
        self.db.after_commit(self.wake)

    async def deliver_to_organisation(self, view: IncidentView, organisation_id: int) -> int:
        """Queue the card (with the post's media first) for the organisation; returns to how
        many chats."""
        chats = await self.organisation_chats(organisation_id)
        for chat_id in chats:
            if view.source_media:
                await self.send_media(chat_id, view.source_media, view.incident.id)
            await self.send_card(chat_id, view, "executor", organisation_id)
        return len(chats)

    async def send_draft_to_coordinators(self, draft: Draft) -> None:
        attachments = await self.workflow.draft_attachments(draft)
        for chat_id in await self.coordinator_chats():
            if attachments:
                await self.send_media(chat_id, attachments)
            await self.send_draft(chat_id, draft, "approval", len(attachments))

    async def send_draft(
        self,
        chat_id: int,
        draft: Draft,
        audience: str,
        attachments: int,
        *,
        reply_to: int | None = None,
    ) -> None:
        html, cut = self.draft_text(draft, audience, attachments)
        await self.send_tracked(
            chat_id,
            html,
            self.draft_markup(draft, audience),
            incident_id=draft.incident_id,
            audience=audience,
            draft_id=draft.id,
            reply_to=reply_to,
        )
        if cut:
            await self.send(chat_id, self.texts.message("full_text", text=draft.text))

    async def send_ready_to_publish(self, draft: Draft) -> None:
        attachments = await self.workflow.draft_attachments(draft)
        for chat_id in await self.coordinator_chats():
            await self.send(
                chat_id,
                self.texts.message(
                    "ready_to_publish", incident_id=draft.incident_id, kind=draft.kind
                ),
            )
            if attachments:
                await self.send_media(chat_id, attachments)
            # The bare text, so that a long press copies exactly what goes to IM.
            await self.send_tracked(
                chat_id,
                self.texts.message("full_text", text=draft.text),
                kb.draft_approval(self.texts, draft),
                incident_id=draft.incident_id,
                audience="publish",
                draft_id=draft.id,
            )

    async def to_organisation(
        self, organisation_id: int, text: str, markup: Markup | None = None
    ) -> None:
        for chat_id in await self.organisation_chats(organisation_id):
            await self.send(chat_id, text, markup)

    async def to_coordinators(
        self,
        text: str,
        markup: Markup | None = None,
        *,
        incident_id: int | None = None,
    ) -> None:
        for chat_id in await self.coordinator_chats():
            if incident_id is not None and markup is not None:
                # Its picker is a card's keyboard: kept current like any card.
                await self.send_tracked(
                    chat_id, text, markup, incident_id=incident_id, audience="picker"
                )
            else:
                await self.send(chat_id, text, markup)

    async def supervisor_chats(self, organisation_id: int) -> list[int]:
        async with self.db.read() as conn:
            people = await dir_repo.supervisors_of(conn, organisation_id)
        return [p.telegram_id for p in people if p.telegram_id]

    async def head_chats(self) -> list[int]:
        async with self.db.read() as conn:
            people = await dir_repo.people_with_role(conn, Role.HEAD)
        return [p.telegram_id for p in people if p.telegram_id]

    async def tell_head(self, incident_id: int) -> None:
        """Point 25: high importance and socially significant incidents go to the Head."""
        view = await self.workflow.view(incident_id)
        if view is None:
            return
        note = self.texts.message(
            "to_head",
            incident_id=incident_id,
            significant=view.incident.significant,
        )
        for chat_id in await self.head_chats():
            await self.send(chat_id, note)
            await self.send_tracked(
                chat_id, self.card_text(view), None, incident_id=incident_id, audience="view"
            )

    async def deliver_notice(self, notice: Notice) -> None:
        """A reminder to whoever's move it is; an escalation to the coordinator and the
        supervisor of a late organisation (point 24). Cards then show the lateness."""
        organisation = ""
        if notice.organisation_id is not None:
            async with self.db.read() as conn:
                org = await dir_repo.organisation(conn, notice.organisation_id)
            organisation = org.name if org else ""
        movers = (
            await self.organisation_chats(notice.organisation_id)
            if notice.organisation_id is not None
            else await self.coordinator_chats()
        )
        common = {
            "incident_id": notice.incident_id,
            "stage": notice.stage.value,
            "organisation": organisation,
            "due": notice.due_at,
        }
        if notice.kind is StepKind.REMIND:
            text = self.texts.message("reminder", left=notice.left, **common)
            for chat_id in movers:
                await self.send(chat_id, text)
        elif notice.kind is StepKind.DUE:
            for chat_id in movers:
                await self.send(chat_id, self.texts.message("overdue", **common))
        if notice.organisation_id is not None and notice.kind is not StepKind.REMIND:
            text = self.texts.message(
                "escalation",
                late=notice.late,
                number=notice.number,
                total=self.workflow.timekeeper.profile.reminders.escalation_times,
                **common,
            )
            watchers = [
                *await self.coordinator_chats(),
                *await self.supervisor_chats(notice.organisation_id),
            ]
            for chat_id in dict.fromkeys(watchers):
                await self.send(chat_id, text)
        await self.refresh(notice.incident_id)

    # --- keeping cards current -----------------------------------------------------------

    async def refresh(self, incident_id: int) -> None:
        """Edit every message that shows this incident or its drafts to match the database."""
        view = await self.workflow.view(incident_id)
        if view is None:
            return
        async with self.db.read() as conn:
            cards = await repo.cards(conn, incident_id)
        text = self.card_text(view)  # the same for every copy: render it once
        coordinator_markup = None
        if any(card.audience == "coordinator" for card in cards):
            coordinator_markup = await self.coordinator_markup(view)
        for card in cards:
            if card.draft_id is not None:
                draft = await self.workflow.draft(card.draft_id)
                if draft is None:
                    continue
                draft_text = None
                if card.audience not in MARKUP_ONLY:
                    count = len(await self.workflow.draft_attachments(draft))
                    draft_text = self.draft_text(draft, card.audience, count)[0]
                await self.edit(card, draft_text, self.draft_markup(draft, card.audience))
                continue
            if card.audience == "picker":
                if view.incident.state not in (State.NEW, State.DECLINED):
                    await self.edit(card, None, None)  # routed: its choices are spent
                continue
            if card.audience == "view":  # the Head's copy: no buttons
                await self.edit(card, text, None)
                continue
            if card.audience == "coordinator":
                markup = coordinator_markup
            else:
                markup = kb.executor_card(self.texts, view.incident)
                if card.organisation_id not in view.active_organisations:
                    markup = None  # declined or handed over: no buttons for them any more
            await self.edit(card, text, markup)

    async def edit(self, card: CardMessage, text: str | None, markup: Markup | None) -> None:
        """Queue an edit of a card, unless it already shows exactly that."""
        shown = _digest(text, markup)
        if shown == card.shown:
            return  # nothing changed for this copy: no request to Telegram
        payload = {"text": text, "markup": _dump(markup)}
        async with self.db.transaction() as conn:
            await outbox.enqueue(
                conn,
                card.chat_id,
                "markup" if text is None else "edit",
                payload,
                self.workflow.clock(),
                card_id=card.id,
                incident_id=card.incident_id,
            )
            await repo.set_card_shown(conn, card.id, shown)
        self.db.after_commit(self.wake)

    async def replace_markup(self, chat_id: int, message_id: int, markup: Markup | None) -> None:
        """Queue new buttons for one message (the picker's pages): after the commit, in the
        chat's order, like every other message."""
        payload = {"text": None, "markup": _dump(markup), "message_id": message_id}
        async with self.db.transaction() as conn:
            await outbox.enqueue(conn, chat_id, "markup", payload, self.workflow.clock())
        self.db.after_commit(self.wake)

    async def delivery_status(self) -> dict[str, Any]:
        async with self.db.read() as conn:
            figures = await outbox.stats(conn)
            unreachable = await outbox.unreachable_count(conn)
        return {
            "pending": figures.pending,
            "failed": figures.failed,
            "oldest": figures.oldest_pending,
            "waiting": self.workflow.clock() - figures.oldest_pending
            if figures.oldest_pending
            else None,
            "unreachable": unreachable,
        }

    async def report_unreachable(self, chat_id: int, reason: str) -> None:
        """The sender could not write to a chat for good: the coordinators learn who."""
        async with self.db.read() as conn:
            person = await dir_repo.person_by_telegram(conn, chat_id)
            org = await dir_repo.organisation_by_chat(conn, chat_id)
        text = self.texts.message(
            "unreachable",
            person=person.full_name if person else None,
            organisation=person.organisation if person else None,
            group=org.name if org else None,
            chat_id=chat_id,
            blocked="blocked" in reason,
        )
        for coordinator in await self.coordinator_chats():
            if coordinator != chat_id:
                await self.send(coordinator, text)


def _digest(text: str | None, markup: Markup | None) -> str:
    payload = json.dumps(
        [text, _dump(markup)],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha1(payload.encode()).hexdigest()


def _dump(markup: Markup | None) -> dict[str, Any] | None:
    return markup.data if markup else None
