"""An organisation edited from the chat (/people): added, renamed, its thematic block and
its supervising deputy heads. A new organisation is taken through its block, then its
supervisors (`DirCb.new`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Actor
from bot.handlers import directory_screens as screens
from bot.handlers.directory import TYPED
from bot.handlers.states import DirInput, chat_of
from bot.keyboards.directory import DirAct, DirCb
from bot.services.message_queue import MessageQueue
from bot.services.staff import Staff
from bot.texts import Texts


async def ask_org_name(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    staff.require(actor)
    await state.set_state(DirInput.org_name)
    await state.set_data({})
    callback_answer.text = texts.alert("dir_write_name")
    await queue.send(chat_of(query), screens.say(texts, "org_name_prompt"))


async def org_name(
    message: Message,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    org = await staff.add_organisation(actor, message.text or "")
    await state.clear()
    await queue.send(message.chat.id, *await screens.blocks(actor, staff, texts, org, new=1))


async def ask_rename(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    view = await staff.organisation(actor, callback_data.org)
    assert view.organisation is not None
    await state.set_state(DirInput.org_rename)
    await state.set_data({"org": callback_data.org})
    callback_answer.text = texts.alert("dir_write_name")
    await queue.send(
        chat_of(query), screens.say(texts, "rename_prompt", organisation=view.organisation.name)
    )


async def org_rename(
    message: Message,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    org_id = int((await state.get_data())["org"])
    await staff.rename(actor, org_id, message.text or "")
    await state.clear()
    await queue.send(message.chat.id, *await screens.organisation(actor, staff, texts, org_id))


async def show_blocks(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    view = await staff.organisation(actor, callback_data.org)
    assert view.organisation is not None
    await screens.show(
        query,
        queue,
        *await screens.blocks(actor, staff, texts, view.organisation, callback_data.new),
    )


async def set_block(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    org = await staff.set_block(actor, callback_data.org, block_id=callback_data.block)
    callback_answer.text = texts.alert("dir_block", block=org.block)
    if callback_data.new:
        await screens.show(query, queue, *await screens.supervisors(actor, staff, texts, org.id))
    else:
        await screens.show(query, queue, *await screens.organisation(actor, staff, texts, org.id))


async def ask_block_name(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    view = await staff.organisation(actor, callback_data.org)
    assert view.organisation is not None
    await state.set_state(DirInput.block_name)
    await state.set_data({"org": callback_data.org, "new": callback_data.new})
    callback_answer.text = texts.alert("dir_write_name")
    await queue.send(
        chat_of(query), screens.say(texts, "block_prompt", organisation=view.organisation.name)
    )


async def block_name(
    message: Message,
    actor: Actor,
    staff: Staff,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    data = await state.get_data()
    org = await staff.set_block(actor, int(data["org"]), typed=message.text or "")
    await state.clear()
    if data.get("new"):
        await queue.send(message.chat.id, *await screens.supervisors(actor, staff, texts, org.id))
    else:
        await queue.send(message.chat.id, *await screens.organisation(actor, staff, texts, org.id))


async def show_supervisors(
    query: CallbackQuery,
    callback_data: DirCb,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    await screens.show(
        query, queue, *await screens.supervisors(actor, staff, texts, callback_data.org)
    )


async def toggle_supervisor(
    query: CallbackQuery,
    callback_data: DirCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    staff: Staff,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    on = await staff.toggle_supervisor(actor, callback_data.org, callback_data.person)
    callback_answer.text = texts.alert("dir_supervisor", on=on)
    await screens.show(
        query, queue, *await screens.supervisors(actor, staff, texts, callback_data.org)
    )


def create_router() -> Router:
    router = Router(name="organisations")
    router.message.register(org_name, StateFilter(DirInput.org_name), *TYPED)
    router.message.register(org_rename, StateFilter(DirInput.org_rename), *TYPED)
    router.message.register(block_name, StateFilter(DirInput.block_name), *TYPED)
    handlers: dict[DirAct, Callable[..., Any]] = {
        DirAct.ADD_ORG: ask_org_name,
        DirAct.RENAME: ask_rename,
        DirAct.BLOCKS: show_blocks,
        DirAct.SET_BLOCK: set_block,
        DirAct.NEW_BLOCK: ask_block_name,
        DirAct.SUPERVISORS: show_supervisors,
        DirAct.TOGGLE: toggle_supervisor,
    }
    for act, handler in handlers.items():
        router.callback_query.register(handler, DirCb.filter(F.act == act))
    return router
