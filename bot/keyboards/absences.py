"""Keyboards of /absent and /absences: people to choose, absences to cancel."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup

from bot.domain.absences import Absence, Member
from bot.keyboards.callbacks import AbsenceAct, AbsenceCb
from bot.keyboards.common import button, keyboard
from bot.texts import Texts, short_name


def people(
    texts: Texts, act: AbsenceAct, members: Sequence[Member], *, alone: bool = False
) -> InlineKeyboardMarkup | None:
    """One person a row; `alone`: also «Без замены» (a coordinator, others present)."""
    rows = [[button(short_name(m.name), AbsenceCb(act=act, value=m.chat))] for m in members]
    if alone:
        rows.append(
            [
                button(
                    texts.word("BUTTON", "absent_alone"), AbsenceCb(act=AbsenceAct.ALONE, value=0)
                )
            ]
        )
    return keyboard(*rows)


def me(texts: Texts, chat: int) -> InlineKeyboardMarkup | None:
    return keyboard(
        [button(texts.word("BUTTON", "absent_me"), AbsenceCb(act=AbsenceAct.WHO, value=chat))]
    )


def cancels(texts: Texts, numbered: Sequence[tuple[int, Absence]]) -> InlineKeyboardMarkup | None:
    """«Отменить №N» for each absence the reader may cancel, N as in the list above."""
    return keyboard(
        *(
            [
                button(
                    texts.word("BUTTON", "absence_cancel") % number,
                    AbsenceCb(act=AbsenceAct.CANCEL, value=absence.id),
                )
            ]
            for number, absence in numbered
        )
    )
