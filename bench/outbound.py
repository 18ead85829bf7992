"""Outbound benchmark: 1 000 notifications to 100 chats through the outbox, with the Bot API
emulator (in a process of its own) enforcing Telegram's limits: 30 messages a second in
total, one a second to a private chat.

    python bench/outbound.py [--json]

minimum_seconds is the least time the limits allow: 1 000 messages at 30 a second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from harness import emulator, wait_for, workflow_bot

MESSAGES = 1000
CHATS = [10_000 + n for n in range(100)]


async def run() -> dict[str, float | int]:
    async with emulator(limits=True) as emu:
        await emu.open(CHATS)
        with tempfile.TemporaryDirectory() as folder:
            async with workflow_bot(emu.url, Path(folder), [1]) as app:
                await asyncio.sleep(1.5)  # start-up: the sender's first interval has passed
                began = time.perf_counter()
                async with app.db.transaction():
                    for n in range(MESSAGES):
                        chat = CHATS[n % len(CHATS)]
                        await app.queue.send(chat, f"Уведомление {n} для {chat}")

                async def delivered() -> bool:
                    return sum((await emu.sent()).values()) >= MESSAGES

                await wait_for(delivered, limit=110, every=0.05)
                seconds = time.perf_counter() - began
                stats = await emu.stats()
    per_chat = MESSAGES / len(CHATS)
    minimum = max((MESSAGES - 1) / 30, (per_chat - 1) * 1.0)
    return {
        "messages": MESSAGES,
        "seconds": round(seconds, 2),
        "minimum_seconds": round(minimum, 2),
        "http_429": stats["http_429"],
        "lost": MESSAGES - sum(stats["sent"].values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run())
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['messages']} messages in {result['seconds']} s "
            f"(minimum {result['minimum_seconds']} s); 429s: {result['http_429']}; "
            f"lost: {result['lost']}"
        )


if __name__ == "__main__":
    main()
