"""Whether a notice may arrive without a sound: outside working time, what waits for the
morning (its term starts then) does not wake anyone up."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calendar import WorkingCalendar
from bot.domain.model import Category
from bot.domain.outcomes import Outcome, TermNotice


def arrives_silently(
    outcome: Outcome,
    category: Category | None,
    now: datetime,
    calendar: WorkingCalendar,
    urgent: bool = False,
) -> bool:
    """Silent outside working time, except a high-importance or urgent incident (it is dealt
    with at once) and a term's notices (an overdue term is escalated loudly; reminders fall
    inside working time anyway, but for an urgent one)."""
    if category is Category.HIGH or urgent or isinstance(outcome, TermNotice):
        return False
    return not calendar.is_working_time(now)
