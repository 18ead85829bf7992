"""The directory edited from the chat: who may edit it, what a name may be, what counts as a
duplicate, where a role may be placed, and the kinds of change kept in the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.actions import Actor, Denial
from bot.domain.model import Role
from bot.domain.records import Organisation, Person

MAX_NAME = 200  # characters of a full name or an organisation's name
# The order the roles are offered in when a person is added.
ROLES = (Role.EXECUTOR, Role.COORDINATOR, Role.SUPERVISOR, Role.HEAD)
_QUOTES = str.maketrans("", "", "«»\"“”„'‘’")


class AuditAction(StrEnum):
    PERSON_ADDED = "person_added"
    PERSON_MOVED = "person_moved"
    PERSON_OFF = "person_off"
    ORG_ADDED = "org_added"
    ORG_RENAMED = "org_renamed"
    ORG_BLOCK = "org_block"
    SUPERVISOR_ON = "supervisor_on"
    SUPERVISOR_OFF = "supervisor_off"
    CSV_IMPORT = "csv_import"


@dataclass(frozen=True)
class AuditEntry:
    """One change: when, who, what; `details` names what it touched as it was then."""

    at: datetime
    actor_name: str
    action: AuditAction
    details: dict[str, str | int] = field(default_factory=dict)
    actor_telegram_id: int | None = None  # None: the server (a CSV import)


def may_edit(actor: Actor) -> Denial | None:
    """Only a coordinator edits the directory."""
    if not actor.known:
        return Denial.UNKNOWN_PERSON
    if not actor.is_coordinator:
        return Denial.NOT_COORDINATOR
    return None


def clean_name(text: str) -> str:
    """A name as typed, its spaces collapsed (as the CSV import does)."""
    return " ".join(text.split())


def name_denial(name: str, *, organisation: bool = False) -> Denial | None:
    """Why `name` (cleaned) cannot be a person's full name or an organisation's name."""
    if not name:
        return Denial.EMPTY_NAME
    if len(name) > MAX_NAME:
        return Denial.NAME_TOO_LONG
    if organisation and ";" in name:
        return Denial.NAME_SEMICOLON  # the CSV's «курирует» lists organisations by «;»
    return None


def fold(name: str) -> str:
    """What two names are compared by: case, «ё», quotes and spaces aside."""
    return " ".join(name.casefold().replace("ё", "е").translate(_QUOTES).split())


def same_person(name: str, members: Iterable[Person]) -> Person | None:
    """An active person of the same full name among `members` (of one organisation)."""
    return next((p for p in members if p.active and fold(p.full_name) == fold(name)), None)


def same_name(
    name: str, existing: Iterable[tuple[int, str]], but: int | None = None
) -> int | None:
    """The id of an organisation (or a block), other than `but`, that has this name
    already."""
    return next((i for i, other in existing if i != but and fold(other) == fold(name)), None)


def placement_denial(role: Role, organisation: Organisation | None) -> Denial | None:
    """An executor works in an organisation of a thematic block (as in the CSV); the other
    roles may have an organisation or none."""
    if role is Role.EXECUTOR and (organisation is None or organisation.block_id is None):
        return Denial.NEEDS_BLOCK
    return None
