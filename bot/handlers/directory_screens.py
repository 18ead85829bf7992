"""The directory's screens (/people), shared by the handlers of people and of
organisations: each built from what the use cases (bot/services/staff.py) return."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.deep_linking import create_start_link

from bot.domain.actions import Actor
from bot.domain.records import Organisation, Person
from bot.keyboards import directory as kb
from bot.services.message_queue import MessageQueue
from bot.services.staff import Staff
from bot.texts import Texts

TEMPLATE = "directory.html.j2"


def say(texts: Texts, key: str, **context: Any) -> str:
    return str(getattr(texts.macros(TEMPLATE), key)(**context)).strip()


async def show(
    query: CallbackQuery, queue: MessageQueue, text: str, markup: InlineKeyboardMarkup
) -> None:
    """The screen pressed becomes the next one."""
    if query.message is None:  # too old for Telegram to say which: a new one
        await queue.send(query.from_user.id, text, markup)
        return
    await queue.edit_message(query.message.chat.id, query.message.message_id, text, markup)


async def link(bot: Bot, person: Person) -> str:
    return await create_start_link(bot, person.invite_code) if person.invite_code else ""


async def menu(actor: Actor, staff: Staff, texts: Texts) -> tuple[str, InlineKeyboardMarkup]:
    found = await staff.menu(actor)
    empty = not (found.blocks or found.unblocked)
    markup = kb.menu(texts, found.blocks, found.unblocked, found.unplaced)
    return say(texts, "menu", empty=empty), markup


async def organisation(
    actor: Actor, staff: Staff, texts: Texts, org_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    view = await staff.organisation(actor, org_id or None)
    markup = kb.organisation(texts, view.organisation, view.people)
    return say(texts, "organisation", view=view), markup


async def person(
    actor: Actor, staff: Staff, texts: Texts, bot: Bot, person_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    who = await staff.person(actor, person_id)
    return say(texts, "person", who=who, link=await link(bot, who)), kb.person(texts, who)


async def supervisors(
    actor: Actor, staff: Staff, texts: Texts, org_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    view = await staff.organisation(actor, org_id)
    assert view.organisation is not None
    candidates = await staff.supervisors(actor)
    chosen = [p.id for p in view.supervisors]
    text = say(
        texts, "supervisor_choice", organisation=view.organisation.name, any=bool(candidates)
    )
    return text, kb.supervisor_choice(texts, view.organisation, candidates, chosen)


async def blocks(
    actor: Actor, staff: Staff, texts: Texts, org: Organisation, new: int
) -> tuple[str, InlineKeyboardMarkup]:
    every = await staff.blocks(actor)
    text = say(texts, "block_choice", organisation=org.name, new=new)
    return text, kb.block_choice(texts, org, every, new)
