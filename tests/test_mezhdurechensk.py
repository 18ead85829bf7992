"""Междуреченск (seed 000): a first reply with the terms before the answer (3.7), the answer
term counted to publication (3.8), and the citizen's window to comment on the answer (3.6),
under a controlled clock across the weekend and the 8 March holiday (Monday 09.03.2026 off,
Friday 06.03 shortened to 16:00)."""

from __future__ import annotations

import tomllib

import pytest

from bot.domain.deadlines import owed_terms
from bot.domain.model import State
from bot.domain.profile import ProfileError, Stage, parse_profile
from bot.profiles import PROFILES
from tests.conftest import Cast, FakeClock, Harness
from tests.emulator import User
from tests.test_reminders import tick_at

pytestmark = pytest.mark.profile("mezhdurechensk")


def counts(*users: User) -> list[int]:
    return [len(u.inbox()) for u in users]


async def route(cast: Cast, text: str = "Яма у дома 5 по ул. Мира") -> None:
    await cast.coordinator.send(text, forward_from_channel="Подслушано в Междуреченске")
    await cast.coordinator.click("Обычное")
    await cast.coordinator.click("ЖКХ")
    await cast.coordinator.click("УРЖКК")


async def send_answer(executor: User, text: str) -> None:
    await executor.click("Ответить", executor.find("Инцидент №1 ·"))
    await executor.send(text)
    await executor.click("Отправить на согласование", executor.last())


async def approve_and_publish(coordinator: User) -> None:
    await coordinator.click("Согласовать")
    await coordinator.click("Опубликовано")


async def test_first_reply_comes_first_and_the_terms_run_to_publication(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    clock.set_local("2026-03-06T15:30")  # Friday before the holiday, the day ends at 16:00
    await route(cast)
    card = housing.find("Инцидент №1 ·")
    # 1 h and 8 h of working time from detection: 30 min on Friday, the rest on Tuesday.
    assert "⏳ Срок публикации первичного ответа: до 10.03.2026 08:30" in card.text
    assert "⏳ Срок публикации ответа: до 10.03.2026 15:30" in card.text

    await housing.click("Ответить", card)
    await housing.send("Здравствуйте! Бригада выедет 10.03 до 12:00, яму заделают до 13.03.")
    preview = housing.last()
    assert "Вид: первичный ответ со сроками" in preview.text
    kinds = [b for b in preview.buttons if b.startswith(("🔘", "⚪"))]
    assert kinds == ["🔘 Первичный ответ со сроками"]  # nothing else before it
    button = preview.button("Первичный ответ")
    assert button is not None
    forged = str(button["callback_data"]).replace("first_reply", "final")
    answer = await housing.press(preview, forged)
    assert "Этот вид ответа здесь недоступен" in answer["text"]
    assert "Вид: первичный ответ со сроками" in preview.text

    # Half of the hour: the executor is reminded on Friday; the weekend and the holiday
    # are silent; the first reply is late at 08:30 on Tuesday, escalated as not published.
    watchers = (cast.head, cast.water, cast.school, cast.education_supervisor)
    quiet = counts(*watchers)
    told = counts(coordinator, cast.supervisor)
    assert await tick_at(harness, clock, "2026-03-06T16:00") == ["first_reply:remind"]
    assert housing.last().text.startswith(
        "⏰ Инцидент №1: публикация первичного ответа (МКУ «УРЖКК») — срок 10.03.2026 08:30,"
        " осталось 30 мин"
    )
    assert counts(coordinator, cast.supervisor) == told
    for moment in ("2026-03-07T12:00", "2026-03-08T12:00", "2026-03-09T12:00"):
        assert await tick_at(harness, clock, moment) == []
    assert await tick_at(harness, clock, "2026-03-10T08:30") == ["first_reply:due"]
    for watcher in (coordinator, cast.supervisor):
        assert "к 10.03.2026 08:30 не опубликован первичный ответ" in watcher.last().text
    assert counts(*watchers) == quiet

    await housing.click("Отправить на согласование", preview)
    await coordinator.click("Согласовать")
    # Approved is not published: the first reply's term runs on, and the answer's.
    assert "Срок публикации первичного ответа" in coordinator.find("Инцидент №1 ·").text
    await coordinator.click("Опубликовано")
    assert "Теперь — полный ответ" in housing.last().text
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state is State.IN_PROGRESS
    assert view.incident.first_reply_at is not None
    assert [t.stage for t in view.timers] == [Stage.ANSWER]
    assert "Срок публикации первичного ответа" not in card.text

    # The full answer waits for approval when its term runs out: still late, because the
    # term is for publication («а не только подготовки текста»).
    clock.set_local("2026-03-10T14:00")
    await send_answer(housing, "Яму заделали 10.03, фото приложено к отчёту.")
    draft = housing.last()
    assert "Вид: окончательный ответ" in draft.text
    sent = counts(housing)
    assert await tick_at(harness, clock, "2026-03-10T14:30") == ["answer:remind", "approve:due"]
    # The draft is with the coordinator: the reminder of the answer's term is theirs.
    assert "публикация ответа" in coordinator.find("⏰ Инцидент №1: публикация ответа").text
    assert counts(housing) == sent
    assert await tick_at(harness, clock, "2026-03-10T15:30") == ["answer:due"]
    assert "к 10.03.2026 15:30 не опубликован ответ" in cast.supervisor.last().text
    assert counts(*watchers) == quiet
    await approve_and_publish(coordinator)
    assert "Житель может прокомментировать его до 12.03.2026 15:30" in housing.last().text
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state is State.AWAITING_RATING
    assert [t.stage for t in view.timers] == [Stage.RATING]


async def answered_on_friday(cast: Cast, clock: FakeClock) -> None:
    clock.set_local("2026-03-05T10:00")
    await route(cast)
    await send_answer(cast.housing, "Здравствуйте! Выедем сегодня, заделаем до пятницы.")
    await approve_and_publish(cast.coordinator)
    await send_answer(cast.housing, "Яму заделали.")
    clock.set_local("2026-03-06T15:00")
    await approve_and_publish(cast.coordinator)


async def test_a_comment_within_the_window_reopens_the_incident_to_its_organisation(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await answered_on_friday(cast, clock)
    card = coordinator.find("Инцидент №1 ·")
    # Two days from Friday 15:00 end on Sunday, a day off: the next working day's end.
    assert "Статус: ответ опубликован, ожидает оценки жителя" in card.text
    assert "⏳ Житель может прокомментировать ответ: до 10.03.2026 17:00" in card.text
    assert "💬 Комментарий жителя" in card.buttons
    assert cast.housing.find("Инцидент №1 ·").buttons == []  # nothing to do while it waits
    assert await tick_at(harness, clock, "2026-03-08T12:00") == []

    others = (cast.water, cast.school, cast.supervisor, cast.head)
    quiet = counts(*others)
    clock.set_local("2026-03-09T11:00")  # the holiday: a coordinator on duty forwards it
    await coordinator.send(
        "Яму засыпали песком, через день снова яма!", forward_from_user="Житель", reply_to=card
    )
    assert "инцидент №1 снова в работе" in coordinator.last().text
    told = housing.last()
    assert "Житель прокомментировал опубликованный ответ по инциденту №1" in told.text
    assert "снова яма" in told.text
    assert "✍️ Ответить" in told.buttons
    assert counts(*others) == quiet
    assert "черновик на доработке" in card.text
    assert harness.app is not None
    assert [i.id for i in await harness.app.queries.open_list()] == [1]  # no new incident
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state is State.REWORK
    assert [e.action for e in view.events][-1] == "citizen_comment"

    # Reworked and published again: a new window, which ends by itself, across a restart.
    clock.set_local("2026-03-10T10:00")
    await send_answer(housing, "Яму заделали асфальтом 10.03.")
    await approve_and_publish(coordinator)
    assert "до 12.03.2026 10:00" in housing.last().text
    await harness.restart()
    assert await tick_at(harness, clock, "2026-03-12T09:59") == []
    quiet = counts(*others)
    await tick_at(harness, clock, "2026-03-12T10:00")
    for told_user in (coordinator, housing):
        assert "Инцидент №1 закрыт: житель не прокомментировал ответ" in told_user.last().text
    assert counts(*others) == quiet
    assert "Статус: закрыт" in card.text
    assert card.buttons == []
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state is State.CLOSED
    assert view.incident.closed_at is not None

    # Too late: the comment is refused, and it does not open an incident either.
    await coordinator.send("А яма-то опять!", forward_from_user="Житель", reply_to=card)
    assert "Время для комментария жителя истекло" in coordinator.last().text
    assert await harness.app.queries.view(2) is None
    assert housing.last().text.startswith("✅ Инцидент №1 закрыт")


def test_owed_terms_follow_where_the_answer_term_ends() -> None:
    deciding = {"first_reply_due": False, "deciding_first_reply": False, "answered": False}
    # Counted to the draft (Krasnoufimsk), nothing runs on while a draft is decided on.
    assert owed_terms(State.APPROVAL, **deciding, to_publication=False) == frozenset()
    assert owed_terms(State.APPROVAL, **deciding, to_publication=True) == {Stage.ANSWER}
    answered = {**deciding, "answered": True}  # after an interim answer: only the final term
    assert owed_terms(State.APPROVAL, **answered, to_publication=True) == frozenset()
    first = {**deciding, "deciding_first_reply": True}
    assert owed_terms(State.PUBLISHING, **first, to_publication=False) == {Stage.ANSWER}
    assert owed_terms(
        State.IN_PROGRESS, **{**deciding, "first_reply_due": True}, to_publication=False
    ) == {Stage.FIRST_REPLY}


def mezhdurechensk(**terms: object) -> dict[str, object]:
    data = tomllib.loads((PROFILES / "mezhdurechensk.toml").read_text(encoding="utf-8"))
    data["terms"] = {**data["terms"], **terms}
    return data


@pytest.mark.parametrize(
    ("terms", "error"),
    [
        ({"answer_ends": "approval"}, "terms.answer_ends = «approval»: нужно draft"),
        ({"rating": "два дня"}, "terms.rating: срок «два дня» не понят"),
        ({"first_replay": "1h"}, "terms.first_replay: такого срока нет"),
    ],
)
def test_a_bad_option_is_named(terms: dict[str, object], error: str) -> None:
    with pytest.raises(ProfileError, match=error):
        parse_profile("mezhdurechensk", mezhdurechensk(**terms))
