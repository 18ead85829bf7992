"""The coordinator's side of a draft: approve, correct its style, return with reasons, mark
as published."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Actor
from bot.filters import IsCoordinator
from bot.handlers.executor import interim_detail
from bot.handlers.states import Input, chat_of, typed_reason
from bot.keyboards.callbacks import DraftAct, DraftCb, EvidenceCb, IncidentAct, IncidentCb
from bot.services.drafts import Drafts
from bot.services.message_queue import MessageQueue
from bot.services.parts import Parts
from bot.texts import Texts


async def approve(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    drafts: Drafts,
    texts: Texts,
) -> None:
    await drafts.approve(actor, callback_data.draft)
    callback_answer.text = texts.alert("approved")


async def return_draft(
    message: Message,
    state: FSMContext,
    actor: Actor,
    drafts: Drafts,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    typed = await typed_reason(message, state, queue, texts, "draft")
    if typed is not None:
        await drafts.return_draft(actor, message.chat.id, *typed)


async def correct(
    message: Message,
    state: FSMContext,
    actor: Actor,
    drafts: Drafts,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    text = message.text or ""
    if not text.strip() or text.startswith("/"):
        await queue.send(message.chat.id, texts.message("need_text"))
        return
    draft_id = int((await state.get_data())["draft"])
    await state.clear()
    await drafts.correct(actor, message.chat.id, draft_id, text)


async def publish(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    drafts: Drafts,
    texts: Texts,
) -> None:
    await drafts.publish(actor, callback_data.draft)
    callback_answer.text = texts.alert("published")


async def compose(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    parts: Parts,
    texts: Texts,
) -> None:
    """The answer from the organisations' parts (p. 17); «Собрать заново» rebuilds it."""
    anew = callback_data.act is IncidentAct.COMPOSE_ANEW
    await parts.compose(actor, chat_of(query), callback_data.incident, anew=anew)
    callback_answer.text = texts.alert("composed_anew" if anew else "composing")


async def keep_evidence(
    query: CallbackQuery,
    callback_data: EvidenceCb,
    actor: Actor,
    parts: Parts,
) -> None:
    await parts.keep_evidence(actor, chat_of(query), callback_data.draft, callback_data.part)


def create_router() -> Router:
    router = Router(name="approval")
    router.callback_query.register(
        compose, IncidentCb.filter(F.act.in_({IncidentAct.COMPOSE, IncidentAct.COMPOSE_ANEW}))
    )
    router.callback_query.register(keep_evidence, EvidenceCb.filter())
    # The answer composed from parts names an interim answer's details too (p. 20).
    router.message.register(
        interim_detail, StateFilter(Input.interim_detail), F.text, IsCoordinator()
    )
    router.callback_query.register(approve, DraftCb.filter(F.act == DraftAct.APPROVE))
    router.message.register(
        return_draft, StateFilter(Input.return_reason), F.text, IsCoordinator()
    )
    router.message.register(correct, StateFilter(Input.edit_text), F.text, IsCoordinator())
    router.callback_query.register(publish, DraftCb.filter(F.act == DraftAct.PUBLISH))
    return router
