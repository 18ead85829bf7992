"""Repeated messages (p. 18): the same author or link as an earlier incident (issue 16,
item 3)."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.test_decline_and_rework import write_and_submit


async def answered(cast: Cast, text: str, author: str) -> None:
    """An incident from `author`'s post, answered by УРЖКК and published."""
    coordinator = cast.coordinator
    await coordinator.send(text, forward_from_user=author)
    await coordinator.click("Обычное")
    await coordinator.click("ЖКХ")
    await coordinator.click("УРЖКК")
    await write_and_submit(cast.housing, "Скамейку отремонтировали 3 марта.")
    await coordinator.click("Согласовать")
    await coordinator.click("Опубликовано")


async def test_a_repeat_is_told_routed_first_to_the_same_organisation(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await answered(cast, "Сломана скамейка во дворе Мира, 5", "Пётр Жалобин")

    await coordinator.send("Скамейку так и не починили!", forward_from_user="Пётр Жалобин")
    card = coordinator.find("Инцидент №2")
    assert "🔁 Повтор: ранее инцидент №1 (/incident 1)" in card.text
    await coordinator.click("Обычное", card)
    assert card.buttons[0] == "МКУ «УРЖКК»"  # who answered the earlier one, first
    await coordinator.click("УРЖКК", card)
    executor_card = housing.find("Инцидент №2")
    assert "Повтор: ранее инцидент №1" in executor_card.text
    assert "Ранее опубликован ответ: «Скамейку отремонтировали 3 марта.»" in executor_card.text
    assert "Новый ответ должен сказать, что сделано" in executor_card.text
    assert "Ранее опубликован ответ" not in card.text  # the coordinator's card is shorter

    assert harness.app is not None
    view = await harness.app.queries.view(2)
    assert view is not None
    assert view.incident.repeat_of == 1

    # A false match is unlinked; the card and what is stored say so.
    await coordinator.click("Не повтор", card)
    assert "Отметка о повторе с инцидента №2 снята" in coordinator.last().text
    assert "Повтор" not in card.text.split("Статус")[1].split("\n\n")[0]
    view = await harness.app.queries.view(2)
    assert view is not None
    assert view.incident.repeat_of is None


async def test_marking_a_repeat_by_hand_and_bad_numbers(cast: Cast, harness: Harness) -> None:
    coordinator = cast.coordinator
    await coordinator.send("Яма у дома 1", forward_from_channel="Мой город")
    await coordinator.send("Та же яма, опять", forward_from_channel="Мой город")
    card = coordinator.find("Инцидент №2")
    assert "Повтор" not in card.text  # a channel's posts are everybody's: no match by it
    await coordinator.click("Это повтор", card)
    assert "Какой инцидент повторяет №2?" in coordinator.last().text
    await coordinator.send("два")
    assert "Не понял номер «два»" in coordinator.last().text
    await coordinator.send("2")
    assert coordinator.last().text == "Инцидент не может повторять сам себя."
    await coordinator.click("Это повтор", card)
    await coordinator.send("99")
    assert coordinator.last().text == "Более раннего инцидента с таким номером нет."
    await coordinator.click("Это повтор", card)
    await coordinator.send("№1")
    assert "Инцидент №2 отмечен как повтор №1" in coordinator.last().text
    assert "🔁 Повтор: ранее инцидент №1" in card.text
    assert harness.app is not None
    view = await harness.app.queries.view(2)
    assert view is not None
    assert view.incident.repeat_of == 1
    assert "repeat" in [e.action for e in view.events]


async def test_unlinking_twice_and_a_wrong_number_keep_things_as_they_were(
    cast: Cast, harness: Harness
) -> None:
    coordinator = cast.coordinator
    await coordinator.send("Пост раз", forward_from_user="Анна Жительница")
    await coordinator.send("Пост два", forward_from_user="Анна Жительница")
    card = coordinator.find("Инцидент №2")
    await coordinator.click("Не повтор", card)
    again = await coordinator.press(card, "i1:nrp:2")
    assert "Уже не актуально" in again["text"]
    await coordinator.click("Это повтор", card)
    await coordinator.send("99")
    assert coordinator.last().text == "Более раннего инцидента с таким номером нет."
    await coordinator.send("1")  # still the number awaited, not a new post
    assert "Инцидент №2 отмечен как повтор №1" in coordinator.last().text
