"""/absent: who will be away, on which days, who stands in (seed 001, 3.8); /absences: the
list, with a button to cancel each. A coordinator marks anyone; anyone else themselves."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.absences import Member, Problem, parse_days
from bot.domain.actions import Actor, Denial, Refused
from bot.domain.model import Role
from bot.handlers.states import Input, chat_of
from bot.keyboards import absences as kb
from bot.keyboards.callbacks import AbsenceAct, AbsenceCb
from bot.services.absences import Absences, Days, Refusal
from bot.services.message_queue import MessageQueue
from bot.texts import Texts


async def absent(
    message: Message,
    actor: Actor,
    absences: Absences,
    state: FSMContext,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    if not actor.known:
        raise Refused(Denial.UNKNOWN_PERSON)
    if actor.is_coordinator:
        await state.set_state(Input.absent_who)
        await queue.send(
            message.chat.id, texts.message("absent_who"), kb.me(texts, actor.telegram_id)
        )
        return
    me = await absences.member(actor.telegram_id)
    if me is None:
        raise Refused(Denial.UNKNOWN_PERSON)
    await _ask_days(message.chat.id, me, state, queue, texts)


async def who_typed(
    message: Message, absences: Absences, queue: MessageQueue, texts: Texts
) -> None:
    query = (message.text or "").strip()
    found = await absences.search(query)
    await queue.send(
        message.chat.id,
        texts.message("absent_found", query=query, count=len(found)),
        kb.people(texts, AbsenceAct.WHO, found),
    )


async def who_picked(
    query: CallbackQuery,
    callback_data: AbsenceCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    absences: Absences,
    state: FSMContext,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    person = await absences.member(callback_data.value)
    if person is None or (not actor.is_coordinator and person.chat != actor.telegram_id):
        _refuse(
            callback_answer, texts, Problem.NOT_FOUND if person is None else Problem.NOT_ALLOWED
        )
        return
    await _ask_days(chat_of(query), person, state, queue, texts)


async def _ask_days(
    chat: int, person: Member, state: FSMContext, queue: MessageQueue, texts: Texts
) -> None:
    await state.set_state(Input.absent_days)
    await state.set_data({"absent": person.chat})
    await queue.send(chat, texts.message("absent_days", name=person.name))


async def days_typed(
    message: Message,
    actor: Actor,
    absences: Absences,
    state: FSMContext,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    """The days; then the people who may stand in for them, as buttons. Typing other days
    again replaces them."""
    chat, raw = message.chat.id, (message.text or "").strip()
    parsed = parse_days(raw, absences.today())
    if parsed is None:
        await queue.send(chat, texts.message("absent_bad_days", value=raw))
        return
    days = Days(*parsed)
    person = await absences.member(int((await state.get_data())["absent"]))
    if person is None:
        await state.clear()
        await queue.send(chat, texts.word("ABSENCE_PROBLEM", Problem.NOT_FOUND))
        return
    # What is wrong with the days themselves is said now, before anyone is chosen.
    alone = await absences.check(actor, person, days, None)
    if alone not in (None, Problem.NO_SUBSTITUTE, Problem.NO_COORDINATOR_LEFT):
        await queue.send(chat, texts.message("absent_problem", problem=alone))
        return
    await state.update_data(starts_on=days.starts_on.isoformat(), ends_on=days.ends_on.isoformat())
    candidates = await absences.candidates(actor, person, days)
    if not candidates and alone is Problem.NO_COORDINATOR_LEFT:
        await queue.send(chat, texts.message("absent_problem", problem=alone))
        return  # other days may have another coordinator present
    if not candidates and alone is not None:
        await state.clear()
        await queue.send(chat, texts.message("absent_nobody", name=person.name))
        return
    # «Без замены» only where the rules allow it: a coordinator, others present.
    coordinator = person.role is Role.COORDINATOR and alone is None
    await queue.send(
        chat,
        texts.message(
            "absent_substitute",
            name=person.name,
            starts_on=days.starts_on,
            ends_on=days.ends_on,
            alone=coordinator,
        ),
        kb.people(texts, AbsenceAct.SUBSTITUTE, candidates, alone=coordinator),
    )


async def substitute_picked(
    query: CallbackQuery,
    callback_data: AbsenceCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    absences: Absences,
    state: FSMContext,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    data = await state.get_data()
    if "ends_on" not in data:  # a button of a dialog that is over
        _refuse(callback_answer, texts, Problem.NOT_FOUND)
        return
    days = Days(date.fromisoformat(data["starts_on"]), date.fromisoformat(data["ends_on"]))
    substitute = callback_data.value if callback_data.act is AbsenceAct.SUBSTITUTE else None
    try:
        absence = await absences.record(actor, int(data["absent"]), days, substitute)
    except Refusal as refusal:
        _refuse(callback_answer, texts, refusal.problem)
        return
    await state.clear()
    await queue.send(chat_of(query), texts.message("absence_recorded", absence=absence))


async def list_absences(
    message: Message, actor: Actor, absences: Absences, queue: MessageQueue, texts: Texts
) -> None:
    """Coordinators see all; anyone else the absences they are in (away or standing in)."""
    if not actor.known:
        raise Refused(Denial.UNKNOWN_PERSON)
    shown = [
        a
        for a in await absences.not_over()
        if actor.is_coordinator
        or actor.telegram_id in (a.absent.chat, a.substitute and a.substitute.chat)
    ]
    # Only who may cancel gets a button: a coordinator, or the person away.
    mine = [
        (n, a)
        for n, a in enumerate(shown, 1)
        if actor.is_coordinator or a.absent.chat == actor.telegram_id
    ]
    await queue.send(
        message.chat.id,
        texts.message("absences_list", absences=shown, today=absences.today()),
        kb.cancels(texts, mine),
    )


async def cancel_absence(
    query: CallbackQuery,
    callback_data: AbsenceCb,
    callback_answer: CallbackAnswer,
    actor: Actor,
    absences: Absences,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    try:
        absence = await absences.cancel(actor, callback_data.value)
    except Refusal as refusal:
        _refuse(callback_answer, texts, refusal.problem)
        return
    await queue.send(
        chat_of(query), texts.message("absence_cancelled", absence=absence, today=absences.today())
    )


def _refuse(callback_answer: CallbackAnswer, texts: Texts, problem: Problem) -> None:
    callback_answer.text = texts.word("ABSENCE_PROBLEM", problem)
    callback_answer.show_alert = True


def create_router() -> Router:
    router = Router(name="absences")
    private = F.chat.type == "private"
    router.message.register(absent, Command("absent"), private)
    router.message.register(list_absences, Command("absences"), private)
    router.message.register(
        who_typed, StateFilter(Input.absent_who), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        days_typed, StateFilter(Input.absent_days), F.text, ~F.text.startswith("/")
    )
    router.callback_query.register(who_picked, AbsenceCb.filter(F.act == AbsenceAct.WHO))
    router.callback_query.register(
        substitute_picked, AbsenceCb.filter(F.act.in_({AbsenceAct.SUBSTITUTE, AbsenceAct.ALONE}))
    )
    router.callback_query.register(cancel_absence, AbsenceCb.filter(F.act == AbsenceAct.CANCEL))
    return router
