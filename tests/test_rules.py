"""The business rules on their own: transitions, permissions, terms, texts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.actions import ALLOWED_FROM, Action, Actor, Denial, after_action, check
from bot.domain.model import AnswerKind, Role, State
from bot.texts import Texts, split_lines, visible_length

COORDINATOR = Actor(1, "Координатор", is_coordinator=True)
EXECUTOR = Actor(2, "Исполнитель", person_id=10, role=Role.EXECUTOR, organisation_id=5)
OTHER = Actor(3, "Чужой исполнитель", person_id=11, role=Role.EXECUTOR, organisation_id=6)
STRANGER = Actor(4, "Незнакомец")
HEAD = Actor(5, "Глава", person_id=12, role=Role.HEAD)


@pytest.mark.parametrize(
    ("actor", "action", "state", "expected"),
    [
        (COORDINATOR, Action.ROUTE, State.NEW, None),
        (COORDINATOR, Action.ROUTE, State.DECLINED, None),
        (COORDINATOR, Action.ROUTE, State.ASSIGNED, Denial.WRONG_STATE),
        (EXECUTOR, Action.ROUTE, State.NEW, Denial.NOT_COORDINATOR),
        (EXECUTOR, Action.ACCEPT, State.ASSIGNED, None),
        (EXECUTOR, Action.ACCEPT, State.IN_PROGRESS, Denial.WRONG_STATE),
        (OTHER, Action.ACCEPT, State.ASSIGNED, Denial.OTHER_ORGANISATION),
        (COORDINATOR, Action.ACCEPT, State.ASSIGNED, Denial.NOT_EXECUTOR),
        (STRANGER, Action.ACCEPT, State.ASSIGNED, Denial.UNKNOWN_PERSON),
        (HEAD, Action.APPROVE, State.APPROVAL, Denial.NOT_COORDINATOR),
        (EXECUTOR, Action.DECLINE, State.APPROVAL, Denial.WRONG_STATE),
        (EXECUTOR, Action.SUBMIT, State.REWORK, None),
        (EXECUTOR, Action.WRITE, State.CLOSED, Denial.WRONG_STATE),
        (COORDINATOR, Action.PUBLISH, State.PUBLISHING, None),
        (COORDINATOR, Action.PUBLISH, State.APPROVAL, Denial.WRONG_STATE),
        (HEAD, Action.VIEW, State.CLOSED, None),
        (OTHER, Action.VIEW, State.ASSIGNED, Denial.OTHER_ORGANISATION),
    ],
)
def test_check(actor: Actor, action: Action, state: State, expected: Denial | None) -> None:
    assert check(actor, action, state, assigned_organisations=[5]) == expected


def test_route_needs_a_category() -> None:
    assert check(COORDINATOR, Action.ROUTE, State.NEW, has_category=False) is Denial.NO_CATEGORY


def test_every_action_has_its_states() -> None:
    assert set(ALLOWED_FROM) == set(Action)


@pytest.mark.parametrize(
    ("action", "state", "kind", "expected"),
    [
        (Action.ROUTE, State.DECLINED, None, State.ASSIGNED),
        (Action.WRITE, State.ASSIGNED, None, State.IN_PROGRESS),
        (Action.WRITE, State.REWORK, None, State.REWORK),
        (Action.SUBMIT, State.AWAITING_FINAL, None, State.APPROVAL),
        (Action.RETURN, State.APPROVAL, None, State.REWORK),
        (Action.PUBLISH, State.PUBLISHING, AnswerKind.FINAL, State.CLOSED),
        (Action.PUBLISH, State.PUBLISHING, AnswerKind.INTERIM, State.AWAITING_FINAL),
        (Action.PUBLISH, State.PUBLISHING, AnswerKind.CLARIFICATION, State.AWAITING_CITIZEN),
        (Action.CITIZEN_REPLY, State.AWAITING_CITIZEN, None, State.IN_PROGRESS),
        (Action.PUBLISH, State.PUBLISHING, AnswerKind.NOT_CONFIRMED, State.CLOSED),
    ],
)
def test_after_action(
    action: Action, state: State, kind: AnswerKind | None, expected: State
) -> None:
    assert after_action(action, state, kind) is expected


def test_templates_escape_user_text_and_show_local_time() -> None:
    texts = Texts(ZoneInfo("Asia/Yekaterinburg"))
    html = texts.message(
        "declined_to_coordinator",
        incident_id=1,
        organisation="ООО «А&Б»",
        person="<script>",
        reason="<b>не наше</b>",
    )
    assert "ООО «А&amp;Б»" in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;не наше&lt;/b&gt;" in html
    assert texts.format_time(datetime(2026, 1, 1, 5, 0, tzinfo=UTC)) == "01.01.2026 10:00"


def test_fit_and_split_respect_telegram_limits() -> None:
    texts = Texts(ZoneInfo("UTC"))
    body = "&<>" * 3000

    def render(text: str, truncated: bool) -> str:
        return texts.message("full_text", text=text) + ("\n(сокращено)" if truncated else "")

    html, cut = texts.fit(render, body)
    assert cut
    assert html.endswith("…\n(сокращено)")
    assert visible_length(html) <= 4096
    assert "&amp;" in html  # cut before escaping: no half entity
    assert not html.removesuffix("…\n(сокращено)").endswith("&")
    lines = "\n".join(f"<b>строка {n}</b>" for n in range(2000))
    chunks = split_lines(lines)
    assert len(chunks) > 1
    assert all(visible_length(c) <= 4096 for c in chunks)
    assert "\n".join(chunks) == lines
