"""Builds the bot from settings, and runs it with aiogram's own polling or webhook runner.
Nothing is created at import time."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods.base import Response, TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.cards import Cards
from bot.commands import set_all_commands
from bot.config import Settings
from bot.delivery.pacing import RateLimits
from bot.delivery.sender import Sender
from bot.domain.profile import AnswerEnd
from bot.handlers import get_routers
from bot.middlewares import ActorMiddleware, UpdateTransaction
from bot.profiles import load_profile
from bot.scheduler.reminders import ReminderScheduler
from bot.scheduler.reports import ReportScheduler
from bot.services.absences import Absences
from bot.services.directory import Directory
from bot.services.drafts import Drafts
from bot.services.incidents import Incidents
from bot.services.intake import Intake
from bot.services.message_queue import MessageQueue
from bot.services.notifier import Notifier
from bot.services.parts import Parts
from bot.services.queries import Queries
from bot.services.recipients import Recipients
from bot.services.reports import Reports
from bot.services.staff import Staff
from bot.services.timekeeper import Timekeeper
from bot.services.urgency import Urgency
from bot.texts import Texts
from storage import outbox
from storage.db import Database
from storage.fsm import SQLiteStorage

log = logging.getLogger(__name__)
POLL_TIMEOUT = 25  # seconds a getUpdates call waits for news


def utc_now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def response_models() -> tuple[type[Response[Any]], ...]:
    """aiogram reads every answer through `Response[T]`, a generic pydantic model that
    pydantic keeps only by a weak reference: after a garbage collection the next answer
    builds the class again (milliseconds each time). Held here, each is built once."""
    return tuple(
        Response[method.__returning__]  # type: ignore[name-defined]
        for method in vars(methods).values()
        if isinstance(method, type)
        and issubclass(method, TelegramMethod)
        and method is not TelegramMethod
    )


def create_bot(token: str, api_url: str | None, session: AiohttpSession | None = None) -> Bot:
    response_models()
    if session is None:
        api = TelegramAPIServer.from_base(api_url) if api_url else None
        session = AiohttpSession(api=api) if api else AiohttpSession()
    return Bot(
        token=token,
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
    queries: Queries
    incidents: Incidents
    drafts: Drafts
    directory: Directory
    notifier: Notifier
    queue: MessageQueue
    reminders: ReminderScheduler
    sender: Sender
    updates: UpdateTransaction
    intake: Intake
    parts: Parts
    reports: Reports
    report_scheduler: ReportScheduler
    scheduled: bool = True
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _polling: bool = False

    async def startup(self) -> None:
        """What runs before the first update: also called by aiogram's runners."""
        async with self.db.transaction() as conn:
            # Telegram redelivers for a day at most; a month of sent messages is plenty.
            await outbox.prune(conn, self.queue.clock() - timedelta(days=30))
        people = [
            (p.telegram_id, p.role) for p in await self.directory.bound_people() if p.telegram_id
        ]
        await set_all_commands(self.bot, self.texts, self.settings.coordinator_ids, people)
        await self.sender.start()
        if self.scheduled:
            await self.reminders.start()
            await self.report_scheduler.start()

    async def shutdown(self) -> None:
        """After the last update: answers on their way land, the outbox is flushed."""
        await self.updates.drain()
        await self.reminders.shutdown()
        await self.report_scheduler.shutdown()
        await self.reports.drain()
        await self.sender.stop()

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        """aiogram's polling, one update at a time: it asks for the next batch (which
        confirms the last) only once each update's transaction has committed."""
        # A webhook left from an earlier run would make getUpdates fail with 409.
        await self.bot.delete_webhook(drop_pending_updates=False)
        log.info("event=start mode=polling")
        self._polling = True
        try:
            await self.dispatcher.start_polling(
                self.bot,
                handle_as_tasks=False,
                handle_signals=handle_signals,
                close_bot_session=False,
                polling_timeout=POLL_TIMEOUT,
            )
        finally:
            self._polling = False
            log.info("event=stop mode=polling")

    async def run_webhook(self, *, handle_signals: bool = True) -> None:
        """aiogram's webhook handler: Telegram gets its answer once the update's transaction
        has committed; a request without the right secret token gets 401."""
        settings = self.settings
        assert settings.webhook_url is not None
        assert settings.webhook_secret is not None
        secret = settings.webhook_secret.get_secret_value()
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._stop.set)
        app = web.Application()
        setup_application(app, self.dispatcher, bot=self.bot)  # startup and shutdown
        handler = SimpleRequestHandler(
            self.dispatcher, self.bot, handle_in_background=False, secret_token=secret
        )
        handler.register(app, path=urlsplit(settings.webhook_url).path or "/")
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await self.bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        log.info(
            "event=start mode=webhook listen=%s:%s", settings.webhook_host, settings.webhook_port
        )
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()  # stops taking requests, lets those in hand finish
            log.info("event=stop mode=webhook")

    async def stop(self) -> None:
        """Ask a running bot to stop (as SIGTERM does)."""
        if self._polling:
            await self.dispatcher.stop_polling()
        self._stop.set()

    async def close(self) -> None:
        await self.bot.session.close()
        await self.db.close()


async def create_app(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    *,
    schedule: bool = True,
    session: AiohttpSession | None = None,
) -> App:
    """Build everything from settings. ProfileError if the regulation profile is unusable.
    With schedule=False reminders only go out when `app.reminders.tick()` is called;
    `session` replaces the Bot API session made from the settings."""
    profile = load_profile(settings.regulation_profile, settings.tz)
    db = await Database.open(settings.database_path)
    texts = Texts(settings.tz)
    bot = create_bot(settings.bot_token.get_secret_value(), settings.bot_api_url, session)
    queue = MessageQueue(db, clock)
    directory = Directory(db, clock, settings.coordinator_ids, settings.tz)
    to_publication = profile.answer_ends is AnswerEnd.PUBLICATION
    cards = Cards(texts, profile.calendar, to_publication=to_publication)
    recipients = Recipients(db, settings.coordinator_ids, clock, settings.tz)
    notifier = Notifier(db, queue, recipients, cards, texts, clock)
    timekeeper = Timekeeper(db, profile)
    intake = Intake(db, timekeeper, notifier, clock)
    incidents = Incidents(db, timekeeper, notifier, clock)
    drafts = Drafts(db, timekeeper, notifier, clock)
    parts = Parts(db, timekeeper, notifier, clock)
    urgency = Urgency(db, timekeeper, notifier, clock)
    reports = Reports(db, queue, recipients, texts, profile, clock)
    queries = Queries(db)
    absences = Absences(db, queue, texts, clock, settings.coordinator_ids, settings.tz)

    limits = RateLimits(
        settings.send_per_second, settings.send_private_interval, settings.send_group_interval
    )
    sender = Sender(bot, db, limits, clock, notifier.unreachable, backoff=settings.send_backoff)
    queue.wake = sender.wake
    reminders = ReminderScheduler(incidents, queries, clock)
    # One chat's updates one at a time, even when a webhook delivers them at once.
    dispatcher = Dispatcher(
        storage=SQLiteStorage(db),
        events_isolation=SimpleEventIsolation(),
        settings=settings,
        texts=texts,
        cards=cards,
        queries=queries,
        intake=intake,
        incidents=incidents,
        drafts=drafts,
        parts=parts,
        urgency=urgency,
        reports=reports,
        absences=absences,
        directory=directory,
        staff=Staff(db, clock),
        notifier=notifier,
        queue=queue,
    )
    updates = UpdateTransaction(db, queue, texts, clock)
    dispatcher.update.outer_middleware(updates)
    dispatcher.update.outer_middleware(ActorMiddleware(directory))
    dispatcher.include_routers(*get_routers())
    app = App(
        settings,
        db,
        bot,
        dispatcher,
        texts,
        queries,
        incidents,
        drafts,
        directory,
        notifier,
        queue,
        reminders,
        sender,
        updates,
        intake,
        parts,
        reports,
        ReportScheduler(reports),
        scheduled=schedule,
    )
    dispatcher.startup.register(app.startup)
    dispatcher.shutdown.register(app.shutdown)
    return app
