"""Bursts of activity (p. 25): many incidents of one thematic block in a short time go to
the Head and the coordinators at once, once per burst."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class BurstPolicy:
    count: int  # this many incidents of one block …
    window: timedelta  # … within this long (calendar time) make a burst
    addresses: bool = True  # posts naming the same address count together too


class Step(StrEnum):
    NONE = "none"  # not a burst
    NEW = "new"  # a burst begins: tell the Head and the coordinators
    GOING_ON = "going_on"  # the burst told already goes on: tell nobody again


def step(policy: BurstPolicy, counted: int, last_burst: datetime | None, now: datetime) -> Step:
    """`counted`: the block's incidents within the window up to now; `last_burst`: the
    moment of the latest incident of the block's latest burst. A burst goes on while its
    incidents keep coming within the window of one another."""
    if last_burst is not None and now - last_burst <= policy.window:
        return Step.GOING_ON
    return Step.NEW if counted >= policy.count else Step.NONE
