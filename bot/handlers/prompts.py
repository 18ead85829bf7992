"""Buttons that ask for typed input: a reason, the answer's text, evidence, a name to search
for, a time. Each checks first that the person may do what the input is for, then remembers
what is awaited (FSM) and says what to type. The input itself is handled by the router of
its action (executor, approval, routing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Action, Actor
from bot.handlers.states import Input, chat_of
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import DraftAct, DraftCb, IncidentAct, IncidentCb, PickAct, PickCb
from bot.services.incidents import routing
from bot.services.message_queue import MessageQueue
from bot.services.queries import Queries
from bot.texts import Texts


@dataclass(frozen=True)
class Prompt:
    action: Action  # what the input is for: refused now if not allowed
    waiting_for: State
    message: str  # the macro of templates/messages.html.j2 that asks for it
    alert: str | None = None  # the button's toast (templates/alerts.txt.j2)
    data: dict[str, Any] = field(default_factory=dict)  # kept with the state, besides the id


INCIDENT_PROMPTS = {
    IncidentAct.DECLINE: Prompt(
        Action.DECLINE, Input.decline_reason, "decline_prompt", alert="write_reason"
    ),
    IncidentAct.ANSWER: Prompt(Action.WRITE, Input.answer_text, "answer_prompt"),
    IncidentAct.ATTACH: Prompt(
        Action.ATTACH, Input.attachments, "attach_prompt", data={"groups": []}
    ),
    IncidentAct.DETECTED: Prompt(Action.SET_DETECTED, Input.detected_at, "detected_prompt"),
    IncidentAct.REPEAT: Prompt(Action.MARK_REPEAT, Input.repeat_of, "repeat_prompt"),
    IncidentAct.CITIZEN_REPLY: Prompt(
        Action.CITIZEN_REPLY, Input.citizen_reply, "citizen_reply_prompt"
    ),
    IncidentAct.CANCEL: Prompt(
        Action.CANCEL, Input.cancel_reason, "cancel_prompt", alert="write_reason"
    ),
}
SEARCH = Prompt(Action.ROUTE, Input.org_search, "search_prompt")
NEW_TEXT = Prompt(Action.WRITE, Input.answer_text, "replace_prompt", data={"replace": True})
RETURN_REASON = Prompt(Action.RETURN, Input.return_reason, "return_prompt", alert="write_reason")
CORRECTION = Prompt(Action.EDIT_DRAFT, Input.edit_text, "correct_prompt")
DRAFT_PROMPTS = {
    DraftAct.EDIT: NEW_TEXT,
    DraftAct.RETURN: RETURN_REASON,
    DraftAct.CORRECT: CORRECTION,
    # p. 20: what an interim answer to a fast-track incident names.
    DraftAct.PROMISE: Prompt(
        Action.WRITE, Input.interim_detail, "promise_prompt", data={"detail": "promise"}
    ),
    DraftAct.RESPONSIBLE: Prompt(
        Action.WRITE, Input.interim_detail, "responsible_prompt", data={"detail": "responsible"}
    ),
    DraftAct.ACTIONS: Prompt(
        Action.WRITE, Input.interim_detail, "actions_prompt", data={"detail": "actions"}
    ),
}


async def _ask(
    prompt: Prompt,
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
    data: dict[str, Any],
    **shown: Any,
) -> None:
    await state.set_state(prompt.waiting_for)
    await state.set_data({**prompt.data, **data})
    callback_answer.text = texts.alert(prompt.alert) if prompt.alert else None
    question = texts.message(prompt.message, **shown)
    in_group = query.message is not None and query.message.chat.type in ("group", "supergroup")
    if in_group:
        # Privacy mode lets only replies to the bot through: the question asks for one,
        # of the person who pressed (named, so that only their phone opens the reply).
        asked = texts.message(
            "addressed", user_id=query.from_user.id, name=query.from_user.full_name
        )
        question = f"{asked}\n{question}"
    await queue.send(chat_of(query), question, force_reply=in_group)


async def about_incident(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: IncidentCb | PickCb,
    actor: Actor,
    queries: Queries,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    incident_id = callback_data.incident
    data: dict[str, Any] = {"incident": incident_id}
    if isinstance(callback_data, PickCb):
        prompt, data["more"] = SEARCH, callback_data.more  # adding one more (p. 17)
        action = routing(bool(callback_data.more))
    else:
        prompt = INCIDENT_PROMPTS[callback_data.act]
        action = prompt.action
    await queries.require(actor, action, incident_id)
    if prompt.action in (Action.WRITE, Action.ATTACH):
        busy = await queries.colleagues_draft(actor, incident_id)
        if busy is not None:  # not asked for what could not be taken: offered to take over
            text = texts.message(
                "draft_busy", incident_id=incident_id, author=busy.author_name or "", kept=False
            )
            await queue.send(chat_of(query), text, kb.take_draft(texts, busy.id))
            return
    await _ask(prompt, query, callback_answer, state, texts, queue, data, incident_id=incident_id)


async def about_draft(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DraftCb,
    actor: Actor,
    queries: Queries,
    state: FSMContext,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    prompt = DRAFT_PROMPTS[callback_data.act]
    draft = await queries.require_draft(actor, prompt.action, callback_data.draft)
    # A reason or a correction is for this version of the draft; a new text, for the
    # incident's draft.
    if prompt is not NEW_TEXT:
        data = {"draft": draft.id, "incident": draft.incident_id}
        shown = {"version": draft.version}
    else:
        data, shown = {"incident": draft.incident_id}, {}
    await _ask(
        prompt,
        query,
        callback_answer,
        state,
        texts,
        queue,
        data,
        incident_id=draft.incident_id,
        **shown,
    )


def create_router() -> Router:
    router = Router(name="prompts")
    router.callback_query.register(
        about_incident, IncidentCb.filter(F.act.in_(INCIDENT_PROMPTS.keys()))
    )
    router.callback_query.register(about_incident, PickCb.filter(F.act == PickAct.SEARCH))
    router.callback_query.register(about_draft, DraftCb.filter(F.act.in_(DRAFT_PROMPTS.keys())))
    return router
