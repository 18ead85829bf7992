"""What every keyboard is made of: a button of callback data, rows of them.

Each keyboard is laid out row by row (the builder's `row`): the builder copies all of its
buttons on each `button` call, which on a card's every refresh would cost more than the
rest of the update."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def keyboard(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    """The rows that have buttons; None if none has."""
    kb = InlineKeyboardBuilder()
    for row in rows:
        if row:
            kb.row(*row)
    return kb.as_markup() if any(rows) else None
