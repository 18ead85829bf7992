"""The directory's screens in the chat (/people): blocks, organisations, a person, and the
choices of a block and of supervisors. Every screen has a way back."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.model import Role
from bot.domain.records import Organisation, Person
from bot.domain.staff import ROLES
from bot.keyboards.common import button, keyboard
from bot.texts import Texts, short_name

PAGE_SIZE = 8


class DirAct(StrEnum):
    MENU = "m"
    BLOCK = "b"  # a block's organisations (block 0: those without one), page `page`
    ORG = "o"  # an organisation's card (org 0: the people of no organisation)
    PERSON = "p"
    ADD_ORG = "ao"  # asks for the name
    ADD_PERSON = "ap"  # asks for the role, then the name
    ROLE = "r"  # the role chosen: asks for the name
    MOVE = "mv"  # where to: the blocks
    MOVE_BLOCK = "mb"  # where to: a block's organisations
    MOVE_TO = "mt"  # move `person` to `org`
    OFF = "x"  # asks to confirm
    OFF_YES = "xy"
    RENAME = "rn"  # asks for the name
    BLOCKS = "bl"  # the blocks to choose from for `org`
    SET_BLOCK = "sb"
    NEW_BLOCK = "nb"  # asks for the new block's name
    SUPERVISORS = "sv"
    TOGGLE = "ts"  # `person` supervises `org`, or no longer
    PAGE = "n"  # the page number between the arrows


class DirCb(CallbackData, prefix="y1"):
    act: DirAct
    org: int = 0
    person: int = 0
    block: int = 0
    page: int = 0
    new: int = 0  # 1: the steps after adding an organisation (block, then supervisors)
    role: Role | None = None


def _word(texts: Texts, key: str) -> str:
    return str(texts.macros("directory.html.j2").BUTTON[key])


def _back(texts: Texts, data: DirCb, key: str = "back") -> list[InlineKeyboardButton]:
    return [button(_word(texts, key), data)]


def menu(
    texts: Texts, blocks: Sequence[tuple[int, str]], unblocked: bool, unplaced: bool
) -> InlineKeyboardMarkup:
    rows = [[button(name, DirCb(act=DirAct.BLOCK, block=block_id))] for block_id, name in blocks]
    if unblocked:
        rows.append([button(_word(texts, "no_block"), DirCb(act=DirAct.BLOCK))])
    if unplaced:
        rows.append([button(_word(texts, "unplaced"), DirCb(act=DirAct.ORG))])
    rows.append([button(_word(texts, "add_org"), DirCb(act=DirAct.ADD_ORG))])
    markup = keyboard(*rows)
    assert markup is not None
    return markup


def organisations(
    texts: Texts,
    orgs: Sequence[Organisation],
    *,
    block_id: int,
    page: int,
    person: int = 0,
) -> InlineKeyboardMarkup:
    """One page of a block's organisations: to open (or, with `person`, to move them to)."""
    pages = max(1, -(-len(orgs) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    act = DirAct.MOVE_TO if person else DirAct.ORG
    rows = [
        [button(org.name, DirCb(act=act, org=org.id, person=person))]
        for org in orgs[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    listing = DirAct.MOVE_BLOCK if person else DirAct.BLOCK
    arrows = [
        button(
            "◀️" if target < page else "▶️",
            DirCb(act=listing, block=block_id, page=target, person=person),
        )
        for target in (page - 1, page + 1)
        if 0 <= target < pages
    ]
    if pages > 1:
        label = f"{page + 1}/{pages}"
        arrows.insert(1 if page > 0 else 0, button(label, DirCb(act=DirAct.PAGE, page=page)))
    back = DirCb(act=DirAct.MOVE, person=person) if person else DirCb(act=DirAct.MENU)
    markup = keyboard(*rows, arrows, _back(texts, back))
    assert markup is not None
    return markup


def organisation(
    texts: Texts, org: Organisation | None, people: Sequence[Person]
) -> InlineKeyboardMarkup:
    org_id = org.id if org else 0
    rows = [
        [button("👤 " + short_name(p.full_name), DirCb(act=DirAct.PERSON, person=p.id))]
        for p in people
        if p.active
    ]
    rows.append([button(_word(texts, "add_person"), DirCb(act=DirAct.ADD_PERSON, org=org_id))])
    if org is not None:
        rows.append(
            [
                button(_word(texts, "rename"), DirCb(act=DirAct.RENAME, org=org_id)),
                button(_word(texts, "block"), DirCb(act=DirAct.BLOCKS, org=org_id)),
                button(_word(texts, "supervisor"), DirCb(act=DirAct.SUPERVISORS, org=org_id)),
            ]
        )
    back = DirCb(act=DirAct.BLOCK, block=org.block_id or 0) if org else DirCb(act=DirAct.MENU)
    markup = keyboard(*rows, _back(texts, back))
    assert markup is not None
    return markup


def roles(texts: Texts, org_id: int, allowed: Sequence[Role]) -> InlineKeyboardMarkup:
    rows = [
        [button(texts.word("ROLE", role), DirCb(act=DirAct.ROLE, org=org_id, role=role))]
        for role in ROLES
        if role in allowed
    ]
    markup = keyboard(*rows, _back(texts, DirCb(act=DirAct.ORG, org=org_id)))
    assert markup is not None
    return markup


def person(texts: Texts, who: Person) -> InlineKeyboardMarkup:
    markup = keyboard(
        [
            button(_word(texts, "move"), DirCb(act=DirAct.MOVE, person=who.id)),
            button(_word(texts, "off"), DirCb(act=DirAct.OFF, person=who.id)),
        ],
        _back(texts, DirCb(act=DirAct.ORG, org=who.organisation_id or 0)),
    )
    assert markup is not None
    return markup


def confirm_off(texts: Texts, who: Person) -> InlineKeyboardMarkup:
    markup = keyboard(
        [button(_word(texts, "off_yes"), DirCb(act=DirAct.OFF_YES, person=who.id))],
        _back(texts, DirCb(act=DirAct.PERSON, person=who.id), "keep"),
    )
    assert markup is not None
    return markup


def move_blocks(
    texts: Texts, person_id: int, blocks: Sequence[tuple[int, str]], unblocked: bool
) -> InlineKeyboardMarkup:
    rows = [
        [button(name, DirCb(act=DirAct.MOVE_BLOCK, block=block_id, person=person_id))]
        for block_id, name in blocks
    ]
    if unblocked:
        rows.append(
            [button(_word(texts, "no_block"), DirCb(act=DirAct.MOVE_BLOCK, person=person_id))]
        )
    markup = keyboard(*rows, _back(texts, DirCb(act=DirAct.PERSON, person=person_id)))
    assert markup is not None
    return markup


def block_choice(
    texts: Texts, org: Organisation, blocks: Sequence[tuple[int, str]], new: int
) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                ("✅ " if block_id == org.block_id else "") + name,
                DirCb(act=DirAct.SET_BLOCK, org=org.id, block=block_id, new=new),
            )
        ]
        for block_id, name in blocks
    ]
    rows.append(
        [button(_word(texts, "new_block"), DirCb(act=DirAct.NEW_BLOCK, org=org.id, new=new))]
    )
    if new:  # a new organisation may go without a block for now: on to its supervisors
        nxt = DirCb(act=DirAct.SUPERVISORS, org=org.id, new=1)
        rows.append([button(_word(texts, "skip"), nxt)])
    else:
        rows.append(_back(texts, DirCb(act=DirAct.ORG, org=org.id)))
    markup = keyboard(*rows)
    assert markup is not None
    return markup


def supervisor_choice(
    texts: Texts, org: Organisation, candidates: Sequence[Person], chosen: Sequence[int]
) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                ("✅ " if p.id in chosen else "") + short_name(p.full_name),
                DirCb(act=DirAct.TOGGLE, org=org.id, person=p.id),
            )
        ]
        for p in candidates
    ]
    markup = keyboard(*rows, _back(texts, DirCb(act=DirAct.ORG, org=org.id), "done"))
    assert markup is not None
    return markup
