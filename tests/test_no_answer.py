"""«Без ответа» (p. 21): an incident closed without an answer, on a ground, from any open
state (issue 16, item 4)."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.test_decline_and_rework import write_and_submit
from tests.test_happy_path import route_new_incident


async def test_closed_without_an_answer_on_a_ground(cast: Cast, harness: Harness) -> None:
    coordinator, housing, water = cast.coordinator, cast.housing, cast.water
    await route_new_incident(cast, text="Оскорбительный пост про главу")
    card = coordinator.find("Инцидент №1")
    await write_and_submit(housing, "Черновик, который не понадобится.")
    housing_card = housing.find("Инцидент №1")
    seen_water = len(water.inbox())

    await coordinator.click("Без ответа", card)
    question = coordinator.last()
    assert "Закрыть инцидент №1 без ответа (п. 21 Положения)? Выберите основание:" in question.text
    assert question.buttons == [
        "Умысел причинить вред",
        "Нецензурные выражения",
        "Оскорбления",
        "Угрозы должностному лицу или семье",
        "↩️ Не закрывать",
    ]
    # Only the coordinator who leads it decides; an executor's forged press changes nothing.
    forged = await housing.press(question, "n1:1:insult")
    assert forged["text"] == "Это действие доступно только координатору МЦУ."

    answer = await coordinator.click("Оскорбления", question)
    assert answer["text"] == "Закрыто без ответа"
    assert question.text == "🚫 Инцидент №1 закрыт без ответа. Основание: оскорбления."
    assert question.buttons == []
    told = housing.last().text
    assert "Инцидент №1 закрыт координатором МЦУ без ответа (п. 21 Положения)" in told
    assert "Основание: оскорбления." in told
    assert len(water.inbox()) == seen_water  # it never had the card
    for copy in (card, housing_card):
        assert "Статус: закрыт без ответа (оскорбления)" in copy.text
        assert copy.buttons == []
    approval = coordinator.find("На согласование: инцидент №1")
    assert approval.buttons == []  # nothing left to approve

    assert harness.app is not None
    assert await harness.app.queries.next_timer() is None  # every clock stopped
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state == "closed"
    assert view.incident.no_answer == "insult"
    await coordinator.send("/incident 1")
    assert "Закрыт без ответа по п. 21 (Оскорбления)" in coordinator.last().text

    again = await coordinator.press(question, "n1:1:insult")  # a second tap
    assert "Уже не актуально" in again["text"]


async def test_a_new_incident_can_be_closed_without_an_answer_or_kept(cast: Cast) -> None:
    coordinator = cast.coordinator
    await coordinator.send("Мат и угрозы", forward_from_channel="Мой город")
    card = coordinator.last()
    await coordinator.click("Без ответа", card)
    question = coordinator.last()
    await coordinator.click("Не закрывать", question)
    assert question.text == "Инцидент №1 не закрыт."
    assert "новый, не направлен" in card.text
    await coordinator.click("Без ответа", card)
    await coordinator.click("Угрозы", coordinator.last())
    assert "Статус: закрыт без ответа (угрозы должностному лицу или семье)" in card.text


async def test_keeping_it_open_is_checked_too(cast: Cast) -> None:
    coordinator = cast.coordinator
    await coordinator.send("Пост", forward_from_channel="Мой город")
    card = coordinator.last()
    assert card.text.splitlines()[1] == "Статус: новый, не направлен"  # a line of its own
    # «Не закрывать» forged onto the card by an executor, then by the coordinator: the card
    # keeps its text and buttons.
    forged = await cast.housing.press(card, "n1:1:")
    assert forged["text"] == "Это действие доступно только координатору МЦУ."
    before = (card.text, card.buttons)
    await coordinator.press(card, "n1:1:")
    assert (card.text, card.buttons) == before
