"""The rules of the directory edited from the chat (bot/domain/staff.py), without a bot."""

from __future__ import annotations

from bot.domain.actions import Actor, Denial
from bot.domain.model import Role
from bot.domain.records import Organisation, Person
from bot.domain.staff import (
    clean_name,
    may_edit,
    name_denial,
    placement_denial,
    same_name,
    same_person,
)


def person(name: str, *, active: bool = True) -> Person:
    return Person(1, name, "", Role.EXECUTOR, 1, "МКУ «УРЖКК»", None, None, active)


def test_names() -> None:
    assert clean_name("  Иванова   Анна\tСергеевна ") == "Иванова Анна Сергеевна"
    assert name_denial("") is Denial.EMPTY_NAME
    assert name_denial("я" * 201) is Denial.NAME_TOO_LONG
    assert name_denial("я" * 200) is None
    assert name_denial("МКУ «А»; МКУ «Б»", organisation=True) is Denial.NAME_SEMICOLON
    assert name_denial("Иванова; Анна") is None  # only an organisation's name is listed by «;»


def test_duplicates_fold_case_yo_quotes_and_spaces() -> None:
    members = [person("Семёнова Анна Сергеевна"), person("Петров Пётр Петрович", active=False)]
    assert same_person("семенова  анна сергеевна", members) is members[0]
    assert same_person("Петров Пётр Петрович", members) is None  # switched off: not a duplicate
    orgs = [(1, "МКУ «УРЖКК»"), (2, 'ООО "Ромашка"')]
    assert same_name("мку уржкк", orgs) == 1
    assert same_name("ООО «Ромашка»", orgs) == 2
    assert same_name("МКУ «УРЖКК»", orgs, but=1) is None  # its own name
    assert same_name("МКУ «УРЖКК-2»", orgs) is None


def test_who_may_edit_and_where_a_role_goes() -> None:
    assert may_edit(Actor(1, "Незнакомец")) is Denial.UNKNOWN_PERSON
    assert may_edit(Actor(2, "Иванова", person_id=5, role=Role.EXECUTOR)) is Denial.NOT_COORDINATOR
    assert may_edit(Actor(3, "Координатова", is_coordinator=True)) is None
    blockless = Organisation(1, "Администрация", None, "", None)
    housing = Organisation(2, "МКУ «УРЖКК»", 7, "ЖКХ", None)
    assert placement_denial(Role.EXECUTOR, blockless) is Denial.NEEDS_BLOCK
    assert placement_denial(Role.EXECUTOR, None) is Denial.NEEDS_BLOCK
    assert placement_denial(Role.EXECUTOR, housing) is None
    assert placement_denial(Role.SUPERVISOR, blockless) is None
    assert placement_denial(Role.HEAD, None) is None
