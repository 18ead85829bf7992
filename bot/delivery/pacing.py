"""Telegram's rate limits as the sender keeps them
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): about 30
messages a second in all, one a second to a private chat, 20 a minute to a group.

Telegram counts a message when it arrives, and a request can take its time to get there; so
each limit is kept from the moments the answers came back, which a message never arrives
after. A chat's next message starts an interval after the previous one was answered; the
global limit counts each message from its start until a second after its answer. A request
that lagged then cannot let the ones behind it bunch up. (A rate limiter such as aiolimiter
paces the starts, which is why it is not used here.) The starts are also spread evenly over
the second, so that sending comes in small steps between the updates being handled rather
than in one burst a second.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SAFETY = 1.02  # a little under the per-chat limits and the even spread: clocks drift
WINDOW = 1.0  # the global limit's second: exact as it is counted from the answers


@dataclass(frozen=True)
class RateLimits:
    per_second: float = 30.0  # all chats together; 0: no limit
    private_interval: float = 1.0  # seconds between messages to one private chat
    group_interval: float = 3.0  # 20 a minute to one group

    def chat_interval(self, chat_id: int) -> float:
        return (self.group_interval if chat_id < 0 else self.private_interval) * SAFETY


class Pacing:
    def __init__(self, limits: RateLimits, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.now = now
        self._chat_ready: dict[int, float] = {}
        self._answered: deque[float] = deque()  # answers of the last second, oldest first
        self._in_flight = 0
        self._next_start = 0.0

    def restart(self, chats: Iterable[int]) -> None:
        """At start-up: what the previous run sent just before it stopped is unknown, so each
        waiting chat first waits one interval, and all of them a second."""
        now = self.now()
        for chat in chats:
            self._chat_ready[chat] = now + self.limits.chat_interval(chat)
        if self.limits.per_second > 0:
            self._answered.extend([now] * int(self.limits.per_second))

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked this chat to wait (429 with retry_after)."""
        self._chat_ready[chat_id] = self.now() + seconds * SAFETY

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may get its next message (0: now)."""
        return max(0.0, self._chat_ready.get(chat_id, 0.0) - self.now())

    def global_wait(self) -> float | None:
        """Seconds until one more message may start (0: now); None if that depends on a
        message in flight being answered."""
        if self.limits.per_second <= 0:
            return 0.0
        now, window = self.now(), WINDOW
        while self._answered and self._answered[0] <= now - window:
            self._answered.popleft()
        spread = max(0.0, self._next_start - now)
        if self._in_flight + len(self._answered) < int(self.limits.per_second):
            return spread
        if not self._answered:
            return None
        return max(spread, self._answered[0] + window - now)

    def started(self) -> None:
        self._in_flight += 1
        if self.limits.per_second > 0:
            # From the slot it had, not from when it started: lateness does not add up.
            self._next_start = max(self._next_start + SAFETY / self.limits.per_second, self.now())

    def answered(self, chat_id: int) -> None:
        """The request for this chat came back (whatever the answer: it may have arrived)."""
        now = self.now()
        self._in_flight -= 1
        self._chat_ready[chat_id] = max(
            self._chat_ready.get(chat_id, 0.0), now + self.limits.chat_interval(chat_id)
        )
        if self.limits.per_second > 0:
            self._answered.append(now)
