"""/my, /open, /status and /incident N."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.cards import Cards
from bot.domain.actions import Actor
from bot.domain.model import CardAudience
from bot.filters import IsCoordinator, IsExecutor
from bot.services.message_queue import MessageQueue
from bot.services.notifier import Notifier
from bot.services.queries import Queries
from bot.texts import Texts, split_words


async def my_incidents(
    message: Message, actor: Actor, queries: Queries, texts: Texts, queue: MessageQueue
) -> None:
    items = await queries.open_list(actor.organisation_id)
    await queue.send(message.chat.id, texts.message("open_list", items=items, mine=True))


async def all_open(message: Message, queries: Queries, texts: Texts, queue: MessageQueue) -> None:
    items = await queries.open_list()
    await queue.send(message.chat.id, texts.message("open_list", items=items, mine=False))


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
    arg = (command.args or "").strip().lstrip("№#")
    if not arg.isdigit():
        await queue.send(message.chat.id, texts.message("incident_usage"))
        return
    view = await queries.viewable(actor, int(arg))
    chat = message.chat.id
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
    await queue.send(
        chat, texts.render("history.html.j2", incident_id=view.incident.id, events=view.events)
    )


def create_router() -> Router:
    router = Router(name="lists")
    router.message.register(my_incidents, Command("my"), IsExecutor())
    router.message.register(all_open, Command("open"), IsCoordinator())
    router.message.register(status, Command("status"), IsCoordinator())
    router.message.register(one_incident, Command("incident"))
    return router
