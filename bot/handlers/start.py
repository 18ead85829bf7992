"""/start (with an invite code or without), /help, /cancel, and typed input that is not text."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.commands import set_person_commands
from bot.domain.workflow import Actor
from bot.filters import LooksLikeCommand, Magic
from bot.handlers.states import Input
from bot.notifier import Notifier
from bot.services.directory import Directory
from bot.texts import Texts


async def start_with_invite(
    message: Message,
    command: CommandObject,
    actor: Actor,
    directory: Directory,
    texts: Texts,
    bot: Bot,
    state: FSMContext,
    notifier: Notifier,
) -> None:
    await state.clear()
    code = (command.args or "").strip()
    if actor.person_id is not None:
        await notifier.send(message.chat.id, texts.message("already_bound", name=actor.name))
        return
    person = await directory.bind(code, message.chat.id)
    if person is None:
        await notifier.send(message.chat.id, texts.message("invite_used"))
        return
    await set_person_commands(bot, texts, message.chat.id, person.role)
    await notifier.send(
        message.chat.id,
        texts.message(
            "bound", name=person.full_name, role=person.role, organisation=person.organisation
        ),
    )


async def help_message(
    message: Message,
    actor: Actor,
    directory: Directory,
    texts: Texts,
    state: FSMContext,
    notifier: Notifier,
) -> None:
    await state.clear()
    role = "coordinator" if actor.is_coordinator else (actor.role or "unknown")
    organisation = await directory.organisation_name(actor.organisation_id)
    await notifier.send(
        message.chat.id,
        texts.render("help.html.j2", role=role, name=actor.name, organisation=organisation),
    )


async def cancel(message: Message, state: FSMContext, texts: Texts, notifier: Notifier) -> None:
    if await state.get_state() is None:
        await notifier.send(message.chat.id, texts.message("nothing_to_cancel"))
        return
    await state.clear()
    await notifier.send(message.chat.id, texts.message("cancelled"))


async def text_expected(message: Message, notifier: Notifier, texts: Texts) -> None:
    # A photo or sticker while a reason, a name or a time is awaited: say so, rather than let
    # it fall through and open an incident or get a wrong hint.
    await notifier.send(message.chat.id, texts.message("text_expected"))


TEXT_INPUT = (Input.decline_reason, Input.return_reason, Input.org_search, Input.detected_at)


def create_router() -> Router:
    router = Router(name="start")
    # Checked once, so that the bulk of messages (neither) skip the Command filters below.
    router.message.filter(or_f(LooksLikeCommand(), StateFilter(*TEXT_INPUT)))
    router.message.register(
        start_with_invite, CommandStart(deep_link=True), Magic(F.chat.type == "private")
    )
    router.message.register(help_message, CommandStart())
    router.message.register(help_message, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(text_expected, StateFilter(*TEXT_INPUT), Magic(~F.text))
    return router
