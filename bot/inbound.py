"""Receiving updates: long polling or a webhook, both confirming an update to Telegram only
after its handling has committed.

Updates of different chats are handled concurrently, those of one chat one at a time and in
order. Handling is idempotent by update_id (see UpdateTransaction), so a redelivery after a
crash changes nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections import defaultdict
from collections.abc import Iterable

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import Update
from aiohttp import web

log = logging.getLogger("bot.inbound")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def chat_key(update: Update) -> int:
    """The chat an update belongs to; updates without one get a key of their own."""
    event = update.event
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else -update.update_id


async def _handle(dispatcher: Dispatcher, bot: Bot, update: Update) -> None:
    try:
        await dispatcher.feed_update(bot, update)
    except Exception:
        # Already logged by aiogram's error handling; one bad update must not stop the rest.
        log.exception("event=update_failed update=%s", update.update_id)


async def handle_batch(dispatcher: Dispatcher, bot: Bot, updates: Iterable[Update]) -> None:
    by_chat: dict[int, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[chat_key(update)].append(update)

    async def one_chat(queue: list[Update]) -> None:
        for update in queue:
            await _handle(dispatcher, bot, update)

    await asyncio.gather(*(one_chat(queue) for queue in by_chat.values()))


async def poll(
    dispatcher: Dispatcher,
    bot: Bot,
    stop: asyncio.Event,
    *,
    long_poll: int = 25,
    allowed_updates: list[str] | None = None,
) -> None:
    """Long polling that asks for the next batch (which confirms this one) only after this
    one is fully handled. Returns when `stop` is set, after the batch in hand."""
    offset: int | None = None
    delay = 1.0
    while not stop.is_set():
        request = asyncio.create_task(
            bot.get_updates(offset=offset, timeout=long_poll, allowed_updates=allowed_updates)
        )
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({request, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not request.done():
                request.cancel()  # nothing taken in hand: Telegram keeps these for next time
                with contextlib.suppress(asyncio.CancelledError, TelegramAPIError):
                    await request
        if request.cancelled():
            break
        try:
            updates = request.result()
        except (TelegramNetworkError, TelegramAPIError) as exc:
            log.warning("event=poll_failed error=%r retry_in=%.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
            continue
        delay = 1.0
        if updates:
            await handle_batch(dispatcher, bot, updates)
            offset = updates[-1].update_id + 1
    if offset is not None:
        # Confirm the last handled batch before leaving.
        with contextlib.suppress(TelegramAPIError):
            await bot.get_updates(
                offset=offset, timeout=0, limit=1, allowed_updates=allowed_updates
            )


class ChatLocks:
    """One lock per chat: in webhook mode Telegram may send one chat's updates at once."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: int):  # type: ignore[no-untyped-def]
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._locks.pop(key, None)


def webhook_app(dispatcher: Dispatcher, bot: Bot, secret: str, path: str) -> web.Application:
    """An aiohttp app that answers Telegram only once the update is handled and committed;
    a request without the right secret token is refused with 401 and not looked at."""
    locks = ChatLocks()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("event=webhook_rejected remote=%s", request.remote)
            return web.Response(status=401, text="Unauthorized")
        try:
            update = Update.model_validate(await request.json(), context={"bot": bot})
        except ValueError:
            return web.Response(status=400, text="Bad update")
        async with locks.hold(chat_key(update)):
            await _handle(dispatcher, bot, update)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(path, receive)
    return app
