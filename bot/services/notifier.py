"""Turns what a use case did into messages: every card of the incident edited to match, then
the notification policy's notices, each rendered for its reader and queued in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from bot.cards import ROUTABLE, Cards, RoutingChoices
from bot.domain.model import DRAFT_AUDIENCES, MARKUP_ONLY, CardAudience, State
from bot.domain.notices import Buttons, Notice, Recipient, Show, To
from bot.domain.notification_policy import notices
from bot.domain.outcomes import ChatUnreachable, Outcome
from bot.domain.parts import parts_in
from bot.domain.quiet import arrives_silently
from bot.domain.records import Draft, IncidentView
from bot.keyboards import incident as kb
from bot.services.message_queue import MessageQueue
from bot.services.recipients import Reader, Recipients
from bot.texts import Texts
from storage import cards as card_repo
from storage import directory as directory_repo
from storage import drafts as draft_repo
from storage import incidents as repo
from storage.cards import CardMessage
from storage.db import Database

Look = tuple[str | None, InlineKeyboardMarkup | None]  # a card's text (None: keep) and buttons


class Notifier:
    def __init__(
        self,
        db: Database,
        queue: MessageQueue,
        recipients: Recipients,
        cards: Cards,
        texts: Texts,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.queue = queue
        self.recipients = recipients
        self.cards = cards
        self.texts = texts
        self.clock = clock

    async def tell(self, outcome: Outcome) -> None:
        """In the caller's transaction: what changed reaches everyone it concerns."""
        async with self.db.read() as conn:
            view = await repo.view(conn, outcome.incident_id)
        if view is None:
            return
        routing = await self.routing(view)
        leaders = await self.recipients.leaders(view.incident.owner_id)
        await self.refresh(view, routing, leaders)
        chats: dict[To, list[Reader]] = {}  # who is who, looked up once for all the notices
        silent = arrives_silently(
            outcome,
            view.incident.category,
            self.clock(),
            self.cards.calendar,
            view.incident.urgent,
        )
        # The draft the outcome is about: a part or a composed answer is not the latest
        # version of the incident's answer that a view carries.
        draft_id = getattr(outcome, "draft_id", None)
        draft = view.draft
        if draft_id is not None and (draft is None or draft.id != draft_id):
            async with self.db.read() as conn:
                draft = await draft_repo.get(conn, draft_id)
        for notice in notices(outcome):
            await self._deliver(notice, view, draft, routing, chats, silent, leaders)

    async def unreachable(self, chat_id: int, reason: str) -> None:
        """The sender cannot write to this chat, for good: the coordinators learn who."""
        async with self.db.read() as conn:
            person = await directory_repo.person_by_telegram(conn, chat_id)
            group = await directory_repo.organisation_by_chat(conn, chat_id)
        outcome = ChatUnreachable(
            chat_id,
            blocked="blocked" in reason,
            person=person.full_name if person else None,
            organisation=person.organisation if person else None,
            group=group.name if group else None,
        )
        for notice in notices(outcome):
            for chat in await self.recipients.chats(notice.to, skip=notice.skip_chat):
                await self.queue.send(chat, self.texts.message(notice.message, **notice.params))

    async def routing(self, view: IncidentView) -> RoutingChoices | None:
        """Where the incident may be routed now, if it is waiting to be routed."""
        incident = view.incident
        if not incident.category or incident.state not in ROUTABLE:
            return None
        async with self.db.read() as conn:
            blocks = await directory_repo.routable_blocks(conn)
            declined = view.last_decline
            if declined is not None and incident.state is State.DECLINED:
                # After «не наше»: the others of the declined one's block, one tap away.
                org = await directory_repo.organisation(conn, declined.organisation_id)
                if org is None or org.block_id is None:
                    return RoutingChoices(blocks)
                others = await directory_repo.routable_organisations(conn, block_id=org.block_id)
                return RoutingChoices(blocks, org.block_id, [o for o in others if o.id != org.id])
            earlier = view.earlier.organisation_id if view.earlier else None
            org = await directory_repo.organisation(conn, earlier) if earlier else None
            if org is None or org.block_id is None:
                return RoutingChoices(blocks)
            # p. 18: a repeat goes first to whoever answered the earlier one.
            others = await directory_repo.routable_organisations(conn, block_id=org.block_id)
            if all(o.id != org.id for o in others):
                return RoutingChoices(blocks)  # nobody to route to there any more
        return RoutingChoices(blocks, org.block_id, [org, *(o for o in others if o.id != org.id)])

    # --- keeping cards current -----------------------------------------------------------

    async def refresh(
        self, view: IncidentView, routing: RoutingChoices | None, leaders: frozenset[int]
    ) -> None:
        """Edit every message that shows this incident or its drafts to match the database;
        `leaders` get the lead coordinator's buttons."""
        incident_id = view.incident.id
        async with self.db.read() as conn:
            cards = await card_repo.of_incident(conn, incident_id)
            drafts = (
                await draft_repo.of_incident(conn, incident_id)
                if any(c.audience in DRAFT_AUDIENCES for c in cards)
                else {}
            )
        # Copies for the same audience (two coordinators' approval cards) look the same.
        looks: dict[tuple[CardAudience, int | None, bool], Look | None] = {}
        for card in cards:
            leads = card.chat_id in leaders
            key = (card.audience, card.draft_id or card.organisation_id, leads)
            if key not in looks:
                looks[key] = self._look(card, view, drafts, routing, leads)
            look = looks[key]
            if look is not None:
                await self.queue.edit(card, *look)

    def _look(
        self,
        card: CardMessage,
        view: IncidentView,
        drafts: dict[int, Draft],
        routing: RoutingChoices | None,
        leads: bool,
    ) -> Look | None:
        """What the card should show now; None: leave it as it is."""
        if card.audience in DRAFT_AUDIENCES:
            draft = drafts.get(card.draft_id or 0)
            if draft is None:
                return None
            shown = (
                None
                if card.audience in MARKUP_ONLY
                else self.cards.draft(draft, card.audience, view.incident)[0]
            )
            return shown, self.cards.draft_buttons(
                draft, card.audience, view.incident, leads=leads, parts=view.parts
            )
        if card.audience is CardAudience.PICKER:
            # Its choices stay until the incident is routed; then they are spent.
            return None if view.incident.state in ROUTABLE else (None, None)
        return self._card(view, card.audience, card.organisation_id, leads, routing)

    def _card(
        self,
        view: IncidentView,
        audience: CardAudience,
        organisation: int | None,
        leads: bool,
        routing: RoutingChoices | None,
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """An incident card's text and buttons for one chat: only the coordinator who
        leads the incident (or stands in for them) gets its buttons; another gets «Взять
        себе»."""
        text = self.cards.incident(view, self.clock(), audience, organisation, leads=leads)[0]
        markup = self.cards.buttons(view, audience, organisation, routing, leads=leads)
        return text, markup

    # --- notices -------------------------------------------------------------------------

    async def _deliver(
        self,
        notice: Notice,
        view: IncidentView,
        draft: Draft | None,
        routing: RoutingChoices | None,
        chats: dict[To, list[Reader]],
        silent: bool,
        leaders: frozenset[int],
    ) -> None:
        told: set[int] = set()  # a chat in several of the notice's recipients hears it once
        for to in notice.to:
            if to.recipient is Recipient.OWNER and to not in chats:
                chats[to] = await self.recipients.owner(view.incident.owner_id)
            elif to not in chats:
                chats[to] = await self.recipients.readers_of([to])
            readers = [r for r in chats[to] if r[0] not in told and r[0] != notice.skip_chat]
            told.update(chat for chat, _ in readers)
            if readers:
                organisation = to.id if to.recipient is Recipient.ORGANISATION else None
                await self._show(
                    readers, notice, view, draft, routing, organisation, silent, leaders
                )

    async def _show(
        self,
        readers: list[Reader],
        notice: Notice,
        view: IncidentView,
        draft: Draft | None,
        routing: RoutingChoices | None,
        organisation: int | None,
        silent: bool,
        leaders: frozenset[int],
    ) -> None:
        """Render the notice once, and queue it for each chat (`silent`: with no sound)."""
        incident = view.incident
        targets = [chat for chat, _ in readers]
        if notice.show in (Show.SOURCE_MEDIA, Show.DRAFT_MEDIA):
            media = view.source_media
            if notice.show is Show.DRAFT_MEDIA:
                assert draft is not None
                async with self.db.read() as conn:
                    media = await draft_repo.attachments(conn, incident.id, draft.id)
            for chat in targets if media else []:
                await self.queue.send_media(chat, media, incident.id, silent=silent)
            return
        if notice.show is Show.PARTS_IN:
            for part in parts_in(view.parts):
                assert part.draft is not None
                text, _ = self.cards.draft(part.draft, CardAudience.APPROVAL, incident)
                markup = self.cards.draft_buttons(part.draft, CardAudience.APPROVAL, incident)
                for chat in targets:
                    card = CardMessage(
                        chat, incident.id, CardAudience.APPROVAL, draft_id=part.draft.id
                    )
                    await self.queue.send_card(card, text, markup, silent=silent)
            return
        if notice.show is Show.CARD:
            assert notice.audience is not None
            for chat in targets:
                text, markup = self._card(
                    view, notice.audience, organisation, chat in leaders, routing
                )
                card = CardMessage(
                    chat, incident.id, notice.audience, organisation_id=organisation
                )
                await self.queue.send_card(card, text, markup, silent=silent)
            return
        if notice.show is Show.DRAFT:
            assert draft is not None
            assert notice.audience is not None
            text, cut = self.cards.draft(draft, notice.audience, incident)
            for chat in targets:
                markup = self.cards.draft_buttons(
                    draft, notice.audience, incident, leads=chat in leaders, parts=view.parts
                )
                card = CardMessage(chat, incident.id, notice.audience, draft_id=draft.id)
                await self.queue.send_card(
                    card, text, markup, reply_to=notice.reply_to, silent=silent
                )
                if cut:
                    full = self.texts.message("full_text", text=draft.text)
                    await self.queue.send(chat, full, silent=silent)
            return
        text = self.texts.message(notice.message, **notice.params)
        if notice.buttons is Buttons.ROUTING:
            # Its buttons are a card's: kept current, spent once the incident is routed.
            markup = self.cards.buttons(view, CardAudience.PICKER, routing=routing)
            for chat in targets:
                await self.queue.send_card(
                    CardMessage(chat, incident.id, CardAudience.PICKER),
                    text,
                    markup,
                    silent=silent,
                )
            return
        markup = None
        if notice.buttons is Buttons.EXECUTOR:
            markup = self.cards.buttons(view, CardAudience.EXECUTOR, organisation)
        elif notice.buttons is Buttons.COMPOSE:
            markup = kb.compose(self.texts, incident.id)
        elif notice.buttons is Buttons.CARD:
            markup = kb.open_card(self.texts, incident.id)
        elif notice.buttons is Buttons.ATTACH_DONE:
            assert draft is not None
            markup = kb.attach_done(self.texts, draft.id)
        elif notice.buttons is Buttons.TAKE_DRAFT:
            assert draft is not None
            markup = kb.take_draft(self.texts, draft.id)
        for chat, stands_for in readers:
            # Whoever stands in for someone is told so: «вам как и. о. за Петрова П. П.».
            note = self.texts.message("acting_note", name=stands_for) + "\n" if stands_for else ""
            await self.queue.send(
                chat,
                note + text,
                markup,
                reply_to=notice.reply_to,
                incident_id=incident.id,
                silent=silent,
            )

    async def send_picker(
        self, chat: int, incident_id: int, text: str, markup: InlineKeyboardMarkup
    ) -> None:
        """A message of routing choices (search results): spent once the incident is routed."""
        card = CardMessage(chat, incident_id, CardAudience.PICKER)
        await self.queue.send_card(card, text, markup)

    async def repaint(self, chat: int, message_id: int, markup: InlineKeyboardMarkup) -> bool:
        """New buttons for a card a person pressed (another page of the picker); False if
        that message is not a card the bot keeps."""
        async with self.db.read() as conn:
            card = await card_repo.at(conn, chat, message_id)
            view = await repo.view(conn, card.incident_id) if card else None
        if card is None or view is None:
            return False
        text = None
        if card.audience not in MARKUP_ONLY:
            text = self.cards.incident(view, self.clock(), card.audience, card.organisation_id)[0]
        if card.audience is CardAudience.COORDINATOR:  # its own buttons stay below the picker
            markup = kb.coordinator_card(self.texts, view, markup) or markup
        await self.queue.edit(card, text, markup)
        return True

    async def show_card(
        self,
        chat: int,
        view: IncidentView,
        audience: CardAudience,
        organisation: int | None = None,
        routing: RoutingChoices | None = None,
    ) -> None:
        """A new copy of the incident card in `chat`, kept current from now on."""
        if audience is CardAudience.COORDINATOR and routing is None:
            routing = await self.routing(view)
        leads = chat in await self.recipients.leaders(view.incident.owner_id)
        text, markup = self._card(view, audience, organisation, leads, routing)
        card = CardMessage(chat, view.incident.id, audience, organisation_id=organisation)
        await self.queue.send_card(card, text, markup)
