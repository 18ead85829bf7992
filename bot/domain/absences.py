"""Acting substitutes (seed 001, 3.8: «лица, исполняющие их обязанности»): who may stand in
for whom, which absences make sense, and how the history names a substitute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from bot.domain.model import Role

YEARS = (2000, 2100)  # a date outside is a typo


@dataclass(frozen=True)
class Member:
    """Someone who can be absent or stand in: a bound person of the directory, or a
    coordinator of the settings (no person row, `person_id` None)."""

    chat: int
    name: str
    role: Role
    organisation_id: int | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class Absence:
    id: int
    absent: Member
    substitute: Member | None  # None: a coordinator away while others are present
    starts_on: date
    ends_on: date  # the last day away, inclusive: the absence ends by itself after it

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on


class Problem(StrEnum):
    """Why an absence cannot be recorded; each has a Russian text in templates."""

    NOT_ALLOWED = "not_allowed"  # someone else's absence, marked by a non-coordinator
    NOT_FOUND = "not_found"  # a person or an absence no longer there (a stale button)
    ENDS_BEFORE_START = "ends_before_start"
    IN_THE_PAST = "in_the_past"
    ALREADY_ABSENT = "already_absent"  # an absence of the same person overlaps
    STANDS_IN = "stands_in"  # the person is a substitute for someone in those days
    SUBSTITUTE_IS_SELF = "substitute_is_self"
    SUBSTITUTE_ABSENT = "substitute_absent"
    SUBSTITUTE_BUSY = "substitute_busy"  # already stands in for someone else then
    OTHER_ROLE = "other_role"
    OTHER_ORGANISATION = "other_organisation"
    NO_SUBSTITUTE = "no_substitute"  # only a coordinator may be away with nobody instead
    NO_COORDINATOR_LEFT = "no_coordinator_left"


def may_substitute(absent: Member, substitute: Member) -> Problem | None:
    """Same role; the Head's duties go to a deputy head (as in the municipal acts); an
    executor's to a colleague of the same organisation, whose cards they already get."""
    if substitute.chat == absent.chat:
        return Problem.SUBSTITUTE_IS_SELF
    allowed = {absent.role} | ({Role.SUPERVISOR} if absent.role is Role.HEAD else set())
    if substitute.role not in allowed:
        return Problem.OTHER_ROLE
    if absent.role is Role.EXECUTOR and substitute.organisation_id != absent.organisation_id:
        return Problem.OTHER_ORGANISATION
    return None


def check_absence(
    absent: Member,
    substitute: Member | None,
    starts_on: date,
    ends_on: date,
    *,
    today: date,
    existing: list[Absence],
    coordinators: list[Member],
) -> Problem | None:
    """`existing`: the absences not cancelled and not over; `coordinators`: all of them."""
    if ends_on < starts_on:
        return Problem.ENDS_BEFORE_START
    if ends_on < today:
        return Problem.IN_THE_PAST
    during = [a for a in existing if a.overlaps(starts_on, ends_on)]
    if any(a.absent.chat == absent.chat for a in during):
        return Problem.ALREADY_ABSENT
    if any(a.substitute and a.substitute.chat == absent.chat for a in during):
        return Problem.STANDS_IN
    if substitute is None:
        if absent.role is not Role.COORDINATOR:
            return Problem.NO_SUBSTITUTE
        away = {a.absent.chat for a in during}
        if not [c for c in coordinators if c.chat != absent.chat and c.chat not in away]:
            return Problem.NO_COORDINATOR_LEFT
        return None
    if problem := may_substitute(absent, substitute):
        return problem
    if any(a.absent.chat == substitute.chat for a in during):
        return Problem.SUBSTITUTE_ABSENT
    if any(a.substitute and a.substitute.chat == substitute.chat for a in during):
        return Problem.SUBSTITUTE_BUSY
    return None


def stand_ins(absences: list[Absence], day: date) -> dict[int, int | None]:
    """Whose chat is replaced by whose on `day`: absent chat -> substitute's (None: nobody,
    their messages go to the other coordinators)."""
    return {
        a.absent.chat: a.substitute.chat if a.substitute else None
        for a in absences
        if a.covers(day)
    }


_DATE = r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?"
_DAYS = re.compile(rf"(?:с\s*)?{_DATE}(?:\s*(?:[-–—]|по)\s*{_DATE})?")


def parse_days(text: str, today: date) -> tuple[date, date] | None:
    """«10.03–20.03», «10.03.2026 - 20.03.2026», «с 10.03 по 20.03» or one day «10.03»;
    a date without a year is this year's, or next year's when it is long past. None: not
    understood (a day that is none included)."""
    m = _DAYS.fullmatch(" ".join(text.lower().split()))
    if m is None:
        return None
    d1, m1, y1, d2, m2, y2 = m.groups()
    try:
        first = _day(d1, m1, y1, today)
        last = _day(d2, m2, y2, today) if d2 else first
    except ValueError:
        return None
    if not YEARS[0] <= first.year <= last.year <= YEARS[1]:
        return None
    return first, last


def _day(day: str, month: str, year: str | None, today: date) -> date:
    if year:
        return date(int(year), int(month), int(day))
    found = date(today.year, int(month), int(day))
    # A day long past this year (a leave in January typed in December) is next year's.
    return found if found >= today - timedelta(days=31) else found.replace(year=today.year + 1)


_maker = PetrovichDeclinationMaker()


def accusative(name: str) -> str:
    """«Петров П. П.» -> «Петрова П. П.», «Орлова Ольга Викторовна» -> «Орлову О. В.»: the
    surname declined as after «за»; initials stay. A name that is not «Фамилия Имя
    Отчество» (a Telegram name) stays as it is."""
    parts = name.split()
    if len(parts) != 3:
        return name
    surname, first, middle = parts
    initials = f"{first[0]}. {middle[0]}."
    if middle.endswith("."):
        return name  # initials only: no patronymic to tell the gender by
    if middle.endswith(("ич", "оглы")):
        gender = Gender.MALE
    elif middle.endswith(("на", "кызы")):
        gender = Gender.FEMALE
    else:
        return f"{surname} {initials}"  # no patronymic to tell by
    declined = _maker.make(NamePart.LASTNAME, gender, Case.ACCUSATIVE, surname)
    return f"{declined} {initials}"


def acting_name(name: str, absent: list[str]) -> str:
    """How the history and the escalations name a substitute: «Иванов Иван Иванович (и. о.
    за Петрова П. П.)»."""
    if not absent:
        return name
    return f"{name} (и. о. за {', '.join(accusative(a) for a in absent)})"
