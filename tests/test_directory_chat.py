"""The directory from the chat (issue 18, item 2): a coordinator adds, moves and switches off
people, adds and renames organisations and chooses their block and supervisor; each change
is in /audit."""

from __future__ import annotations

import re

from bot.keyboards.directory import DirAct, DirCb
from storage.db import fetch_all, fetch_one
from tests.conftest import Cast, FakeClock, Harness
from tests.emulator import Emulator, User
from tests.test_happy_path import route_new_incident
from tests.test_reminders import tick_at

INVITE = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")


async def open_org(coordinator: User, block: str, org: str) -> None:
    """/people → a block → an organisation: its card is the latest screen."""
    await coordinator.send("/people")
    await coordinator.click(block)
    await coordinator.click(org)


async def add_person(coordinator: User, block: str, org: str, role: str, name: str) -> str:
    """Adds a person from the organisation's card; returns the invite code the bot gave."""
    await open_org(coordinator, block, org)
    await coordinator.click("➕ Сотрудник")
    await coordinator.click(role)
    assert "Напишите фамилию, имя и отчество" in coordinator.last().text
    await coordinator.send(name)
    added = coordinator.last()
    assert f"В справочнике: {name}" in added.text
    found = INVITE.search(added.text)
    assert found, added.text
    return found.group(1)


async def bind(emu: Emulator, user_id: int, first: str, code: str) -> User:
    user = User(emu, user_id, first)
    await user.send(f"/start {code}")
    assert "Вы зарегистрированы" in user.last().text
    return user


async def scalar(harness: Harness, sql: str, *args: object) -> object:
    assert harness.app is not None
    async with harness.app.db.read() as conn:
        row = await fetch_one(conn, sql, args)
    return row[0] if row else None


async def test_people_added_moved_and_switched_off_from_the_chat(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    coordinator = cast.coordinator
    await coordinator.send("/people")
    menu = coordinator.last()
    assert "Справочник" in menu.text
    assert menu.buttons == ["ЖКХ", "Образование", "Без блока", "➕ Организация"]
    await coordinator.click("ЖКХ", menu)
    assert menu.buttons == ["МУП «Междуреченский водоканал»", "МКУ «УРЖКК»", "⬅️ Назад"]
    await coordinator.click("УРЖКК", menu)
    assert "Иванова А. С. — исполнитель, ✅ в боте" in menu.text
    assert menu.buttons[0] == "👤 Иванова А. С."

    # Added: the bot answers with the invite to pass on; the new person opens it.
    code = await add_person(coordinator, "ЖКХ", "УРЖКК", "исполнитель", "Смирнова Мария Ивановна")
    await open_org(coordinator, "ЖКХ", "УРЖКК")
    await coordinator.click("Смирнова М. И.")  # her card still shows the invite
    assert "Исполнитель, МКУ «УРЖКК»\n✉️ ссылку ещё не открыли" in coordinator.last().text
    assert code in coordinator.last().text
    newcomer = await bind(emu, 2010, "Мария", code)
    await route_new_incident(cast, text="Яма на ул. Мира")
    assert "Яма на ул. Мира" in newcomer.find("Инцидент №1").text
    assert "Яма на ул. Мира" in cast.housing.find("Инцидент №1").text

    # The same full name in the same organisation again: refused, nothing added.
    await open_org(coordinator, "ЖКХ", "УРЖКК")
    await coordinator.click("➕ Сотрудник")
    await coordinator.click("исполнитель")
    await coordinator.send("смирнова  Мария Ивановна")
    assert "Такой сотрудник уже есть в этой организации" in coordinator.last().text
    assert await scalar(harness, "SELECT count(*) FROM people WHERE full_name LIKE 'См%'") == 1
    await coordinator.send("/cancel")
    assert coordinator.last().text == "Ввод отменён."

    # Moved to the water company: its cards go to her, those of УРЖКК no longer.
    await open_org(coordinator, "ЖКХ", "УРЖКК")
    await coordinator.click("Смирнова М. И.")
    await coordinator.click("🔀 Перевести")
    await coordinator.click("ЖКХ")
    answer = await coordinator.click("водоканал")
    assert answer["text"] == "Переведено: МУП «Междуреченский водоканал»"
    assert "теперь вы в организации МУП «Междуреченский водоканал»" in newcomer.last().text
    await route_new_incident(cast, text="Нет воды на ул. Мира", org="водоканал")
    assert "Нет воды" in newcomer.find("Инцидент №2").text
    await route_new_incident(cast, text="Мусор во дворе")
    assert "Мусор во дворе" in cast.housing.find("Инцидент №3").text
    assert not [m for m in newcomer.inbox() if "Инцидент №3" in m.text]

    # Switched off with work in hand: the accepted incident stays with the organisation.
    water = cast.water
    await water.click("Принять", water.find("Инцидент №2"))
    await open_org(coordinator, "ЖКХ", "водоканал")
    await coordinator.click("Сидоров С. И.")
    await coordinator.click("⛔ Отключить")
    confirm = coordinator.last()
    assert "Отключить Сидорова С. И. (МУП «Междуреченский водоканал»)?" in confirm.text
    answer = await coordinator.click("Да, отключить", confirm)
    assert answer["text"] == "Запись отключена"
    assert "Сидоров" not in " ".join(confirm.buttons)  # the organisation's card now
    assert "Отключены: Сидоров С. И." in confirm.text
    assert "Ваша запись в справочнике МЦУ отключена" in water.last().text
    answer = await water.click("Ответить", water.find("Инцидент №2"))
    assert answer["text"].startswith("Вы не зарегистрированы")
    assert (
        await scalar(
            harness,
            "SELECT status FROM assignments a JOIN organisations o ON o.id = a.organisation_id"
            " WHERE a.incident_id = 2 AND o.name LIKE '%водоканал%'",
        )
        == "active"
    )
    assert await scalar(harness, "SELECT active FROM people WHERE full_name LIKE 'Сидоров%'") == 0
    # A colleague goes on with it.
    await newcomer.click("Ответить", newcomer.find("Инцидент №2"))
    await newcomer.send("Воду дали.")
    assert "Черновик: инцидент №2" in newcomer.last().text
    # No more cards for the one switched off; the same button again is stale.
    before = len(water.inbox())
    await route_new_incident(cast, text="Снова нет воды", org="водоканал")
    assert len(water.inbox()) == before
    assert "Снова нет воды" in newcomer.find("Инцидент №4").text
    answer = await coordinator.press(
        confirm, DirCb(act=DirAct.OFF_YES, person=await _id(harness, "Сидоров%")).pack()
    )
    assert "уже отключена" in answer["text"]
    assert not emu.failed_requests()


async def _id(harness: Harness, like: str) -> int:
    found = await scalar(harness, "SELECT id FROM people WHERE full_name LIKE ?", like)
    assert isinstance(found, int)
    return found


async def test_an_organisation_added_with_block_and_supervisor(
    cast: Cast, harness: Harness, emu: Emulator, clock: FakeClock
) -> None:
    coordinator = cast.coordinator
    await coordinator.send("/people")
    await coordinator.click("➕ Организация")
    await coordinator.send("МБУ «Благоустройство»")
    screen = coordinator.last()
    assert "Организация МБУ «Благоустройство» добавлена" in screen.text
    assert screen.buttons == ["ЖКХ", "Образование", "✍️ Новый блок", "Пропустить ▶️"]
    await coordinator.click("Новый блок", screen)
    await coordinator.send("Благоустройство")
    screen = coordinator.last()
    assert "Кто курирует МБУ «Благоустройство»?" in screen.text
    assert screen.buttons == ["Кузнецов К. О.", "Орлова О. В.", "✔️ Готово"]
    answer = await coordinator.click("Кузнецов", screen)
    assert answer["text"] == "Курирует"
    assert screen.buttons[0] == "✅ Кузнецов К. О."
    await coordinator.click("Готово", screen)
    assert "Блок: Благоустройство" in screen.text
    assert "Куратор: Кузнецов К. О." in screen.text

    # With an executor it can be routed to, by its block, and its supervisor is told.
    code = await add_person(
        coordinator, "Благоустройство", "Благоустройство", "исполнитель", "Зайцев Захар Ильич"
    )
    worker = await bind(emu, 2011, "Захар", code)
    await coordinator.send("Сломана скамейка", forward_from_channel="Мой город")
    card = coordinator.last()
    await coordinator.click("Обычное", card)
    assert card.buttons[:3] == ["Благоустройство", "ЖКХ", "Образование"]
    await coordinator.click("Благоустройство", card)
    await coordinator.click("МБУ «Благоустройство»", card)
    assert "Сломана скамейка" in worker.find("Инцидент №1").text
    await tick_at(harness, clock, "2026-03-02T16:01")
    assert "МБУ «Благоустройство»" in cast.supervisor.find("Просрочка по инциденту №1").text
    assert not [m for m in cast.education_supervisor.inbox() if "Просрочка" in m.text]

    # Renamed to a name that exists (case and quotes aside): refused, nothing changed.
    await open_org(coordinator, "Благоустройство", "Благоустройство")
    await coordinator.click("Переименовать")
    await coordinator.send("мку уржкк")
    assert "уже есть в справочнике" in coordinator.last().text
    assert await scalar(harness, "SELECT count(*) FROM organisations WHERE name LIKE 'МБУ%'") == 1
    await coordinator.send("МБУ «Горблагоустройство»")
    assert "🏢 МБУ «Горблагоустройство»" in coordinator.last().text
    assert not emu.failed_requests()


async def test_only_coordinators_and_audit_lists_the_changes(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    await cast.housing.send("/people")
    assert cast.housing.last().text == "Это действие доступно только координатору МЦУ."
    await cast.stranger.send("/audit")
    assert "Вы не зарегистрированы" in cast.stranger.last().text
    # A forged button from an executor: refused, nothing written.
    card = cast.housing.inbox()[-1]
    org_id = await scalar(harness, "SELECT id FROM organisations WHERE name = 'МКУ «УРЖКК»'")
    assert isinstance(org_id, int)
    answer = await cast.housing.press(card, DirCb(act=DirAct.RENAME, org=org_id).pack())
    assert answer["text"] == "Это действие доступно только координатору МЦУ."
    await cast.housing.send("МКУ «Взлом»")
    assert (
        await scalar(harness, "SELECT count(*) FROM organisations WHERE name LIKE '%Взлом%'") == 0
    )

    coordinator = cast.coordinator
    await coordinator.send("/audit")
    first = coordinator.last().text
    assert "сервер (CSV)" in first
    assert "загрузка справочника: строк 6, новых 6, отключено 0" in first
    await add_person(coordinator, "ЖКХ", "УРЖКК", "исполнитель", "Смирнова Мария Ивановна")
    await open_org(coordinator, "Образование", "образованием")
    await coordinator.click("Петров П. П.")
    await coordinator.click("⛔ Отключить")
    await coordinator.click("Да, отключить")
    await coordinator.send("/audit")
    log = coordinator.last().text
    lines = log.splitlines()
    assert lines[0] == "🗒 Изменения справочника (последние 3, новые сверху)"
    assert "Ольга Координатова" in log  # a coordinator of the settings: the Telegram name
    assert "⛔ Петров П. П.: запись отключена (МКУ «Управление образованием»)" in log
    assert "➕ Смирнова М. И. — исполнитель, МКУ «УРЖКК»" in log
    assert log.index("Петров") < log.index("Смирнова") < log.index("сервер (CSV)")
    assert all(len(line) <= 80 for line in lines)
    rows = await _audit(harness)
    assert [r["action"] for r in rows] == ["csv_import", "person_added", "person_off"]
    assert rows[2]["actor_telegram_id"] == coordinator.id
    assert not emu.failed_requests()


async def _audit(harness: Harness) -> list[dict[str, object]]:
    assert harness.app is not None
    async with harness.app.db.read() as conn:
        rows = await fetch_all(conn, "SELECT * FROM directory_audit ORDER BY id")
    return [dict(r) for r in rows]


async def test_stale_buttons_and_bad_names_change_nothing(cast: Cast, harness: Harness) -> None:
    coordinator = cast.coordinator
    await open_org(coordinator, "ЖКХ", "УРЖКК")
    screen = coordinator.last()
    audited = len(await _audit(harness))
    for forged in (
        DirCb(act=DirAct.ORG, org=999),
        DirCb(act=DirAct.RENAME, org=999),
        DirCb(act=DirAct.MOVE_TO, person=await _id(harness, "Иванова%"), org=999),
    ):
        answer = await coordinator.press(screen, forged.pack())
        assert answer["text"].startswith("Этой организации нет в справочнике"), forged
    answer = await coordinator.press(screen, DirCb(act=DirAct.PERSON, person=999).pack())
    assert answer["text"].startswith("Этого сотрудника нет в справочнике")
    answer = await coordinator.press(screen, "y1:zz")  # not a DirCb at all
    assert answer["text"].startswith("Кнопка устарела")

    # An executor cannot go to an organisation without a thematic block.
    await coordinator.send("/people")
    await coordinator.click("Без блока")
    await coordinator.click("Администрация")
    await coordinator.click("➕ Сотрудник")
    answer = await coordinator.click("исполнитель")
    assert "нужна организация с тематическим блоком" in answer["text"]

    # Names: a «;» in an organisation's name, then one that exists; /cancel leaves it all.
    await coordinator.send("/people")
    await coordinator.click("➕ Организация")
    await coordinator.send("МКУ «А»; МКУ «Б»")
    assert "не может быть «;»" in coordinator.last().text
    await coordinator.send("Администрация")
    assert "уже есть в справочнике" in coordinator.last().text
    await coordinator.send("/cancel")
    assert len(await _audit(harness)) == audited
    assert await scalar(harness, "SELECT count(*) FROM organisations") == 4
