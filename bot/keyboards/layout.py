"""A lean stand-in for aiogram's InlineKeyboardBuilder (same button/adjust/as_markup).

Cards are rebuilt on every change of an incident and go into the outbox as JSON. The builder
deep-copies every button on each step, and even one pydantic model per button (built, then
dumped twice: for the outbox and for the card's digest) was the largest cost of a card; so a
keyboard stays plain data, made an aiogram object only where a handler sends it itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup


@dataclass(frozen=True)
class Markup:
    """An inline keyboard as the Bot API reads it: {"inline_keyboard": [[button, …], …]}."""

    data: dict[str, Any]

    def as_aiogram(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup.model_validate(self.data)


class Keyboard:
    def __init__(self) -> None:
        self.buttons: list[dict[str, str]] = []
        self._sizes: tuple[int, ...] = (1,)

    def button(self, *, text: str, callback_data: CallbackData) -> None:
        self.buttons.append({"text": text, "callback_data": callback_data.pack()})

    def adjust(self, *sizes: int) -> None:
        """Row widths in order; the last one repeats for the remaining buttons."""
        self._sizes = tuple(s for s in sizes if s > 0) or (1,)

    def as_markup(self) -> Markup:
        rows: list[list[dict[str, str]]] = []
        start = 0
        for n in range(len(self.buttons)):
            if start >= len(self.buttons):
                break
            width = self._sizes[min(n, len(self._sizes) - 1)]
            rows.append(self.buttons[start : start + width])
            start += width
        return Markup({"inline_keyboard": rows})
