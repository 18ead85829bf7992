"""The command menu Telegram shows, fitted to each person's role."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.domain.actions import Actor
from bot.domain.model import Role
from bot.texts import Texts

log = logging.getLogger(__name__)

ROLE_COMMANDS: dict[Role | None, tuple[str, ...]] = {
    None: ("start", "help"),
    Role.EXECUTOR: ("my", "incident", "report", "register", "absent", "help", "cancel"),
    Role.COORDINATOR: (
        "open",
        "incident",
        "report",
        "register",
        "absent",
        "absences",
        "status",
        "people",
        "audit",
        "help",
        "cancel",
    ),
    Role.SUPERVISOR: ("my", "incident", "report", "register", "absent", "help"),
    Role.HEAD: ("open", "incident", "report", "register", "absent", "help"),
}


def role_of(actor: Actor) -> Role | None:
    """The role whose menu a person has: a coordinator of the settings has no directory
    role."""
    return Role.COORDINATOR if actor.is_coordinator else actor.role


def list_command(role: Role | None) -> str:
    """The command that lists a role's open incidents."""
    return "my" if "my" in ROLE_COMMANDS[role] else "open"


def commands_for(texts: Texts, role: Role | None) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=texts.word("COMMANDS", name))
        for name in ROLE_COMMANDS[role]
    ]


async def set_all_commands(
    bot: Bot,
    texts: Texts,
    coordinator_ids: Iterable[int],
    people: Iterable[tuple[int, Role]],
) -> None:
    """At start-up: the default menu for strangers, a role menu for each known account. A
    menu that Telegram refuses (a chat gone) is only worth a log line."""
    await bot.set_my_commands(commands_for(texts, None), scope=BotCommandScopeDefault())
    coordinators = set(coordinator_ids)
    menus = [(chat, role) for chat, role in people if chat not in coordinators]
    menus += [(chat, Role.COORDINATOR) for chat in sorted(coordinators)]
    for chat, role in menus:
        try:
            await bot.set_my_commands(
                commands_for(texts, role), scope=BotCommandScopeChat(chat_id=chat)
            )
        except TelegramAPIError as exc:
            log.warning("event=commands_failed chat=%s error=%r", chat, exc)
