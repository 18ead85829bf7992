"""The coordinator's side of a draft: approve, return with reasons, mark as published."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.model import State
from bot.domain.workflow import Action, Actor, Denial
from bot.filters import IsCoordinator, Magic
from bot.handlers.states import Input, ask_for
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import DraftAct, DraftCb
from bot.notifier import Notifier
from bot.services.workflow import Refused, Workflow
from bot.texts import Texts


async def approve(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    draft = await workflow.approve(actor, callback_data.draft)
    callback_answer.text = texts.alert("approved")
    await notifier.refresh(draft.incident_id)
    view = await workflow.view(draft.incident_id)
    assert view is not None
    for organisation_id in view.active_organisations:
        await notifier.to_organisation(
            organisation_id,
            texts.message("approved_to_executor", incident_id=draft.incident_id, kind=draft.kind),
        )
    await notifier.send_ready_to_publish(draft)


async def ask_return_reason(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    texts: Texts,
    notifier: Notifier,
) -> None:
    draft = await workflow.draft(callback_data.draft)
    if draft is None:
        raise Refused(Denial.NOT_FOUND)
    await workflow.require(actor, Action.RETURN, draft.incident_id)
    await ask_for(
        query,
        callback_answer,
        state,
        notifier,
        Input.return_reason,
        {"draft": draft.id},
        texts.message("return_prompt", incident_id=draft.incident_id, version=draft.version),
        texts.alert("write_reason"),
    )


async def return_draft(
    message: Message,
    state: FSMContext,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    reason = (message.text or "").strip()
    if reason.startswith("/"):
        await notifier.send(message.chat.id, texts.message("reason_needed"))
        return
    draft_id = int((await state.get_data())["draft"])
    await state.clear()
    draft = await workflow.return_draft(actor, draft_id, reason)
    await notifier.refresh(draft.incident_id)
    view = await workflow.view(draft.incident_id)
    assert view is not None
    for organisation_id in view.active_organisations:
        await notifier.to_organisation(
            organisation_id,
            texts.message(
                "returned_to_executor",
                incident_id=draft.incident_id,
                version=draft.version,
                reason=reason,
            ),
            kb.executor_card(texts, view.incident),
        )
    await notifier.send(
        message.chat.id,
        texts.message("returned_done", incident_id=draft.incident_id, version=draft.version),
    )


async def publish(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    state = await workflow.publish(actor, callback_data.draft)
    draft = await workflow.draft(callback_data.draft)
    assert draft is not None
    callback_answer.text = texts.alert("published")
    await notifier.refresh(draft.incident_id)
    view = await workflow.view(draft.incident_id)
    assert view is not None
    organisations = {a.organisation_id for a in view.assignments if a.status != "declined"}
    markup = kb.executor_card(texts, view.incident)
    for organisation_id in organisations:
        await notifier.to_organisation(
            organisation_id,
            texts.message(
                "published_to_executor",
                incident_id=draft.incident_id,
                kind=draft.kind,
                closed=state is State.CLOSED,
            ),
            markup,
        )


def create_router() -> Router:
    router = Router(name="approval")
    router.callback_query.register(approve, DraftCb.filter(F.act == DraftAct.APPROVE))
    router.callback_query.register(ask_return_reason, DraftCb.filter(F.act == DraftAct.RETURN))
    router.message.register(
        return_draft, StateFilter(Input.return_reason), Magic(F.text), IsCoordinator()
    )
    router.callback_query.register(publish, DraftCb.filter(F.act == DraftAct.PUBLISH))
    return router
