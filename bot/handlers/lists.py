"""/my, /open, /status, /incident N, and the «open the card» buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.cards import Cards
from bot.commands import list_command, role_of
from bot.domain.actions import Actor, Denial, Refused
from bot.domain.model import CardAudience, Role
from bot.domain.records import IncidentView, OpenItem
from bot.filters import IsCoordinator
from bot.handlers.states import chat_of
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import CardCb
from bot.services.message_queue import MessageQueue
from bot.services.notifier import Notifier
from bot.services.queries import Queries
from bot.texts import MESSAGE_LIMIT, Texts, split_words, visible_length

LIST_PAGE = 20  # incidents per message: their number buttons stay a few rows


async def open_incidents(
    message: Message, actor: Actor, queries: Queries, texts: Texts, queue: MessageQueue
) -> None:
    """/my and /open alike: each person's open incidents, one line of the post each and a
    button per incident. Coordinators and the Head see all, a deputy head those of the
    organisations supervised, an executor those of the organisation."""
    if not actor.known:
        raise Refused(Denial.UNKNOWN_PERSON)
    if actor.is_coordinator or actor.acts_as(Role.HEAD):
        scope, items = "all", await queries.open_list()
    elif actor.acts_as(Role.SUPERVISOR):
        scope, items = "supervised", await queries.supervised_list(actor.supervisor_ids())
    else:
        scope, items = "organisation", await queries.open_list(actor.organisation_id)
    if not items:
        await queue.send(message.chat.id, texts.message("open_list_empty", scope=scope))
        return
    for number, page in enumerate(_pages(texts, items)):
        text = "\n\n".join(texts.message("open_item", item=item) for item in page)
        title = texts.message("open_list_title", scope=scope, count=len(items), first=not number)
        footer = texts.message("open_list_hint")
        await queue.send(
            message.chat.id,
            f"{title}\n\n{text}\n\n{footer}",
            kb.card_links([item.id for item in page]),
        )


def _pages(texts: Texts, items: list[OpenItem]) -> list[list[OpenItem]]:
    """The list cut into messages that Telegram takes: at most LIST_PAGE incidents each,
    within the length limit (title and hint included)."""
    room = MESSAGE_LIMIT - 200  # the title and the hint
    pages: list[list[OpenItem]] = [[]]
    used = 0
    for item in items:
        size = visible_length(texts.message("open_item", item=item)) + 2
        if pages[-1] and (len(pages[-1]) >= LIST_PAGE or used + size > room):
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += size
    return pages


async def status(
    message: Message, queries: Queries, texts: Texts, queue: MessageQueue, notifier: Notifier
) -> None:
    """Delivery health for the coordinator: what waits, what failed, since when."""
    figures = await queries.delivery()
    oldest = figures.oldest_pending
    waiting = notifier.clock() - oldest if oldest else None
    await queue.send(message.chat.id, texts.message("status", figures=figures, waiting=waiting))


async def one_incident(
    message: Message,
    command: CommandObject,
    actor: Actor,
    queries: Queries,
    notifier: Notifier,
    cards: Cards,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    """The card (with buttons for whoever may act on it) and the full history."""
    arg = (command.args or "").strip().lstrip("№#").strip()
    listing = list_command(role_of(actor))
    if not arg.isdigit():
        await queue.send(message.chat.id, texts.message("incident_usage", list_command=listing))
        return
    try:
        view = await queries.viewable(actor, int(arg))
    except Refused as refusal:
        if refusal.denial is not Denial.NOT_FOUND:
            raise
        await queue.send(
            message.chat.id,
            texts.message("no_such_incident", number=int(arg), list_command=listing),
        )
        return
    chat = message.chat.id
    await _show(chat, actor, view, notifier, cards, queue, texts)
    await queue.send(
        chat, texts.render("history.html.j2", incident_id=view.incident.id, events=view.events)
    )


async def open_card(
    query: CallbackQuery,
    callback_data: CardCb,
    actor: Actor,
    queries: Queries,
    notifier: Notifier,
    cards: Cards,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    """A fresh copy of the card where the button was pressed, for whoever may see it (the
    button may have been forwarded, or the person's rights changed since)."""
    view = await queries.viewable(actor, callback_data.incident)
    await _show(chat_of(query), actor, view, notifier, cards, queue, texts)


async def _show(
    chat: int,
    actor: Actor,
    view: IncidentView,
    notifier: Notifier,
    cards: Cards,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    """The post's media and the card, with the buttons of whoever looks at it."""
    if view.source_media:
        await queue.send_media(chat, view.source_media)
    if actor.is_coordinator:
        await notifier.show_card(chat, view, CardAudience.COORDINATOR)
    elif actor.organisation_id in view.active_organisations:
        await notifier.show_card(chat, view, CardAudience.EXECUTOR, actor.organisation_id)
    else:  # a supervisor, the Head, or an organisation no longer on it
        await queue.send(chat, cards.incident(view, notifier.clock())[0])
    if cards.incident(view, notifier.clock())[1]:
        # The whole post, in as many messages as Telegram needs, cut between words.
        for part in split_words(view.incident.source_text):
            await queue.send(chat, texts.message("full_text", text=part))


def create_router() -> Router:
    router = Router(name="lists")
    router.message.register(open_incidents, Command("my", "open"))
    router.message.register(status, Command("status"), IsCoordinator())
    router.message.register(one_incident, Command("incident"))
    router.callback_query.register(open_card, CardCb.filter())
    return router
