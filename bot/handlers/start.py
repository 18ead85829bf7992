"""/start (with an invite code or without), /help, /cancel, and typed input that is not text."""

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.commands import commands_for
from bot.domain.actions import Actor
from bot.domain.model import CardAudience, Role
from bot.handlers.states import TEXT_INPUT
from bot.services.directory import Directory
from bot.services.message_queue import MessageQueue
from bot.services.notifier import Notifier
from bot.services.queries import Queries
from bot.texts import Texts


async def start_with_invite(
    message: Message,
    command: CommandObject,
    actor: Actor,
    directory: Directory,
    queries: Queries,
    notifier: Notifier,
    texts: Texts,
    state: FSMContext,
    queue: MessageQueue,
) -> None:
    await state.clear()
    code = (command.args or "").strip()
    if actor.person_id is not None:
        await queue.send(message.chat.id, texts.message("already_bound", name=actor.name))
        return
    person = await directory.bind(code, message.chat.id)
    if person is None:
        await queue.send(message.chat.id, texts.message("invite_used"))
        return
    await queue.set_commands(message.chat.id, commands_for(texts, person.role))
    await queue.send(
        message.chat.id,
        texts.message(
            "bound", name=person.full_name, role=person.role, organisation=person.organisation
        ),
    )
    if person.role is Role.EXECUTOR and person.organisation_id is not None:
        await _cards_waiting(message.chat.id, person.organisation_id, queries, notifier, queue)


async def _cards_waiting(
    chat: int, organisation_id: int, queries: Queries, notifier: Notifier, queue: MessageQueue
) -> None:
    """The first of an organisation to open an invite gets the incidents routed to it while
    nobody could receive them (the coordinator was told they would come)."""
    if await notifier.recipients.organisation(organisation_id) != [chat]:
        return  # a colleague or the group has them already
    for item in await queries.open_list(organisation_id):
        view = await queries.view(item.id)
        if view is not None:
            if view.source_media:
                await queue.send_media(chat, view.source_media, view.incident.id)
            await notifier.show_card(chat, view, CardAudience.EXECUTOR, organisation_id)


async def help_message(
    message: Message,
    actor: Actor,
    directory: Directory,
    texts: Texts,
    state: FSMContext,
    queue: MessageQueue,
) -> None:
    await state.clear()
    role = "coordinator" if actor.is_coordinator else (actor.role or "unknown")
    organisation = await directory.organisation_name(actor.organisation_id)
    await queue.send(
        message.chat.id,
        texts.render("help.html.j2", role=role, name=actor.name, organisation=organisation),
    )


async def cancel(message: Message, state: FSMContext, texts: Texts, queue: MessageQueue) -> None:
    if await state.get_state() is None:
        await queue.send(message.chat.id, texts.message("nothing_to_cancel"))
        return
    await state.clear()
    await queue.send(message.chat.id, texts.message("cancelled"))


async def text_expected(message: Message, queue: MessageQueue, texts: Texts) -> None:
    # A photo or sticker while a reason, a name or a time is awaited: say so, rather than let
    # it fall through and open an incident or get a wrong hint.
    await queue.send(message.chat.id, texts.message("text_expected"))


def create_router() -> Router:
    router = Router(name="start")
    router.message.register(
        start_with_invite, CommandStart(deep_link=True), F.chat.type == "private"
    )
    router.message.register(help_message, CommandStart())
    router.message.register(help_message, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(text_expected, StateFilter(*TEXT_INPUT), ~F.text)
    return router
