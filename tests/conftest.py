"""Fixtures: a Bot API emulator, the real bot polling it, and a small cast of people."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.app import App, create_app
from bot.config import load_settings
from tests.emulator import Emulator, User

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
COORDINATOR_ID = 1001
TIMEZONE = "Asia/Yekaterinburg"

DIRECTORY_CSV = """организация;тематический блок;фио;должность;роль;курирует
МКУ «УРЖКК»;ЖКХ;Иванова Анна Сергеевна;пресс-секретарь;исполнитель;
МУП «Междуреченский водоканал»;ЖКХ;Сидоров Семён Ильич;инженер;исполнитель;
МКУ «Управление образованием»;Образование;Петров Пётр Петрович;заместитель начальника;исполнитель;
Администрация;;Кузнецов Кирилл Олегович;заместитель главы;заместитель главы;"МКУ «УРЖКК»; МУП «Междуреченский водоканал»"
Администрация;;Главная Галина Андреевна;глава округа;глава;
Администрация;;Орлова Ольга Викторовна;заместитель главы;заместитель главы;МКУ «Управление образованием»
"""


# Monday 02.03.2026 10:00 in Krasnoufimsk: inside working hours, far from holidays.
START = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo(TIMEZONE))


class LoopbackSession(AiohttpSession):
    """aiogram's session, closed without its wait for TLS connections to wind down (250 ms
    each time, in every test; the emulator is plain HTTP on loopback)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._closing = False

    async def close(self) -> None:
        if self._closing:
            return  # create_session() below closes first when it has made no session yet
        self._closing = True
        try:
            await (await self.create_session()).close()
        finally:
            self._closing = False


class FakeClock:
    """The time as the bot and the emulator see it; tests move it by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def set_local(self, text: str) -> None:
        self.now = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


async def wait_until(predicate: Callable[[], bool], within: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.01)


@dataclass
class Harness:
    """The real bot against the emulator. Updates are fed to its Dispatcher in process
    (faster); with `polling` it polls the emulator over HTTP as in production. Either way
    everything it sends goes through its outbox and sender to the emulator over HTTP."""

    emu: Emulator
    db_path: Path
    clock: FakeClock
    schedule: bool = False  # scheduler tests switch the real APScheduler job on
    polling: bool = False
    send_per_second: float = 0.0
    send_private_interval: float = 0.0
    send_group_interval: float = 0.0
    send_backoff: float = 0.05
    profile: str = "krasnoufimsk"  # a test marked profile("…") runs another municipality's
    app: App | None = None
    task: asyncio.Task[None] | None = None

    def settings_overrides(self) -> dict[str, object]:
        return {
            "bot_token": TOKEN,
            "timezone": TIMEZONE,
            "coordinator_ids": str(COORDINATOR_ID),
            "bot_api_url": self.emu.url,
            "database_path": self.db_path,
            "regulation_profile": self.profile,
            # Scenario tests do not wait out Telegram's pacing; the delivery tests keep it.
            "send_per_second": self.send_per_second,
            "send_private_interval": self.send_private_interval,
            "send_group_interval": self.send_group_interval,
            "send_backoff": self.send_backoff,
            "_env_file": None,
        }

    async def start(self) -> App:
        settings = load_settings(**self.settings_overrides())
        session = LoopbackSession(api=TelegramAPIServer.from_base(self.emu.url))
        app = self.app = await create_app(
            settings, self.clock, schedule=self.schedule, session=session
        )
        self.emu.settle = self.settle
        if self.polling:
            polls = sum(r.method == "getUpdates" for r in self.emu.requests)
            self.emu.deliver = None
            self.task = asyncio.create_task(app.run_polling(handle_signals=False))
            await wait_until(
                lambda: sum(r.method == "getUpdates" for r in self.emu.requests) > polls
            )
        else:
            await app.dispatcher.emit_startup(bot=app.bot)
            self.emu.deliver = self.feed
        return app

    async def feed(self, update: dict[str, Any]) -> None:
        assert self.app is not None
        await self.app.dispatcher.feed_raw_update(self.app.bot, update)

    async def settle(self, within: float = 20) -> None:
        """Wait until the buttons are answered and the outbox has delivered what the last
        update queued."""
        if self.app is not None:
            await asyncio.wait_for(self.app.updates.drain(), within)
            await asyncio.wait_for(self.app.reports.drain(), within)
            await asyncio.wait_for(self.app.sender.flush(), within)

    @contextlib.contextmanager
    def hurried(self) -> Iterator[None]:
        """Each step returns once its buttons are answered, without waiting for the outbox:
        for a test that acts while messages are still on their way."""

        async def answers_only() -> None:
            if self.app is not None:
                await self.app.updates.drain()

        self.emu.settle = answers_only
        try:
            yield
        finally:
            self.emu.settle = self.settle

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        if self.task is not None:
            await app.stop()
            await self.task
            self.task = None
        else:
            await app.dispatcher.emit_shutdown(bot=app.bot)
        await app.close()

    async def kill(self) -> None:
        """Stop as a crash would: nothing flushed, nothing finished."""
        app, task = self.app, self.task
        assert app is not None
        await app.sender.kill()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await app.reminders.shutdown()
        await app.close()
        self.app = self.task = None

    async def restart(self) -> App:
        await self.stop()
        return await self.start()


@dataclass
class Cast:
    """The people of the scenarios, bound through their invite links."""

    coordinator: User
    housing: User  # executor, МКУ «УРЖКК» (block ЖКХ)
    water: User  # executor, МУП «Междуреченский водоканал» (block ЖКХ)
    school: User  # executor, МКУ «Управление образованием»
    stranger: User
    supervisor: User  # deputy head over УРЖКК and the water company
    head: User
    education_supervisor: User  # deputy head over the education department


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """`python -m bot`'s main(), called by some tests, sets up logging to the stderr of the
    moment; later tests must not write to it."""
    handlers, level = list(logging.root.handlers), logging.root.level
    yield
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emu(clock: FakeClock) -> AsyncIterator[Emulator]:
    emulator = Emulator(TOKEN, clock=clock)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def harness(
    emu: Emulator, tmp_path: Path, clock: FakeClock, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    """The bot, fed updates in process; a test marked `polling` has it poll over HTTP."""
    h = Harness(emu, tmp_path / "bot.sqlite3", clock)
    h.polling = request.node.get_closest_marker("polling") is not None
    if marker := request.node.get_closest_marker("profile"):
        h.profile = marker.args[0]
    await h.start()
    yield h
    await h.stop()


@pytest.fixture
async def cast(harness: Harness, emu: Emulator) -> Cast:
    assert harness.app is not None
    result = await harness.app.directory.import_csv(DIRECTORY_CSV)
    codes = {p.full_name: p.invite_code for p in result.pending_invites}
    people = Cast(
        coordinator=User(emu, COORDINATOR_ID, "Ольга", "Координатова"),
        housing=User(emu, 2001, "Анна", "Иванова"),
        water=User(emu, 2002, "Семён", "Сидоров"),
        school=User(emu, 2003, "Пётр", "Петров"),
        stranger=User(emu, 3001, "Незнакомец"),
        supervisor=User(emu, 4001, "Кирилл", "Кузнецов"),
        head=User(emu, 4002, "Галина", "Главная"),
        education_supervisor=User(emu, 4003, "Ольга", "Орлова"),
    )
    for user, name in [
        (people.housing, "Иванова Анна Сергеевна"),
        (people.water, "Сидоров Семён Ильич"),
        (people.school, "Петров Пётр Петрович"),
        (people.supervisor, "Кузнецов Кирилл Олегович"),
        (people.head, "Главная Галина Андреевна"),
        (people.education_supervisor, "Орлова Ольга Викторовна"),
    ]:
        await user.send(f"/start {codes[name]}")
        assert "Вы зарегистрированы" in user.last().text
    return people
