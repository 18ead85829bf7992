"""An interim answer to a fast-track incident names the term, who and what; the promised
term is tracked (p. 20; issue 16, item 2)."""

from __future__ import annotations

from tests.conftest import Cast, FakeClock, Harness
from tests.test_happy_path import route_new_incident
from tests.test_reminders import tick_at


async def test_a_fast_track_interim_answer_names_its_term_and_is_tracked(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    housing, coordinator = cast.housing, cast.coordinator
    await route_new_incident(cast, text="Не работает светофор", category="Решаемое")
    await housing.click("Ответить")
    await housing.send("Светофор отремонтируем после поставки блока.")
    preview = housing.last()
    await housing.click("Промежуточный", preview)
    assert preview.buttons[4:7] == ["📅 Срок", "👤 Ответственный", "🛠 Действия"]
    refused = await housing.click("Отправить на согласование", preview)
    assert "называет срок, ответственного и действия" in refused["text"]

    await housing.click("Срок", preview)
    assert "К какому сроку проблема по инциденту №1 будет решена?" in housing.last().text
    await housing.send("когда-нибудь")
    assert "Не понял дату" in housing.last().text
    await housing.send("20.03.2026")  # past the 8 days from detection
    warning = housing.inbox()[-2].text
    assert "позже, чем позволяет регламент: окончательный ответ нужен до 10.03.2026" in warning
    preview = housing.last()
    assert "📅 Срок решения: 20.03.2026 17:00" in preview.text
    await housing.click("Срок", preview)
    await housing.send("5 марта")
    preview = housing.last()
    assert "📅 Срок решения: 05.03.2026 17:00" in preview.text
    await housing.click("Ответственный", preview)
    await housing.send("Инженер Смирнов С. С.")
    await housing.click("Действия", housing.last())
    await housing.send("Замена блока управления")
    preview = housing.last()
    assert "✅ 📅 Срок" in preview.buttons
    assert "✅ 🛠 Действия" in preview.buttons
    await housing.click("Отправить на согласование", preview)

    approval = coordinator.find("На согласование: инцидент №1")
    for line in (
        "📅 Срок решения: 05.03.2026 17:00",
        "👤 Ответственный: Инженер Смирнов С. С.",
        "🛠 Действия: Замена блока управления",
    ):
        assert line in approval.text  # each its own line
    await coordinator.click("Согласовать", approval)
    await coordinator.click("Опубликовано")

    # The final answer is due by the promise (sooner than 8 days), and reminded before it.
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    (final,) = view.timers
    assert final.stage == "final"
    assert "Срок окончательного ответа: до 05.03.2026 17:00" in housing.find("Инцидент №1 ·").text
    notices = await tick_at(harness, clock, "2026-03-05T16:31")
    assert notices == ["final:remind"]
    assert "Инцидент №1" in housing.last().text


async def test_a_promise_in_the_past_is_refused_and_asked_again(cast: Cast) -> None:
    housing = cast.housing
    await route_new_incident(cast, category="Решаемое")
    await housing.click("Ответить")
    await housing.send("Починим.")
    await housing.click("Промежуточный", housing.last())
    await housing.click("Срок", housing.last())
    await housing.send("01.01.2026")
    assert (
        housing.last().text == "Этот срок уже прошёл. Нажмите «📅 Срок» и напишите дату в будущем."
    )
    await housing.send("06.03.2026")  # the question is still open
    assert "📅 Срок решения: 06.03.2026 17:00" in housing.last().text


async def test_no_clarification_after_an_interim_answer(cast: Cast) -> None:
    from tests.test_decline_and_rework import write_and_submit

    housing, coordinator = cast.housing, cast.coordinator
    await route_new_incident(cast)
    await write_and_submit(housing, "Работы на следующей неделе.", kind="Промежуточный")
    await coordinator.click("Согласовать")
    await coordinator.click("Опубликовано")
    await housing.click("Ответить")
    await housing.send("Готово.")
    preview = housing.last()
    assert [b for b in preview.buttons if b.startswith(("🔘", "⚪"))] == ["🔘 Окончательный ответ"]
    refused = await housing.press(preview, "d1:k:2:clarification")
    assert refused["text"].startswith("Этот вид ответа здесь недоступен")
