"""Per-update dependencies: who is acting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.services.workflow import Workflow


class ActorMiddleware(BaseMiddleware):
    """Puts `actor` (the directory's view of the sender) into handler data."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None:
            data["actor"] = await self.workflow.actor(user.id, user.full_name)
        return await handler(event, data)
