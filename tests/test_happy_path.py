"""One incident from a forwarded post to «Опубликовано», as each person sees it."""

from __future__ import annotations

from tests.conftest import Cast, Harness
from tests.emulator import Emulator

POST = "Во дворе <b>яма</b> & лужа уже неделю! https://vk.com/wall-1_2"


async def route_new_incident(
    cast: Cast, text: str = POST, org: str = "УРЖКК", block: str = "ЖКХ", category: str = "Обычное"
) -> None:
    """Coordinator forwards a post, picks a category, a block and an organisation."""
    await cast.coordinator.send(text, forward_from_channel="Подслушано в Красноуфимске")
    answer = await cast.coordinator.click(category)
    assert answer["text"].startswith("Категория:")
    await cast.coordinator.click(block)
    answer = await cast.coordinator.click(org)
    assert answer["text"].startswith("Направлено:")


async def test_happy_path_to_published(cast: Cast, harness: Harness, emu: Emulator) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await coordinator.send(POST, forward_from_channel="Подслушано в Красноуфимске")
    card = coordinator.last()
    assert "Инцидент №1" in card.text
    assert "категория не выбрана" in card.text
    assert "Выберите категорию кнопками ниже." in card.text
    # The citizen's markup shows literally, not as formatting.
    assert "<b>яма</b> & лужа" in card.text
    assert "Подслушано в Красноуфимске" in card.text
    assert "https://vk.com/wall-1_2" in card.text
    assert card.buttons[:3] == ["Обычное", "Решаемое (фаст-трек)", "Повышенной важности"]

    await coordinator.click("Решаемое", card)  # the same message, edited in place
    assert emu.find(coordinator.id, card.id) is card
    assert "Решаемое (фаст-трек)" in card.text
    assert "Выберите тематический блок и организацию-исполнителя" in card.text
    assert card.buttons == [
        "ЖКХ",
        "Образование",
        "🔍 Поиск по названию",
        "🕒 Время обнаружения",
        "❗ Социально значимое",
        "🔥 Срочно",
        "🚫 Без ответа",
        "✖️ Отменить инцидент",
        "🔁 Это повтор…",
    ]

    await coordinator.click("ЖКХ", card)
    # By name, the legal form aside: «Междуреченский …» before «УРЖКК».
    assert card.buttons[:2] == ["МУП «Междуреченский водоканал»", "МКУ «УРЖКК»"]
    answer = await coordinator.click("УРЖКК", card)
    assert answer["text"] == "Направлено: МКУ «УРЖКК»"
    assert "направлен исполнителю" in card.text
    assert card.buttons == [
        "↩️ Отозвать и направить другой",
        "➕ Добавить исполнителя",
        "🕒 Время обнаружения",
        "❗ Социально значимое",
        "🔥 Срочно",
        "🚫 Без ответа",
        "✖️ Отменить инцидент",
        "🔁 Это повтор…",
    ]

    # The executor's card: number, category, source text, detection time, deadline, buttons.
    executor_card = housing.find("Инцидент №1")
    assert "Решаемое (фаст-трек)" in executor_card.text
    assert "<b>яма</b> & лужа" in executor_card.text
    assert "Обнаружен:" in executor_card.text
    assert "Срок ответа:" in executor_card.text
    assert executor_card.buttons == [
        "✅ Принять",
        "↩️ Не наше",
        "✍️ Ответить",
        "📎 Фото, видео, документ",
    ]
    # Nobody else was told.
    assert not cast.water.inbox()[1:]
    assert not cast.school.find("Вы зарегистрированы").buttons
    assert all("Инцидент №1" not in m.text for m in cast.school.inbox())

    answer = await housing.click("Принять", executor_card)
    assert answer["text"] == "Принято в работу"
    assert "в работе у исполнителя" in executor_card.text
    assert "Принят в работу — Иванова А. С." in executor_card.text
    assert "Принять" not in " ".join(executor_card.buttons)
    assert "в работе у исполнителя" in card.text  # the coordinator's copy, edited in place

    await housing.click("Ответить", executor_card)
    assert "Напишите текст ответа по инциденту №1" in housing.last().text
    await housing.send("Яму засыпали щебнем, лужу откачали. Фото прилагаем.")
    preview = housing.last()
    assert "Черновик: инцидент №1" in preview.text
    assert "Яму засыпали щебнем" in preview.text
    assert "🔘 Окончательный ответ" in preview.buttons
    assert "⚪ Проблема не подтвердилась" in preview.buttons  # a fast-track incident's
    # p. 20: a fast-track answer goes only with evidence; the executor is told what to do.
    refused = await housing.click("Отправить на согласование", preview)
    assert "приложите фото, видео или документ" in refused["text"]
    assert "ждёт согласования" not in preview.text
    await housing.click("Фото, видео", preview)
    await housing.send(None, photo=True)
    await housing.click("Готово")
    preview = housing.last()
    assert "📎 Вложений: 1" in preview.text
    answer = await housing.click("Отправить на согласование", preview)
    assert answer["text"] == "Отправлено на согласование"
    assert "ждёт согласования" in preview.text
    assert preview.buttons == []

    approval = coordinator.find("На согласование: инцидент №1")
    assert "От: Иванова А. С. (МКУ «УРЖКК»)" in approval.text
    assert "Пост: «Во дворе <b>яма</b> & лужа уже неделю!" in approval.text  # what it answers
    assert "окончательный ответ" in approval.text
    assert approval.buttons == ["✅ Согласовать", "✏️ Поправить текст", "🔁 На доработку"]
    await coordinator.click("Согласовать", approval)
    assert "согласован" in approval.text
    ready = coordinator.find("ответ согласован")
    assert "Опубликовано" in ready.text
    bare = coordinator.last()
    assert bare.text == "Яму засыпали щебнем, лужу откачали. Фото прилагаем."
    assert bare.buttons == ["📢 Опубликовано"]
    assert "согласован координатором" in housing.last().text

    answer = await coordinator.click("Опубликовано", bare)
    assert answer["text"] == "Отмечено как опубликованное"
    assert bare.buttons == []
    assert "Статус: закрыт" in card.text
    assert "Статус: закрыт" in executor_card.text
    assert executor_card.buttons == []
    assert "Инцидент закрыт" in housing.last().text

    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert [e.action for e in view.events] == [
        "created",
        "category",
        "routed",
        "accepted",
        "submitted",
        "approved",
        "published",
    ]
    assert view.events[3].actor_name == "Иванова Анна Сергеевна"
    assert view.incident.closed_at is not None
    assert not emu.failed_requests()
