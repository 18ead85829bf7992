"""Builds the bot from settings. Nothing is created at import time."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods.base import Response, TelegramMethod
from aiohttp import web

from bot.api import JsonSession
from bot.commands import set_all_commands
from bot.config import Settings
from bot.domain.profile import load_profile
from bot.handlers import get_routers
from bot.inbound import poll, webhook_app
from bot.middlewares import ActorMiddleware, UpdateTransaction
from bot.notifier import Notifier
from bot.scheduler.reminders import ReminderScheduler
from bot.sender import RateLimits, Sender
from bot.services.directory import Directory
from bot.services.timers import Timekeeper
from bot.services.workflow import Workflow, utc_now
from bot.texts import Texts
from storage import outbox
from storage.db import Database
from storage.fsm import SQLiteStorage

log = logging.getLogger(__name__)


@functools.cache
def response_models() -> tuple[type[Response[Any]], ...]:
    """aiogram reads every answer through `Response[T]`, and pydantic keeps such models
    only by weak reference: after a garbage collection the next call builds the model class
    again (about 3 ms). Held for the process's life, they are built once."""
    return tuple(
        Response[method.__returning__]  # type: ignore[name-defined]
        for method in vars(methods).values()
        if isinstance(method, type)
        and issubclass(method, TelegramMethod)
        and method is not TelegramMethod
    )


def create_bot(settings: Settings) -> Bot:
    response_models()
    session = (
        JsonSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
        if settings.bot_api_url
        else JsonSession()
    )
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


@dataclass
class App:
    settings: Settings
    db: Database
    bot: Bot
    dispatcher: Dispatcher
    texts: Texts
    workflow: Workflow
    directory: Directory
    notifier: Notifier
    reminders: ReminderScheduler
    sender: Sender
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)

    async def _startup(self) -> None:
        async with self.db.transaction() as conn:
            # Telegram redelivers for a day at most; a month of sent messages is plenty.
            await outbox.prune(conn, self.workflow.clock() - timedelta(days=30))
        people = [
            (p.telegram_id, p.role) for p in await self.directory.bound_people() if p.telegram_id
        ]
        await set_all_commands(self.bot, self.texts, self.settings.coordinator_ids, people)
        await self.dispatcher.emit_startup(bot=self.bot, **self.dispatcher.workflow_data)
        # What exists now (modules, models, the app) lives as long as the process: keep it
        # out of the collector's full passes, each of which would stall the loop ~0.1 s.
        gc.freeze()

    def _stop_on_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop_event.set)

    def stop(self) -> None:
        """Ask a running bot to stop: finish the updates in hand, flush, and return."""
        self.stop_event.set()

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        if handle_signals:
            self._stop_on_signals()
        await self._startup()
        # A webhook left from an earlier run would make getUpdates fail with 409.
        await self.bot.delete_webhook(drop_pending_updates=False)
        log.info("event=start mode=polling")
        try:
            await poll(
                self.dispatcher,
                self.bot,
                self.stop_event,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
        finally:
            await self.dispatcher.emit_shutdown(bot=self.bot, **self.dispatcher.workflow_data)
            log.info("event=stop mode=polling")

    async def run_webhook(self, *, handle_signals: bool = True) -> None:
        """Serve Telegram's webhook calls until stopped (SIGTERM)."""
        settings = self.settings
        assert settings.webhook_url is not None
        assert settings.webhook_secret is not None
        if handle_signals:
            self._stop_on_signals()
        await self._startup()
        path = urlsplit(settings.webhook_url).path or "/"
        runner = web.AppRunner(
            webhook_app(
                self.dispatcher, self.bot, settings.webhook_secret.get_secret_value(), path
            )
        )
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        await self.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        log.info(
            "event=start mode=webhook listen=%s:%s", settings.webhook_host, settings.webhook_port
        )
        try:
            await self.stop_event.wait()
        finally:
            await runner.cleanup()  # stops taking requests, lets those in hand finish
            await self.dispatcher.emit_shutdown(bot=self.bot, **self.dispatcher.workflow_data)
            log.info("event=stop mode=webhook")

    async def close(self) -> None:
        await self.reminders.shutdown()
        await self.sender.stop()
        await self.bot.session.close()
        await self.db.close()
        gc.unfreeze()  # the app's objects may be collected again


async def create_app(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    *,
    schedule: bool = True,
) -> App:
    """Build everything from settings. ProfileError if the regulation profile is unusable.
    With schedule=False reminders only go out when `app.reminders.tick()` is called."""
    profile = load_profile(settings.regulation_profile, settings.tz)
    db = await Database.open(settings.database_path)
    texts = Texts(settings.tz)
    bot = create_bot(settings)
    workflow = Workflow(db, settings.coordinator_ids, Timekeeper(profile), clock)
    directory = Directory(db, clock)
    notifier = Notifier(db, workflow, texts, sorted(settings.coordinator_ids))
    limits = RateLimits(
        settings.send_per_second, settings.send_private_interval, settings.send_group_interval
    )
    sender = Sender(bot, db, limits, clock, notifier.report_unreachable)
    notifier.wake = sender.wake
    reminders = ReminderScheduler(workflow, notifier.deliver_notice)
    dispatcher = Dispatcher(
        storage=SQLiteStorage(db),
        settings=settings,
        texts=texts,
        workflow=workflow,
        directory=directory,
        notifier=notifier,
    )
    dispatcher.update.outer_middleware(UpdateTransaction(db, clock))
    dispatcher.update.outer_middleware(ActorMiddleware(workflow))
    dispatcher.include_routers(*get_routers())
    dispatcher.startup.register(sender.start)
    dispatcher.shutdown.register(sender.stop)
    if schedule:
        dispatcher.startup.register(reminders.start)
        dispatcher.shutdown.register(reminders.shutdown)
    return App(
        settings, db, bot, dispatcher, texts, workflow, directory, notifier, reminders, sender
    )
