"""/report week|month|year [period] and /register [period]: built on demand, for what the
person may see (seeds 000–003)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.domain.actions import Actor, Denial, Refused
from bot.domain.periods import Kind, Period, parse
from bot.services.message_queue import MessageQueue
from bot.services.reports import Reports
from bot.texts import Texts

KINDS = {"week": Kind.WEEK, "month": Kind.MONTH, "year": Kind.YEAR}


async def report(
    message: Message,
    command: CommandObject,
    actor: Actor,
    reports: Reports,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    if not actor.known:
        raise Refused(Denial.UNKNOWN_PERSON)
    word, _, raw = (command.args or "").strip().partition(" ")
    kind = KINDS.get(word.lower())
    if kind is None:
        await queue.send(message.chat.id, texts.message("report_usage"))
        return
    period = await _period(message.chat.id, kind, raw, reports, queue, texts)
    if period is None:
        return
    orgs, names = await reports.scope_of(actor)
    chat = message.chat.id
    await queue.send(chat, texts.message("report_coming", period=period.label))
    reports.request(chat, lambda: reports.send_report([chat], period, orgs, names))


async def register(
    message: Message,
    command: CommandObject,
    actor: Actor,
    reports: Reports,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    if not actor.known:
        raise Refused(Denial.UNKNOWN_PERSON)
    raw = (command.args or "").strip()
    period = await _period(message.chat.id, Kind.DAYS, raw, reports, queue, texts)
    if period is None:
        return
    orgs, names = await reports.scope_of(actor)
    chat = message.chat.id
    await queue.send(chat, texts.message("register_coming", period=period.label))
    reports.request(chat, lambda: reports.send_register(chat, period, orgs, names))


async def _period(
    chat: int, kind: Kind, raw: str, reports: Reports, queue: MessageQueue, texts: Texts
) -> Period | None:
    """The period typed; None (and an example of what works) if it is not one."""
    period = parse(kind, raw, reports.clock().astimezone(texts.tz).date())
    if period is None:
        await queue.send(chat, texts.message("report_bad_period", value=raw, kind=kind))
    return period


async def not_in_groups(message: Message, queue: MessageQueue, texts: Texts) -> None:
    """Reports name every organisation and quote citizens' posts: not for a group's eyes."""
    await queue.send(message.chat.id, texts.message("report_private"))


def create_router() -> Router:
    router = Router(name="reports")
    private = F.chat.type == "private"
    router.message.register(report, Command("report"), private)
    router.message.register(register, Command("register"), private)
    router.message.register(not_in_groups, Command("report", "register"))
    return router
