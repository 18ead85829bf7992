"""Keyboards of cards, drafts and the organisation picker.

Each keyboard is laid out row by row (the builder's `row`): the builder copies all of its
buttons on each `button` call, which on a card's every refresh would cost more than the
rest of the update."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.actions import ALLOWED_FROM, Action
from bot.domain.model import (
    COLLECTING,
    OPEN_STATES,
    AnswerKind,
    Category,
    DraftState,
    NoAnswerGround,
    PartStatus,
    State,
)
from bot.domain.records import Draft, Incident, IncidentView, Organisation, Part
from bot.keyboards.callbacks import (
    CardCb,
    CategoryCb,
    DraftAct,
    DraftCb,
    EvidenceCb,
    IncidentAct,
    IncidentCb,
    NoAnswerCb,
    PickAct,
    PickCb,
    PostAct,
    PostCb,
    WithdrawCb,
)
from bot.texts import Texts

PAGE_SIZE = 8
CARD_LINKS_PER_ROW = 4
_EXECUTOR_STATES = {
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.REWORK,
    State.AWAITING_FINAL,
    State.AWAITING_CITIZEN,
}
_EXECUTOR_ACTS = {
    IncidentAct.ACCEPT: "accept",
    IncidentAct.DECLINE: "decline",
    IncidentAct.ANSWER: "answer",
    IncidentAct.ATTACH: "attach",
}


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _keyboard(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    """The rows that have buttons; None if none has."""
    kb = InlineKeyboardBuilder()
    for row in rows:
        if row:
            kb.row(*row)
    return kb.as_markup() if any(rows) else None


def executor_card(
    texts: Texts, incident: Incident, state: State | None = None
) -> InlineKeyboardMarkup | None:
    """`state`: the organisation's own, when the incident is answered in parts (p. 17)."""
    state = state or incident.state
    if state not in _EXECUTOR_STATES:
        return None
    acts = [IncidentAct.ANSWER, IncidentAct.ATTACH]
    if state is State.ASSIGNED:
        acts = [IncidentAct.ACCEPT, IncidentAct.DECLINE, *acts]
    elif state is State.IN_PROGRESS:
        acts = [IncidentAct.DECLINE, *acts]
    buttons = [
        _button(
            texts.word("BUTTON", _EXECUTOR_ACTS[act]), IncidentCb(act=act, incident=incident.id)
        )
        for act in acts
    ]
    return _keyboard(*(buttons[n : n + 2] for n in range(0, len(buttons), 2)))


def coordinator_card(
    texts: Texts, view: IncidentView, picker: InlineKeyboardMarkup | None = None
) -> InlineKeyboardMarkup | None:
    """While the incident is new: category first, then the picker (`picker`); the detected
    time and «социально значимое» below them throughout. Until the answer is approved, each
    organisation can be withdrawn to route the incident anew."""
    incident = view.incident
    rows = list(picker.inline_keyboard) if picker else []
    if incident.state is State.NEW and incident.category is None:
        rows += [
            [_button(texts.word("CATEGORY", c), CategoryCb(incident=incident.id, category=c))]
            for c in Category
        ]
    if incident.state in ALLOWED_FROM[Action.WITHDRAW]:
        several = len(view.active_assignments) > 1
        for a in view.active_assignments:
            label = texts.word("BUTTON", "withdraw") + (f": {a.organisation}" if several else "")
            data = WithdrawCb(incident=incident.id, org=a.organisation_id)
            rows.append([_button(label, data)])
    if incident.parts and incident.state in COLLECTING:
        compose = IncidentCb(act=IncidentAct.COMPOSE, incident=incident.id)
        rows.append([_button(texts.word("BUTTON", "compose"), compose)])
    if incident.state in ALLOWED_FROM[Action.ADD_ORGANISATION] and not picker:
        add = PickCb(act=PickAct.BLOCKS, incident=incident.id, more=1)
        rows.append([_button(texts.word("BUTTON", "add_organisation"), add)])
    if incident.state is State.AWAITING_CITIZEN:
        reply = IncidentCb(act=IncidentAct.CITIZEN_REPLY, incident=incident.id)
        rows.append([_button(texts.word("BUTTON", "citizen_reply"), reply)])
    if incident.state in OPEN_STATES:
        detected = IncidentCb(act=IncidentAct.DETECTED, incident=incident.id)
        row = [_button(texts.word("BUTTON", "detected"), detected)]
        if not incident.significant:
            significant = IncidentCb(act=IncidentAct.SIGNIFICANT, incident=incident.id)
            row.append(_button(texts.word("BUTTON", "significant"), significant))
        rows.append(row)
        if incident.repeat_of:
            unlink = IncidentCb(act=IncidentAct.NOT_REPEAT, incident=incident.id)
            repeat = _button(texts.word("BUTTON", "not_repeat"), unlink)
        else:
            ask = IncidentCb(act=IncidentAct.REPEAT, incident=incident.id)
            repeat = _button(texts.word("BUTTON", "repeat"), ask)
        no_answer = IncidentCb(act=IncidentAct.NO_ANSWER, incident=incident.id)
        cancel = IncidentCb(act=IncidentAct.CANCEL, incident=incident.id)
        rows.append(
            [
                _button(texts.word("BUTTON", "no_answer"), no_answer),
                _button(texts.word("BUTTON", "cancel_incident"), cancel),
            ]
        )
        rows.append([repeat])
    return _keyboard(*rows)


def take_over(texts: Texts, incident: Incident) -> InlineKeyboardMarkup | None:
    """What another coordinator may do with an incident someone else leads."""
    if incident.state not in OPEN_STATES:
        return None
    take = IncidentCb(act=IncidentAct.TAKE_OVER, incident=incident.id)
    return _keyboard([_button(texts.word("BUTTON", "take_over"), take)])


def _search(texts: Texts, incident_id: int, more: int = 0) -> InlineKeyboardButton:
    search = PickCb(act=PickAct.SEARCH, incident=incident_id, more=more)
    return _button(texts.word("BUTTON", "search"), search)


def _send(
    texts: Texts, incident_id: int, picked: Sequence[int], more: int = 0
) -> list[InlineKeyboardButton]:
    """«Отправить выбранным (N)» once someone is ticked."""
    if not picked:
        return []
    send = PickCb(act=PickAct.SEND, incident=incident_id, multi=1, more=more)
    return [_button(texts.word("BUTTON", "send_picked") % len(picked), send)]


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
            _button(
                name,
                PickCb(
                    act=PickAct.BLOCK, incident=incident_id, block=block_id, multi=multi, more=more
                ),
            )
        ]
        for block_id, name in items
    ]
    send = _send(texts, incident_id, picked or [], more)
    markup = _keyboard(*rows, send, [_search(texts, incident_id, more)])
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
    rows = [[_button(texts.word("BUTTON", "route_anyway"), force)]]
    rows += blocks(texts, incident_id, items, more=more).inline_keyboard
    markup = _keyboard(*rows)
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
            _button(
                ("✅ " if picked is not None and org.id in picked else "") + org.name,
                PickCb(
                    act=act, incident=incident_id, org=org.id, block=block_id, page=page, more=more
                ),
            )
        ]
        for org in orgs[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    arrows = [
        _button(
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
        arrows.insert(1 if page > 0 else 0, _button(label, number))
    back = _button(
        texts.word("BUTTON", "blocks"),
        PickCb(act=PickAct.BLOCKS, incident=incident_id, multi=multi, more=more),
    )
    if picked is None and not block_id:
        choose = []  # search results: ticking starts from a block's list
    elif picked is None:
        several = PickCb(
            act=PickAct.MULTI, incident=incident_id, block=block_id, page=page, more=more
        )
        choose = [_button(texts.word("BUTTON", "pick_several"), several)]
    else:
        choose = _send(texts, incident_id, picked, more)
    markup = _keyboard(*rows, arrows, choose, [_search(texts, incident_id, more), back])
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
                _button(
                    ("✅ " if d.act is PickAct.TOGGLE and d.org in picked else "")
                    + b.text.removeprefix("✅ "),
                    d,
                )
                for b, d in zip(row, datas, strict=True)
            ]
        )
    more = next((d.more for row in shown.inline_keyboard for d in _picks(row)), 0)
    send = _send(texts, incident_id, picked, more)
    markup = _keyboard(*rows[:-1], send, *rows[-1:])
    assert markup is not None
    return markup


def _picks(row: Sequence[InlineKeyboardButton]) -> list[PickCb]:
    """The picker's buttons of a row (PickCb's prefix, "p2")."""
    return [
        PickCb.unpack(b.callback_data)
        for b in row
        if b.callback_data and b.callback_data.startswith("p2:")
    ]


DETAILS = {
    "promise": DraftAct.PROMISE,
    "responsible": DraftAct.RESPONSIBLE,
    "actions": DraftAct.ACTIONS,
}


def draft_editor(
    texts: Texts, draft: Draft, kinds: Sequence[AnswerKind], details: bool = False
) -> InlineKeyboardMarkup | None:
    """`details`: the interim answer must name its term, who and what (p. 20): a button
    each, marked once given."""
    if draft.state is not DraftState.EDITING:
        return None
    choices = [
        [
            _button(
                ("🔘 " if kind is draft.kind else "⚪ ") + texts.word("KIND", kind).capitalize(),
                DraftCb(act=DraftAct.KIND, draft=draft.id, kind=kind),
            )
        ]
        for kind in kinds
    ]
    edit = _button(texts.word("BUTTON", "edit"), DraftCb(act=DraftAct.EDIT, draft=draft.id))
    attach = _button(
        texts.word("BUTTON", "attach"),
        IncidentCb(act=IncidentAct.ATTACH, incident=draft.incident_id),
    )
    # A part goes to the coordinator to be composed with the others, not for approval.
    label = texts.word("BUTTON", "submit_part" if draft.part else "submit")
    submit = _button(label, DraftCb(act=DraftAct.SUBMIT, draft=draft.id))
    named = {
        "promise": draft.promised_at,
        "responsible": draft.responsible,
        "actions": draft.actions,
    }
    asks = [
        _button(
            ("✅ " if named[name] else "") + texts.word("BUTTON", name),
            DraftCb(act=act, draft=draft.id),
        )
        for name, act in DETAILS.items()
    ]
    return _keyboard(*choices, asks if details else [], [edit, attach], [submit])


def compose_editor(
    texts: Texts,
    draft: Draft,
    kinds: Sequence[AnswerKind],
    details: bool,
    parts: Sequence[Part],
) -> InlineKeyboardMarkup | None:
    """The answer the coordinator composes from the parts (p. 17): its kind, an interim
    answer's details, a new text, each part's evidence kept or dropped, and approval."""
    editor = draft_editor(texts, draft, kinds, details)
    if editor is None:
        return None
    rows = editor.inline_keyboard[: len(kinds) + (1 if details else 0)]
    text = _button(texts.word("BUTTON", "edit"), DraftCb(act=DraftAct.CORRECT, draft=draft.id))
    evidence = [
        [
            _button(
                ("✅ " if p.draft.id in draft.evidence_from else "➖ ")
                + texts.word("BUTTON", "evidence")
                % (p.assignment.organisation, p.draft.attachments),
                EvidenceCb(draft=draft.id, part=p.draft.id),
            )
        ]
        for p in parts
        if p.draft is not None and p.status is PartStatus.IN and p.draft.attachments
    ]
    anew = IncidentCb(act=IncidentAct.COMPOSE_ANEW, incident=draft.incident_id)
    approve = DraftCb(act=DraftAct.APPROVE, draft=draft.id)
    return _keyboard(
        *rows,
        [text],
        *evidence,
        [_button(texts.word("BUTTON", "compose_anew"), anew)],
        [_button(texts.word("BUTTON", "approve"), approve)],
    )


def part_review(texts: Texts, draft: Draft) -> InlineKeyboardMarkup | None:
    """A part with the coordinator: it may go back to its organisation alone (p. 17)."""
    if draft.state is not DraftState.SUBMITTED:
        return None
    back = DraftCb(act=DraftAct.RETURN, draft=draft.id)
    return _keyboard([_button(texts.word("BUTTON", "return_part"), back)])


def compose(texts: Texts, incident_id: int) -> InlineKeyboardMarkup:
    start = IncidentCb(act=IncidentAct.COMPOSE, incident=incident_id)
    markup = _keyboard([_button(texts.word("BUTTON", "compose"), start)])
    assert markup is not None
    return markup


def draft_approval(texts: Texts, draft: Draft) -> InlineKeyboardMarkup | None:
    if draft.state is not DraftState.SUBMITTED:
        return None  # once approved, «Опубликовано» is on the text to paste, and only there
    return _keyboard(
        [_button(texts.word("BUTTON", "approve"), DraftCb(act=DraftAct.APPROVE, draft=draft.id))],
        [_button(texts.word("BUTTON", "correct"), DraftCb(act=DraftAct.CORRECT, draft=draft.id))],
        [_button(texts.word("BUTTON", "return"), DraftCb(act=DraftAct.RETURN, draft=draft.id))],
    )


def draft_publish(texts: Texts, draft: Draft) -> InlineKeyboardMarkup | None:
    if draft.state is not DraftState.APPROVED:
        return None
    publish = DraftCb(act=DraftAct.PUBLISH, draft=draft.id)
    return _keyboard([_button(texts.word("BUTTON", "publish"), publish)])


def attach_done(texts: Texts, draft_id: int) -> InlineKeyboardMarkup:
    done = DraftCb(act=DraftAct.ATTACH_DONE, draft=draft_id)
    markup = _keyboard([_button(texts.word("BUTTON", "done"), done)])
    assert markup is not None
    return markup


def confirm_post(texts: Texts, post_id: int) -> InlineKeyboardMarkup:
    markup = _keyboard(
        [_button(texts.word("BUTTON", "open_post"), PostCb(act=PostAct.OPEN, post=post_id))],
        [_button(texts.word("BUTTON", "drop_post"), PostCb(act=PostAct.DROP, post=post_id))],
    )
    assert markup is not None
    return markup


def open_card(texts: Texts, incident_id: int) -> InlineKeyboardMarkup:
    markup = _keyboard([_button(texts.word("BUTTON", "open_card"), CardCb(incident=incident_id))])
    assert markup is not None
    return markup


def take_draft(texts: Texts, draft_id: int) -> InlineKeyboardMarkup:
    take = DraftCb(act=DraftAct.TAKE, draft=draft_id)
    markup = _keyboard([_button(texts.word("BUTTON", "take_draft"), take)])
    assert markup is not None
    return markup


def card_links(incident_ids: Sequence[int]) -> InlineKeyboardMarkup | None:
    """A button per incident of a list, «№N», that opens its card."""
    buttons = [_button(f"№{n}", CardCb(incident=n)) for n in incident_ids]
    step = CARD_LINKS_PER_ROW
    return _keyboard(*(buttons[i : i + step] for i in range(0, len(buttons), step)))


def no_answer_grounds(texts: Texts, incident_id: int) -> InlineKeyboardMarkup:
    """The grounds of p. 21, one a row, and a way to leave the incident open."""
    rows = [
        [_button(texts.word("NO_ANSWER", g), NoAnswerCb(incident=incident_id, ground=g))]
        for g in NoAnswerGround
    ]
    keep = NoAnswerCb(incident=incident_id)
    markup = _keyboard(*rows, [_button(texts.word("BUTTON", "keep_open"), keep)])
    assert markup is not None
    return markup
