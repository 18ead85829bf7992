"""/my, /open and /incident N."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.domain.workflow import Actor
from bot.filters import IsCoordinator, IsExecutor, LooksLikeCommand
from bot.notifier import Notifier
from bot.services.workflow import Workflow
from bot.texts import Texts


async def my_incidents(
    message: Message, actor: Actor, workflow: Workflow, texts: Texts, notifier: Notifier
) -> None:
    views = await workflow.open_incidents(actor.organisation_id)
    await notifier.send(
        message.chat.id,
        texts.message("open_list", items=views, mine=True),
    )


async def all_open(message: Message, workflow: Workflow, texts: Texts, notifier: Notifier) -> None:
    views = await workflow.open_incidents()
    await notifier.send(message.chat.id, texts.message("open_list", items=views, mine=False))


async def status(message: Message, notifier: Notifier, texts: Texts) -> None:
    """Delivery health for the coordinator: what waits, what failed, since when."""
    figures = await notifier.delivery_status()
    await notifier.send(message.chat.id, texts.message("status", **figures))


async def one_incident(
    message: Message,
    command: CommandObject,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    arg = (command.args or "").strip().lstrip("№#")
    if not arg.isdigit():
        await notifier.send(message.chat.id, texts.message("incident_usage"))
        return
    view = await workflow.viewable(actor, int(arg))
    audience = "coordinator" if actor.is_coordinator else "executor"
    if view.source_media:
        await notifier.send_media(message.chat.id, view.source_media)
    if audience == "executor" and actor.organisation_id not in view.active_organisations:
        audience = "view"  # a supervisor, the Head, or an organisation no longer on it
    if audience == "view":
        await notifier.send(message.chat.id, notifier.card_text(view))
    else:
        await notifier.send_card(message.chat.id, view, audience, actor.organisation_id)
    if notifier.render_card(view)[1]:
        await notifier.send(
            message.chat.id, texts.message("full_text", text=view.incident.source_text)
        )
    await notifier.send(
        message.chat.id,
        texts.render("history.html.j2", incident_id=view.incident.id, events=view.events),
    )


def create_router() -> Router:
    router = Router(name="lists")
    router.message.filter(LooksLikeCommand())
    router.message.register(my_incidents, Command("my"), IsExecutor())
    router.message.register(all_open, Command("open"), IsCoordinator())
    router.message.register(status, Command("status"), IsCoordinator())
    router.message.register(one_incident, Command("incident"))
    return router
