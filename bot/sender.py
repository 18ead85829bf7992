"""Delivers the outbox to Telegram: in order per chat, within Telegram's rate limits, retrying
what can succeed later and recording what never will.

Limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
about 30 messages a second overall, one a second to a private chat, 20 a minute to a group.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    Message,
    ReplyParameters,
)

from bot.api import SendText
from storage import incidents as card_repo
from storage import outbox as repo
from storage.db import Database
from storage.outbox import OutboxRow

log = logging.getLogger("bot.delivery")
MAX_ATTEMPTS = 12
BACKOFF_CAP = 60.0  # seconds
SAFETY = 1.02  # keep a little under each limit: clocks and networks jitter


@dataclass(frozen=True)
class RateLimits:
    per_second: float = 30.0  # all chats together
    private_interval: float = 1.0  # seconds between messages to one private chat
    group_interval: float = 3.0  # 20 a minute to one group

    def chat_interval(self, chat_id: int) -> float:
        return (self.group_interval if chat_id < 0 else self.private_interval) * SAFETY

    @property
    def global_interval(self) -> float:
        return SAFETY / self.per_second if self.per_second > 0 else 0.0


class Unreachable(Exception):
    """Telegram will never take this message (blocked bot, deleted chat, bad request)."""


class Sender:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        limits: RateLimits,
        clock: Callable[[], datetime],
        on_unreachable: Callable[[int, str], Awaitable[None]],
    ) -> None:
        self.bot = bot
        self.db = db
        self.limits = limits
        self.clock = clock
        self.on_unreachable = on_unreachable
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._chat_ready: dict[int, float] = {}
        self._global_next = 0.0
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._idle = asyncio.Event()
        self._wakes = 0
        self._delivered: list[tuple[OutboxRow, int | None, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            # What the previous run sent just before it stopped is unknown (a crash leaves
            # no trace of the message in flight): every chat first waits one interval.
            now = time.monotonic()
            async with self.db.glance() as conn:
                waiting = {row.chat_id for row in await repo.heads(conn)}
            self._chat_ready = {chat: now + self.limits.chat_interval(chat) for chat in waiting}
            self._global_next = now + (1.0 if self.limits.per_second else 0.0)
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    def wake(self) -> None:
        self._wakes += 1  # a pass that began before this wake-up must not report idle
        self._idle.clear()
        self._wake.set()

    async def stop(self, flush_for: float = 10.0) -> None:
        """Send what can be sent within `flush_for` seconds, then stop."""
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self.flush(), flush_for)
        except TimeoutError:
            log.warning("event=shutdown outbox_left=unsent")
        self._stopping = True
        self._wake.set()
        await self._task
        self._task = None

    async def flush(self) -> None:
        """Wait until nothing is sendable now (rows waiting for a retry may remain)."""
        self.wake()
        await self._idle.wait()

    # --- the loop ------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            wakes = self._wakes
            wait: float | None = None
            if not self._stopping:  # stopping: only let the messages in flight land
                try:
                    wait = await self._dispatch()
                except Exception:
                    log.exception("event=outbox_error")
                    wait = 1.0
            if self._stopping and not self._in_flight:
                return
            if wait is None and not self._in_flight and wakes == self._wakes:
                self._idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait if wait is not None else 5.0)

    async def _dispatch(self) -> float | None:
        """Start every chat's next message that may go now; return seconds until the next
        one may (None when nothing is waiting but retries or nothing at all)."""
        async with self.db.read() as conn:
            heads = await repo.heads(conn, skip_chats=list(self._in_flight))
        # Retries wait in real time, whatever clock the workflow keeps.
        now, wall = time.monotonic(), datetime.now(UTC)
        wait: float | None = None
        for row in heads:
            if row.chat_id in self._in_flight:
                continue
            if row.not_before and row.not_before > wall:
                continue  # backing off; the retry is found on a later pass
            ready = self._chat_ready.get(row.chat_id, 0.0)
            if ready > now:
                wait = ready - now if wait is None else min(wait, ready - now)
                continue
            slot = max(now, self._global_next)
            self._global_next = slot + self.limits.global_interval
            self._chat_ready[row.chat_id] = slot + self.limits.chat_interval(row.chat_id)
            self._in_flight[row.chat_id] = asyncio.create_task(self._send_at(row, slot - now))
        retries = any(r.not_before and r.not_before > wall for r in heads)
        if wait is None and retries:
            wait = 1.0
        return wait

    async def _send_at(self, row: OutboxRow, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self._deliver(row)
        except Exception:
            # The row stays pending (nothing was recorded) and is tried again.
            log.exception("event=outbox_error chat=%s outbox=%s", row.chat_id, row.id)
        finally:
            self._in_flight.pop(row.chat_id, None)
            self.wake()

    async def _deliver(self, row: OutboxRow) -> None:
        try:
            message_id = await self._call(row)
        except TelegramRetryAfter as exc:
            # Only this chat waits; the others go on.
            self._chat_ready[row.chat_id] = time.monotonic() + exc.retry_after * SAFETY
            await self._retry(row, f"429 retry after {exc.retry_after}s", 0)
            log.info("event=rate_limited chat=%s retry_after=%s", row.chat_id, exc.retry_after)
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            delay = min(BACKOFF_CAP, 0.5 * 2**row.attempts) * random.uniform(0.5, 1.5)
            if row.attempts + 1 >= MAX_ATTEMPTS:
                await self._fail(row, f"gave up after {MAX_ATTEMPTS} attempts: {exc}")
            else:
                await self._retry(row, str(exc), delay)
        except TelegramForbiddenError as exc:
            await self._fail(row, exc.message, unreachable=True)
        except (TelegramBadRequest, Unreachable) as exc:
            text = exc.message if isinstance(exc, TelegramAPIError) else str(exc)
            if "not modified" in text:
                await self._done(row, None)  # already shows that: an edit is idempotent
            else:
                await self._fail(row, text, unreachable="chat not found" in text)
        else:
            await self._done(row, message_id)

    async def _done(self, row: OutboxRow, message_id: int | None) -> None:
        """Record a delivery. Deliveries that finish while one commit is under way are
        recorded together in the next: one transaction for many messages."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._delivered.append((row, message_id, done))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_delivered())
        await done
        log.info(
            "event=sent method=%s chat=%s incident=%s outbox=%s",
            row.method,
            row.chat_id,
            row.incident_id,
            row.id,
        )

    async def _record_delivered(self) -> None:
        while self._delivered:
            batch, self._delivered = self._delivered, []
            try:
                async with self.db.transaction() as conn:
                    now = self.clock()
                    await repo.mark_sent(conn, [row.id for row, _, _ in batch], now)
                    await card_repo.bind_cards(
                        conn,
                        [
                            (row.card_id, message_id)
                            for row, message_id, _ in batch
                            if message_id is not None
                            and row.card_id is not None
                            and row.method == "message"
                        ],
                    )
                    await repo.mark_reachable(conn, {row.chat_id for row, _, _ in batch})
            except Exception as exc:
                for _, _, done in batch:
                    if not done.done():  # its delivery task was cancelled (shutdown)
                        done.set_exception(exc)
            else:
                for _, _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _retry(self, row: OutboxRow, error: str, delay: float) -> None:
        async with self.db.transaction() as conn:
            not_before = datetime.now(UTC) + timedelta(seconds=delay)
            await repo.retry_later(conn, row.id, not_before, error)
        log.warning(
            "event=retry chat=%s incident=%s outbox=%s attempt=%s error=%r",
            row.chat_id,
            row.incident_id,
            row.id,
            row.attempts + 1,
            error,
        )

    async def _fail(self, row: OutboxRow, error: str, *, unreachable: bool = False) -> None:
        async with self.db.transaction() as conn:
            await repo.mark_failed(conn, row.id, error, self.clock())
            if row.method in ("edit", "markup") and "not found" in error and row.card_id:
                await card_repo.forget_card(conn, row.card_id)  # deleted by its reader
            first = unreachable and await repo.mark_unreachable(
                conn, row.chat_id, error, self.clock()
            )
            if first:
                await self.on_unreachable(row.chat_id, error)
        log.warning(
            "event=failed chat=%s incident=%s outbox=%s error=%r",
            row.chat_id,
            row.incident_id,
            row.id,
            error,
        )

    # --- the Bot API calls ---------------------------------------------------------------

    async def _call(self, row: OutboxRow) -> int | None:
        p = row.payload
        if row.method == "message":
            reply = (
                ReplyParameters(message_id=p["reply_to"], allow_sending_without_reply=True)
                if p.get("reply_to")
                else None
            )
            keyboard = json.dumps(p["markup"], ensure_ascii=False) if p.get("markup") else None
            sent = await self.bot(
                SendText(
                    chat_id=row.chat_id,
                    text=p["text"],
                    reply_markup=keyboard,
                    reply_parameters=reply,
                )
            )
            return sent.message_id
        markup = InlineKeyboardMarkup.model_validate(p["markup"]) if p.get("markup") else None
        if row.method in ("edit", "markup"):
            message_id = p.get("message_id") or await self._card_message(row)
            if row.method == "edit":
                await self.bot.edit_message_text(
                    text=p["text"], chat_id=row.chat_id, message_id=message_id, reply_markup=markup
                )
            else:
                await self.bot.edit_message_reply_markup(
                    chat_id=row.chat_id, message_id=message_id, reply_markup=markup
                )
            return None
        if row.method == "album":
            sent_album = await self.bot.send_media_group(
                row.chat_id, [_input_media(item) for item in p["media"]]
            )
            return sent_album[0].message_id
        if row.method == "media":
            return (await self._send_one(row.chat_id, p["media"])).message_id
        raise Unreachable(f"unknown outbox method {row.method}")

    async def _card_message(self, row: OutboxRow) -> int:
        assert row.card_id is not None
        async with self.db.glance() as conn:
            message_id = await card_repo.card_message_id(conn, row.card_id)
        if message_id is None:
            raise Unreachable("the card itself was never delivered")
        return message_id

    async def _send_one(self, chat_id: int, item: dict[str, Any]) -> Message:
        if item["kind"] == "photo":
            return await self.bot.send_photo(chat_id, item["file_id"])
        if item["kind"] == "video":
            return await self.bot.send_video(chat_id, item["file_id"])
        return await self.bot.send_document(chat_id, item["file_id"])


def _input_media(item: dict[str, Any]) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument:
    if item["kind"] == "photo":
        return InputMediaPhoto(media=item["file_id"])
    if item["kind"] == "video":
        return InputMediaVideo(media=item["file_id"])
    return InputMediaDocument(media=item["file_id"])
