"""A lean stand-in for aiogram's InlineKeyboardBuilder (same button/adjust/as_markup).

The builder deep-copies every button on each step; cards are rebuilt on every change of an
incident, and that copying was the largest cost of handling an update.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


class Keyboard:
    def __init__(self) -> None:
        self.buttons: list[InlineKeyboardButton] = []
        self._sizes: tuple[int, ...] = (1,)

    def button(self, *, text: str, callback_data: CallbackData) -> None:
        self.buttons.append(InlineKeyboardButton(text=text, callback_data=callback_data.pack()))

    def adjust(self, *sizes: int) -> None:
        """Row widths in order; the last one repeats for the remaining buttons."""
        self._sizes = tuple(s for s in sizes if s > 0) or (1,)

    def as_markup(self) -> InlineKeyboardMarkup:
        rows: list[list[InlineKeyboardButton]] = []
        start = 0
        for n in range(len(self.buttons)):
            if start >= len(self.buttons):
                break
            width = self._sizes[min(n, len(self._sizes) - 1)]
            rows.append(self.buttons[start : start + width])
            start += width
        return InlineKeyboardMarkup(inline_keyboard=rows)
