"""Per-update work: one transaction around the whole update, and who is acting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Denial, Refused
from bot.services.directory import Directory
from bot.services.message_queue import MessageQueue
from bot.texts import Texts
from storage import updates
from storage.db import Database

log = logging.getLogger("bot.updates")
TRIES = 3  # a failing update is handled this many times before it is kept aside
RETRY_AFTER = (0.2, 1.0, 5.0, 30.0)  # seconds between tries; the last one repeats


def explain(texts: Texts, refusal: Refused) -> str:
    if refusal.denial is Denial.WRONG_STATE:
        return texts.alert("wrong_state", state=refusal.state)
    return texts.alert(refusal.denial.value)


class UpdateTransaction(BaseMiddleware):
    """Handles each update in one transaction: its changes, the messages it queues and the
    record that it was handled commit together, or not at all. A redelivered update (same
    update_id) is skipped.

    A refusal (a stranger's tap, a stale button, a second tap) commits as the update's
    answer. Any other failure rolls back and is tried again (the database may have been busy);
    an update that keeps failing is kept in `failed_updates`, the person is told, and the
    next ones go on. Until then the update is not confirmed to Telegram: aiogram's runners
    confirm it once this returns (polling with handle_as_tasks=False, webhook after the
    answer), so a crash in between means Telegram sends it again.

    Nothing goes to Telegram from inside: handlers queue messages in the outbox and set the
    button's answer on `callback_answer` (aiogram's CallbackAnswer); it is sent once the
    transaction has committed, in a task of its own, so a slow Telegram holds up neither the
    database nor the next update."""

    def __init__(
        self, db: Database, queue: MessageQueue, texts: Texts, clock: Callable[[], datetime]
    ) -> None:
        self.db = db
        self.queue = queue
        self.texts = texts
        self.clock = clock
        self.answering: set[asyncio.Task[None]] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        tries = 0
        while True:
            tries += 1
            answer = CallbackAnswer(answered=False)
            data["callback_answer"] = answer
            try:
                result = await self._handle(handler, event, data, answer)
                break
            except Exception as error:
                if tries >= TRIES and await self._keep_aside(event, error, answer):
                    result = None
                    break
                wait = RETRY_AFTER[min(tries, len(RETRY_AFTER)) - 1]
                log.warning(
                    "event=update_retry update=%s try=%s in=%.1fs error=%r",
                    event.update_id,
                    tries,
                    wait,
                    error,
                )
                await asyncio.sleep(wait)
        if event.callback_query is not None:
            self._answer_later(event.callback_query, answer)
        return result

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,
        data: dict[str, Any],
        answer: CallbackAnswer,
    ) -> Any:
        async with self.db.transaction() as conn:
            if not await updates.remember(conn, event.update_id, self.clock()):
                log.info("event=duplicate_update update=%s", event.update_id)
                answer.disabled = True  # answered the first time
                return None
            try:
                return await handler(event, data)
            except Refused as refusal:
                await self._refuse(event, refusal, answer)
                return None

    async def _refuse(self, event: Update, refusal: Refused, answer: CallbackAnswer) -> None:
        text = explain(self.texts, refusal)
        if event.callback_query is not None:
            answer.text, answer.show_alert = text, True
        elif event.message is not None:
            await self.queue.send(event.message.chat.id, self.texts.plain(text))

    async def _keep_aside(self, event: Update, error: Exception, answer: CallbackAnswer) -> bool:
        """Keep an update that keeps failing, tell the person, count it handled. False if
        even that fails (the database is away): then it is tried again later."""
        log.error("event=update_failed update=%s", event.update_id, exc_info=error)
        sorry = self.texts.alert("internal_error")
        try:
            async with self.db.transaction() as conn:
                payload = event.model_dump_json(exclude_unset=True)
                await updates.keep_failed(
                    conn, event.update_id, payload, repr(error), self.clock()
                )
                if event.message is not None:
                    await self.queue.send(event.message.chat.id, self.texts.plain(sorry))
        except Exception:
            log.exception("event=update_not_kept update=%s", event.update_id)
            return False
        answer.text, answer.show_alert = sorry, True
        return True

    def _answer_later(self, query: CallbackQuery, answer: CallbackAnswer) -> None:
        if answer.disabled or answer.answered:
            return
        task = asyncio.create_task(_answer(query, answer))
        self.answering.add(task)
        task.add_done_callback(self.answering.discard)

    async def drain(self) -> None:
        """Wait for the button answers still on their way (at shutdown, in tests)."""
        while self.answering:
            await asyncio.gather(*self.answering)


async def _answer(query: CallbackQuery, answer: CallbackAnswer) -> None:
    """Stop the button's spinner. The change is committed already: whatever goes wrong here
    (the query expired, a proxy's HTML error page) is only worth a log line."""
    try:
        await query.answer(text=answer.text, show_alert=answer.show_alert)
    except Exception as error:
        log.warning("event=callback_answer_failed query=%s error=%r", query.id, error)


class ActorMiddleware(BaseMiddleware):
    """Puts `actor` (the directory's view of the sender) into handler data."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None:
            data["actor"] = await self.directory.actor(user.id, user.full_name)
        return await handler(event, data)
