"""Per-update work: one transaction around the whole update, and who is acting."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiosqlite
from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services.workflow import Workflow
from storage import outbox
from storage.db import Database

log = logging.getLogger("bot.updates")


class UpdateTransaction(BaseMiddleware):
    """Handles each update in one transaction: its state changes, the messages it queues
    and the record that it was handled commit together, or not at all (under load the
    transaction is shared with updates of other chats: see Database.grouped). A redelivered
    update (same update_id) is skipped.

    Nothing goes to Telegram from inside: handlers queue messages in the outbox and set
    the button's answer on `callback_answer` (aiogram's CallbackAnswer), sent here once the
    transaction has committed. The toast then never claims a change that was rolled back,
    and no request to Telegram holds up the other chats' transactions."""

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
        query = event.callback_query
        if query is not None:
            data["callback_answer"] = CallbackAnswer(answered=False)

        async def handle(conn: aiosqlite.Connection) -> Any:
            people_version = await outbox.remember_update(conn, event.update_id, self.clock())
            if people_version is None:
                log.info("event=duplicate_update update=%s", event.update_id)
                return None
            data["people_version"] = people_version
            return await handler(event, data)

        # Under load, updates of other chats queued meanwhile share the commit.
        result = await self.db.grouped(handle)
        if query is not None:
            await _answer(query, data["callback_answer"])
        return result


async def _answer(query: CallbackQuery, answer: CallbackAnswer) -> None:
    """Stop the button's spinner. The change is committed already: a failed answer (the
    query expired meanwhile) is only worth a log line."""
    if answer.disabled or answer.answered:
        return
    try:
        await query.answer(text=answer.text, show_alert=answer.show_alert)
    except TelegramAPIError as exc:
        log.warning("event=callback_answer_failed query=%s error=%r", query.id, exc)


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
