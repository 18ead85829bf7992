"""Every forbidden action gets a short Russian explanation and changes nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.conftest import Cast, Harness
from tests.emulator import Emulator
from tests.test_decline_and_rework import write_and_submit
from tests.test_happy_path import route_new_incident


async def events_of(harness: Harness, incident_id: int = 1) -> list[str]:
    assert harness.app is not None
    view = await harness.app.queries.view(incident_id)
    assert view is not None
    return [e.action for e in view.events]


async def test_strangers_and_other_organisations_cannot_act(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    before = await events_of(harness)

    # A stranger presses a button of a card (e.g. forwarded to him) — with the same data.
    accept = card.button("Принять")
    assert accept is not None
    answer = await cast.stranger.press(card, accept["callback_data"])
    assert answer["show_alert"]
    assert "не зарегистрированы" in answer["text"]
    # An executor of another organisation.
    answer = await cast.school.press(card, accept["callback_data"])
    assert answer["text"] == "Инцидент направлен не вашей организации."
    answer = await cast.school.press(card, "i1:dec:1")
    assert answer["text"] == "Инцидент направлен не вашей организации."
    # The coordinator cannot act for the executor.
    answer = await cast.coordinator.press(card, accept["callback_data"])
    assert "только исполнителю" in answer["text"]
    # The supervisor cannot route.
    answer = await cast.supervisor.press(card, "p2:o:1:0:0:2:0:0")
    assert answer["text"] == "Это действие доступно только координатору МЦУ."

    assert await events_of(harness) == before
    assert "направлен исполнителю, ждёт принятия" in card.text

    # A second tap on a used button.
    await cast.housing.click("Принять", card)
    answer = await cast.housing.press(card, accept["callback_data"])
    assert answer["text"].startswith("Уже не актуально: инцидент сейчас — в работе")
    assert (await events_of(harness)).count("accepted") == 1


async def test_forged_callback_data_is_refused(cast: Cast, harness: Harness) -> None:
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    before = await events_of(harness)
    for data in ["garbage", "i1:zzz:1", "i1:acc:notanumber", "i0:acc:1", "d1:x:1:final"]:
        answer = await cast.housing.press(card, data)
        assert answer["text"].startswith("Кнопка устарела или повреждена"), data
    answer = await cast.housing.press(card, "i1:acc:999")
    assert answer["text"] == "Инцидент или черновик не найден."
    # An executor forging the coordinator's approval of a draft.
    await write_and_submit(cast.housing, "Черновик.")
    answer = await cast.housing.press(card, "d1:a:1:final")
    assert answer["text"] == "Это действие доступно только координатору МЦУ."
    answer = await cast.housing.press(card, "d1:p:1:final")
    assert answer["text"] == "Это действие доступно только координатору МЦУ."
    # Routing an incident that is already with an executor.
    answer = await cast.coordinator.press(card, "p2:o:1:0:0:3:0:0")
    assert answer["text"].startswith("Уже не актуально")
    assert (await events_of(harness))[len(before) :] == ["accepted", "submitted"]


async def test_double_approval_and_publication(cast: Cast, harness: Harness) -> None:
    await route_new_incident(cast)
    await write_and_submit(cast.housing, "Ответ.")
    approval = cast.coordinator.find("На согласование")
    data = approval.button("Согласовать")
    assert data is not None
    await cast.coordinator.click("Согласовать", approval)
    answer = await cast.coordinator.press(approval, data["callback_data"])
    assert answer["text"].startswith("Уже не актуально")
    publish = cast.coordinator.last()
    await cast.coordinator.click("Опубликовано", publish)
    answer = await cast.coordinator.press(publish, "d1:p:1:final")
    assert answer["text"] == "Уже не актуально: инцидент сейчас — закрыт."
    assert (await events_of(harness)).count("published") == 1


async def test_unknown_person_and_executor_messages(cast: Cast) -> None:
    await cast.stranger.send("Здравствуйте, у нас яма во дворе")
    assert "Попросите у координатора МЦУ" in cast.stranger.last().text
    await cast.school.send("Пересылаю пост про яму")
    assert "Чтобы ответить по инциденту, ответьте на сообщение с его карточкой" in (
        cast.school.last().text
    )
    await cast.stranger.send("/incident 1")
    assert "не зарегистрированы" in cast.stranger.last().text


async def test_invite_is_single_use(cast: Cast, harness: Harness, emu: Emulator) -> None:
    assert harness.app is not None
    result = await harness.app.directory.import_csv(
        "организация;тематический блок;фио;должность;роль\n"
        "МКУ «УРЖКК»;ЖКХ;Новикова Нина;специалист;исполнитель\n"
    )
    code = next(p.invite_code for p in result.pending_invites if p.full_name == "Новикова Нина")
    from tests.emulator import User

    nina, thief = User(emu, 5001, "Нина"), User(emu, 5002, "Чужой")
    await nina.send(f"/start {code}")
    assert "Вы зарегистрированы как исполнитель, организация: МКУ «УРЖКК»" in nina.last().text
    await thief.send(f"/start {code}")
    assert "уже использована" in thief.last().text
    await thief.send("/start forged-code-123")
    assert "уже использована или устарела" in thief.last().text


async def test_a_change_to_people_made_elsewhere_counts_at_once(
    cast: Cast, harness: Harness
) -> None:
    # The bot keeps who-is-who in memory; the CLI changes people from another process.
    await cast.school.send("Пересылаю пост про яму")
    assert "Чтобы ответить по инциденту" in cast.school.last().text
    with closing(sqlite3.connect(harness.db_path)) as other, other:
        other.execute("UPDATE people SET active = 0 WHERE telegram_id = ?", (cast.school.id,))
    await cast.school.send("Пересылаю ещё один пост")
    assert "Попросите у координатора МЦУ" in cast.school.last().text
