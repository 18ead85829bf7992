"""The command menu Telegram shows, fitted to each person's role."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.domain.model import Role
from bot.services.directory import ROLE_COMMANDS
from bot.texts import Texts

log = logging.getLogger(__name__)


def commands_for(texts: Texts, role: Role | None) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=texts.word("COMMANDS", name))
        for name in ROLE_COMMANDS[role]
    ]


async def set_person_commands(bot: Bot, texts: Texts, chat_id: int, role: Role | None) -> None:
    try:
        await bot.set_my_commands(
            commands_for(texts, role), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as exc:
        log.warning("could not set commands for chat=%s: %s", chat_id, exc)


async def set_all_commands(
    bot: Bot,
    texts: Texts,
    coordinator_ids: Iterable[int],
    people: Iterable[tuple[int, Role]],
) -> None:
    """At start-up: the default menu for strangers, a role menu for each known account."""
    await bot.set_my_commands(commands_for(texts, None), scope=BotCommandScopeDefault())
    coordinators = set(coordinator_ids)
    for telegram_id, role in people:
        if telegram_id not in coordinators:
            await set_person_commands(bot, texts, telegram_id, role)
    for telegram_id in coordinators:
        await set_person_commands(bot, texts, telegram_id, Role.COORDINATOR)
