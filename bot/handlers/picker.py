"""The organisation picker: blocks, pages, search; one organisation at a tap, or several
ticked and sent together (p. 17), or one more for an incident others are on."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.deep_linking import create_start_link

from bot.domain.actions import Actor
from bot.domain.outcomes import NotRouted
from bot.filters import IsCoordinator
from bot.handlers.states import Input, chat_of
from bot.keyboards import picker as picker_kb
from bot.keyboards.callbacks import (
    PickAct,
    PickCb,
)
from bot.services.directory import Directory
from bot.services.incidents import Incidents, routing
from bot.services.notifier import Notifier
from bot.services.queries import Queries
from bot.texts import Texts


async def _repaint(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    notifier: Notifier,
    texts: Texts,
    markup: InlineKeyboardMarkup,
) -> None:
    if query.message is None or not await notifier.repaint(
        query.message.chat.id, query.message.message_id, markup
    ):
        callback_answer.text, callback_answer.show_alert = texts.alert("bad_button"), True


async def show_blocks(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    incidents: Incidents,
    queries: Queries,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
) -> None:
    await queries.require(actor, routing(bool(callback_data.more)), callback_data.incident)
    picked = await _picked(incidents, callback_data)
    blocks = await directory.blocks()
    markup = picker_kb.blocks(texts, callback_data.incident, blocks, picked, callback_data.more)
    await _repaint(query, callback_answer, notifier, texts, markup)


async def _picked(incidents: Incidents, data: PickCb) -> list[int] | None:
    """The organisations ticked, if several are being chosen (p. 17); None: one is."""
    picked = await incidents.picks(data.incident)
    return picked if picked or data.multi or data.act is PickAct.MULTI else None


async def show_block(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    incidents: Incidents,
    queries: Queries,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
) -> None:
    """A block's organisations (also after «Выбрать несколько», then with ticks)."""
    await queries.require(actor, routing(bool(callback_data.more)), callback_data.incident)
    picked = await _picked(incidents, callback_data)
    await _show_organisations(
        query, callback_answer, callback_data, directory, notifier, texts, picked
    )
    if callback_data.act is PickAct.MULTI:
        callback_answer.text = texts.alert("pick_several")
    elif callback_data.block:
        callback_answer.text = await directory.block_name(callback_data.block)


async def _show_organisations(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    data: PickCb,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
    picked: list[int] | None,
) -> None:
    orgs = await directory.organisations(block_id=data.block)
    markup = picker_kb.organisations(
        texts,
        data.incident,
        orgs,
        block_id=data.block,
        page=data.page,
        picked=picked,
        more=data.more,
    )
    await _repaint(query, callback_answer, notifier, texts, markup)


async def toggle(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    incidents: Incidents,
    notifier: Notifier,
    texts: Texts,
) -> None:
    """Tick or untick an organisation, to send to all ticked at once (p. 17). The list
    pressed (a block's page, or search results) stays, with the ticks redrawn."""
    more = bool(callback_data.more)
    picked = await incidents.toggle_pick(
        actor, callback_data.incident, callback_data.org, more=more
    )
    shown = query.message.reply_markup if isinstance(query.message, Message) else None
    if shown is None:
        callback_answer.text, callback_answer.show_alert = texts.alert("bad_button"), True
        return
    markup = picker_kb.retick(texts, shown, callback_data.incident, picked)
    await _repaint(query, callback_answer, notifier, texts, markup)
    callback_answer.text = texts.alert("picked", count=len(picked))


async def send_picked(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    incidents: Incidents,
    texts: Texts,
) -> None:
    more = bool(callback_data.more)
    routed = await incidents.route_picked(actor, callback_data.incident, more=more)
    names = ", ".join(r.organisation for r in routed)
    callback_answer.text = texts.alert("routed", organisation=names)


async def search(
    message: Message,
    state: FSMContext,
    actor: Actor,
    incidents: Incidents,
    queries: Queries,
    directory: Directory,
    notifier: Notifier,
    texts: Texts,
) -> None:
    data = await state.get_data()
    incident_id, more = int(data["incident"]), int(data.get("more", 0))
    await state.clear()
    await queries.require(actor, routing(bool(more)), incident_id)
    query = (message.text or "").strip()
    orgs = await directory.organisations(name_like=query)
    picked = await incidents.picks(incident_id) or None  # several being ticked
    await notifier.send_picker(
        message.chat.id,
        incident_id,
        texts.message("search_results", incident_id=incident_id, query=query, count=len(orgs)),
        picker_kb.organisations(texts, incident_id, orgs, picked=picked, more=more),
    )


async def show_page(
    query: CallbackQuery, callback_answer: CallbackAnswer, callback_data: PickCb, texts: Texts
) -> None:
    """The page number between the arrows: it only says where one is, but is answered like
    any button (else the phone shows a spinner)."""
    callback_answer.text = texts.alert("page", number=callback_data.page + 1)


async def route(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PickCb,
    actor: Actor,
    incidents: Incidents,
    directory: Directory,
    notifier: Notifier,
    bot: Bot,
    texts: Texts,
) -> None:
    force = callback_data.act is PickAct.FORCE
    routed = await incidents.route(
        actor,
        callback_data.incident,
        callback_data.org,
        force=force,
        more=bool(callback_data.more),
    )
    if isinstance(routed, NotRouted):
        # Asked before sending: the invite links to pass on, or another organisation.
        links = [(name, await create_start_link(bot, code)) for name, code in routed.invites]
        text = texts.message(
            "route_unreachable",
            incident_id=routed.incident_id,
            organisation=routed.organisation,
            invites=links,
        )
        markup = picker_kb.unreachable(
            texts,
            routed.incident_id,
            routed.organisation_id,
            await directory.blocks(),
            callback_data.more,
        )
        await notifier.send_picker(chat_of(query), routed.incident_id, text, markup)
        callback_answer.text = texts.alert("not_routed")
        return
    callback_answer.text = texts.alert("routed", organisation=routed.organisation)


def create_router() -> Router:
    router = Router(name="picker")
    router.callback_query.register(show_blocks, PickCb.filter(F.act == PickAct.BLOCKS))
    router.callback_query.register(
        show_block, PickCb.filter(F.act.in_({PickAct.BLOCK, PickAct.MULTI}))
    )
    router.callback_query.register(toggle, PickCb.filter(F.act == PickAct.TOGGLE))
    router.callback_query.register(send_picked, PickCb.filter(F.act == PickAct.SEND))
    router.message.register(search, StateFilter(Input.org_search), F.text, IsCoordinator())
    router.callback_query.register(route, PickCb.filter(F.act.in_({PickAct.ORG, PickAct.FORCE})))
    router.callback_query.register(show_page, PickCb.filter(F.act == PickAct.PAGE))
    return router
