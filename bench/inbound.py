"""Inbound benchmark: does the bot hold a region's peak?

    python bench/inbound.py [--json] [--rate 50] [--seconds 60]

An open-loop load: the Bot API emulator (a process of its own) makes `rate` updates a second
available for `seconds`, whatever the bot does, from 50 chats (2 coordinators, 48
executors): the mixed steps of incidents going their whole way (forward a post, category,
route, accept, «Ответить», the answer's text, submit, approve, publish), many incidents at
once. The bot is the real one (aiogram's polling, SQLite with synchronous=FULL, the outbox
and its sender at Telegram's pace), in a process of its own.

Latency is from the moment an update is made available to the moment the bot confirms it
to Telegram, which it does only once the update's handling, with every reply it queued, has
committed: so it is at least the time to the first queued reply. `lost`: updates never
confirmed. For information, `max_rate`: the same mix made available all at once, updates
confirmed per second; `echo_max_rate`: a bare aiogram echo bot on a burst of messages,
replies per second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from harness import TOKEN, RemoteEmulator, emulator, wait_for, workflow_bot

from bot.app import App

# A municipality's control centre: two coordinators, each organisation's executor.
COORDINATORS = [100, 101]
EXECUTORS = [200 + n for n in range(48)]  # one organisation each
BURST = 1500


def directory_csv() -> str:
    rows = ["организация;тематический блок;фио;должность;роль"]
    rows += [
        f"Организация {n:02d};ЖКХ;Исполнитель {n:02d};специалист;исполнитель"
        for n in range(len(EXECUTORS))
    ]
    return "\n".join(rows) + "\n"


async def set_up(app: App, emu: RemoteEmulator) -> dict[int, int]:
    """The directory, each executor bound to a chat; returns organisation id by executor."""
    result = await app.directory.import_csv(directory_csv())
    codes = {p.full_name: p.invite_code for p in result.pending_invites}
    for n, chat in enumerate(EXECUTORS):
        code = codes[f"Исполнитель {n:02d}"]
        assert code is not None
        assert await app.directory.bind(code, chat) is not None
    orgs = {o.name: o.id for o in await app.directory.organisations()}
    await emu.open(COORDINATORS + EXECUTORS)
    return {chat: orgs[f"Организация {n:02d}"] for n, chat in enumerate(EXECUTORS)}


ANSWER = "Яму засыпали, двор убран."


def mixed_steps(count: int, org_of: dict[int, int]) -> list[dict[str, Any]]:
    """`count` updates: one incident in flight per executor, the flows' next steps taken in
    turn, so that every kind of step is in the mix at any moment. Incidents and drafts are
    numbered in the order their first update comes, as the bot numbers them (it handles
    the updates one at a time, in order)."""

    def flow(n: int) -> list[dict[str, Any]]:
        coordinator, executor = COORDINATORS[n % len(COORDINATORS)], EXECUTORS[n]
        return [
            {"user": coordinator, "text": f"Пост {n}: во дворе яма, нужна помощь", "forward": 1},
            {"user": coordinator, "data": "c1:{i}:ordinary"},
            {"user": coordinator, "data": f"p1:o:{{i}}:0:0:{org_of[executor]}"},
            {"user": executor, "data": "i1:acc:{i}"},
            {"user": executor, "data": "i1:ans:{i}"},
            {"user": executor, "text": ANSWER},
            {"user": executor, "data": "d1:s:{d}:final"},
            {"user": coordinator, "data": "d1:a:{d}:final"},
            {"user": coordinator, "data": "d1:p:{d}:final"},
        ]

    flows: list[list[dict[str, Any]]] = [[] for _ in EXECUTORS]
    incident, draft = [0] * len(EXECUTORS), [0] * len(EXECUTORS)
    incidents = drafts = 0
    steps: list[dict[str, Any]] = []
    while len(steps) < count:
        n = len(steps) % len(EXECUTORS)
        flows[n] = flows[n] or flow(n)
        step = flows[n].pop(0)
        if step.get("text", "").startswith("Пост"):
            incidents += 1
            incident[n] = incidents
        elif step.get("text") == ANSWER:
            drafts += 1
            draft[n] = drafts
        else:
            step = {**step, "data": step["data"].format(i=incident[n], d=draft[n])}
        steps.append(step)
    return steps


async def workflow(rate: float, count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        async with emulator() as emu, workflow_bot(emu.url, Path(folder), COORDINATORS) as app:
            await emu.play(rate, mixed_steps(count, await set_up(app, emu)))

            async def all_confirmed() -> bool:
                return len((await emu.timings())["confirmed"]) >= count

            await wait_for(all_confirmed, limit=count / max(rate, 1) + 120, every=0.5)
            async with app.db.read() as conn:
                rows = await conn.execute_fetchall(
                    "SELECT COUNT(*) FROM incidents WHERE state = 'closed'"
                )
            return {"timings": await emu.timings(), "closed": next(iter(rows))[0]}


async def echo(count: int) -> float:
    async with emulator() as emu:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
        dispatcher = Dispatcher()

        @dispatcher.message()
        async def repeat(message: Message) -> None:
            await message.answer(message.text or "…")

        task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
        await asyncio.sleep(1)  # polling
        began, _ = await emu.burst(COORDINATORS + EXECUTORS, count)

        async def all_answered() -> bool:
            return sum((await emu.sent()).values()) >= count

        await wait_for(all_answered, every=0.05)
        rate = count / (float((await emu.stats())["last_sent_at"]) - began)
        await dispatcher.stop_polling()
        await task
        return rate


def run_apart(*args: str) -> Any:
    """Each run in a fresh process: no bot inherits another's imports and heap."""
    done = subprocess.run(
        [sys.executable, __file__, "--only", *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--only", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        kind, *rest = args.only
        if kind == "echo":
            print(json.dumps(asyncio.run(echo(int(rest[0])))))
        else:
            print(json.dumps(asyncio.run(workflow(float(rest[0]), int(rest[1])))))
        return
    count = int(args.rate * args.seconds)
    load = run_apart("workflow", str(args.rate), str(count))
    pushed, confirmed = load["timings"]["pushed"], load["timings"]["confirmed"]
    latencies = [(confirmed[k] - pushed[k]) * 1000 for k in pushed if k in confirmed]
    burst = run_apart("workflow", "0", str(BURST))["timings"]
    first = min(burst["pushed"].values())
    max_rate = len(burst["confirmed"]) / (max(burst["confirmed"].values()) - first)
    result = {
        "rate": args.rate,
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "lost": len(pushed) - len(latencies),
        "max_rate": round(max_rate, 1),
        "echo_max_rate": round(run_apart("echo", str(BURST)), 1),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{count} updates at {args.rate:g}/s (incidents closed: {load['closed']}):"
        f" p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, lost {result['lost']}"
    )
    print(f"highest rate: {result['max_rate']}/s; an echo bot's: {result['echo_max_rate']}/s")


if __name__ == "__main__":
    main()
