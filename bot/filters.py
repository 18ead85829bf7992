"""Role filters: they read the `actor` the middleware put into handler data."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter

from bot.domain.model import Role
from bot.domain.workflow import Actor


class IsCoordinator(Filter):
    async def __call__(self, event: Any, actor: Actor) -> bool:
        return actor.is_coordinator


class IsExecutor(Filter):
    async def __call__(self, event: Any, actor: Actor) -> bool:
        return actor.role is Role.EXECUTOR
