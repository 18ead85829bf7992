"""Callback data. Prefixes carry a version: after a change, old buttons are never misread."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.model import AnswerKind, Category


class IncidentAct(StrEnum):
    ACCEPT = "acc"
    DECLINE = "dec"
    ANSWER = "ans"
    ATTACH = "att"
    DETECTED = "det"
    SIGNIFICANT = "sig"


class IncidentCb(CallbackData, prefix="i1"):
    act: IncidentAct
    incident: int


class CardCb(CallbackData, prefix="v1"):
    """«Open the card»: a fresh copy of the incident card for whoever presses it."""

    incident: int


class CategoryCb(CallbackData, prefix="c1"):
    incident: int
    category: Category


class PickAct(StrEnum):
    BLOCKS = "b"  # show blocks
    BLOCK = "k"  # show a block's organisations, page `page`
    SEARCH = "s"  # ask for a name
    ORG = "o"  # route to `org`


class PickCb(CallbackData, prefix="p1"):
    act: PickAct
    incident: int
    block: int = 0
    page: int = 0
    org: int = 0


class DraftAct(StrEnum):
    KIND = "k"
    SUBMIT = "s"
    EDIT = "e"
    ATTACH_DONE = "d"
    APPROVE = "a"
    RETURN = "r"
    PUBLISH = "p"


class DraftCb(CallbackData, prefix="d1"):
    act: DraftAct
    draft: int
    kind: AnswerKind = AnswerKind.FINAL
