"""The executor's side: accept, decline with a reason, write a draft, attach evidence, send."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.workflow import Action, Actor, Denial
from bot.filters import IsExecutor, Magic
from bot.handlers.intake import media_of
from bot.handlers.states import Input, ask_for
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import DraftAct, DraftCb, IncidentAct, IncidentCb
from bot.notifier import Notifier
from bot.services.workflow import Refused, Workflow
from bot.texts import Texts
from storage import incidents as repo
from storage.records import Draft


class ReplyToCard(Filter):
    """A text reply to an incident card: injects `incident_id`."""

    async def __call__(self, message: Message, workflow: Workflow) -> bool | dict[str, Any]:
        reply = message.reply_to_message
        if reply is None or not (message.text or message.caption):
            return False
        async with workflow.db.read() as conn:
            card = await repo.card_at(conn, message.chat.id, reply.message_id)
        if card is None or card.audience != "executor":
            return False
        return {"incident_id": card.incident_id}


async def accept(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    await workflow.accept(actor, callback_data.incident)
    callback_answer.text = texts.alert("accepted")
    await notifier.refresh(callback_data.incident)


async def ask_decline_reason(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    texts: Texts,
    notifier: Notifier,
) -> None:
    await workflow.require(actor, Action.DECLINE, callback_data.incident)
    await ask_for(
        query,
        callback_answer,
        state,
        notifier,
        Input.decline_reason,
        {"incident": callback_data.incident},
        texts.message("decline_prompt", incident_id=callback_data.incident),
        texts.alert("write_reason"),
    )


async def decline(
    message: Message,
    state: FSMContext,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    incident_id = int((await state.get_data())["incident"])
    reason = (message.text or "").strip()
    if reason.startswith("/"):
        await notifier.send(message.chat.id, texts.message("reason_needed"))
        return
    await state.clear()
    assignment = await workflow.decline(actor, incident_id, reason)
    await notifier.refresh(incident_id)
    view = await workflow.view(incident_id)
    assert view is not None
    await notifier.to_coordinators(
        texts.message(
            "declined_to_coordinator",
            incident_id=incident_id,
            organisation=assignment.organisation,
            person=actor.name,
            reason=reason,
        ),
        await notifier.coordinator_markup(view),
        incident_id=incident_id,
    )
    await notifier.send(message.chat.id, texts.message("declined_done", incident_id=incident_id))


async def ask_answer(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    texts: Texts,
    notifier: Notifier,
) -> None:
    await workflow.require(actor, Action.WRITE, callback_data.incident)
    await ask_for(
        query,
        callback_answer,
        state,
        notifier,
        Input.answer_text,
        {"incident": callback_data.incident},
        texts.message("answer_prompt", incident_id=callback_data.incident),
    )


async def ask_new_text(
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
    await ask_answer(
        query,
        callback_answer,
        IncidentCb(act=IncidentAct.ANSWER, incident=draft.incident_id),
        actor,
        workflow,
        state,
        texts,
        notifier,
    )


async def _store_text(
    message: Message,
    incident_id: int,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
) -> None:
    """Text (or a caption) becomes the draft; media sent along with it becomes evidence."""
    draft = await workflow.write(actor, incident_id, message.text or message.caption or "")
    media = media_of(message)
    if media:
        draft = await workflow.attach(actor, incident_id, *media, message.media_group_id)
    await notifier.refresh(incident_id)
    count = len(await workflow.draft_attachments(draft))
    await notifier.send_draft(message.chat.id, draft, "draft", count, reply_to=message.message_id)


async def answer_text(
    message: Message,
    state: FSMContext,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    text = message.text or message.caption or ""
    if not text.strip() or text.startswith("/"):
        await notifier.send(message.chat.id, texts.message("need_text"))
        return
    incident_id = int((await state.get_data())["incident"])
    await state.clear()
    await _store_text(message, incident_id, actor, workflow, notifier)


async def answer_by_reply(
    message: Message,
    incident_id: int,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
) -> None:
    await _store_text(message, incident_id, actor, workflow, notifier)


async def ask_attachments(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    texts: Texts,
    notifier: Notifier,
) -> None:
    await workflow.require(actor, Action.ATTACH, callback_data.incident)
    await ask_for(
        query,
        callback_answer,
        state,
        notifier,
        Input.attachments,
        {"incident": callback_data.incident, "groups": []},
        texts.message("attach_prompt", incident_id=callback_data.incident),
    )


async def attachment(
    message: Message,
    state: FSMContext,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    data = await state.get_data()
    incident_id = int(data["incident"])
    media = media_of(message)
    assert media is not None
    draft = await workflow.attach(actor, incident_id, *media, message.media_group_id)
    # One acknowledgement per album, not one per photo in it.
    group = message.media_group_id
    if group and group in data.get("groups", []):
        return
    if group:
        await state.update_data(groups=[*data.get("groups", []), group])
    await notifier.refresh(incident_id)
    await notifier.send(
        message.chat.id,
        texts.message("attached", incident_id=incident_id),
        kb.attach_done(texts, draft.id),
        reply_to=message.message_id,
    )


async def not_an_attachment(message: Message, texts: Texts, notifier: Notifier) -> None:
    await notifier.send(message.chat.id, texts.message("need_media"))


async def attachments_done(
    query: CallbackQuery,
    callback_data: DraftCb,
    actor: Actor,
    workflow: Workflow,
    state: FSMContext,
    notifier: Notifier,
    texts: Texts,
) -> None:
    draft = await _own_draft(callback_data.draft, actor, workflow)
    await state.clear()
    if query.message:
        count = len(await workflow.draft_attachments(draft))
        await notifier.send_draft(query.message.chat.id, draft, "draft", count)


async def _own_draft(draft_id: int, actor: Actor, workflow: Workflow) -> Draft:
    """The draft, if the actor may still edit it (Refused otherwise)."""
    draft = await workflow.draft(draft_id)
    if draft is None:
        raise Refused(Denial.NOT_FOUND)
    await workflow.require(actor, Action.WRITE, draft.incident_id)
    return draft


async def choose_kind(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    draft = await workflow.set_kind(actor, callback_data.draft, callback_data.kind)
    callback_answer.text = texts.alert("kind_set", kind=draft.kind)
    await notifier.refresh(draft.incident_id)


async def submit(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    workflow: Workflow,
    notifier: Notifier,
    texts: Texts,
) -> None:
    draft = await workflow.submit(actor, callback_data.draft)
    callback_answer.text = texts.alert("submitted")
    await notifier.refresh(draft.incident_id)
    await notifier.send_draft_to_coordinators(draft)


def create_router() -> Router:
    router = Router(name="executor")
    router.message.filter(IsExecutor())  # every message handled here is an executor's
    router.callback_query.register(accept, IncidentCb.filter(F.act == IncidentAct.ACCEPT))
    router.callback_query.register(
        ask_decline_reason, IncidentCb.filter(F.act == IncidentAct.DECLINE)
    )
    router.message.register(decline, StateFilter(Input.decline_reason), Magic(F.text))
    router.callback_query.register(ask_answer, IncidentCb.filter(F.act == IncidentAct.ANSWER))
    router.callback_query.register(ask_new_text, DraftCb.filter(F.act == DraftAct.EDIT))
    router.message.register(answer_text, StateFilter(Input.answer_text))
    router.message.register(answer_by_reply, ReplyToCard())
    router.callback_query.register(ask_attachments, IncidentCb.filter(F.act == IncidentAct.ATTACH))
    router.message.register(
        attachment,
        StateFilter(Input.attachments),
        Magic(F.photo | F.video | F.document),
    )
    router.message.register(not_an_attachment, StateFilter(Input.attachments))
    router.callback_query.register(attachments_done, DraftCb.filter(F.act == DraftAct.ATTACH_DONE))
    router.callback_query.register(choose_kind, DraftCb.filter(F.act == DraftAct.KIND))
    router.callback_query.register(submit, DraftCb.filter(F.act == DraftAct.SUBMIT))
    return router
