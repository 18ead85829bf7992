"""Keyboards of incident cards, drafts and their questions (the organisation picker is in
bot/keyboards/picker.py)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup

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
from bot.domain.records import Draft, Incident, IncidentView, Part
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
from bot.keyboards.common import button, keyboard
from bot.texts import Texts

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
        button(
            texts.word("BUTTON", _EXECUTOR_ACTS[act]), IncidentCb(act=act, incident=incident.id)
        )
        for act in acts
    ]
    return keyboard(*(buttons[n : n + 2] for n in range(0, len(buttons), 2)))


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
            [button(texts.word("CATEGORY", c), CategoryCb(incident=incident.id, category=c))]
            for c in Category
        ]
    if incident.state in ALLOWED_FROM[Action.WITHDRAW]:
        several = len(view.active_assignments) > 1
        for a in view.active_assignments:
            label = texts.word("BUTTON", "withdraw") + (f": {a.organisation}" if several else "")
            data = WithdrawCb(incident=incident.id, org=a.organisation_id)
            rows.append([button(label, data)])
    if incident.parts and incident.state in COLLECTING:
        compose = IncidentCb(act=IncidentAct.COMPOSE, incident=incident.id)
        rows.append([button(texts.word("BUTTON", "compose"), compose)])
    if incident.state in ALLOWED_FROM[Action.ADD_ORGANISATION] and not picker:
        add = PickCb(act=PickAct.BLOCKS, incident=incident.id, more=1)
        rows.append([button(texts.word("BUTTON", "add_organisation"), add)])
    if incident.state in (State.AWAITING_CITIZEN, State.AWAITING_RATING):
        reply = IncidentCb(act=IncidentAct.CITIZEN_REPLY, incident=incident.id)
        label = "citizen_reply" if incident.state is State.AWAITING_CITIZEN else "citizen_comment"
        rows.append([button(texts.word("BUTTON", label), reply)])
    if incident.state in OPEN_STATES:
        detected = IncidentCb(act=IncidentAct.DETECTED, incident=incident.id)
        row = [button(texts.word("BUTTON", "detected"), detected)]
        if not incident.significant:
            significant = IncidentCb(act=IncidentAct.SIGNIFICANT, incident=incident.id)
            row.append(button(texts.word("BUTTON", "significant"), significant))
        if not incident.urgent:
            urgent = IncidentCb(act=IncidentAct.URGENT, incident=incident.id)
            row.append(button(texts.word("BUTTON", "urgent"), urgent))
        rows.append(row)
        if incident.repeat_of:
            unlink = IncidentCb(act=IncidentAct.NOT_REPEAT, incident=incident.id)
            repeat = button(texts.word("BUTTON", "not_repeat"), unlink)
        else:
            ask = IncidentCb(act=IncidentAct.REPEAT, incident=incident.id)
            repeat = button(texts.word("BUTTON", "repeat"), ask)
        no_answer = IncidentCb(act=IncidentAct.NO_ANSWER, incident=incident.id)
        cancel = IncidentCb(act=IncidentAct.CANCEL, incident=incident.id)
        rows.append(
            [
                button(texts.word("BUTTON", "no_answer"), no_answer),
                button(texts.word("BUTTON", "cancel_incident"), cancel),
            ]
        )
        rows.append([repeat])
    return keyboard(*rows)


def take_over(texts: Texts, incident: Incident) -> InlineKeyboardMarkup | None:
    """What another coordinator may do with an incident someone else leads."""
    if incident.state not in OPEN_STATES:
        return None
    take = IncidentCb(act=IncidentAct.TAKE_OVER, incident=incident.id)
    return keyboard([button(texts.word("BUTTON", "take_over"), take)])


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
            button(
                ("🔘 " if kind is draft.kind else "⚪ ") + texts.word("KIND", kind).capitalize(),
                DraftCb(act=DraftAct.KIND, draft=draft.id, kind=kind),
            )
        ]
        for kind in kinds
    ]
    edit = button(texts.word("BUTTON", "edit"), DraftCb(act=DraftAct.EDIT, draft=draft.id))
    attach = button(
        texts.word("BUTTON", "attach"),
        IncidentCb(act=IncidentAct.ATTACH, incident=draft.incident_id),
    )
    # A part goes to the coordinator to be composed with the others, not for approval.
    label = texts.word("BUTTON", "submit_part" if draft.part else "submit")
    submit = button(label, DraftCb(act=DraftAct.SUBMIT, draft=draft.id))
    named = {
        "promise": draft.promised_at,
        "responsible": draft.responsible,
        "actions": draft.actions,
    }
    asks = [
        button(
            ("✅ " if named[name] else "") + texts.word("BUTTON", name),
            DraftCb(act=act, draft=draft.id),
        )
        for name, act in DETAILS.items()
    ]
    return keyboard(*choices, asks if details else [], [edit, attach], [submit])


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
    text = button(texts.word("BUTTON", "edit"), DraftCb(act=DraftAct.CORRECT, draft=draft.id))
    evidence = [
        [
            button(
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
    return keyboard(
        *rows,
        [text],
        *evidence,
        [button(texts.word("BUTTON", "compose_anew"), anew)],
        [button(texts.word("BUTTON", "approve"), approve)],
    )


def part_review(texts: Texts, draft: Draft) -> InlineKeyboardMarkup | None:
    """A part with the coordinator: it may go back to its organisation alone (p. 17)."""
    if draft.state is not DraftState.SUBMITTED:
        return None
    back = DraftCb(act=DraftAct.RETURN, draft=draft.id)
    return keyboard([button(texts.word("BUTTON", "return_part"), back)])


def compose(texts: Texts, incident_id: int) -> InlineKeyboardMarkup:
    start = IncidentCb(act=IncidentAct.COMPOSE, incident=incident_id)
    markup = keyboard([button(texts.word("BUTTON", "compose"), start)])
    assert markup is not None
    return markup


def draft_approval(texts: Texts, draft: Draft) -> InlineKeyboardMarkup | None:
    if draft.state is not DraftState.SUBMITTED:
        return None  # once approved, «Опубликовано» is on the text to paste, and only there
    return keyboard(
        [button(texts.word("BUTTON", "approve"), DraftCb(act=DraftAct.APPROVE, draft=draft.id))],
        [button(texts.word("BUTTON", "correct"), DraftCb(act=DraftAct.CORRECT, draft=draft.id))],
        [button(texts.word("BUTTON", "return"), DraftCb(act=DraftAct.RETURN, draft=draft.id))],
    )


def draft_publish(texts: Texts, draft: Draft) -> InlineKeyboardMarkup | None:
    if draft.state is not DraftState.APPROVED:
        return None
    publish = DraftCb(act=DraftAct.PUBLISH, draft=draft.id)
    return keyboard([button(texts.word("BUTTON", "publish"), publish)])


def attach_done(texts: Texts, draft_id: int) -> InlineKeyboardMarkup:
    done = DraftCb(act=DraftAct.ATTACH_DONE, draft=draft_id)
    markup = keyboard([button(texts.word("BUTTON", "done"), done)])
    assert markup is not None
    return markup


def confirm_post(texts: Texts, post_id: int) -> InlineKeyboardMarkup:
    markup = keyboard(
        [button(texts.word("BUTTON", "open_post"), PostCb(act=PostAct.OPEN, post=post_id))],
        [button(texts.word("BUTTON", "drop_post"), PostCb(act=PostAct.DROP, post=post_id))],
    )
    assert markup is not None
    return markup


def open_card(texts: Texts, incident_id: int) -> InlineKeyboardMarkup:
    markup = keyboard([button(texts.word("BUTTON", "open_card"), CardCb(incident=incident_id))])
    assert markup is not None
    return markup


def take_draft(texts: Texts, draft_id: int) -> InlineKeyboardMarkup:
    take = DraftCb(act=DraftAct.TAKE, draft=draft_id)
    markup = keyboard([button(texts.word("BUTTON", "take_draft"), take)])
    assert markup is not None
    return markup


def card_links(incident_ids: Sequence[int]) -> InlineKeyboardMarkup | None:
    """A button per incident of a list, «№N», that opens its card."""
    buttons = [button(f"№{n}", CardCb(incident=n)) for n in incident_ids]
    step = CARD_LINKS_PER_ROW
    return keyboard(*(buttons[i : i + step] for i in range(0, len(buttons), step)))


def no_answer_grounds(texts: Texts, incident_id: int) -> InlineKeyboardMarkup:
    """The grounds of p. 21, one a row, and a way to leave the incident open."""
    rows = [
        [button(texts.word("NO_ANSWER", g), NoAnswerCb(incident=incident_id, ground=g))]
        for g in NoAnswerGround
    ]
    keep = NoAnswerCb(incident=incident_id)
    markup = keyboard(*rows, [button(texts.word("BUTTON", "keep_open"), keep)])
    assert markup is not None
    return markup
