"""Per-update work: one transaction around the whole update, and who is acting."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.services.workflow import Workflow
from storage import outbox
from storage.db import Database

log = logging.getLogger("bot.updates")


class UpdateTransaction(BaseMiddleware):
    """Handles each update in one transaction: its state changes, the messages it queues
    and the record that it was handled commit together, or not at all. A redelivered
    update (same update_id) is skipped."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        async with self.db.transaction() as conn:
            people_version = await outbox.remember_update(conn, event.update_id, self.clock())
            if people_version is None:
                log.info("event=duplicate_update update=%s", event.update_id)
                return None
            data["people_version"] = people_version
            return await handler(event, data)


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
            version = data.get("people_version")
            data["actor"] = await self.workflow.actor(user.id, user.full_name, version)
        return await handler(event, data)
