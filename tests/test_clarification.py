"""The clarification loop (p. 13): a published «запрос уточнения» waits for the citizen,
whose reply the coordinator brings in (issue 16, item 5)."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.test_decline_and_rework import write_and_submit
from tests.test_happy_path import route_new_incident


async def ask_the_citizen(cast: Cast) -> None:
    await route_new_incident(cast, text="Во дворе опасное дерево")
    await write_and_submit(cast.housing, "Уточните, пожалуйста, адрес.", kind="Запрос уточнения")
    await cast.coordinator.click("Согласовать")
    await cast.coordinator.click("Опубликовано")


async def test_the_citizens_reply_forwarded_onto_the_card_reaches_the_executor(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await ask_the_citizen(cast)
    card = coordinator.find("Инцидент №1 ·")
    executor_card = housing.find("Инцидент №1 ·")
    assert "запрос уточнения опубликован, ждём ответа жителя" in card.text
    assert "💬 Ответ жителя" in card.buttons
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert [t.stage for t in view.timers] == ["answer"]  # the term keeps running (p. 13)

    await coordinator.send(
        "Адрес: ул. Мира, 5, у второго подъезда", forward_from_user="Житель", reply_to=card
    )
    assert "Ответ жителя передан исполнителю инцидента №1" in coordinator.last().text
    told = housing.last()
    assert "Житель ответил на запрос уточнения по инциденту №1" in told.text
    assert "ул. Мира, 5, у второго подъезда" in told.text
    assert "✍️ Ответить" in told.buttons
    assert "💬 Ответ жителя: «Адрес: ул. Мира, 5, у второго подъезда»" in executor_card.text
    assert "в работе у исполнителя" in executor_card.text
    assert [i.id for i in await harness.app.queries.open_list()] == [1]  # no new incident

    await write_and_submit(housing, "Дерево у подъезда 2 спилили.")
    await coordinator.click("Согласовать")
    await coordinator.click("Опубликовано")
    assert "Статус: закрыт" in card.text


async def test_the_citizens_reply_through_the_button_and_the_wrong_moment(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await route_new_incident(cast)
    card = coordinator.find("Инцидент №1 ·")
    forged = await coordinator.press(card, "i1:ctz:1")  # nothing was asked yet
    assert "Уже не актуально" in forged["text"]
    await write_and_submit(housing, "Уточните адрес.", kind="Запрос уточнения")
    await coordinator.click("Согласовать")
    await coordinator.click("Опубликовано")

    await coordinator.click("Ответ жителя", card)
    assert "Перешлите сюда ответ или комментарий жителя" in coordinator.last().text
    await coordinator.send("Дом 7, подъезд 1")  # pasted as text
    assert "Дом 7, подъезд 1" in housing.last().text
    assert "💬 Ответ жителя" not in card.buttons
