"""Keyboards of cards, drafts and the organisation picker."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.model import AnswerKind, Category, DraftState, State
from bot.keyboards.callbacks import (
    CategoryCb,
    DraftAct,
    DraftCb,
    IncidentAct,
    IncidentCb,
    PickAct,
    PickCb,
)
from bot.keyboards.layout import Keyboard, Markup
from bot.texts import Texts
from storage.records import Draft, Incident, Organisation

PAGE_SIZE = 8
_EXECUTOR_STATES = {State.ASSIGNED, State.IN_PROGRESS, State.REWORK, State.AWAITING_FINAL}


def executor_card(texts: Texts, incident: Incident) -> Markup | None:
    if incident.state not in _EXECUTOR_STATES:
        return None
    kb = Keyboard()
    acts = [IncidentAct.ANSWER, IncidentAct.ATTACH]
    if incident.state is State.ASSIGNED:
        acts = [IncidentAct.ACCEPT, IncidentAct.DECLINE, *acts]
    elif incident.state is State.IN_PROGRESS:
        acts = [IncidentAct.DECLINE, *acts]
    names = {
        IncidentAct.ACCEPT: "accept",
        IncidentAct.DECLINE: "decline",
        IncidentAct.ANSWER: "answer",
        IncidentAct.ATTACH: "attach",
    }
    for act in acts:
        kb.button(
            text=texts.word("BUTTON", names[act]),
            callback_data=IncidentCb(act=act, incident=incident.id),
        )
    kb.adjust(2)
    return kb.as_markup()


def coordinator_card(texts: Texts, incident: Incident) -> Markup | None:
    """While the incident is new: category first, then the picker (edited into the card)."""
    kb = Keyboard()
    if incident.state is State.NEW and incident.category is None:
        for category in Category:
            kb.button(
                text=texts.word("CATEGORY", category),
                callback_data=CategoryCb(incident=incident.id, category=category),
            )
    if incident.state is not State.CLOSED:
        kb.button(
            text=texts.word("BUTTON", "detected"),
            callback_data=IncidentCb(act=IncidentAct.DETECTED, incident=incident.id),
        )
        if not incident.significant:
            kb.button(
                text=texts.word("BUTTON", "significant"),
                callback_data=IncidentCb(act=IncidentAct.SIGNIFICANT, incident=incident.id),
            )
    kb.adjust(1)
    return kb.as_markup() if kb.buttons else None


def blocks(texts: Texts, incident_id: int, items: Sequence[tuple[int, str]]) -> Markup:
    kb = Keyboard()
    for block_id, name in items:
        kb.button(
            text=name,
            callback_data=PickCb(act=PickAct.BLOCK, incident=incident_id, block=block_id),
        )
    kb.button(
        text=texts.word("BUTTON", "search"),
        callback_data=PickCb(act=PickAct.SEARCH, incident=incident_id),
    )
    kb.adjust(1)
    return kb.as_markup()


def organisations(
    texts: Texts,
    incident_id: int,
    orgs: Sequence[Organisation],
    *,
    block_id: int = 0,
    page: int = 0,
) -> Markup:
    """One page of organisations with paging arrows, search and a way back to blocks."""
    pages = max(1, -(-len(orgs) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    kb = Keyboard()
    for org in orgs[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        kb.button(
            text=org.name, callback_data=PickCb(act=PickAct.ORG, incident=incident_id, org=org.id)
        )
    sizes = [1] * min(PAGE_SIZE, len(orgs) - page * PAGE_SIZE)
    if pages > 1:
        nav = 0
        if page > 0:
            kb.button(
                text=texts.word("BUTTON", "prev"),
                callback_data=PickCb(
                    act=PickAct.BLOCK, incident=incident_id, block=block_id, page=page - 1
                ),
            )
            nav += 1
        if page < pages - 1:
            kb.button(
                text=texts.word("BUTTON", "next"),
                callback_data=PickCb(
                    act=PickAct.BLOCK, incident=incident_id, block=block_id, page=page + 1
                ),
            )
            nav += 1
        sizes.append(nav)
    kb.button(
        text=texts.word("BUTTON", "search"),
        callback_data=PickCb(act=PickAct.SEARCH, incident=incident_id),
    )
    kb.button(
        text=texts.word("BUTTON", "blocks"),
        callback_data=PickCb(act=PickAct.BLOCKS, incident=incident_id),
    )
    sizes.append(2)
    kb.adjust(*sizes)
    return kb.as_markup()


def draft_editor(texts: Texts, draft: Draft) -> Markup | None:
    if draft.state is not DraftState.EDITING:
        return None
    kb = Keyboard()
    for kind in AnswerKind:
        mark = "🔘 " if kind is draft.kind else "⚪ "
        kb.button(
            text=mark + texts.word("KIND", kind).capitalize(),
            callback_data=DraftCb(act=DraftAct.KIND, draft=draft.id, kind=kind),
        )
    kb.button(
        text=texts.word("BUTTON", "edit"), callback_data=DraftCb(act=DraftAct.EDIT, draft=draft.id)
    )
    kb.button(
        text=texts.word("BUTTON", "attach"),
        callback_data=IncidentCb(act=IncidentAct.ATTACH, incident=draft.incident_id),
    )
    kb.button(
        text=texts.word("BUTTON", "submit"),
        callback_data=DraftCb(act=DraftAct.SUBMIT, draft=draft.id),
    )
    kb.adjust(1, 1, 1, 2, 1)
    return kb.as_markup()


def draft_approval(texts: Texts, draft: Draft) -> Markup | None:
    kb = Keyboard()
    if draft.state is DraftState.SUBMITTED:
        kb.button(
            text=texts.word("BUTTON", "approve"),
            callback_data=DraftCb(act=DraftAct.APPROVE, draft=draft.id),
        )
        kb.button(
            text=texts.word("BUTTON", "return"),
            callback_data=DraftCb(act=DraftAct.RETURN, draft=draft.id),
        )
    elif draft.state is DraftState.APPROVED:
        kb.button(
            text=texts.word("BUTTON", "publish"),
            callback_data=DraftCb(act=DraftAct.PUBLISH, draft=draft.id),
        )
    else:
        return None
    return kb.as_markup()


def attach_done(texts: Texts, draft_id: int) -> Markup:
    kb = Keyboard()
    kb.button(
        text=texts.word("BUTTON", "done"),
        callback_data=DraftCb(act=DraftAct.ATTACH_DONE, draft=draft_id),
    )
    return kb.as_markup()
