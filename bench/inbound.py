"""Inbound benchmark: updates handled per second through the full stack (real aiogram
Dispatcher, the workflow's handlers, SQLite, the outbox) against the Bot API emulator, and
the latency of each update, side by side with a bare aiogram echo bot on the same harness.
The emulator runs in a process of its own and makes the load; each bot runs in a fresh one.

    python bench/inbound.py [--json] [--to-commit]

A shared 2-core machine drifts by a quarter within minutes, and the bots are measured one
after the other: they are measured in three rounds, each round one run of each back to back
(in alternating order), and the round with the median ratio between the two is reported: a
slow spell that spans runs of different rounds then cannot make one bot look faster than it
is against the other (latency from the first run of each).

Each update is a coordinator forwarding a post: the bot opens an incident, stores it and
queues its card. By default an update counts as handled when the emulator receives the
reply, with outbound pacing switched off (outbound.py measures it). With --to-commit it
counts as handled when the bot confirms it to Telegram, which it does once the handling has
committed (the card is then durably queued), and the sender keeps Telegram's pace meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from harness import TOKEN, RemoteEmulator, emulator, wait_for, workflow_bot

CHATS = 100
THROUGHPUT_UPDATES = 1000
LATENCY_SAMPLES = 300
ROUNDS = 3
USERS = [100 + n for n in range(CHATS)]


async def measure(emu: RemoteEmulator, to_commit: bool, samples: int) -> tuple[float, list[float]]:
    """Updates per second and each latency, up to the bot's reply or, with `to_commit`, up to
    the moment the bot confirms the update to Telegram (its handling has committed)."""

    async def done_at() -> float:
        return float((await emu.stats())["confirmed_at" if to_commit else "last_sent_at"])

    await asyncio.sleep(1)  # let the bot start polling
    latencies = []
    for n in range(samples):  # one at a time: handling, not queueing
        user = USERS[n % CHATS]
        before = (await emu.sent()).get(user, 0)
        began = time.monotonic()
        update_id = await emu.message(user, f"Пост номер {n}: во дворе яма")

        async def answered(u: int = user, b: int = before, i: int = update_id) -> bool:
            if to_commit:
                return int((await emu.stats())["confirmed"]) >= i
            return (await emu.sent()).get(u, 0) > b

        await wait_for(answered, every=0.005)
        latencies.append((await done_at() - began) * 1000)
    expected = sum((await emu.sent()).values()) + THROUGHPUT_UPDATES
    # All at once, made by the emulator: the bot's process does nothing but handle them.
    began, last = await emu.burst(USERS, THROUGHPUT_UPDATES)

    async def all_answered() -> bool:
        if to_commit:
            return int((await emu.stats())["confirmed"]) >= last
        return sum((await emu.sent()).values()) >= expected

    # Checked seldom, so as not to load the bot's process.
    await wait_for(all_answered, every=0.05)
    return THROUGHPUT_UPDATES / (await done_at() - began), latencies


@asynccontextmanager
async def echo_bot(url: str) -> AsyncIterator[None]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def repeat(message: Message) -> None:
        await message.answer(message.text or "…")

    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        await task


async def run(kind: str, samples: int) -> tuple[float, list[float]]:
    async with emulator() as emu:
        if kind == "echo":  # its handling is the reply: nothing to commit
            async with echo_bot(emu.url):
                return await measure(emu, False, samples)
        with tempfile.TemporaryDirectory() as folder:
            if kind == "workflow-commit":  # the sender paced as in production
                async with workflow_bot(emu.url, Path(folder), USERS):
                    return await measure(emu, True, samples)
            async with workflow_bot(
                emu.url,
                Path(folder),
                USERS,
                send_per_second=0,
                send_private_interval=0,
                send_group_interval=0,
            ):
                return await measure(emu, False, samples)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def run_apart(kind: str, samples: int) -> tuple[float, list[float]]:
    """Each run in a fresh process: no bot inherits another's imports and heap."""
    done = subprocess.run(
        [sys.executable, __file__, "--only", kind, "--samples", str(samples)],
        check=True,
        capture_output=True,
        text=True,
    )
    rate, latencies = json.loads(done.stdout)
    return float(rate), [float(x) for x in latencies]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--to-commit",
        action="store_true",
        help="the workflow's updates count as handled once committed and confirmed to"
        " Telegram, with its sender paced as in production (the echo bot's still at its reply)",
    )
    parser.add_argument(
        "--only", choices=["workflow", "workflow-commit", "echo"], help=argparse.SUPPRESS
    )
    parser.add_argument("--samples", type=int, default=LATENCY_SAMPLES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(asyncio.run(run(args.only, args.samples))))
        return
    flow = "workflow-commit" if args.to_commit else "workflow"
    rates: dict[str, list[float]] = {flow: [], "echo": []}
    latency: dict[str, list[float]] = {}
    for n in range(ROUNDS):
        for kind in (flow, "echo") if n % 2 == 0 else ("echo", flow):
            rate, latencies = run_apart(kind, LATENCY_SAMPLES if n == 0 else 0)
            rates[kind].append(rate)
            latency.setdefault(kind, latencies)
    rounds = sorted(zip(rates[flow], rates["echo"], strict=True), key=lambda r: r[0] / r[1])
    flow_rate, echo_rate = rounds[len(rounds) // 2]
    flow_latency, echo_latency = latency[flow], latency["echo"]
    result = {
        "workflow_updates_per_s": round(flow_rate, 1),
        "echo_updates_per_s": round(echo_rate, 1),
        "p50_ms": round(percentile(flow_latency, 0.5), 2),
        "p99_ms": round(percentile(flow_latency, 0.99), 2),
    }
    if args.json:
        print(json.dumps(result))
        return
    ratios = ", ".join(f"{f / e:.2f}" for f, e in zip(rates[flow], rates["echo"], strict=True))
    print(f"workflow / echo bot, by round: {ratios}")
    for name, rate, times in (
        ("workflow", flow_rate, flow_latency),
        ("echo bot", echo_rate, echo_latency),
    ):
        print(
            f"{name}: {rate:.0f} updates/s (the median round of {ROUNDS});"
            f" latency p50 {percentile(times, 0.5):.1f} ms, p99 {percentile(times, 0.99):.1f} ms"
        )


if __name__ == "__main__":
    main()
