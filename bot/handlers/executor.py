"""The executor's side: accept, decline with a reason, write a draft, attach evidence, send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import default_state
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain import outcomes as done
from bot.domain.actions import Actor
from bot.domain.calendar import parse_local_time
from bot.domain.model import CardAudience
from bot.filters import COMMAND_LIKE, IsExecutor
from bot.handlers.intake import media_of
from bot.handlers.states import Input, chat_of, typed_reason
from bot.keyboards.callbacks import DraftAct, DraftCb, IncidentAct, IncidentCb
from bot.services.drafts import Drafts
from bot.services.incidents import Incidents
from bot.services.message_queue import MessageQueue
from bot.services.queries import Queries
from bot.texts import Texts


class ReplyToCard(Filter):
    """A text reply to an executor's incident card or draft: injects `incident_id`."""

    async def __call__(self, message: Message, queries: Queries) -> bool | dict[str, Any]:
        reply = message.reply_to_message
        if reply is None or not (message.text or message.caption):
            return False
        card = await queries.card_at(message.chat.id, reply.message_id)
        # A reply to the draft as it stands adds to it too (in a group, the only way).
        if card is None or card.audience not in (CardAudience.EXECUTOR, CardAudience.DRAFT):
            return False
        return {"incident_id": card.incident_id}


async def accept(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb,
    actor: Actor,
    incidents: Incidents,
    texts: Texts,
) -> None:
    await incidents.accept(actor, callback_data.incident)
    callback_answer.text = texts.alert("accepted")


async def decline(
    message: Message,
    state: FSMContext,
    actor: Actor,
    incidents: Incidents,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    typed = await typed_reason(message, state, queue, texts, "incident")
    if typed is not None:
        await incidents.decline(actor, message.chat.id, *typed)


class OpenDraft(Filter):
    """A message outside any dialog from someone writing a draft: it continues the draft
    (an answer typed in several messages is not lost). Injects `incident_id`."""

    async def __call__(self, message: Message, actor: Actor, queries: Queries) -> Any:
        if not (message.text or message.caption or media_of(message)):
            return False
        draft = await queries.editing_draft(actor)
        return {"incident_id": draft.incident_id} if draft else False


async def _first_of_album(message: Message, state: FSMContext) -> bool:
    """One acknowledgement per album, not one per photo in it."""
    group, seen = message.media_group_id, (await state.get_data()).get("groups", [])
    if group and group not in seen:
        await state.update_data(groups=[*seen, group])
    return not (group and group in seen)


async def answer_text(
    message: Message,
    state: FSMContext,
    actor: Actor,
    drafts: Drafts,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    text = message.text or message.caption or ""
    media = media_of(message)
    data = await state.get_data()
    incident_id = int(data["incident"])
    if media and not text.strip():
        # A photo first: kept as evidence, and the text is still awaited.
        first = await _first_of_album(message, state)
        await drafts.attach(actor, message.chat.id, incident_id, media, message.message_id, False)
        if first:
            await queue.send(message.chat.id, texts.message("photo_kept", incident_id=incident_id))
        return
    if not text.strip() or text.startswith("/"):
        await queue.send(message.chat.id, texts.message("need_text"))
        return
    await state.clear()
    written = await drafts.write(
        actor,
        message.chat.id,
        incident_id,
        text,
        media,
        message.message_id,
        replace=bool(data.get("replace")),
    )
    await _keep_if_refused(written, text, state)


async def answer_by_reply(
    message: Message, incident_id: int, actor: Actor, drafts: Drafts, state: FSMContext
) -> None:
    text = message.text or message.caption or ""
    written = await drafts.write(
        actor, message.chat.id, incident_id, text, media_of(message), message.message_id
    )
    await _keep_if_refused(written, text, state)


async def _keep_if_refused(
    written: done.DraftReady | done.DraftBusy, text: str, state: FSMContext
) -> None:
    """A colleague's draft is not theirs to change: the text waits for «Продолжить
    черновик» rather than being lost."""
    if isinstance(written, done.DraftBusy):
        await state.update_data(kept={"draft": written.draft_id, "text": text})


async def attachment(message: Message, state: FSMContext, actor: Actor, drafts: Drafts) -> None:
    data = await state.get_data()
    media = media_of(message)
    assert media is not None
    acknowledge = await _first_of_album(message, state)
    await drafts.attach(
        actor,
        message.chat.id,
        int(data["incident"]),
        media,
        message.message_id,
        acknowledge,
        caption=message.caption or "",
    )


async def take_draft(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    drafts: Drafts,
    state: FSMContext,
    texts: Texts,
) -> None:
    kept = (await state.get_data()).get("kept", {})
    text = kept.get("text") if kept.get("draft") == callback_data.draft else None
    await drafts.take_draft(actor, chat_of(query), callback_data.draft, text)
    await state.update_data(kept={})
    callback_answer.text = texts.alert("draft_taken")


async def interim_detail(
    message: Message,
    state: FSMContext,
    actor: Actor,
    drafts: Drafts,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    """The term (a date), the person responsible or the actions of an interim answer."""
    data = await state.get_data()
    raw = (message.text or "").strip()
    value: str | datetime | None = raw if raw and not raw.startswith("/") else None
    if data["detail"] == "promise" and value is not None:
        # A date alone means by the end of that day's work.
        value = parse_local_time(raw, drafts.clock(), texts.tz) or parse_local_time(
            f"{raw} 17:00", drafts.clock(), texts.tz
        )
    if value is None:
        await queue.send(message.chat.id, texts.message("detail_bad", detail=data["detail"]))
        return
    # Refused (a past date), the question stays open: the state is cleared only after.
    await drafts.set_detail(actor, message.chat.id, int(data["draft"]), data["detail"], value)
    await state.clear()


async def not_an_attachment(message: Message, texts: Texts, queue: MessageQueue) -> None:
    await queue.send(message.chat.id, texts.message("need_media"))


async def attachments_done(
    query: CallbackQuery,
    callback_data: DraftCb,
    actor: Actor,
    drafts: Drafts,
    state: FSMContext,
) -> None:
    await state.clear()
    await drafts.show_draft(actor, chat_of(query), callback_data.draft)


async def choose_kind(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    drafts: Drafts,
    texts: Texts,
) -> None:
    await drafts.set_kind(actor, callback_data.draft, callback_data.kind)
    callback_answer.text = texts.alert("kind_set", kind=callback_data.kind)


async def submit(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    drafts: Drafts,
    texts: Texts,
) -> None:
    await drafts.submit(actor, callback_data.draft)
    callback_answer.text = texts.alert("submitted")


def create_router() -> Router:
    router = Router(name="executor")
    router.message.filter(IsExecutor())  # every message handled here is an executor's
    router.callback_query.register(accept, IncidentCb.filter(F.act == IncidentAct.ACCEPT))
    router.message.register(decline, StateFilter(Input.decline_reason), F.text)
    router.message.register(answer_text, StateFilter(Input.answer_text))
    router.message.register(answer_by_reply, ~COMMAND_LIKE, ReplyToCard())
    router.message.register(
        answer_by_reply, StateFilter(default_state), ~COMMAND_LIKE, OpenDraft()
    )
    router.message.register(
        attachment, StateFilter(Input.attachments), F.photo | F.video | F.document
    )
    router.message.register(not_an_attachment, StateFilter(Input.attachments))
    router.callback_query.register(attachments_done, DraftCb.filter(F.act == DraftAct.ATTACH_DONE))
    router.callback_query.register(choose_kind, DraftCb.filter(F.act == DraftAct.KIND))
    router.callback_query.register(submit, DraftCb.filter(F.act == DraftAct.SUBMIT))
    router.callback_query.register(take_draft, DraftCb.filter(F.act == DraftAct.TAKE))
    router.message.register(interim_detail, StateFilter(Input.interim_detail), F.text)
    return router
