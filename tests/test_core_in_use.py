"""The core as coordinators and executors use it on their phones: nothing typed or forwarded
is lost, nothing opens by accident, no dead ends (issue 15)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Cast, Harness
from tests.test_happy_path import route_new_incident


async def open_incidents(harness: Harness) -> list[int]:
    assert harness.app is not None
    return [item.id for item in await harness.app.queries.open_list()]


# --- 1. A forwarded post is never taken for the input awaited ---------------------------


async def test_a_post_forwarded_while_a_reason_is_awaited_opens_an_incident(
    cast: Cast, harness: Harness
) -> None:
    coordinator = cast.coordinator
    await route_new_incident(cast)
    await cast.housing.click("Ответить")
    await cast.housing.send("Скамейку починим до пятницы.")
    await cast.housing.click("Отправить на согласование")
    approval = coordinator.find("На согласование: инцидент №1")
    await coordinator.click("На доработку", approval)
    assert "Что доработать" in coordinator.last().text

    post = "Во дворе дома Строителей, 40 сломали скамейку"
    await coordinator.send(post, forward_from_channel="Красноуфимск онлайн")
    card = coordinator.find("Инцидент №2")
    assert post in card.text
    waiting = coordinator.last()
    assert "Пост принят: инцидент №2" in waiting.text
    assert "по-прежнему жду причину возврата на доработку по инциденту №1" in waiting.text
    assert await open_incidents(harness) == [1, 2]

    await coordinator.send("Укажите точный срок.")  # the reason, still awaited
    returned = cast.housing.find("возвращён на доработку")
    assert "Причина: Укажите точный срок." in returned.text
    assert post not in returned.text


async def test_a_post_forwarded_during_a_search_keeps_the_search_waiting(
    cast: Cast, harness: Harness
) -> None:
    coordinator = cast.coordinator
    await coordinator.send("Мусор не вывозят", forward_from_channel="Мой город")
    await coordinator.click("Обычное")
    await coordinator.click("Поиск по названию")
    await coordinator.send("Упало дерево на ул. Мира", forward_from_channel="Мой город")
    assert "по-прежнему жду часть названия организации по инциденту №1" in (
        coordinator.last().text
    )
    await coordinator.send("водоканал")
    results = coordinator.last()
    assert "Выберите организацию для инцидента №1" in results.text
    assert results.buttons[0] == "МУП «Междуреченский водоканал»"


# --- 3. Only a forwarded post, or a typed text confirmed, opens an incident -------------


async def test_a_typed_word_opens_nothing_unless_confirmed(cast: Cast, harness: Harness) -> None:
    coordinator = cast.coordinator
    await coordinator.send("ок")
    question = coordinator.last()
    assert "не переслано из соцсети. Создать по нему инцидент?" in question.text
    assert question.buttons == ["🆕 Создать инцидент", "✖️ Это не пост"]
    assert await open_incidents(harness) == []

    await coordinator.click("Это не пост", question)
    assert question.text == "Хорошо, инцидент не создан."
    assert question.buttons == []
    again = await coordinator.press(question, "t1:o:1")  # the spent button, pressed anyway
    assert again["text"] == "Этого сообщения больше нет. Перешлите пост ещё раз."
    assert await open_incidents(harness) == []
    assert all("Инцидент №" not in m.text for m in coordinator.inbox())


async def test_a_long_typed_post_split_by_telegram_becomes_one_incident(
    cast: Cast, harness: Harness
) -> None:
    coordinator = cast.coordinator
    first, second = "Жители ул. Мира жалуются на шум стройки. " * 90, "Просим принять меры."
    await coordinator.send(first)
    await coordinator.send(second)  # the same second: the rest of the same text
    questions = [m for m in coordinator.inbox() if "Создать по нему инцидент?" in m.text]
    assert len(questions) == 1
    await coordinator.click("Создать инцидент", questions[0])
    assert await open_incidents(harness) == [1]
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.source_text == first + "\n" + second

    again = await coordinator.press(questions[0], "t1:o:1")
    assert again["text"] == "Инцидент по этому сообщению уже создан."
    assert await open_incidents(harness) == [1]


async def test_a_forwarded_post_in_two_parts_becomes_one_incident(
    cast: Cast, harness: Harness, emu
) -> None:
    coordinator = cast.coordinator
    published = emu.now() - 7200
    await coordinator.send(
        "Часть первая.", forward_from_channel="Мой город", forward_date=published
    )
    await coordinator.send(
        "Часть вторая.", forward_from_channel="Мой город", forward_date=published
    )
    await coordinator.send("Другой пост.", forward_from_channel="Мой город")
    assert await open_incidents(harness) == [1, 2]
    card = coordinator.find("Инцидент №1")
    assert "Часть первая.\nЧасть вторая." in card.text
    assert len([m for m in coordinator.inbox() if "Инцидент №1" in m.text]) == 1
    assert any("Продолжение поста добавлено к инциденту №1" in m.text for m in coordinator.inbox())

    # Cancelled by mistake, the same post forwarded again later is an incident again.
    await coordinator.click("Отменить инцидент", card)
    await coordinator.send("Открыт не тот")
    harness.clock.advance(timedelta(minutes=5))
    await coordinator.send(
        "Часть первая.", forward_from_channel="Мой город", forward_date=published
    )
    assert "Инцидент №3" in coordinator.last().text
    assert await open_incidents(harness) == [2, 3]


# --- 2. An answer in several messages, a caption, a photo first ------------------------


async def test_an_answer_written_in_two_messages_is_kept_whole(
    cast: Cast, harness: Harness
) -> None:
    housing, coordinator = cast.housing, cast.coordinator
    await route_new_incident(cast)
    card = housing.find("Инцидент №1")
    await housing.click("Ответить", card)
    assert "Можно несколькими сообщениями" in housing.last().text
    await housing.send("Скамейку заменим.")
    seen = len(housing.inbox())
    await housing.send("Срок — до 10 марта.")  # the rest of the answer, a moment later
    assert len(housing.inbox()) == seen + 1  # one reply: the draft as it stands
    preview = housing.last()
    assert "Следующее сообщение добавится к тексту" in preview.text
    assert "Скамейку заменим.\nСрок — до 10 марта." in preview.text

    await housing.send("Работы выполнит подрядчик.", reply_to=card)  # a reply to the card
    preview = housing.last()
    assert "Срок — до 10 марта.\nРаботы выполнит подрядчик." in preview.text

    await housing.click("Изменить текст", preview)
    assert "заменит весь текст черновика" in housing.last().text
    await housing.send("Скамейку заменили 5 марта.")
    preview = housing.last()
    assert "Скамейку заменили 5 марта." in preview.text
    assert "подрядчик" not in preview.text
    await housing.click("Отправить на согласование", preview)
    approval = coordinator.find("На согласование: инцидент №1")
    assert "Скамейку заменили 5 марта." in approval.text
    assert "подрядчик" not in approval.text


async def test_a_caption_in_attach_mode_and_a_photo_in_answer_mode_are_kept(
    cast: Cast, harness: Harness
) -> None:
    housing = cast.housing
    await route_new_incident(cast)
    await housing.click("Ответить")
    await housing.send(None, photo=True)  # the photo first, the words later
    assert "Теперь напишите текст ответа" in housing.last().text
    await housing.send("Яму засыпали.")
    preview = housing.last()
    assert "Яму засыпали." in preview.text
    assert "📎 Вложений: 1" in preview.text

    await housing.click("Фото, видео", preview)
    await housing.send("Фото после ремонта", photo=True)
    assert "подпись — к тексту ответа" in housing.last().text
    await housing.click("Готово")
    preview = housing.last()
    assert "Яму засыпали.\nФото после ремонта" in preview.text
    assert "📎 Вложений: 2" in preview.text


# --- 5. Two people of one organisation ---------------------------------------------------


async def test_colleagues_never_overwrite_each_others_draft(
    cast: Cast, harness: Harness, emu
) -> None:
    from tests.conftest import DIRECTORY_CSV
    from tests.emulator import User

    assert harness.app is not None
    extra = "МКУ «УРЖКК»;ЖКХ;Черданцева Наталья Геннадьевна;специалист;исполнитель;\n"
    result = await harness.app.directory.import_csv(DIRECTORY_CSV + extra)
    code = next(p.invite_code for p in result.pending_invites if p.full_name.startswith("Черд"))
    colleague = User(emu, 2011, "Наталья", "Черданцева")
    await colleague.send(f"/start {code}")

    await route_new_incident(cast)
    housing_card = cast.housing.find("Инцидент №1")
    await cast.housing.click("Ответить", housing_card)
    await cast.housing.send("Начало ответа Ивановой.")
    assert "✍️ Черновик пишет: Иванова А. С." in housing_card.text

    colleague_card = colleague.find("Инцидент №1")
    assert "✍️ Черновик пишет: Иванова А. С." in colleague_card.text
    await colleague.click("Ответить", colleague_card)  # not asked for a text to lose
    offer = colleague.last()
    assert "уже пишет Иванова А. С." in offer.text
    assert offer.buttons == ["✍️ Продолжить черновик"]

    await colleague.send("Текст Черданцевой.", reply_to=colleague_card)
    busy = colleague.last()
    assert "уже пишет Иванова А. С.\nВаш текст не потерян" in busy.text
    housing_preview = cast.housing.find("Черновик: инцидент №1")
    assert "Текст Черданцевой" not in housing_preview.text

    answer = await colleague.click("Продолжить черновик", busy)
    assert answer["text"] == "Черновик теперь ваш"
    assert "теперь ведёт коллега: Черданцева Н. Г." in cast.housing.last().text
    refused = await cast.housing.press(housing_preview, "d1:s:1:final")
    assert "пишет коллега" in refused["text"]
    preview = colleague.last()
    assert "Начало ответа Ивановой.\nТекст Черданцевой." in preview.text  # kept, not lost
    await colleague.click("Отправить на согласование", preview)
    approval = cast.coordinator.find("На согласование: инцидент №1")
    assert "Черданцева Н. Г. (МКУ «УРЖКК»)" in approval.text


# --- 6. Withdraw and re-route, cancel -----------------------------------------------------


async def test_the_coordinator_withdraws_and_reroutes_before_approval(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing, water = cast.coordinator, cast.housing, cast.water
    await route_new_incident(cast)
    card = coordinator.find("Инцидент №1")
    housing_card = housing.find("Инцидент №1")
    await housing.click("Принять", housing_card)
    await housing.click("Ответить", housing_card)
    await housing.send("Черновик Ивановой.")

    housing_preview = housing.last()
    answer = await coordinator.click("Отозвать и направить другой", card)
    assert answer["text"] == "Отозвано у МКУ «УРЖКК». Выберите, кому направить"
    assert "отозван координатором МЦУ" in housing.last().text
    assert "Статус: не нужен: инцидент больше не у этой организации" in housing_preview.text
    assert housing_preview.buttons == []
    assert housing_card.buttons == []
    assert "ЖКХ" in card.buttons  # the picker again
    await coordinator.click("ЖКХ", card)
    await coordinator.click("водоканал", card)
    water_card = water.find("Инцидент №1")
    assert water_card.buttons[0] == "✅ Принять"
    assert "Черновик Ивановой" not in water_card.text
    await water.click("Ответить", water_card)
    await water.send("Ответ водоканала.")
    preview = water.last()
    assert "версия 2" in preview.text
    assert "Черновик Ивановой" not in preview.text
    # The withdrawn organisation can do nothing more with it.
    refused = await housing.press(housing_card, "i1:ans:1")
    assert refused["text"] == "Инцидент направлен не вашей организации."

    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert "withdrawn" in [e.action for e in view.events]


async def test_an_incident_opened_by_mistake_is_cancelled_with_a_reason(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await route_new_incident(cast)
    card = coordinator.find("Инцидент №1")
    answer = await coordinator.click("Отменить инцидент", card)
    assert answer["text"] == "Напишите причину сообщением"
    assert "Почему инцидент №1 отменяется" in coordinator.last().text
    await coordinator.send("Дубль инцидента, создан по ошибке")
    assert coordinator.last().text == "Инцидент №1 отменён."
    assert "Статус: отменён координатором" in card.text
    assert card.buttons == []
    told = housing.last().text
    assert "Инцидент №1 отменён координатором МЦУ" in told
    assert "Причина: Дубль инцидента, создан по ошибке" in told
    assert housing.find("Инцидент №1").buttons == []
    assert await open_incidents(harness) == []
    assert harness.app is not None
    assert await harness.app.queries.next_timer() is None  # every clock stopped
    again = await coordinator.press(card, "i1:can:1")
    assert "Уже не актуально" in again["text"]


# --- 7. Routing to an organisation nobody can receive yet ---------------------------------


async def test_routing_where_nobody_opened_an_invite_asks_first(
    cast: Cast, harness: Harness
) -> None:
    from tests.conftest import DIRECTORY_CSV

    assert harness.app is not None
    extra = "МУП «Теплосеть»;ЖКХ;Тепловой Тимур Тимурович;диспетчер;исполнитель;\n"
    result = await harness.app.directory.import_csv(DIRECTORY_CSV + extra)
    code = next(p.invite_code for p in result.pending_invites if p.full_name.startswith("Тепл"))
    coordinator = cast.coordinator
    await coordinator.send("Нет горячей воды", forward_from_channel="Мой город")
    await coordinator.click("Обычное")
    await coordinator.click("ЖКХ")
    answer = await coordinator.click("Теплосеть")
    assert answer["text"] == "Не направлено: в организации карточку пока получить некому"
    warning = coordinator.last()
    assert "Инцидент №1 ещё не направлен" in warning.text
    assert f"Тепловой Т. Т.: https://t.me/mcu_test_bot?start={code}" in warning.text
    assert warning.buttons[0] == "📨 Всё равно направить"
    assert "ЖКХ" in warning.buttons
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state == "new"

    # Another organisation, from the warning itself.
    await coordinator.click("ЖКХ", warning)
    await coordinator.click("УРЖКК", warning)
    assert "Инцидент №1" in cast.housing.find("Инцидент №1").text
    assert warning.buttons == []  # spent once routed


async def test_routed_anyway_the_card_comes_when_someone_opens_the_invite(
    cast: Cast, harness: Harness, emu
) -> None:
    from tests.conftest import DIRECTORY_CSV
    from tests.emulator import User

    assert harness.app is not None
    extra = "МУП «Теплосеть»;ЖКХ;Тепловой Тимур Тимурович;диспетчер;исполнитель;\n"
    result = await harness.app.directory.import_csv(DIRECTORY_CSV + extra)
    code = next(p.invite_code for p in result.pending_invites if p.full_name.startswith("Тепл"))
    coordinator = cast.coordinator
    await coordinator.send("Нет горячей воды", forward_from_channel="Мой город")
    await coordinator.click("Обычное")
    await coordinator.click("ЖКХ")
    await coordinator.click("Теплосеть")
    answer = await coordinator.click("Всё равно направить")
    assert answer["text"] == "Направлено: МУП «Теплосеть»"

    heating = User(emu, 2050, "Тимур", "Тепловой")
    await heating.send(f"/start {code}")
    assert "Вы зарегистрированы" in heating.inbox()[0].text
    card = heating.find("Инцидент №1")
    assert "Нет горячей воды" in card.text
    assert card.buttons[0] == "✅ Принять"
    await heating.click("Принять", card)
    assert "в работе у исполнителя" in card.text


# --- 9. An incident is its coordinator's; another can take it over ------------------------


async def second_coordinator(harness: Harness, emu):
    from tests.conftest import DIRECTORY_CSV
    from tests.emulator import User

    assert harness.app is not None
    extra = "МЦУ;;Вторая Вера Викторовна;специалист МЦУ;координатор;\n"
    result = await harness.app.directory.import_csv(DIRECTORY_CSV + extra)
    code = next(p.invite_code for p in result.pending_invites if p.full_name.startswith("Втор"))
    other = User(emu, 1002, "Вера", "Вторая")
    await other.send(f"/start {code}")
    return other


async def test_drafts_go_to_the_coordinator_who_leads_until_taken_over(
    cast: Cast, harness: Harness, emu
) -> None:
    from tests.test_decline_and_rework import write_and_submit

    other = await second_coordinator(harness, emu)
    joined = len(other.inbox())
    await route_new_incident(cast)
    await write_and_submit(cast.housing, "Яму засыпали.")
    assert cast.coordinator.find("На согласование: инцидент №1")
    assert len(other.inbox()) == joined  # neither the card nor the draft

    await other.send("/open")
    assert "№1" in other.last().text
    await other.send("/incident 1")
    copy = other.find("Инцидент №1")
    assert copy.buttons == ["🙋 Взять себе"]
    forged = await other.press(copy, "d1:a:1:final")  # «Согласовать» of the draft, forged
    assert "ведёт другой координатор" in forged["text"]

    answer = await other.click("Взять себе", copy)
    assert answer["text"] == "Теперь инцидент ведёте вы"
    assert "теперь ведёт Вторая В. В." in cast.coordinator.last().text
    approval = other.find("На согласование: инцидент №1")
    old = cast.coordinator.find("На согласование: инцидент №1")
    assert old.buttons == ["🙋 Взять себе"]  # no longer theirs to decide
    refused = await cast.coordinator.press(old, "d1:a:1:final")
    assert "ведёт другой координатор" in refused["text"]
    await other.click("Согласовать", approval)
    publish_buttons = [m for m in other.inbox() if "📢 Опубликовано" in m.buttons]
    assert len(publish_buttons) == 1  # one «Опубликовано», on the text to paste
    assert not [m for m in cast.coordinator.inbox() if "📢 Опубликовано" in m.buttons]
    ready = other.find("ответ согласован")
    assert "вложения — выше" not in ready.text  # the answer has none


# --- 10, 15. Each sees what is theirs; the coordinator corrects the style ----------------


async def test_cards_show_each_person_their_own_terms_and_buttons(
    cast: Cast, harness: Harness
) -> None:
    from tests.test_decline_and_rework import write_and_submit

    await cast.coordinator.send("Обрушение кровли", forward_from_channel="Мой город")
    await cast.coordinator.click("Повышенной")
    head_copy = cast.head.find("Инцидент №1")
    assert "кнопками ниже" not in head_copy.text  # the Head has no buttons to press
    await cast.coordinator.click("ЖКХ")
    await cast.coordinator.click("УРЖКК")
    await write_and_submit(cast.housing, "Кровлю закрыли плёнкой.")
    executor_card = cast.housing.find("Инцидент №1")
    coordinator_card = cast.coordinator.find("Инцидент №1")
    assert "Согласовать черновик" in coordinator_card.text  # the coordinator's move
    assert "Согласовать черновик" not in executor_card.text
    assert "Срок ответа" in executor_card.text
    assert executor_card.text.count("Срок ответа") == 1


async def test_the_coordinator_corrects_a_drafts_style_before_approving(
    cast: Cast, harness: Harness
) -> None:
    from tests.test_decline_and_rework import write_and_submit

    await route_new_incident(cast)
    await write_and_submit(cast.housing, "яму засыпали щас всё норм")
    approval = cast.coordinator.find("На согласование: инцидент №1")
    await cast.coordinator.click("Поправить текст", approval)
    assert "заменит текст исполнителя" in cast.coordinator.last().text
    await cast.coordinator.send("Яма засыпана, дорога восстановлена.")
    assert "Текст поправлен" in cast.coordinator.last().text
    assert "Яма засыпана, дорога восстановлена." in approval.text
    await cast.coordinator.click("Согласовать", approval)
    assert cast.coordinator.last().text == "Яма засыпана, дорога восстановлена."
    await cast.coordinator.send("/incident 1")
    history = cast.coordinator.last().text
    assert "Текст черновика поправлен координатором" in history
    assert "яму засыпали щас всё норм" in history  # the executor's wording is kept


async def test_a_coordinator_switched_off_leaves_nothing_with_nobody(
    cast: Cast, harness: Harness, emu
) -> None:
    from tests.conftest import DIRECTORY_CSV
    from tests.test_decline_and_rework import write_and_submit

    other = await second_coordinator(harness, emu)
    await other.send("Яма на дороге", forward_from_channel="Мой город")
    await other.click("Обычное")
    await other.click("ЖКХ")
    await other.click("УРЖКК")
    assert harness.app is not None
    await harness.app.directory.import_csv(DIRECTORY_CSV)  # she left: not in the file now
    await write_and_submit(cast.housing, "Яму засыпали.")
    assert cast.coordinator.find("На согласование: инцидент №1")
