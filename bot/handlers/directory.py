"""/people and /audit: the coordinator edits the directory from the chat. Each button edits
the screen it is on; a typed name answers in a new message. Who may do it, and whether
what a button names is still there, the use cases (bot/services/staff.py) check. This
module: the menu, browsing, and people (add, move, switch off); organisations are in
bot/handlers/organisations.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import commands_for
from bot.domain.actions import Actor
from bot.domain.model import Role
from bot.filters import COMMAND_LIKE
from bot.handlers import directory_screens as screens
from bot.handlers.states import DirInput, chat_of
from bot.keyboards import directory as kb
from bot.keyboards.directory import DirAct, DirCb
from bot.services.message_queue import MessageQueue
from bot.services.staff import Staff
from bot.texts import Texts

PRIVATE = F.chat.type == "private"
TYPED = (F.text, ~COMMAND_LIKE, PRIVATE)  # a name typed: never a command


# Commands.


async def people(
    message: Message,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    await state.clear()
    await queue.send(message.chat.id, *await screens.menu(actor, staff, texts))


async def audit(
    message: Message, actor: Actor, staff: Staff, texts: Texts, queue: MessageQueue
) -> None:
    entries = await staff.audit(actor)
    await queue.send(message.chat.id, screens.say(texts, "audit", entries=entries))


# Browsing.


async def show_menu(
    query: CallbackQuery, actor: Actor, staff: Staff, texts: Texts, queue: MessageQueue
) -> None:
    await screens.show(query, queue, *await screens.menu(actor, staff, texts))


async def show_block(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    """A block's organisations, to open them, or (with `person`) to move someone there."""
    block_id = callback_data.block or None
    orgs = await staff.organisations(actor, block_id)
    name = dict(await staff.blocks(actor)).get(block_id or 0, "")
    if callback_data.person:
        who = await staff.person(actor, callback_data.person)
        text = screens.say(texts, "move_prompt", who=who)
    else:
        text = screens.say(texts, "block", name=name, count=len(orgs))
    markup = kb.organisations(
        texts,
        orgs,
        block_id=callback_data.block,
        page=callback_data.page,
        person=callback_data.person,
    )
    await screens.show(query, queue, text, markup)


async def show_organisation(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    await screens.show(
        query, queue, *await screens.organisation(actor, staff, texts, callback_data.org)
    )


async def show_person(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
    bot: Bot,
) -> None:
    await screens.show(
        query, queue, *await screens.person(actor, staff, texts, bot, callback_data.person)
    )


async def show_page(
    query: CallbackQuery, callback_data: DirCb, callback_answer: CallbackAnswer, texts: Texts
) -> None:
    callback_answer.text = texts.alert("page", number=callback_data.page + 1)


# A person: add, move, switch off.


async def ask_role(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    view = await staff.organisation(actor, callback_data.org or None)
    org = view.organisation
    allowed = [r for r in Role if org is not None or r is not Role.EXECUTOR]
    text = screens.say(texts, "role_prompt", organisation=org.name if org else "")
    await screens.show(query, queue, text, kb.roles(texts, callback_data.org, allowed))


async def ask_person_name(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    assert callback_data.role is not None
    org = await staff.placement(actor, callback_data.org or None, callback_data.role)
    await state.set_state(DirInput.person_name)
    await state.set_data({"org": callback_data.org, "role": callback_data.role.value})
    callback_answer.text = texts.alert("dir_write_name")
    where = org.name if org else ""
    await queue.send(
        chat_of(query),
        screens.say(texts, "name_prompt", role=callback_data.role, organisation=where),
    )


async def person_name(
    message: Message,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
    bot: Bot,
) -> None:
    data = await state.get_data()
    who = await staff.add_person(
        actor, int(data["org"]) or None, Role(data["role"]), message.text or ""
    )
    await state.clear()
    text = screens.say(texts, "person_added", who=who, link=await screens.link(bot, who))
    await queue.send(message.chat.id, text, kb.person(texts, who))


async def ask_move(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    who = await staff.person(actor, callback_data.person)
    menu = await staff.menu(actor)
    markup = kb.move_blocks(texts, who.id, menu.blocks, menu.unblocked)
    await screens.show(query, queue, screens.say(texts, "move_prompt", who=who), markup)


async def move(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
    bot: Bot,
) -> None:
    moved = await staff.move_person(actor, callback_data.person, callback_data.org)
    callback_answer.text = texts.alert("dir_moved", organisation=moved.organisation)
    await screens.show(query, queue, *await screens.person(actor, staff, texts, bot, moved.id))
    if moved.telegram_id:
        await queue.send(
            moved.telegram_id,
            screens.say(texts, "moved_to_person", organisation=moved.organisation),
        )


async def ask_off(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    who = await staff.person(actor, callback_data.person)
    await screens.show(
        query, queue, screens.say(texts, "off_prompt", who=who), kb.confirm_off(texts, who)
    )


async def switch_off(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    who = await staff.switch_off(actor, callback_data.person)
    callback_answer.text = texts.alert("dir_off")
    await screens.show(
        query, queue, *await screens.organisation(actor, staff, texts, who.organisation_id or 0)
    )
    if who.telegram_id:
        await queue.set_commands(who.telegram_id, commands_for(texts, None))
        await queue.send(who.telegram_id, screens.say(texts, "off_to_person"))


def create_router() -> Router:
    router = Router(name="directory")
    router.message.register(people, Command("people"), PRIVATE)
    router.message.register(audit, Command("audit"), PRIVATE)
    router.message.register(person_name, StateFilter(DirInput.person_name), *TYPED)
    handlers: dict[DirAct, Callable[..., Any]] = {
        DirAct.MENU: show_menu,
        DirAct.BLOCK: show_block,
        DirAct.MOVE_BLOCK: show_block,
        DirAct.ORG: show_organisation,
        DirAct.PERSON: show_person,
        DirAct.PAGE: show_page,
        DirAct.ADD_PERSON: ask_role,
        DirAct.ROLE: ask_person_name,
        DirAct.MOVE: ask_move,
        DirAct.MOVE_TO: move,
        DirAct.OFF: ask_off,
        DirAct.OFF_YES: switch_off,
    }
    for act, handler in handlers.items():
        router.callback_query.register(handler, DirCb.filter(F.act == act))
    return router
