"""`python -m bot deadlines …` and `python -m bot calendar YYYY-MM`: check a profile before
going live. They need no token and no database: only REGULATION_PROFILE."""

from __future__ import annotations

import calendar as month_calendar
import json
from datetime import date, datetime, timedelta
from typing import Any

from bot.config import ProfileSettings
from bot.domain.model import Category
from bot.domain.profile import Profile, ProfileError, Stage
from bot.profiles import load_profile
from bot.texts import Texts


def profile_from(name: str | None) -> Profile:
    # REGULATION_PROFILE from the environment or .env, as the bot itself reads it.
    return load_profile(name or ProfileSettings().regulation_profile)


def deadlines(category: str, detected: str, profile_name: str | None, as_json: bool) -> str:
    profile = profile_from(profile_name)
    try:
        cat = Category(category)
    except ValueError:
        raise ProfileError(
            f"категория «{category}»: нужна ordinary, fast_track или high"
        ) from None
    try:
        moment = datetime.fromisoformat(detected)
    except ValueError:
        raise ProfileError(f"время «{detected}»: нужно ГГГГ-ММ-ДДTЧЧ:ММ") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=profile.calendar.tz)
    due = profile.all_due(cat, moment)
    if as_json:
        return json.dumps({k: v.isoformat() for k, v in due.items()}, ensure_ascii=False)
    rows = [(Stage(k), profile.term(Stage(k), cat), v) for k, v in due.items()]
    return Texts(profile.calendar.tz).render(
        "cli_deadlines.txt.j2", profile=profile, category=cat, detected=moment, rows=rows
    )


def month(spec: str, profile_name: str | None) -> str:
    profile = profile_from(profile_name)
    try:
        year, number = (int(part) for part in spec.split("-"))
        days = month_calendar.monthrange(year, number)[1]
    except (ValueError, month_calendar.IllegalMonthError):
        raise ProfileError(f"месяц «{spec}»: нужно ГГГГ-ММ, например 2026-01") from None
    cal = profile.calendar
    rows: list[dict[str, Any]] = []
    for day in range(1, days + 1):
        d = date(year, number, day)
        spans = [(_clock(a), _clock(b)) for a, b in cal.intervals(d)]
        holiday = cal.public_holidays.get(d) if hasattr(cal.public_holidays, "get") else None
        rows.append(
            {
                "date": d,
                "spans": spans,
                "hours": cal.working_hours(d),
                "shortened": cal.is_shortened(d),
                "note": holiday,
            }
        )
    total = sum((r["hours"] for r in rows), timedelta(0))
    return Texts(cal.tz).render(
        "cli_calendar.txt.j2",
        profile=profile,
        year=year,
        month=number,
        rows=rows,
        total=total,
        working_days=sum(1 for r in rows if r["spans"]),
    )


def _clock(us: int) -> str:
    minutes = us // 60_000_000
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
