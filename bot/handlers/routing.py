"""The coordinator's card: category, executor organisation (blocks, pages, search),
detection time and «социально значимое»."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.calendar import parse_local_time
from bot.domain.model import Category
from bot.domain.workflow import Action, Actor
from bot.filters import IsCoordinator, Magic
from bot.handlers.states import Input, ask_for
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import CategoryCb, IncidentAct, IncidentCb, PickAct, PickCb
from bot.notifier import Notifier
from bot.services.directory import Directory
from bot.services.workflow import Workflow
from bot.texts import Texts


async def choose_category(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CategoryCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    directory: Directory,
    texts: Texts,
) -> None:
    await workflow.set_category(actor, callback_data.incident, callback_data.category)
    await notifier.refresh(callback_data.incident)
    if callback_data.category is Category.HIGH:
        await notifier.tell_head(callback_data.incident)
    callback_answer.text = texts.alert("category_set", category=callback_data.category)
    if not await directory.blocks() and query.message:
        await notifier.send(query.message.chat.id, texts.message("no_organisations"))


async def show_blocks(
    query: CallbackQuery,
    callback_data: PickCb,
    actor: Actor,
    workflow: Workflow,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
) -> None:
    await workflow.require(actor, Action.ROUTE, callback_data.incident)
    if query.message:
        markup = kb.blocks(texts, callback_data.incident, await directory.blocks())
        await notifier.replace_markup(query.message.chat.id, query.message.message_id, markup)


async def show_block(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    workflow: Workflow,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
) -> None:
    await workflow.require(actor, Action.ROUTE, callback_data.incident)
    orgs = await directory.organisations(block_id=callback_data.block)
    callback_answer.text = await directory.block_name(callback_data.block)
    if query.message:
        markup = kb.organisations(
            texts,
            callback_data.incident,
            orgs,
            block_id=callback_data.block,
            page=callback_data.page,
        )
        await notifier.replace_markup(query.message.chat.id, query.message.message_id, markup)


async def ask_search(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    texts: Texts,
    notifier: Notifier,
) -> None:
    await workflow.require(actor, Action.ROUTE, callback_data.incident)
    await ask_for(
        query,
        callback_answer,
        state,
        notifier,
        Input.org_search,
        {"incident": callback_data.incident},
        texts.message("search_prompt", incident_id=callback_data.incident),
    )


async def search(
    message: Message,
    state: FSMContext,
    actor: Actor,
    workflow: Workflow,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
) -> None:
    incident_id = int((await state.get_data())["incident"])
    await workflow.require(actor, Action.ROUTE, incident_id)
    query = (message.text or "").strip()
    orgs = await directory.organisations(name_like=query)
    await state.clear()
    await notifier.send_tracked(
        message.chat.id,
        texts.message("search_results", incident_id=incident_id, query=query, count=len(orgs)),
        kb.organisations(texts, incident_id, orgs),
        incident_id=incident_id,
        audience="picker",
    )


async def route(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    org = await workflow.route(actor, callback_data.incident, callback_data.org)
    callback_answer.text = texts.alert("routed", organisation=org.name)
    view = await workflow.view(callback_data.incident)
    assert view is not None
    delivered = await notifier.deliver_to_organisation(view, org.id)
    await notifier.refresh(callback_data.incident)
    if not delivered:
        await notifier.to_coordinators(
            texts.message(
                "undeliverable", incident_id=callback_data.incident, organisation=org.name
            )
        )


async def ask_detected(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    texts: Texts,
    notifier: Notifier,
) -> None:
    await workflow.require(actor, Action.SET_DETECTED, callback_data.incident)
    await ask_for(
        query,
        callback_answer,
        state,
        notifier,
        Input.detected_at,
        {"incident": callback_data.incident},
        texts.message("detected_prompt", incident_id=callback_data.incident),
    )


async def set_detected(
    message: Message,
    state: FSMContext,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    incident_id = int((await state.get_data())["incident"])
    raw = (message.text or "").strip()
    detected = parse_local_time(raw, texts.tz)
    if detected is None:
        await notifier.send(message.chat.id, texts.message("detected_bad", value=raw))
        return
    if detected > workflow.clock():
        await notifier.send(message.chat.id, texts.message("detected_future"))
        return
    await workflow.set_detected(actor, incident_id, detected)
    await state.clear()
    await notifier.refresh(incident_id)
    await notifier.send(message.chat.id, texts.message("detected_set", incident_id=incident_id))


async def mark_significant(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    await workflow.set_significant(actor, callback_data.incident)
    await notifier.refresh(callback_data.incident)
    await notifier.tell_head(callback_data.incident)
    callback_answer.text = texts.alert("significant_set")


def create_router() -> Router:
    router = Router(name="routing")
    router.callback_query.register(choose_category, CategoryCb.filter())
    router.callback_query.register(show_blocks, PickCb.filter(F.act == PickAct.BLOCKS))
    router.callback_query.register(show_block, PickCb.filter(F.act == PickAct.BLOCK))
    router.callback_query.register(ask_search, PickCb.filter(F.act == PickAct.SEARCH))
    router.message.register(search, StateFilter(Input.org_search), Magic(F.text), IsCoordinator())
    router.callback_query.register(route, PickCb.filter(F.act == PickAct.ORG))
    router.callback_query.register(ask_detected, IncidentCb.filter(F.act == IncidentAct.DETECTED))
    router.message.register(
        set_detected, StateFilter(Input.detected_at), Magic(F.text), IsCoordinator()
    )
    router.callback_query.register(
        mark_significant, IncidentCb.filter(F.act == IncidentAct.SIGNIFICANT)
    )
    return router
