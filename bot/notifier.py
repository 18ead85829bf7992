"""Shows incidents to people: sends cards, keeps every copy edited in place, delivers drafts.

Failures to send are logged with the chat and incident and never undo a stored change.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    Message,
    ReplyParameters,
)

from bot.domain.model import AttachmentKind, Category, Role, State
from bot.domain.timers import StepKind
from bot.keyboards import incident as kb
from bot.services.timers import Notice
from bot.services.workflow import IncidentView, Workflow
from bot.texts import Texts
from storage import directory as dir_repo
from storage import incidents as repo
from storage.db import Database
from storage.records import Attachment, CardMessage, Draft

log = logging.getLogger(__name__)
RECENT_EVENTS = 3
# Cards whose text never changes after sending; only their buttons do.
MARKUP_ONLY = frozenset({"publish", "picker"})
ALBUM_MAX = 10


class Notifier:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        workflow: Workflow,
        texts: Texts,
        coordinator_ids: Sequence[int],
    ) -> None:
        self.bot = bot
        self.db = db
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

    async def coordinator_markup(self, view: IncidentView) -> InlineKeyboardMarkup | None:
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

    def draft_markup(self, draft: Draft, audience: str) -> InlineKeyboardMarkup | None:
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
        markup: InlineKeyboardMarkup | None = None,
        *,
        reply_to: int | None = None,
    ) -> Message | None:
        try:
            return await self.bot.send_message(
                chat_id,
                text,
                reply_markup=markup,
                reply_parameters=ReplyParameters(message_id=reply_to) if reply_to else None,
            )
        except TelegramAPIError as exc:
            log.warning("send failed chat=%s: %s", chat_id, exc)
            return None

    async def send_card(
        self,
        chat_id: int,
        view: IncidentView,
        audience: str,
        organisation_id: int | None = None,
    ) -> Message | None:
        if audience == "coordinator":
            markup = await self.coordinator_markup(view)
        else:
            markup = kb.executor_card(self.texts, view.incident)
        return await self.send_tracked(
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
        markup: InlineKeyboardMarkup | None,
        *,
        incident_id: int,
        audience: str,
        organisation_id: int | None = None,
        draft_id: int | None = None,
        reply_to: int | None = None,
    ) -> Message | None:
        """Send a message that `refresh` keeps current, and remember what it shows."""
        message = await self.send(chat_id, text, markup, reply_to=reply_to)
        if message:
            shown = _digest(None if audience in MARKUP_ONLY else text, markup)
            card = CardMessage(
                chat_id,
                message.message_id,
                incident_id,
                audience,
                organisation_id,
                draft_id,
                shown,
            )
            async with self.db.transaction() as conn:
                await repo.remember_card(conn, card)
        return message

    async def send_media(self, chat_id: int, items: Sequence[Attachment]) -> None:
        """Photos and videos as albums of up to ten, documents as their own albums."""
        visual = [a for a in items if a.kind is not AttachmentKind.DOCUMENT]
        documents = [a for a in items if a.kind is AttachmentKind.DOCUMENT]
        for group in (visual, documents):
            for start in range(0, len(group), ALBUM_MAX):
                chunk = group[start : start + ALBUM_MAX]
                try:
                    if len(chunk) == 1:
                        await self._send_one(chat_id, chunk[0])
                    else:
                        await self.bot.send_media_group(chat_id, [_input_media(a) for a in chunk])
                except TelegramAPIError as exc:
                    log.warning("media send failed chat=%s: %s", chat_id, exc)

    async def _send_one(self, chat_id: int, item: Attachment) -> None:
        if item.kind is AttachmentKind.PHOTO:
            await self.bot.send_photo(chat_id, item.file_id)
        elif item.kind is AttachmentKind.VIDEO:
            await self.bot.send_video(chat_id, item.file_id)
        else:
            await self.bot.send_document(chat_id, item.file_id)

    async def deliver_to_organisation(self, view: IncidentView, organisation_id: int) -> int:
        """Send the card (with the post's media first) to the organisation; returns how many
        chats got it."""
        delivered = 0
        for chat_id in await self.organisation_chats(organisation_id):
            if view.source_media:
                await self.send_media(chat_id, view.source_media)
            if await self.send_card(chat_id, view, "executor", organisation_id):
                delivered += 1
        return delivered

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
    ) -> Message | None:
        html, cut = self.draft_text(draft, audience, attachments)
        message = await self.send_tracked(
            chat_id,
            html,
            self.draft_markup(draft, audience),
            incident_id=draft.incident_id,
            audience=audience,
            draft_id=draft.id,
            reply_to=reply_to,
        )
        if message and cut:
            await self.send(chat_id, self.texts.message("full_text", text=draft.text))
        return message

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
        self, organisation_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        for chat_id in await self.organisation_chats(organisation_id):
            await self.send(chat_id, text, markup)

    async def to_coordinators(
        self,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
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
            high=view.incident.category is Category.HIGH,
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
        for card in cards:
            if card.draft_id is not None:
                draft = await self.workflow.draft(card.draft_id)
                if draft is None:
                    continue
                text = None
                if card.audience not in MARKUP_ONLY:
                    count = len(await self.workflow.draft_attachments(draft))
                    text = self.draft_text(draft, card.audience, count)[0]
                await self.edit(card, text, self.draft_markup(draft, card.audience))
                continue
            if card.audience == "picker":
                if view.incident.state not in (State.NEW, State.DECLINED):
                    await self.edit(card, None, None)  # routed: its choices are spent
                continue
            if card.audience == "view":  # the Head's copy: no buttons
                await self.edit(card, self.card_text(view), None)
                continue
            if card.audience == "coordinator":
                markup = await self.coordinator_markup(view)
            else:
                markup = kb.executor_card(self.texts, view.incident)
                if card.organisation_id not in view.active_organisations:
                    markup = None  # declined or handed over: no buttons for them any more
            await self.edit(card, self.card_text(view), markup)

    async def edit(
        self, card: CardMessage, text: str | None, markup: InlineKeyboardMarkup | None
    ) -> None:
        shown = _digest(text, markup)
        if shown == card.shown:
            return  # nothing changed for this copy: no request to Telegram
        try:
            if text is None:
                await self.bot.edit_message_reply_markup(
                    chat_id=card.chat_id, message_id=card.message_id, reply_markup=markup
                )
            else:
                await self.bot.edit_message_text(
                    text=text,
                    chat_id=card.chat_id,
                    message_id=card.message_id,
                    reply_markup=markup,
                )
        except TelegramAPIError as exc:
            problem = exc.message if isinstance(exc, TelegramBadRequest) else ""
            if "not modified" not in problem:
                log.warning(
                    "edit failed chat=%s message=%s incident=%s: %s",
                    card.chat_id,
                    card.message_id,
                    card.incident_id,
                    exc,
                )
                if "not found" in problem:  # deleted by the person: stop editing it
                    async with self.db.transaction() as conn:
                        await repo.forget_card(conn, card.chat_id, card.message_id)
                return
        async with self.db.transaction() as conn:
            await repo.set_card_shown(conn, card.chat_id, card.message_id, shown)


def _digest(text: str | None, markup: InlineKeyboardMarkup | None) -> str:
    payload = json.dumps(
        [text, markup.model_dump(mode="json") if markup else None],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha1(payload.encode()).hexdigest()


def _input_media(item: Attachment) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument:
    if item.kind is AttachmentKind.PHOTO:
        return InputMediaPhoto(media=item.file_id)
    if item.kind is AttachmentKind.VIDEO:
        return InputMediaVideo(media=item.file_id)
    return InputMediaDocument(media=item.file_id)
