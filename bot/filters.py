"""Filters on who is acting, read from the `actor` that ActorMiddleware put into the data."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter

from bot.domain.actions import Actor
from bot.domain.model import Role

# A text or caption that begins with "/": a command, never a post or typed input.
COMMAND_LIKE = (F.text | F.caption).startswith("/")


class IsCoordinator(Filter):
    async def __call__(self, event: Any, actor: Actor) -> bool:
        return actor.is_coordinator


class IsExecutor(Filter):
    async def __call__(self, event: Any, actor: Actor) -> bool:
        return actor.role is Role.EXECUTOR
