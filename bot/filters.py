"""Filters: magic filters checked in place, and roles read from the `actor` the middleware
put into handler data."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from magic_filter import MagicFilter

from bot.domain.model import Role
from bot.domain.workflow import Actor


class Magic(Filter):
    """A magic filter (`F.text`, `F.chat.type == "private"`) checked on the event loop.

    aiogram runs a bare `F` filter like any plain function, through `asyncio.to_thread`: a
    thread hop per check, which under load costs far more than the check itself. A `Filter`
    subclass is awaited in place."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: Any) -> Any:
        return self.magic.resolve(event)


class LooksLikeCommand(Filter):
    """A text or caption that begins with "/": checked once for a router of commands, which
    spares a message each of its Command filters (each parses the text and fails with an
    exception)."""

    async def __call__(self, message: Any) -> bool:
        text = getattr(message, "text", None) or getattr(message, "caption", None)
        return bool(text) and str(text).startswith("/")


class IsCoordinator(Filter):
    async def __call__(self, event: Any, actor: Actor) -> bool:
        return actor.is_coordinator


class IsExecutor(Filter):
    async def __call__(self, event: Any, actor: Actor) -> bool:
        return actor.role is Role.EXECUTOR
