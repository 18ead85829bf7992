"""Answer terms from the regulation (Krasnoufimsk, point 12).

Counted in calendar time for now; working-time counting (point 9) replaces this in the
deadline engine.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import Category

ANSWER_TERM = {
    Category.ORDINARY: timedelta(hours=6),
    Category.FAST_TRACK: timedelta(hours=6),
    Category.HIGH: timedelta(hours=3),
}


def answer_due(detected_at: datetime, category: Category) -> datetime:
    if detected_at.tzinfo is None:
        raise ValueError("detected_at must be timezone-aware")
    return detected_at + ANSWER_TERM[category]


def parse_local_time(raw: str, tz: ZoneInfo) -> datetime | None:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» as wall-clock time in the municipality's zone; None if malformed."""
    try:
        naive = datetime.strptime(raw.strip(), "%d.%m.%Y %H:%M")  # noqa: DTZ007 - zone set below
    except ValueError:
        return None
    return naive.replace(tzinfo=tz)
