"""The organisation picker: blocks, pages of organisations, search; one organisation at a
tap, or several ticked and sent together (p. 17), or one more for an incident others are on."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.records import Organisation
from bot.keyboards.callbacks import PickAct, PickCb
from bot.keyboards.common import button, keyboard
from bot.texts import Texts

PAGE_SIZE = 8


def _search(texts: Texts, incident_id: int, more: int = 0) -> InlineKeyboardButton:
    search = PickCb(act=PickAct.SEARCH, incident=incident_id, more=more)
    return button(texts.word("BUTTON", "search"), search)


def _send(
    texts: Texts, incident_id: int, picked: Sequence[int], more: int = 0
) -> list[InlineKeyboardButton]:
    """«Отправить выбранным (N)» once someone is ticked."""
    if not picked:
        return []
    send = PickCb(act=PickAct.SEND, incident=incident_id, multi=1, more=more)
    return [button(texts.word("BUTTON", "send_picked") % len(picked), send)]


def blocks(
    texts: Texts,
    incident_id: int,
    items: Sequence[tuple[int, str]],
    picked: Sequence[int] | None = None,
    more: int = 0,
) -> InlineKeyboardMarkup:
    """`picked`: several are being ticked (p. 17), these so far; `more`: the organisations
    chosen are added to those on the incident."""
    multi = int(picked is not None)
    rows = [
        [
            button(
                name,
                PickCb(
                    act=PickAct.BLOCK, incident=incident_id, block=block_id, multi=multi, more=more
                ),
            )
        ]
        for block_id, name in items
    ]
    send = _send(texts, incident_id, picked or [], more)
    markup = keyboard(*rows, send, [_search(texts, incident_id, more)])
    assert markup is not None
    return markup


def unreachable(
    texts: Texts,
    incident_id: int,
    org_id: int,
    items: Sequence[tuple[int, str]],
    more: int = 0,
) -> InlineKeyboardMarkup:
    """Route anyway, or pick another organisation by its block."""
    force = PickCb(act=PickAct.FORCE, incident=incident_id, org=org_id, more=more)
    rows = [[button(texts.word("BUTTON", "route_anyway"), force)]]
    rows += blocks(texts, incident_id, items, more=more).inline_keyboard
    markup = keyboard(*rows)
    assert markup is not None
    return markup


def organisations(
    texts: Texts,
    incident_id: int,
    orgs: Sequence[Organisation],
    *,
    block_id: int = 0,
    page: int = 0,
    picked: Sequence[int] | None = None,
    more: int = 0,
) -> InlineKeyboardMarkup:
    """One page of organisations with paging arrows, search and a way back to blocks. A tap
    sends the incident to the organisation; with `picked` (several being ticked, p. 17) it
    ticks it, and «Отправить выбранным» sends to all ticked at once."""
    multi = int(picked is not None)
    pages = max(1, -(-len(orgs) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    act = PickAct.TOGGLE if picked is not None else PickAct.ORG
    rows = [
        [
            button(
                ("✅ " if picked is not None and org.id in picked else "") + org.name,
                PickCb(
                    act=act, incident=incident_id, org=org.id, block=block_id, page=page, more=more
                ),
            )
        ]
        for org in orgs[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    arrows = [
        button(
            texts.word("BUTTON", word),
            PickCb(
                act=PickAct.BLOCK,
                incident=incident_id,
                block=block_id,
                page=target,
                multi=multi,
                more=more,
            ),
        )
        for target, word in ((page - 1, "prev"), (page + 1, "next"))
        if 0 <= target < pages
    ]
    if pages > 1:  # «2/5» between the arrows
        number = PickCb(act=PickAct.PAGE, incident=incident_id, block=block_id, page=page)
        label = texts.word("BUTTON", "page") % (page + 1, pages)
        arrows.insert(1 if page > 0 else 0, button(label, number))
    back = button(
        texts.word("BUTTON", "blocks"),
        PickCb(act=PickAct.BLOCKS, incident=incident_id, multi=multi, more=more),
    )
    if picked is None and not block_id:
        choose = []  # search results: ticking starts from a block's list
    elif picked is None:
        several = PickCb(
            act=PickAct.MULTI, incident=incident_id, block=block_id, page=page, more=more
        )
        choose = [button(texts.word("BUTTON", "pick_several"), several)]
    else:
        choose = _send(texts, incident_id, picked, more)
    markup = keyboard(*rows, arrows, choose, [_search(texts, incident_id, more), back])
    assert markup is not None
    return markup


def retick(
    texts: Texts, shown: InlineKeyboardMarkup, incident_id: int, picked: Sequence[int]
) -> InlineKeyboardMarkup:
    """The picker pressed, its ticks redrawn after one changed: the list stays as it was (a
    block's page or search results); the card's own rows below it are left out (the card
    adds them back)."""
    rows = []
    for row in shown.inline_keyboard:
        datas = _picks(row)
        if len(datas) != len(row) or any(d.act is PickAct.SEND for d in datas):
            continue  # not the picker's, or the old «Направить выбранным»
        rows.append(
            [
                button(
                    ("✅ " if d.act is PickAct.TOGGLE and d.org in picked else "")
                    + b.text.removeprefix("✅ "),
                    d,
                )
                for b, d in zip(row, datas, strict=True)
            ]
        )
    more = next((d.more for row in shown.inline_keyboard for d in _picks(row)), 0)
    send = _send(texts, incident_id, picked, more)
    markup = keyboard(*rows[:-1], send, *rows[-1:])
    assert markup is not None
    return markup


def _picks(row: Sequence[InlineKeyboardButton]) -> list[PickCb]:
    """The picker's buttons of a row (PickCb's prefix, "p2")."""
    return [
        PickCb.unpack(b.callback_data)
        for b in row
        if b.callback_data and b.callback_data.startswith("p2:")
    ]
