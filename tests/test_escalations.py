"""Escalations in plain words, with the post, the organisation, who accepted it and a button to
the card; still overdue a working day after the last one, the Head is told once."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.profile import ProfileError, parse_profile
from bot.profiles import PROFILES
from bot.texts import Texts
from tests.conftest import TIMEZONE, Cast, FakeClock, Harness
from tests.emulator import User
from tests.test_happy_path import route_new_incident
from tests.test_reminders import tick_at

POST = "Во дворе <b>яма</b> & лужа уже неделю!\nФото в комментариях, приезжайте скорее"


def counts(*users: User) -> list[int]:
    return [len(u.inbox()) for u in users]


async def test_overdue_answer_escalates_in_plain_words_then_reaches_the_head_once(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await route_new_incident(cast, text=POST)  # Monday 02.03.2026 10:00, answer due 16:00
    await cast.housing.click("Принять")
    others = (cast.head, cast.water, cast.school)
    quiet = counts(*others)

    assert await tick_at(harness, clock, "2026-03-02T16:01") == ["answer:due"]
    for watcher in (cast.coordinator, cast.supervisor):
        alarm = watcher.last()
        assert alarm.text == (
            "🚨 Просрочка по инциденту №1\n"
            "МКУ «УРЖКК»: к 02.03.2026 16:00 не прислан ответ;"
            " просрочено на 1 мин рабочего времени.\n"
            "Пост: «Во дворе <b>яма</b> & лужа уже неделю!»\n"
            "Принят в работу — Иванова Анна Сергеевна.\n"
            "Уведомление 1 из 3."
        )
        assert alarm.buttons == ["📂 Открыть карточку"]
    assert "срок «ответ» (МКУ «УРЖКК») истёк" in cast.housing.last().text
    assert counts(*others) == quiet  # not the Head yet, nor another organisation

    # Escalations every working hour, three at most: 17:00, then Tuesday 09:00.
    assert await tick_at(harness, clock, "2026-03-02T17:00") == ["answer:escalate"]
    assert await tick_at(harness, clock, "2026-03-03T09:00") == ["answer:escalate"]
    assert "Уведомление 3 из 3." in cast.supervisor.last().text
    assert counts(*others) == quiet

    # Nine working hours (a working day) overdue: the Head, once, and nobody else.
    watchers = (cast.coordinator, cast.supervisor, cast.housing)
    told = counts(*watchers)
    assert await tick_at(harness, clock, "2026-03-03T15:59") == []
    assert await tick_at(harness, clock, "2026-03-03T16:00") == ["answer:head"]
    note = cast.head.last()
    assert note.text == (
        "❗ Глава, для вашего сведения: долгая просрочка по инциденту №1\n"
        "МКУ «УРЖКК»: к 02.03.2026 16:00 не прислан ответ;"
        " просрочено на 9 ч рабочего времени.\n"
        "Пост: «Во дворе <b>яма</b> & лужа уже неделю!»\n"
        "Принят в работу — Иванова Анна Сергеевна.\n"
        "Уведомлений о просрочке координатору МЦУ уже было: 3."
    )
    assert note.buttons == ["📂 Открыть карточку"]
    assert counts(*watchers) == told
    assert counts(cast.water, cast.school) == quiet[1:]
    assert await tick_at(harness, clock, "2026-03-05T16:00") == []  # once only
    assert len(cast.head.inbox()) == quiet[0] + 1


async def test_the_button_opens_the_card_for_each_reader(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await route_new_incident(cast, text=POST)
    await cast.housing.click("Принять")
    await tick_at(harness, clock, "2026-03-02T16:01")
    alarm = cast.supervisor.last()

    await cast.supervisor.click("Открыть карточку", alarm)
    card = cast.supervisor.last()
    assert card.text.startswith("Инцидент №1")
    assert "🔴 Срок ответа: до" in card.text
    assert card.buttons == []  # a deputy head has nothing to press on it

    await cast.coordinator.click("Открыть карточку")
    assert "🕒 Время обнаружения" in cast.coordinator.last().buttons

    # The permission is checked when the button is pressed, not when it was sent.
    button = alarm.button("Открыть карточку")
    assert button is not None
    seen = len(cast.school.inbox())
    answer = await cast.school.press(alarm, str(button["callback_data"]))
    assert answer["text"] == "Инцидент направлен не вашей организации."
    assert len(cast.school.inbox()) == seen


def test_not_accepted_yet_is_said_too() -> None:
    texts = Texts(ZoneInfo(TIMEZONE))
    clock = FakeClock()
    shown = texts.message(
        "escalation",
        incident_id=7,
        stage="rework",
        organisation="МУП «Междуреченский водоканал»",
        due=clock(),
        late=timedelta(hours=2),
        number=2,
        total=3,
        post="",
        accepted_by=None,
    )
    assert "МУП «Междуреченский водоканал»: к 02.03.2026 10:00 не прислан доработанный" in shown
    assert "просрочено на 2 ч" in shown
    assert "Пост:" not in shown  # a post of a photo only has no line to quote
    assert "В работу ещё не принят." in shown


def profile_data(**reminders: object) -> dict[str, object]:
    data = tomllib.loads((PROFILES / "krasnoufimsk.toml").read_text("utf-8"))
    data["reminders"] = {**data["reminders"], **reminders}
    return data


def test_head_limit_in_the_profile() -> None:
    assert parse_profile("k", profile_data()).reminders.head_after == timedelta(hours=9)
    data = profile_data()
    del data["reminders"]["head_after"]  # type: ignore[attr-defined]
    # By default one working day: the standard day's hours, less lunch.
    assert parse_profile("k", data).reminders.head_after == timedelta(hours=9)
    data["calendar"]["lunch"] = "12:00-13:00"  # type: ignore[index]
    assert parse_profile("k", data).reminders.head_after == timedelta(hours=8)
    with pytest.raises(ProfileError, match="не дольше эскалаций"):
        parse_profile("k", profile_data(head_after="2h"))  # the third escalation is at 2 h
    with pytest.raises(ProfileError, match="нужно рабочее время"):
        parse_profile("k", profile_data(head_after="1d"))
