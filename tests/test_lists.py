"""/my and /open for every role: a line of each post, a button per incident that opens its
card; /incident with a number that does not exist or no number."""

from __future__ import annotations

from tests.conftest import Cast
from tests.emulator import Emulator
from tests.test_happy_path import route_new_incident


async def three_incidents(cast: Cast) -> None:
    """№1 to УРЖКК and №3 to the water utility (both supervised by Kuznetsov), №2 to the
    schools (supervised by nobody)."""
    await route_new_incident(cast, text="Во дворе яма\nуже неделю, никто не едет")
    await route_new_incident(
        cast, text="Нет света в школе №3", org="образованием", block="Образование"
    )
    await route_new_incident(cast, text="Из крана течёт ржавая вода", org="водоканал")


async def test_each_role_lists_its_incidents_with_a_line_of_the_post(
    cast: Cast, emu: Emulator
) -> None:
    await three_incidents(cast)

    await cast.supervisor.send("/my")
    listing = cast.supervisor.last()
    assert listing.text.startswith("Открытые инциденты курируемых организаций: 2")
    assert "№1 — направлен исполнителю, ждёт принятия, МКУ «УРЖКК»" in listing.text
    assert "«Во дворе яма»" in listing.text  # the first line only
    assert "уже неделю" not in listing.text
    assert "«Из крана течёт ржавая вода»" in listing.text
    assert "№2" not in listing.text
    assert "школе" not in listing.text
    assert listing.buttons == ["№1", "№3"]
    await cast.supervisor.send("/open")  # the same list under the other name
    assert cast.supervisor.last().buttons == ["№1", "№3"]

    await cast.head.send("/open")
    everything = cast.head.last()
    assert everything.text.startswith("Все открытые инциденты: 3")
    assert "«Нет света в школе №3»" in everything.text
    assert everything.buttons == ["№1", "№2", "№3"]

    await cast.housing.send("/my")
    mine = cast.housing.last()
    assert mine.text.startswith("Открытые инциденты вашей организации: 1")
    assert mine.buttons == ["№1"]

    await cast.coordinator.send("/open")
    assert cast.coordinator.last().buttons == ["№1", "№2", "№3"]
    assert not emu.failed_requests()


async def test_a_list_button_opens_the_card_for_whoever_may_see_it(cast: Cast) -> None:
    await three_incidents(cast)

    # The deputy head gets a copy of the card, without buttons (nothing to press there).
    await cast.supervisor.send("/my")
    seen = len(cast.supervisor.inbox())
    answer = await cast.supervisor.click("№3")
    assert answer.get("show_alert") is not True
    card = cast.supervisor.last()
    assert len(cast.supervisor.inbox()) == seen + 1
    assert card.text.startswith("Инцидент №3")
    assert "Из крана течёт ржавая вода" in card.text
    assert card.buttons == []

    # The executor's copy has the executor's buttons, and they work.
    await cast.housing.send("/my")
    await cast.housing.click("№1")
    card = cast.housing.last()
    assert card.text.startswith("Инцидент №1")
    assert card.buttons[:2] == ["✅ Принять", "↩️ Не наше"]
    await cast.housing.click("Принять", card)
    assert "в работе у исполнителя" in card.text

    # The coordinator's copy has the coordinator's buttons.
    await cast.coordinator.send("/open")
    await cast.coordinator.click("№2")
    assert "🕒 Время обнаружения" in cast.coordinator.last().buttons

    # Another organisation pressing a forwarded or forged button gets a refusal, no card.
    listing = cast.housing.find("Открытые инциденты")
    button = listing.button("№1")
    assert button is not None
    seen = len(cast.school.inbox())
    answer = await cast.school.press(listing, str(button["callback_data"]))
    assert answer["text"] == "Инцидент направлен не вашей организации."
    assert answer["show_alert"] is True
    assert len(cast.school.inbox()) == seen
    answer = await cast.stranger.press(listing, str(button["callback_data"]))
    assert "не зарегистрированы" in answer["text"]
    assert not cast.stranger.inbox()


async def test_empty_lists_and_wrong_numbers(cast: Cast) -> None:
    await cast.water.send("/my")
    assert cast.water.last().text == (
        "Открытые инциденты вашей организации\nОткрытых инцидентов нет."
    )
    assert cast.water.last().buttons == []
    await cast.supervisor.send("/my")
    assert "Открытых инцидентов нет." in cast.supervisor.last().text

    await cast.coordinator.send("/incident 999")
    assert cast.coordinator.last().text == "Инцидента №999 нет. Номера открытых — в /open."
    await cast.housing.send("/incident 999")
    assert cast.housing.last().text == "Инцидента №999 нет. Номера открытых — в /my."
    await cast.head.send("/incident abc")
    assert cast.head.last().text == (
        "Напишите номер инцидента цифрами, например: /incident 12. Номера открытых — в /open."
    )
    await cast.stranger.send("/open")
    assert "не зарегистрированы" in cast.stranger.last().text


async def test_long_lists_are_split_into_messages_that_fit(cast: Cast, emu: Emulator) -> None:
    long_line = "Жалоба " + "очень " * 30 + "длинная"
    for n in range(25):
        await cast.coordinator.send(f"{long_line} {n}", forward_from_channel="Мой город")
    await cast.coordinator.send("/open")
    first, second = cast.coordinator.inbox()[-2:]
    assert first.text.startswith("Все открытые инциденты: 25")
    assert len(first.buttons) == 20
    assert second.text.startswith("Все открытые инциденты (продолжение)")
    assert second.buttons == [f"№{n}" for n in range(21, 26)]
    assert "…" in first.text  # each post's line shortened
    assert not emu.failed_requests()
