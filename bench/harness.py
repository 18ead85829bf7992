"""Shared pieces of the benchmarks: the tests' Bot API emulator, run in a process of its own
(as Telegram would be: not competing for the bot's event loop), and the bot built on it."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import App, create_app  # noqa: E402
from bot.config import load_settings  # noqa: E402

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"


class RemoteEmulator:
    """Talks to tests/emulator.py running in another process."""

    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url = url
        self.http = http

    async def message(self, user: int, text: str) -> int:
        async with self.http.post(
            f"{self.url}/_control/message", json={"user": user, "text": text}
        ) as response:
            return int((await response.json())["update_id"])

    async def burst(self, users: list[int], count: int) -> tuple[float, int]:
        """`count` messages from `users` in turn, queued at once by the emulator itself;
        returns when they were queued (time.monotonic, comparable across processes) and the
        last one's update_id."""
        async with self.http.post(
            f"{self.url}/_control/burst", json={"users": users, "count": count}
        ) as response:
            data = await response.json()
        return float(data["at"]), int(data["last_update_id"])

    async def play(self, rate: float, steps: list[dict[str, Any]]) -> None:
        """People act at `rate` updates a second (0: all at once), whatever the bot does."""
        async with self.http.post(
            f"{self.url}/_control/play", json={"rate": rate, "steps": steps}
        ):
            pass

    async def timings(self) -> dict[str, dict[str, float]]:
        """When each update was made available, and when the bot confirmed it."""
        async with self.http.get(f"{self.url}/_control/timings") as response:
            data: dict[str, dict[str, float]] = await response.json()
        return data

    async def open(self, chats: list[int]) -> None:
        async with self.http.post(f"{self.url}/_control/open", json={"chats": chats}):
            pass

    async def stats(self) -> dict[str, Any]:
        async with self.http.get(f"{self.url}/_control/sent") as response:
            data: dict[str, Any] = await response.json()
        data["sent"] = {int(k): v for k, v in data["sent"].items()}
        return data

    async def sent(self) -> dict[int, int]:
        return dict((await self.stats())["sent"])


@asynccontextmanager
async def emulator(*, limits: bool = False) -> AsyncIterator[RemoteEmulator]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, str(ROOT / "tests" / "emulator.py"), TOKEN, str(port)]
    process = await asyncio.create_subprocess_exec(
        *args, *(["limits"] if limits else []), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        url = (await process.stdout.readline()).decode().strip()
        async with aiohttp.ClientSession() as http:
            yield RemoteEmulator(url, http)
    finally:
        process.terminate()
        await process.wait()


@asynccontextmanager
async def workflow_bot(
    url: str, folder: Path, coordinators: list[int], **settings: Any
) -> AsyncIterator[App]:
    app = await create_app(
        load_settings(
            bot_token=TOKEN,
            timezone="Asia/Yekaterinburg",
            coordinator_ids=",".join(map(str, coordinators)),
            bot_api_url=url,
            database_path=folder / "bench.sqlite3",
            _env_file=None,
            **settings,
        ),
        schedule=False,
    )
    task = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        yield app
    finally:
        await app.stop()
        await task
        await app.close()


async def wait_for(check: Any, limit: float = 120, every: float = 0.002) -> None:
    deadline = time.monotonic() + limit
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        await asyncio.sleep(every)
