"""The organisation picker: pages numbered, names sorted without their legal form, the
card's own buttons kept below it until routing (issue 15, item 18)."""

from __future__ import annotations

import pytest

from bot.domain.names import sort_key
from tests.conftest import DIRECTORY_CSV, Cast, Harness
from tests.emulator import Emulator

MORE_HOUSING = [
    "АО «Газпром газораспределение»",
    "ООО «Чистый город»",
    "ООО «Ремстрой»",
    "МУП «Теплосеть»",
    "ПАО «Россети Урал»",
    "ООО «Управляющая компания «Дом»»",
    "ЖСК «Берёзка»",
    "«Аварийная служба»",
]
EXTRA_CSV = "".join(
    f"{name};ЖКХ;Работник {n} Иван Иванович;мастер;исполнитель;\n"
    for n, name in enumerate(MORE_HOUSING)
)
SIDE = [
    "🕒 Время обнаружения",
    "❗ Социально значимое",
    "🔥 Срочно",
    "🚫 Без ответа",
    "✖️ Отменить инцидент",
    "🔁 Это повтор…",
]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("МКУ «Управление образованием»", "управление образованием"),
        ("ГБУЗ СО «Красноуфимская РБ»", "красноуфимская рб"),
        ("МБОУ ДО «Детская школа искусств»", "детская школа искусств"),
        ('ООО "Ромашка"', "ромашка"),
        ("Администрация", "администрация"),
        ("АОРТА", "аорта"),  # a name that begins like a form keeps its letters
        ("ЖСК «Берёзка»", "березка"),
    ],
)
def test_sort_key(name: str, key: str) -> None:
    assert sort_key(name) == key


async def test_picker_pages_order_and_the_cards_own_buttons(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    assert harness.app is not None
    await harness.app.directory.import_csv(DIRECTORY_CSV + EXTRA_CSV)
    coordinator = cast.coordinator
    await coordinator.send("Прорвало трубу на ул. Ленина", forward_from_channel="Мой город")
    card = coordinator.last()
    await coordinator.click("Обычное", card)
    assert card.buttons == ["ЖКХ", "Образование", "🔍 Поиск по названию", *SIDE]

    await coordinator.click("ЖКХ", card)
    # Ten organisations, eight a page, by name without «АО», «ООО», «МУП» and quotes.
    assert card.buttons == [
        "«Аварийная служба»",
        "ЖСК «Берёзка»",
        "АО «Газпром газораспределение»",
        "МУП «Междуреченский водоканал»",
        "ООО «Ремстрой»",
        "ПАО «Россети Урал»",
        "МУП «Теплосеть»",
        "ООО «Управляющая компания «Дом»»",
        "1/2",
        "▶️",
        "☑️ Выбрать несколько",
        "🔍 Поиск по названию",
        "⬅️ К блокам",
        *SIDE,
    ]
    # The page number does nothing, but is answered (no spinner) and edits nothing.
    edits = len(emu.requests)
    answer = await coordinator.click("1/2", card)
    assert answer["text"] == "Страница 1. Листайте стрелками ◀️ ▶️"
    assert not [r for r in emu.requests[edits:] if r.method.startswith("edit")]

    await coordinator.click("▶️", card)
    assert card.buttons == [
        "МКУ «УРЖКК»",
        "ООО «Чистый город»",
        "◀️",
        "2/2",
        "☑️ Выбрать несколько",
        "🔍 Поиск по названию",
        "⬅️ К блокам",
        *SIDE,
    ]

    # While picking, the detection time and «социально значимое» can be set.
    await coordinator.click("Социально значимое", card)
    assert "отмечен координатором как социально значимый" in cast.head.inbox()[-2].text
    assert card.buttons[-5:] == [SIDE[0], *SIDE[2:]]
    assert "ЖКХ" in card.buttons  # still picking

    await coordinator.click("ЖКХ", card)
    await coordinator.click("▶️", card)
    answer = await coordinator.click("УРЖКК", card)
    assert answer["text"] == "Направлено: МКУ «УРЖКК»"
    # Routed: the card's own buttons are left, and withdrawing to route anew.
    assert card.buttons == [
        "↩️ Отозвать и направить другой",
        "➕ Добавить исполнителя",
        SIDE[0],
        *SIDE[2:],
    ]
    assert "Прорвало трубу" in cast.housing.find("Инцидент №1").text
    assert not emu.failed_requests()


async def test_search_results_sorted_without_legal_form(cast: Cast, harness: Harness) -> None:
    assert harness.app is not None
    await harness.app.directory.import_csv(DIRECTORY_CSV + EXTRA_CSV)
    coordinator = cast.coordinator
    await coordinator.send("Темно во дворе", forward_from_channel="Мой город")
    await coordinator.click("Обычное")
    await coordinator.click("Поиск по названию")
    await coordinator.send("ооо")  # the three «ООО»: found by the form, sorted without it
    results = coordinator.last()
    assert "Найдено по «ооо»: 3" in results.text
    assert results.buttons[:3] == [
        "ООО «Ремстрой»",
        "ООО «Управляющая компания «Дом»»",
        "ООО «Чистый город»",
    ]
    # A search message is the picker only: the card keeps its own buttons.
    assert "🕒 Время обнаружения" not in results.buttons
