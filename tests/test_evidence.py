"""Fast-track evidence (p. 20): no final answer without a photo, video or document, and
«проблема не подтвердилась» as an answer of its own (issue 16, item 2, in part)."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.test_happy_path import route_new_incident


async def test_problem_not_confirmed_needs_evidence_and_closes(
    cast: Cast, harness: Harness
) -> None:
    housing, coordinator = cast.housing, cast.coordinator
    await route_new_incident(cast, text="Не горит фонарь у школы", category="Решаемое")
    await housing.click("Ответить")
    await housing.send("Выезжали: фонарь исправен, горит.")
    preview = housing.last()
    answer = await housing.click("Проблема не подтвердилась", preview)
    assert answer["text"] == "Вид: проблема не подтвердилась"
    assert "Вид: проблема не подтвердилась" in preview.text
    refused = await housing.click("Отправить на согласование", preview)
    assert "п. 20" in refused["text"]
    assert not [m for m in coordinator.inbox() if "На согласование" in m.text]

    await housing.click("Фото, видео", preview)
    await housing.send("Фото с места", photo=True)
    await housing.click("Готово")
    await housing.click("Отправить на согласование", housing.last())
    approval = coordinator.find("На согласование: инцидент №1")
    assert "проблема не подтвердилась" in approval.text
    card = coordinator.find("Инцидент №1 ·")
    await coordinator.click("Согласовать", approval)
    await coordinator.click("Опубликовано")
    assert "Статус: закрыт" in card.text
    assert "Инцидент закрыт" in housing.last().text
    assert harness.app is not None
    assert await harness.app.queries.next_timer() is None


async def test_an_ordinary_incident_has_no_such_kind_and_needs_no_evidence(
    cast: Cast, harness: Harness
) -> None:
    housing = cast.housing
    await route_new_incident(cast)  # «Обычное»
    await housing.click("Ответить")
    await housing.send("Яму засыпали.")
    preview = housing.last()
    assert not [b for b in preview.buttons if "не подтвердилась" in b]
    forged = await housing.press(preview, "d1:k:1:not_confirmed")
    assert forged["text"].startswith("Этот вид ответа здесь недоступен")
    assert "Вид: окончательный ответ" in preview.text
    answer = await housing.click("Отправить на согласование", preview)
    assert answer["text"] == "Отправлено на согласование"  # no evidence needed here
