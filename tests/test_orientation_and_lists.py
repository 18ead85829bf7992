"""/start, /help and the command menu by role; /my, /open, /incident; long posts; the picker."""

from __future__ import annotations

from tests.conftest import COORDINATOR_ID, Cast, Harness
from tests.emulator import Emulator, User
from tests.test_happy_path import route_new_incident


def menu(emu: Emulator, chat: int) -> list[str]:
    return [c["command"] for c in emu.commands[f"chat:{chat}"]]


async def test_help_and_menu_fit_the_role(cast: Cast, harness: Harness, emu: Emulator) -> None:
    assert [c["command"] for c in emu.commands["default"]] == ["start", "help"]
    assert menu(emu, COORDINATOR_ID) == [
        "open",
        "incident",
        "report",
        "register",
        "absent",
        "absences",
        "status",
        "people",
        "audit",
        "help",
        "cancel",
    ]
    assert menu(emu, cast.housing.id) == [
        "my",
        "incident",
        "report",
        "register",
        "absent",
        "help",
        "cancel",
    ]
    assert menu(emu, cast.head.id) == ["open", "incident", "report", "register", "absent", "help"]
    assert menu(emu, cast.supervisor.id) == [
        "my",
        "incident",
        "report",
        "register",
        "absent",
        "help",
    ]

    await cast.coordinator.send("/help")
    assert "Вы — координатор МЦУ" in cast.coordinator.last().text
    await cast.housing.send("/start")
    text = cast.housing.last().text
    assert "вы — исполнитель (МКУ «УРЖКК»)" in text
    assert "«Не наше»" in text
    await cast.supervisor.send("/help")
    assert "заместитель главы (куратор)" in cast.supervisor.last().text
    await cast.head.send("/help")
    assert "вы — Глава" in cast.head.last().text
    await cast.stranger.send("/start")
    assert "Попросите у координатора МЦУ персональную ссылку" in cast.stranger.last().text

    # Menus survive a restart and are set again for every bound person.
    emu.commands.clear()
    await harness.restart()
    assert menu(emu, cast.water.id) == [
        "my",
        "incident",
        "report",
        "register",
        "absent",
        "help",
        "cancel",
    ]
    assert menu(emu, COORDINATOR_ID) == [
        "open",
        "incident",
        "report",
        "register",
        "absent",
        "absences",
        "status",
        "people",
        "audit",
        "help",
        "cancel",
    ]


async def test_lists_and_one_card_with_history(cast: Cast) -> None:
    await route_new_incident(cast)
    await route_new_incident(
        cast, text="Нет света в школе №3", org="образованием", block="Образование"
    )
    await cast.housing.send("/my")
    mine = cast.housing.last().text
    assert "№1" in mine
    assert "№2" not in mine
    await cast.coordinator.send("/open")
    everything = cast.coordinator.last().text
    assert "№1 — направлен исполнителю, ждёт принятия, МКУ «УРЖКК»" in everything
    assert "№2 — направлен исполнителю, ждёт принятия, МКУ «Управление образованием»" in everything

    await cast.housing.click("Принять")
    await cast.coordinator.send("/incident 1")
    history = cast.coordinator.last().text
    assert history.startswith("История инцидента №1")
    assert "Инцидент создан — Ольга Координатова" in history
    assert "Категория выбрана (Обычное)" in history
    assert "Принят в работу — Иванова А. С." in history

    await cast.school.send("/incident 1")
    assert cast.school.last().text == "Инцидент направлен не вашей организации."
    await cast.supervisor.send("/incident 2")
    assert "История инцидента №2" in cast.supervisor.last().text
    await cast.coordinator.send("/incident abc")
    assert "Напишите номер инцидента цифрами" in cast.coordinator.last().text
    await cast.coordinator.send("/incident 99")
    assert cast.coordinator.last().text == "Инцидента №99 нет. Номера открытых — в /open."
    await cast.water.send("/my")
    assert "Открытых инцидентов нет." in cast.water.last().text


async def test_long_post_is_cut_to_fit(cast: Cast, emu: Emulator) -> None:
    long_post = ("Жители жалуются <на> шум & пыль. " * 200)[:4096]
    await cast.coordinator.send(long_post, forward_from_channel="Мой город")
    card = cast.coordinator.last()
    assert "Инцидент №1" in card.text
    assert "Текст поста сокращён; полностью — /incident 1" in card.text
    assert len(card.text) <= 4096
    assert "Жители жалуются <на> шум & пыль." in card.text
    await cast.coordinator.send("/incident 1")
    full = [m for m in cast.coordinator.inbox() if m.text == long_post]
    assert len(full) == 1
    assert not emu.failed_requests()


async def test_picker_pages_and_search(cast: Cast, harness: Harness, emu: Emulator) -> None:
    assert harness.app is not None
    rows = "\n".join(
        f"ООО «УК Дом-{n:02d}»;Управляющие компании;Исполнитель {n};директор;исполнитель"
        for n in range(1, 12)
    )
    await harness.app.directory.import_csv(
        "организация;тематический блок;фио;должность;роль\n"
        + rows
        + "\nМКУ «УРЖКК»;ЖКХ;Иванова Анна Сергеевна;пресс-секретарь;исполнитель\n"
    )
    await cast.coordinator.send("Мусор не вывозят третий день", forward_from_channel="Мой город")
    await cast.coordinator.click("Обычное")
    await cast.coordinator.click("Управляющие компании")
    card = cast.coordinator.last()
    assert card.buttons[:8] == [f"ООО «УК Дом-{n:02d}»" for n in range(1, 9)]
    await cast.coordinator.click("▶️", card)
    assert card.buttons[:3] == ["ООО «УК Дом-09»", "ООО «УК Дом-10»", "ООО «УК Дом-11»"]
    assert "◀️" in card.buttons
    await cast.coordinator.click("Поиск", card)
    assert "Напишите часть названия организации" in cast.coordinator.last().text
    await cast.coordinator.send("дом-1")
    results = cast.coordinator.last()
    assert "Найдено по «дом-1»: 2" in results.text
    assert results.buttons[:2] == ["ООО «УК Дом-10»", "ООО «УК Дом-11»"]
    await cast.coordinator.click("Поиск", results)
    await cast.coordinator.send("нет такой")
    assert "ничего не найдено" in cast.coordinator.last().text
    await cast.coordinator.click("Дом-10", results)
    # Nobody of that organisation has opened an invite yet: the coordinator is asked first.
    assert "ещё не направлен" in cast.coordinator.last().text
    await cast.coordinator.click("Всё равно направить")
    assert results.buttons == []  # spent once routed
    assert (
        "Карточку получит первый, кто откроет ссылку-приглашение" in cast.coordinator.last().text
    )
    assert "направлен исполнителю" in card.text
    await cast.coordinator.send("/open")
    assert "ООО «УК Дом-10»" in cast.coordinator.last().text


async def test_pressing_the_same_picker_button_again_sends_nothing_new(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    """A second press of a page that is shown already (a double tap, or a press that came
    late) edits nothing: the card already shows it."""
    await cast.coordinator.send("Мусор не вывозят третий день", forward_from_channel="Мой город")
    card = cast.coordinator.last()
    await cast.coordinator.click("Обычное", card)
    block = card.button("ЖКХ")
    assert block is not None
    await cast.coordinator.press(card, block["callback_data"])
    shown = list(card.buttons)
    assert shown[:2] == ["МУП «Междуреченский водоканал»", "МКУ «УРЖКК»"]
    edits = [r for r in emu.requests if r.method.startswith("editMessage")]
    answer = await cast.coordinator.press(card, block["callback_data"])
    assert answer["text"] == "ЖКХ"
    assert [r for r in emu.requests if r.method.startswith("editMessage")] == edits
    assert card.buttons == shown
    assert not emu.failed_requests()


async def test_detection_time_can_be_corrected(cast: Cast, harness: Harness) -> None:
    await cast.coordinator.send("Пост про остановку", forward_from_channel="Мой город")
    card = cast.coordinator.last()
    await cast.coordinator.click("Время обнаружения", card)
    await cast.coordinator.send("вчера")
    assert "Не понял время «вчера»" in cast.coordinator.last().text
    await cast.coordinator.send(None, photo=True)  # not a time, and not a new incident either
    assert "Здесь нужен текст одним сообщением" in cast.coordinator.last().text
    assert harness.app is not None
    assert len(await harness.app.queries.open_list()) == 1
    await cast.coordinator.send("01.01.2099 10:00")
    assert "не может быть в будущем" in cast.coordinator.last().text
    await cast.coordinator.send("27.02.2026 14:30")  # a Friday afternoon
    assert "Обнаружен: 27.02.2026 14:30" in card.text
    await cast.coordinator.click("Повышенной", card)
    await cast.coordinator.click("ЖКХ", card)
    await cast.coordinator.click("УРЖКК", card)
    # High importance: 3 working hours from detection (point 12): 2 h 30 min on Friday,
    # 30 min on Monday morning. It is Monday 10:00 now, so the card shows it late.
    assert "🔴 Срок ответа: до 02.03.2026 08:30, просрочено на 1 ч 30 мин" in card.text
    answer = await cast.coordinator.click("Социально значимое", card)
    assert answer["text"] == "Отмечено как социально значимое"
    assert card.text.startswith("❗ Инцидент №1")


async def test_typing_a_link_opens_an_incident_once_confirmed(cast: Cast) -> None:
    await cast.coordinator.send("https://vk.com/wall-123_456")
    question = cast.coordinator.last()
    assert "Создать по нему инцидент?" in question.text
    await cast.coordinator.click("Создать инцидент", question)
    assert question.text == "🆕 Создан инцидент №1."
    assert question.buttons == []
    card = cast.coordinator.last()
    assert "Ссылка: https://vk.com/wall-123_456" in card.text
    newcomer = User(cast.coordinator.emu, 9999, "Новый")
    await newcomer.send("/cancel")
    assert "Отменять нечего" in newcomer.last().text
