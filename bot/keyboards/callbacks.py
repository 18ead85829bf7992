"""Callback data. Prefixes carry a version: after a change, old buttons are never misread."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.model import AnswerKind, Category, NoAnswerGround


class IncidentAct(StrEnum):
    ACCEPT = "acc"
    DECLINE = "dec"
    ANSWER = "ans"
    ATTACH = "att"
    DETECTED = "det"
    SIGNIFICANT = "sig"
    URGENT = "urg"  # «срочно» (seed 000, 3.10)
    CANCEL = "can"  # asks for the reason first
    NO_ANSWER = "noa"  # asks for the ground first
    REPEAT = "rep"  # asks for the number of the incident it repeats
    NOT_REPEAT = "nrp"  # unlinks a false match
    CITIZEN_REPLY = "ctz"  # asks for the citizen's reply to a clarification
    TAKE_OVER = "tko"
    COMPOSE = "cmp"  # the answer from the organisations' parts (p. 17)
    COMPOSE_ANEW = "cma"  # … rebuilt from the parts in now


class IncidentCb(CallbackData, prefix="i1"):
    act: IncidentAct
    incident: int


class CardCb(CallbackData, prefix="v1"):
    """«Open the card»: a fresh copy of the incident card for whoever presses it."""

    incident: int


class CategoryCb(CallbackData, prefix="c1"):
    incident: int
    category: Category


class WithdrawCb(CallbackData, prefix="w1"):
    """Take the incident back from one organisation, to route it anew."""

    incident: int
    org: int


class NoAnswerCb(CallbackData, prefix="n1"):
    """Close «без ответа» on `ground`; no ground: leave it open after all."""

    incident: int
    ground: NoAnswerGround | None = None


class PostAct(StrEnum):
    OPEN = "o"  # a typed text becomes an incident
    DROP = "d"  # it was not a post


class PostCb(CallbackData, prefix="t1"):
    act: PostAct
    post: int


class PickAct(StrEnum):
    BLOCKS = "b"  # show blocks
    BLOCK = "k"  # show a block's organisations, page `page`
    SEARCH = "s"  # ask for a name
    ORG = "o"  # route to `org`
    FORCE = "f"  # route to `org` although nobody there can receive the card yet
    PAGE = "n"  # the page number between the arrows: does nothing but say where one is
    MULTI = "m"  # tick several organisations before sending (p. 17)
    TOGGLE = "t"  # tick or untick `org`
    SEND = "x"  # send to every one ticked


class PickCb(CallbackData, prefix="p2"):
    act: PickAct
    incident: int
    block: int = 0
    page: int = 0
    org: int = 0
    multi: int = 0  # 1: ticking several (the ticks are kept server-side)
    more: int = 0  # 1: one more organisation for an incident others are on (p. 17)


class DraftAct(StrEnum):
    KIND = "k"
    SUBMIT = "s"
    EDIT = "e"
    ATTACH_DONE = "d"
    APPROVE = "a"
    RETURN = "r"
    PUBLISH = "p"
    TAKE = "t"  # a colleague continues the draft
    PROMISE = "pt"  # an interim answer's promised term (p. 20)
    RESPONSIBLE = "rs"  # … the person responsible
    ACTIONS = "ac"  # … what will be done
    CORRECT = "c"  # the coordinator corrects its text before approving


class DraftCb(CallbackData, prefix="d1"):
    act: DraftAct
    draft: int
    kind: AnswerKind = AnswerKind.FINAL


class EvidenceCb(CallbackData, prefix="e1"):
    """Keep or drop one part's evidence in the answer composed from the parts (p. 17)."""

    draft: int
    part: int


class AbsenceAct(StrEnum):
    WHO = "who"  # the person found who will be away (value: their chat)
    SUBSTITUTE = "sub"  # the acting substitute (value: their chat)
    ALONE = "one"  # a coordinator away with nobody instead (value: 0)
    CANCEL = "can"  # an absence ended or dropped (value: its id)


class AbsenceCb(CallbackData, prefix="ab1"):
    act: AbsenceAct
    value: int
