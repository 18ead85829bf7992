"""Delivers the outbox to Telegram: in order per chat (one message of a chat in flight at a
time), within Telegram's limits (pacing.py), retrying what can succeed later and recording
what never will (error_policy.py). Nothing here holds the database while Telegram answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from bot.delivery import requests
from bot.delivery.error_policy import Verdict, describe, verdict
from bot.delivery.pacing import Pacing, RateLimits
from storage import cards as card_repo
from storage import files, outbox
from storage.db import Database
from storage.outbox import EDITS, OutboxRow

log = logging.getLogger("bot.delivery")
MAX_ATTEMPTS = 12
BACKOFF_CAP = 60.0  # seconds


class Sender:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        limits: RateLimits,
        clock: Callable[[], datetime],
        on_unreachable: Callable[[int, str], Awaitable[None]],
        *,
        backoff: float = 0.5,  # seconds before the first retry; doubled on each further one
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.on_unreachable = on_unreachable
        self.backoff = backoff
        self.pacing = Pacing(limits)
        self._wake = asyncio.Event()
        self._wakes = 0  # a pass that began before a wake-up must not report idle
        self._idle = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is not None:
            return
        self._stopping = False
        async with self.db.read() as conn:
            self.pacing.restart({row.chat_id for row in await outbox.heads(conn)})
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    def wake(self) -> None:
        self._wakes += 1
        self._idle.clear()
        self._wake.set()

    async def flush(self) -> None:
        """Wait until everything queued is sent, given up, or failed for good."""
        self.wake()
        await self._idle.wait()

    async def stop(self, flush_for: float = 10.0) -> None:
        """Send what can be sent within `flush_for` seconds, then stop."""
        if self._task is None:
            return
        try:
            async with asyncio.timeout(flush_for):
                await self.flush()
        except TimeoutError:
            log.warning("event=shutdown outbox_left=unsent")
        self._stopping = True
        self._wake.set()
        await self._task
        self._task = None

    async def kill(self) -> None:
        """Stop at once, as a crash would: what is in flight is left unrecorded."""
        running = [t for t in (self._task, *self._in_flight.values()) if t is not None]
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._in_flight.clear()

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
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
            # that comes as the wake-up does, and kill() would wait for this loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait if wait is not None else 5.0):
                    await self._wake.wait()

    async def _dispatch(self) -> float | None:
        """Start each chat's next message that may go now; return seconds until the next
        one may (None: nothing waits, or only for a message in flight to be answered)."""
        async with self.db.read() as conn:
            heads = await outbox.heads(conn, skip_chats=list(self._in_flight))
        wall = datetime.now(UTC)  # retries wait in real time, whatever clock the bot keeps
        waits = []
        for row in heads:
            if row.not_before and row.not_before > wall:
                waits.append((row.not_before - wall).total_seconds())
                continue
            if (chat_wait := self.pacing.chat_wait(row.chat_id)) > 0:
                waits.append(chat_wait)
                continue
            global_wait = self.pacing.global_wait()
            if global_wait is None:
                break  # an answer will wake the loop
            if global_wait > 0:
                waits.append(global_wait)
                break
            self.pacing.started()
            self._in_flight[row.chat_id] = asyncio.create_task(self._send(row.id, row.chat_id))
        return min(waits) if waits else None

    async def _send(self, row_id: int, chat_id: int) -> None:
        try:
            async with self.db.read() as conn:
                row = await outbox.row(conn, row_id)
                card_message = None
                if row and row.method in EDITS and row.card_id is not None:
                    card_message = await card_repo.message_id(conn, row.card_id)
                stored = await files.load(conn, files.named_in(row.payload)) if row else {}
            if row is None:
                return  # pruned meanwhile
            try:
                message_id = await requests.call(self.bot, row, card_message, stored)
            except Exception as error:
                await self._failed(row, error)
            else:
                await self._done(row, message_id)
        except Exception:
            # Recording failed: the row stays pending and is tried again.
            log.exception("event=outbox_error chat=%s outbox=%s", chat_id, row_id)
        finally:
            # The chat's next message waits from now (whatever the answer: it may have
            # arrived), and this one counts towards the global limit for a second.
            self.pacing.answered(chat_id)
            self._in_flight.pop(chat_id, None)
            self.wake()

    # --- what became of a row ------------------------------------------------------------

    async def _done(self, row: OutboxRow, message_id: int | None) -> None:
        async with self.db.transaction() as conn:
            recorded = await outbox.mark_sent(conn, [row], self.clock())
            if recorded and message_id is not None and row.card_id and row.method == "message":
                await card_repo.bind(conn, [(row.card_id, message_id)])
            await outbox.mark_reachable(conn, [row.chat_id])
            await files.release(conn, files.named_in(row.payload))
        event = "sent" if recorded else "sent_changed_meanwhile"  # the newer content goes next
        log.info(
            "event=%s method=%s chat=%s incident=%s outbox=%s",
            event,
            row.method,
            row.chat_id,
            row.incident_id,
            row.id,
        )

    async def _failed(self, row: OutboxRow, error: Exception) -> None:
        found, text = verdict(error), describe(error)
        if found is Verdict.DONE:
            await self._done(row, None)
        elif found is Verdict.WAIT:
            assert isinstance(error, TelegramRetryAfter)
            self.pacing.hold(row.chat_id, error.retry_after)  # only this chat waits
            await self._retry(row, text, 0.0, count=False)
        elif found is Verdict.RETRY and row.attempts + 1 < MAX_ATTEMPTS:
            delay = min(BACKOFF_CAP, self.backoff * 2**row.attempts) * random.uniform(0.5, 1.5)
            await self._retry(row, text, delay, count=True)
        elif found is Verdict.RETRY:
            await self._fail(row, f"gave up after {MAX_ATTEMPTS} attempts: {text}", found)
        else:
            await self._fail(row, text, found)

    async def _retry(self, row: OutboxRow, error: str, delay: float, *, count: bool) -> None:
        async with self.db.transaction() as conn:
            not_before = datetime.now(UTC) + timedelta(seconds=delay)
            await outbox.retry_later(conn, row.id, not_before, error, count=count)
        log.warning(
            "event=retry chat=%s incident=%s outbox=%s attempt=%s error=%r",
            row.chat_id,
            row.incident_id,
            row.id,
            row.attempts + int(count),
            error,
        )

    async def _fail(self, row: OutboxRow, error: str, found: Verdict) -> None:
        async with self.db.transaction() as conn:
            await outbox.mark_failed(conn, row.id, error, self.clock())
            await files.release(conn, files.named_in(row.payload))
            if found is Verdict.CARD_GONE and row.card_id is not None:
                await card_repo.forget(conn, row.card_id)
            if found is Verdict.UNREACHABLE and await outbox.mark_unreachable(
                conn, row.chat_id, error, self.clock()
            ):
                await self.on_unreachable(row.chat_id, error)  # the first time only
        log.warning(
            "event=failed chat=%s incident=%s outbox=%s error=%r",
            row.chat_id,
            row.incident_id,
            row.id,
            error,
        )
