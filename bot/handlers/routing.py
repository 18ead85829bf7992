"""The coordinator's card: category, detection time, «социально значимое», withdrawal,
cancellation, «без ответа», repeats, the citizen's reply, taking over. Choosing the
organisation is in bot/handlers/picker.py."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Action, Actor
from bot.domain.calendar import parse_local_time
from bot.filters import COMMAND_LIKE, IsCoordinator
from bot.handlers.states import Input, chat_of, typed_reason
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import (
    CategoryCb,
    IncidentAct,
    IncidentCb,
    NoAnswerCb,
    WithdrawCb,
)
from bot.services.incidents import Incidents
from bot.services.message_queue import MessageQueue
from bot.services.queries import Queries
from bot.services.urgency import Urgency
from bot.texts import Texts


async def choose_category(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CategoryCb,
    actor: Actor,
    incidents: Incidents,
    texts: Texts,
) -> None:
    category = callback_data.category
    await incidents.set_category(actor, chat_of(query), callback_data.incident, category)
    callback_answer.text = texts.alert("category_set", category=category)


async def set_detected(
    message: Message,
    state: FSMContext,
    actor: Actor,
    incidents: Incidents,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    incident_id = int((await state.get_data())["incident"])
    raw = (message.text or "").strip()
    now = incidents.clock()
    detected = parse_local_time(raw, now, texts.tz)
    if detected is None:
        await queue.send(message.chat.id, texts.message("detected_bad", value=raw))
        return
    if detected > now:
        await queue.send(message.chat.id, texts.message("detected_future"))
        return
    await state.clear()
    await incidents.set_detected(actor, message.chat.id, incident_id, detected)


async def mark_significant(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    incidents: Incidents,
    texts: Texts,
) -> None:
    await incidents.set_significant(actor, callback_data.incident)
    callback_answer.text = texts.alert("significant_set")


async def mark_urgent(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    urgency: Urgency,
    texts: Texts,
) -> None:
    await urgency.mark(actor, callback_data.incident)
    callback_answer.text = texts.alert("urgent_set")


async def withdraw(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: WithdrawCb,
    actor: Actor,
    incidents: Incidents,
    texts: Texts,
) -> None:
    withdrawn = await incidents.withdraw(actor, callback_data.incident, callback_data.org)
    callback_answer.text = texts.alert("withdrawn", organisation=withdrawn.organisation)


async def cancel_incident(
    message: Message,
    state: FSMContext,
    actor: Actor,
    incidents: Incidents,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    typed = await typed_reason(message, state, queue, texts, "incident")
    if typed is not None:
        await incidents.cancel(actor, message.chat.id, *typed)


async def take_over(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    incidents: Incidents,
    texts: Texts,
) -> None:
    await incidents.take_over(actor, chat_of(query), callback_data.incident)
    callback_answer.text = texts.alert("taken_over")


async def ask_no_answer_ground(
    query: CallbackQuery,
    callback_data: IncidentCb,
    actor: Actor,
    queries: Queries,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    """«Без ответа» asks for the ground of p. 21 first."""
    incident_id = callback_data.incident
    await queries.require(actor, Action.NO_ANSWER, incident_id)
    await queue.send(
        chat_of(query),
        texts.message("no_answer_prompt", incident_id=incident_id),
        kb.no_answer_grounds(texts, incident_id),
    )


async def close_no_answer(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: NoAnswerCb,
    actor: Actor,
    incidents: Incidents,
    queries: Queries,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    incident_id, ground = callback_data.incident, callback_data.ground
    if ground is None:
        await queries.require(actor, Action.NO_ANSWER, incident_id)  # still open, still theirs
        shown = texts.message("no_answer_kept", incident_id=incident_id)
    else:
        await incidents.close_no_answer(actor, incident_id, ground)
        shown = texts.message("no_answer_done", incident_id=incident_id, ground=ground)
        callback_answer.text = texts.alert("closed_no_answer")
    # The question is edited into its answer; a card (forged data pressed on it) never is.
    pressed = query.message
    if pressed is not None and await queries.card_at(pressed.chat.id, pressed.message_id) is None:
        await queue.edit_message(chat_of(query), pressed.message_id, shown)


async def repeat_of(
    message: Message,
    state: FSMContext,
    actor: Actor,
    incidents: Incidents,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    raw = (message.text or "").strip().lstrip("№#").strip()
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        await queue.send(message.chat.id, texts.message("repeat_bad", value=raw))
        return
    incident_id = int((await state.get_data())["incident"])
    # Refused (no such number), the question stays open: the state is cleared only after.
    await incidents.mark_repeat(actor, message.chat.id, incident_id, int(raw))
    await state.clear()


async def not_a_repeat(
    query: CallbackQuery,
    callback_data: IncidentCb,
    actor: Actor,
    incidents: Incidents,
) -> None:
    await incidents.mark_repeat(actor, chat_of(query), callback_data.incident, None)


async def citizen_reply_typed(
    message: Message,
    state: FSMContext,
    actor: Actor,
    incidents: Incidents,
) -> None:
    """The citizen's reply pasted as text (a forwarded one is taken by intake)."""
    incident_id = int((await state.get_data())["incident"])
    await state.clear()
    await incidents.citizen_replied(actor, message.chat.id, incident_id, message.text or "", [])


def create_router() -> Router:
    router = Router(name="routing")
    router.callback_query.register(choose_category, CategoryCb.filter())
    router.message.register(set_detected, StateFilter(Input.detected_at), F.text, IsCoordinator())
    router.callback_query.register(
        mark_significant, IncidentCb.filter(F.act == IncidentAct.SIGNIFICANT)
    )
    router.callback_query.register(mark_urgent, IncidentCb.filter(F.act == IncidentAct.URGENT))
    router.callback_query.register(withdraw, WithdrawCb.filter())
    router.message.register(
        cancel_incident, StateFilter(Input.cancel_reason), F.text, IsCoordinator()
    )
    router.callback_query.register(take_over, IncidentCb.filter(F.act == IncidentAct.TAKE_OVER))
    router.callback_query.register(
        ask_no_answer_ground, IncidentCb.filter(F.act == IncidentAct.NO_ANSWER)
    )
    router.callback_query.register(close_no_answer, NoAnswerCb.filter())
    router.message.register(repeat_of, StateFilter(Input.repeat_of), F.text, IsCoordinator())
    router.message.register(
        citizen_reply_typed,
        StateFilter(Input.citizen_reply),
        F.text,
        ~COMMAND_LIKE,
        IsCoordinator(),
    )
    router.callback_query.register(
        not_a_repeat, IncidentCb.filter(F.act == IncidentAct.NOT_REPEAT)
    )
    return router
