"""Decline with a reason and re-route; return for rework and a second version; interim answer."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.emulator import Emulator
from tests.test_happy_path import route_new_incident


async def write_and_submit(executor, text: str, kind: str | None = None) -> None:
    await executor.click("Ответить")
    await executor.send(text)
    preview = executor.last()
    if kind:
        await executor.click(kind, preview)
    await executor.click("Отправить на согласование", preview)


async def test_decline_and_reroute_in_one_tap(cast: Cast, harness: Harness, emu: Emulator):
    await route_new_incident(cast)
    card = cast.housing.find("Инцидент №1")
    answer = await cast.housing.click("Не наше", card)
    assert answer["text"] == "Напишите причину сообщением"
    assert "Почему инцидент №1 не в компетенции" in cast.housing.last().text
    await cast.housing.send("Это сети водоканала, не наша зона.")
    assert "Инцидент №1 возвращён координатору МЦУ" in cast.housing.last().text
    assert "возвращён исполнителем" in card.text
    assert card.buttons == []  # nothing more for the declining organisation to press

    notice = cast.coordinator.find("Инцидент №1 возвращён")
    assert "МКУ «УРЖКК» (Иванова Анна Сергеевна)" in notice.text
    assert "Это сети водоканала, не наша зона." in notice.text
    # The declined organisation's block comes first, without it: one tap re-routes.
    assert notice.buttons[0] == "МУП «Междуреченский водоканал»"
    answer = await cast.coordinator.click("водоканал", notice)
    assert answer["text"] == "Направлено: МУП «Междуреченский водоканал»"
    assert notice.buttons == []

    water_card = cast.water.find("Инцидент №1")
    assert "✅ Принять" in water_card.buttons
    await cast.water.click("Принять", water_card)
    assert "в работе у исполнителя" in water_card.text
    assert "МУП «Междуреченский водоканал»" in water_card.text

    # The first organisation can no longer act on it, and is told why.
    answer = await cast.housing.press(card, "i1:ans:1")
    assert answer["show_alert"]
    assert "Ваша организация вернула этот инцидент («не наше»)" in answer["text"]

    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    actions = [(e.action, e.comment) for e in view.events]
    assert ("declined", "Это сети водоканала, не наша зона.") in actions
    assert [a.status for a in view.assignments] == ["declined", "active"]


async def test_return_for_rework_then_second_version(cast: Cast, harness: Harness):
    await route_new_incident(cast)
    await cast.housing.click("Принять")
    await write_and_submit(cast.housing, "Разберёмся.")
    approval = cast.coordinator.find("На согласование: инцидент №1")
    answer = await cast.coordinator.click("На доработку", approval)
    assert answer["text"] == "Напишите причину сообщением"
    await cast.coordinator.send("Укажите сроки и ответственного.")
    assert "возвращён исполнителю на доработку" in cast.coordinator.last().text
    assert "возвращён на доработку" in approval.text
    assert approval.buttons == []

    notice = cast.housing.find("возвращён на доработку")
    assert "Укажите сроки и ответственного." in notice.text
    assert "✍️ Ответить" in notice.buttons
    card = cast.housing.find("Инцидент №1")
    assert "черновик на доработке" in card.text

    await cast.housing.click("Ответить", notice)
    await cast.housing.send("Яму засыплем до 15.05, ответственный — мастер Орлов.")
    preview = cast.housing.last()
    assert "версия 2" in preview.text
    await cast.housing.click("Отправить на согласование", preview)
    second = cast.coordinator.find("На согласование: инцидент №1, версия 2")
    assert "мастер Орлов" in second.text
    # The first version's buttons are spent.
    answer = await cast.coordinator.press(approval, "d1:a:1:final")
    assert answer["show_alert"]
    await cast.coordinator.click("Согласовать", second)
    assert "согласован" in second.text


async def test_interim_answer_waits_for_final(cast: Cast, harness: Harness):
    await route_new_incident(cast)  # (a fast-track one names its term: test_interim_promises)
    await write_and_submit(
        cast.housing, "Заявка принята, работы на следующей неделе.", kind="Промежуточный"
    )
    approval = cast.coordinator.find("На согласование")
    assert "промежуточный ответ" in approval.text
    await cast.coordinator.click("Согласовать", approval)
    await cast.coordinator.click("Опубликовано")
    card = cast.housing.find("Инцидент №1")
    assert "промежуточный ответ опубликован, ждём окончательный" in card.text
    assert "Ждём окончательный ответ" in cast.housing.last().text
    assert "✍️ Ответить" in card.buttons

    await cast.housing.click("Ответить")
    await cast.housing.send("Работы выполнены, фото прилагаем.", photo=True)  # the evidence
    await cast.housing.click("Отправить на согласование", cast.housing.last())
    final = cast.coordinator.find("На согласование: инцидент №1, версия 2")
    assert "окончательный ответ" in final.text
    await cast.coordinator.click("Согласовать", final)
    await cast.coordinator.click("Опубликовано")
    assert "Статус: закрыт" in card.text
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert [e.comment for e in view.events if e.action == "published"] == ["interim", "final"]
