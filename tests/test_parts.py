"""Several executors on one incident, each sending a part of the answer (p. 17; issue 16,
item 1): routing to several at once or adding one later, each part's own clock and
escalation to its own supervisor, declines and returns for one part only, the answer
composed by the coordinator from the parts."""

from __future__ import annotations

from tests.conftest import Cast, FakeClock, Harness
from tests.emulator import Emulator, Msg, User
from tests.test_core_in_use import second_coordinator
from tests.test_happy_path import route_new_incident
from tests.test_permissions import events_of
from tests.test_reminders import tick_at

POST = "Во дворе школы №2 прорвало трубу, вода на спортплощадке"
HOUSING, WATER, SCHOOL = (
    "МКУ «УРЖКК»",
    "МУП «Междуреченский водоканал»",
    "МКУ «Управление образованием»",
)


async def send_to_three(cast: Cast, category: str = "Обычное") -> Msg:
    """The coordinator ticks three organisations of two blocks and sends to them at once."""
    coordinator = cast.coordinator
    await coordinator.send(POST, forward_from_channel="Подслушано в Красноуфимске")
    card = coordinator.last()
    await coordinator.click(category, card)
    await coordinator.click("ЖКХ", card)
    answer = await coordinator.click("Выбрать несколько", card)
    assert "Отметьте организации (можно из разных блоков)" in answer["text"]
    answer = await coordinator.click("УРЖКК", card)
    assert answer["text"] == "Выбрано: 1"
    assert card.buttons[:3] == [WATER, f"✅ {HOUSING}", "📨 Направить выбранным (1)"]
    await coordinator.click("водоканал", card)
    await coordinator.click("К блокам", card)  # the ticks stay while going to another block
    assert "📨 Направить выбранным (2)" in card.buttons
    await coordinator.click("Образование", card)
    await coordinator.click("Управление образованием", card)
    answer = await coordinator.click("Направить выбранным (3)", card)
    assert answer["text"] == f"Направлено: {HOUSING}, {WATER}, {SCHOOL}"
    return card


async def write_part(executor: User, text: str, *, photo: bool = False) -> None:
    await executor.click("Ответить")
    await executor.send(text)
    if photo:
        await executor.send(photo=True)
    await executor.click("Отправить часть координатору", executor.find("Ваша часть ответа"))


async def test_three_organisations_answer_in_parts_and_the_coordinator_composes(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, housing, water, school = cast.coordinator, cast.housing, cast.water, cast.school
    card = await send_to_three(cast)

    # Each organisation has its own card and its own clock: its part, 2 working hours.
    for executor, org in ((housing, HOUSING), (water, WATER), (school, SCHOOL)):
        own = executor.find("Инцидент №1")
        assert f"⏳ Срок части ответа ({org}): до 02.03.2026 12:00" in own.text
        assert "🧩 Ответ готовят несколько организаций; ваша часть — ждёт принятия." in own.text
        assert own.buttons == ["✅ Принять", "↩️ Не наше", "✍️ Ответить", "📎 Фото, видео, документ"]
        assert own.text.count("Срок части ответа") == 1  # its own, not the others'
    assert "🧩 Части ответа: получено 0 из 3" in card.text
    assert f"⏳ {HOUSING} — ждёт принятия" in card.text
    assert f"⏳ Вернуть «не наше» можно ({SCHOOL}): до 02.03.2026 10:30" in card.text
    assert "🧩 Составить ответ из частей" in card.buttons
    assert "➕ Добавить исполнителя" in card.buttons
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.parts
    assert sorted((t.stage, t.organisation_id is None) for t in view.timers) == [
        ("answer", True),  # the whole answer: the coordinator's to compose in time
        *[("decline", False)] * 3,  # p. 11: each its own window for «не наше»
        *[("part", False)] * 3,
    ]

    # One accepting does not accept for the others.
    await housing.click("Принять", housing.find("Инцидент №1"))
    assert housing.find("Инцидент №1").buttons[0] == "↩️ Не наше"
    assert water.find("Инцидент №1").buttons[0] == "✅ Принять"

    # A part goes to the coordinator as it arrives; the other executors hear nothing of it.
    water_seen, school_seen = len(water.inbox()), len(school.inbox())
    await write_part(housing, "Трубу перекроем и заменим участок до вечера.")
    part = coordinator.find("Часть ответа: инцидент №1")
    assert f"От: Иванова А. С. ({HOUSING})" in part.text
    assert part.buttons == ["🔁 Вернуть часть на доработку"]
    assert "получено 1 из 3" in card.text
    assert f"✅ {HOUSING} — получена (Иванова А. С.)" in card.text
    assert (len(water.inbox()), len(school.inbox())) == (water_seen, school_seen)
    # Its part is in: nothing more for that organisation to press until it comes back.
    assert "ваша часть — получена" in housing.find("Инцидент №1").text
    refused = await housing.press(housing.find("Инцидент №1"), "i1:ans:1")
    assert refused["text"].startswith("Уже не актуально")

    # «Не наше» from one: only its part ends; the others go on.
    await water.click("Не наше", water.find("Инцидент №1"))
    await water.send("Это внутренние сети школы, не водоканал.")
    notice = coordinator.last()
    assert f"{WATER} (Сидоров Семён Ильич) — «не наше»" in notice.text
    assert "Остальные организации готовят свои части" in notice.text
    assert "получено 1 из 2" in card.text
    assert f"↩️ {WATER} — «не наше»" in card.text
    assert "в работе у исполнителя" in card.text
    refused = await water.press(water.find("Инцидент №1"), "i1:ans:1")
    assert "Ваша организация вернула этот инцидент" in refused["text"]

    # A part returned goes to its organisation alone.
    school_seen = len(school.inbox())
    await coordinator.click("Вернуть часть на доработку", part)
    await coordinator.send("Укажите, когда уберут воду со спортплощадки.")
    assert "Часть ответа по инциденту №1 (версия 1) возвращена на доработку" in housing.last().text
    assert "Укажите, когда уберут воду" in housing.last().text
    assert len(school.inbox()) == school_seen
    assert f"🔁 {HOUSING} — на доработке" in card.text
    view = await harness.app.queries.view(1)
    assert view is not None
    housing_org = view.assignments[0].organisation_id
    assert ("rework", housing_org) in {(t.stage, t.organisation_id) for t in view.timers}
    await write_part(housing, "Воду откачаем к 14:00.")
    housing_part = coordinator.find("Часть ответа: инцидент №1, версия 2")
    assert "Трубу перекроем и заменим участок до вечера.\nВоду откачаем к 14:00." in (
        housing_part.text
    )

    # The school's part runs late: the coordinator and *its* deputy head are told, not the
    # deputy head of the housing organisations, nor the Head.
    seen = {u: len(u.inbox()) for u in (cast.supervisor, cast.head, housing, water)}
    notices = await tick_at(harness, clock, "2026-03-02T12:00")
    assert notices == ["part:due"]
    escalation = cast.education_supervisor.last()
    assert "Просрочка по инциденту №1" in escalation.text
    assert f"{SCHOOL}: к 02.03.2026 12:00 не прислана часть ответа" in escalation.text
    assert "Просрочка по инциденту №1" in coordinator.last().text
    assert "срок «часть ответа» (МКУ «Управление образованием») истёк" in school.last().text
    assert {u: len(u.inbox()) for u in seen} == seen

    # The last part in: the coordinator is asked to compose.
    await write_part(school, "Уроки физкультуры перенесены в спортзал.", photo=True)
    ready = coordinator.last()
    assert "все части ответа получены (2)" in ready.text
    assert ready.buttons == ["🧩 Составить ответ из частей"]
    assert "получено 2 из 2" in card.text

    await coordinator.click("Составить ответ", ready)
    composed = coordinator.last()
    assert "Ответ из частей: инцидент №1" in composed.text
    assert (
        "Трубу перекроем и заменим участок до вечера.\nВоду откачаем к 14:00.\n\n"
        "Уроки физкультуры перенесены в спортзал." in composed.text
    )
    assert composed.buttons == [
        "🔘 Окончательный ответ",
        "⚪ Промежуточный ответ",
        "⚪ Запрос уточнения",
        "✏️ Изменить текст",
        f"✅ 📎 {SCHOOL}: 1",
        "🔄 Собрать заново из частей",
        "✅ Согласовать",
    ]
    # The coordinator writes the final text and drops the school's photo.
    await coordinator.click("Изменить текст", composed)
    await coordinator.send("Трубу заменили, воду откачали; уроки физкультуры — в спортзале.")
    assert "Текст ответа заменён" in coordinator.last().text
    assert "Трубу заменили, воду откачали" in composed.text
    await coordinator.click("📎", composed)
    assert f"➖ 📎 {SCHOOL}: 1" in composed.buttons
    await coordinator.click("Согласовать", composed)
    assert "Ответ из частей организаций по инциденту №1" in school.last().text
    assert "согласован" in housing.last().text
    to_paste = coordinator.last()
    assert to_paste.text == "Трубу заменили, воду откачали; уроки физкультуры — в спортзале."
    assert "вложения — выше" not in coordinator.inbox()[-2].text  # the photo was dropped
    await coordinator.click("Опубликовано", to_paste)
    assert "закрыт" in card.text
    assert "опубликован. Инцидент закрыт" in housing.last().text
    assert "опубликован. Инцидент закрыт" in school.last().text
    assert "опубликован" not in water.last().text  # it declined: its part ended then

    # The parts and who wrote them stay in the history.
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.timers == []
    parts = [
        (e.organisation, e.actor_name, e.comment) for e in view.events if e.action == "part_in"
    ]
    assert parts == [
        (HOUSING, "Иванова Анна Сергеевна", "Трубу перекроем и заменим участок до вечера."),
        (
            HOUSING,
            "Иванова Анна Сергеевна",
            "Трубу перекроем и заменим участок до вечера.\nВоду откачаем к 14:00.",
        ),
        (SCHOOL, "Петров Пётр Петрович", "Уроки физкультуры перенесены в спортзал."),
    ]
    await coordinator.send("/incident 1")
    history = coordinator.find("История инцидента №1")
    assert f"Часть ответа прислана: {HOUSING} (Трубу перекроем" in history.text
    assert f"Часть ответа возвращена на доработку: {HOUSING} (Укажите" in history.text


async def test_an_organisation_added_later_turns_the_answer_into_parts(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing, school = cast.coordinator, cast.housing, cast.school
    await route_new_incident(cast, text=POST)
    await housing.click("Ответить")
    await housing.send("Трубу заменим до вечера.")  # a draft in progress, not sent yet
    card = coordinator.find("Инцидент №1")
    await coordinator.click("Добавить исполнителя", card)
    assert card.buttons[:2] == ["ЖКХ", "Образование"]
    await coordinator.click("ЖКХ", card)
    answer = await coordinator.click("УРЖКК", card)
    assert answer["text"] == "Инцидент уже у этой организации."
    await coordinator.click("К блокам", card)
    await coordinator.click("Образование", card)
    answer = await coordinator.click("Управление образованием", card)
    assert answer["text"] == f"Направлено: {SCHOOL}"

    assert "🧩 Ответ готовят несколько организаций" in school.find("Инцидент №1").text
    assert "⏳ Срок части ответа" in school.find("Инцидент №1").text
    # What the first organisation was writing is now its part, with nothing lost.
    draft = housing.find("инцидент №1, версия 1")
    assert "Ваша часть ответа: инцидент №1" in draft.text
    assert "Трубу заменим до вечера." in draft.text
    assert "📤 Отправить часть координатору" in draft.buttons
    assert "🧩 Части ответа: получено 0 из 2" in card.text
    await housing.click("Отправить часть", draft)
    assert "Часть ответа: инцидент №1" in coordinator.last().text
    assert await events_of(harness) == [
        "created",
        "category",
        "routed",
        "accepted",
        "routed",
        "part_in",
    ]


async def test_bad_input_about_parts_changes_nothing(cast: Cast, harness: Harness) -> None:
    coordinator, housing, water, school = cast.coordinator, cast.housing, cast.water, cast.school
    card = await send_to_three(cast)
    before = await events_of(harness)

    # A second tap on «Направить выбранным», and forged routing of a routed incident.
    answer = await coordinator.press(card, "p2:x:1:0:0:0:1:0")
    assert answer["text"].startswith("Уже не актуально")
    # Composing before any part is in.
    answer = await coordinator.click("Составить ответ из частей", card)
    assert answer["text"] == (
        "Ещё ни одна организация не прислала свою часть ответа: составлять пока не из чего."
    )
    # An executor cannot compose, nor act on another organisation's part.
    answer = await housing.press(card, "i1:cmp:1")
    assert answer["text"] == "Это действие доступно только координатору МЦУ."
    assert await events_of(harness) == before

    await housing.click("Ответить")
    await housing.send("Часть УРЖКК.")
    housing_draft = housing.find("Ваша часть ответа")
    send = housing_draft.button("Отправить часть")
    assert send is not None
    draft_id = str(send["callback_data"]).split(":")[2]
    answer = await water.press(water.find("Инцидент №1"), f"d1:s:{draft_id}:final")
    assert answer["text"] == "Инцидент направлен не вашей организации."
    # A part has no kind of its own: the coordinator chooses it when composing.
    answer = await housing.press(housing_draft, f"d1:k:{draft_id}:interim")
    assert "Этот вид ответа здесь недоступен" in answer["text"]
    await housing.click("Отправить часть", housing_draft)
    answer = await housing.press(housing_draft, f"d1:s:{draft_id}:final")
    assert answer["text"].startswith("Уже не актуально")  # a second tap

    # Returning a part twice.
    part = coordinator.find("Часть ответа: инцидент №1")
    await coordinator.click("Вернуть часть", part)
    await coordinator.send("Уточните сроки.")
    answer = await coordinator.press(part, f"d1:r:{draft_id}:final")
    assert answer["text"].startswith("Уже не актуально")

    # Forged evidence choice on a draft that is not composed.
    answer = await coordinator.press(card, f"e1:{draft_id}:{draft_id}")
    assert answer["text"].startswith("Уже не актуально")
    # A part from an organisation that declined.
    await school.click("Не наше", school.find("Инцидент №1"))
    await school.send("Не наша тема.")
    answer = await school.press(school.find("Инцидент №1"), "i1:ans:1")
    assert "Ваша организация вернула этот инцидент" in answer["text"]
    view = await harness.app.queries.view(1)  # type: ignore[union-attr]
    assert view is not None
    assert [p.status for p in view.parts] == ["returned", "not_accepted", "declined"]


async def test_a_restart_in_the_middle_of_parts_loses_nothing(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, housing, water = cast.coordinator, cast.housing, cast.water
    card = await send_to_three(cast)
    await write_part(housing, "Часть УРЖКК.")
    await water.click("Ответить")
    await water.send("Водоканал проверит колодец")
    assert harness.app is not None
    before = await harness.app.queries.view(1)
    assert before is not None

    await harness.restart()

    after = await harness.app.queries.view(1)
    assert after is not None
    assert after.timers == before.timers
    assert after.parts == before.parts
    await water.send("и заменит задвижку.")  # continues the part being written
    preview = water.last()
    assert "Водоканал проверит колодец\nи заменит задвижку." in preview.text
    await water.click("Отправить часть координатору", preview)
    assert "получено 2 из 3" in card.text  # the old card, edited in place
    assert await tick_at(harness, clock, "2026-03-02T12:00") == ["part:due"]  # the school's
    await harness.restart()
    assert await tick_at(harness, clock, "2026-03-02T12:10") == []  # never twice
    await coordinator.click("Составить ответ", card)
    assert "Часть УРЖКК.\n\nВодоканал проверит колодец\nи заменит задвижку." in (
        coordinator.last().text
    )

    # Composed before the last part came: pressed again it is the same draft; «Собрать
    # заново» takes the late part in.
    composed = coordinator.last()
    await write_part(cast.school, "Школа закрыла спортплощадку.")
    await coordinator.click("Составить ответ", coordinator.last())
    assert coordinator.last().text == composed.text  # shown again, not rebuilt
    answer = await coordinator.click("Собрать заново", composed)
    assert answer["text"] == "Ответ собран заново из присланных частей"
    assert "и заменит задвижку.\n\nШкола закрыла спортплощадку." in composed.text


async def test_part_terms_over_a_weekend_and_a_holiday(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    # Friday 06.03.2026 15:00. The 9th is the day off for 8 March (a Sunday), and the 6th,
    # the day before it, is an hour shorter (ends 16:00): 1 h on Friday, 1 h on Tuesday.
    clock.set_local("2026-03-06T15:00")
    await send_to_three(cast)
    own = cast.school.find("Инцидент №1")
    assert "Срок части ответа (МКУ «Управление образованием»): до 10.03.2026 09:00" in own.text
    # Half the term is gone at the end of that short Friday; then nothing on the day off.
    assert await tick_at(harness, clock, "2026-03-06T16:00") == ["part:remind"] * 3
    assert await tick_at(harness, clock, "2026-03-09T12:00") == []
    assert await tick_at(harness, clock, "2026-03-10T08:30") == ["part:remind"] * 3
    assert await tick_at(harness, clock, "2026-03-10T09:00") == ["part:due"] * 3


async def test_not_confirmed_term_over_a_weekend(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    # «Проблема не подтвердилась» (p. 20): 6 working hours from detection, like the answer to
    # a fast-track incident. Detected Friday 06.03.2026 14:00: 2 h that (short) Friday, the
    # rest on Tuesday after the day off.
    clock.set_local("2026-03-06T14:00")
    await route_new_incident(cast, category="Решаемое")
    housing = cast.housing
    await housing.click("Ответить")
    await housing.send("Проверили: ямы нет, дорога в порядке.")
    await housing.click("Проблема не подтвердилась", housing.last())
    card = housing.find("Инцидент №1")
    assert "Срок ответа: до 10.03.2026 12:00" in card.text
    assert await tick_at(harness, clock, "2026-03-10T11:30") == ["answer:remind"]
    assert await tick_at(harness, clock, "2026-03-10T12:00") == ["answer:due"]


async def test_two_added_at_once_make_the_draft_in_progress_a_part(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await route_new_incident(cast, text=POST)
    await housing.click("Ответить")
    await housing.send("Трубу заменим до вечера.")
    editor = housing.find("Черновик: инцидент №1")
    card = coordinator.find("Инцидент №1")
    await coordinator.click("Добавить исполнителя", card)
    await coordinator.click("ЖКХ", card)
    await coordinator.click("Выбрать несколько", card)
    await coordinator.click("водоканал", card)
    await coordinator.click("К блокам", card)
    await coordinator.click("Образование", card)
    await coordinator.click("Управление образованием", card)
    await coordinator.click("Направить выбранным (2)", card)
    assert "Ваша часть ответа: инцидент №1" in editor.text  # the same message, edited
    await housing.click("Отправить часть координатору", editor)
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state == "in_progress"  # a part in, not an answer to approve
    assert [p.status for p in view.parts] == ["in", "not_accepted", "not_accepted"]


async def test_a_declined_draft_does_not_block_the_next_organisation(cast: Cast) -> None:
    housing, water = cast.housing, cast.water
    await route_new_incident(cast)
    await housing.click("Ответить")
    await housing.send("Начали писать, но это не наше.")
    await housing.click("Не наше", housing.find("Инцидент №1"))
    await housing.send("Это сети водоканала.")
    await cast.coordinator.click("водоканал", cast.coordinator.last())
    await water.click("Ответить", water.find("Инцидент №1"))
    await water.send("Водоканал заменит трубу.")
    preview = water.last()
    assert "Черновик: инцидент №1, версия 2" in preview.text
    assert "Начали писать" not in preview.text
    answer = await water.click("Отправить на согласование", preview)
    assert answer["text"] == "Отправлено на согласование"


async def test_the_answer_uses_only_the_parts_it_was_composed_from(
    cast: Cast, harness: Harness
) -> None:
    coordinator = cast.coordinator
    card = await send_to_three(cast)
    await write_part(cast.housing, "Часть УРЖКК.")
    await coordinator.click("Составить ответ", card)
    composed = coordinator.last()
    # The coordinator may not submit their own answer as if it were a draft (forged).
    draft_id = str(composed.button("Согласовать")["callback_data"]).split(":")[2]  # type: ignore[index]
    answer = await coordinator.press(composed, f"d1:s:{draft_id}:final")
    assert "только исполнителю" in answer["text"]
    await write_part(cast.water, "Часть водоканала.")  # after composing
    await coordinator.click("Промежуточный", composed)
    await coordinator.click("Согласовать", composed)
    await coordinator.click("Опубликовано", coordinator.last())
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.state == "awaiting_final"
    # The late part was not published: it is in for the final answer.
    assert [p.status for p in view.parts] == ["waiting", "in", "not_accepted"]


async def test_a_part_returned_after_composing_is_not_approved_with_it(cast: Cast) -> None:
    coordinator = cast.coordinator
    card = await send_to_three(cast)
    await write_part(cast.school, "Часть школы.", photo=True)
    await coordinator.click("Составить ответ", card)
    composed = coordinator.last()
    assert f"✅ 📎 {SCHOOL}: 1" in composed.buttons
    await coordinator.click("Вернуть часть", coordinator.find("Часть ответа: инцидент №1"))
    await coordinator.send("Фото не того двора.")
    assert f"✅ 📎 {SCHOOL}: 1" not in composed.buttons  # its evidence left the answer
    answer = await coordinator.click("Согласовать", composed)
    assert "Нажмите «🔄 Собрать заново из частей»" in answer["text"]
    answer = await coordinator.click("Собрать заново", composed)
    assert "Ещё ни одна организация не прислала" in answer["text"]


async def test_a_returned_part_keeps_its_rework_clock_while_rewritten(
    cast: Cast, harness: Harness
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    await send_to_three(cast)
    await write_part(housing, "Часть УРЖКК.")
    await coordinator.click("Вернуть часть", coordinator.find("Часть ответа: инцидент №1"))
    await coordinator.send("Добавьте сроки.")
    await housing.click("Ответить")
    await housing.send("Сроки: до 14:00.")
    await write_part(cast.water, "Часть водоканала.")  # any change re-syncs the clocks
    assert harness.app is not None
    view = await harness.app.queries.view(1)
    assert view is not None
    housing_org = view.assignments[0].organisation_id
    assert ("rework", housing_org) in {(t.stage, t.organisation_id) for t in view.timers}
    assert "ваша часть — на доработке" in housing.find("Инцидент №1").text


async def test_the_coordinators_own_term_is_never_escalated(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await send_to_three(cast)
    for executor in (cast.housing, cast.water, cast.school):
        await write_part(executor, "Часть.")
    seen = {u: len(u.inbox()) for u in (cast.head, cast.supervisor, cast.education_supervisor)}
    assert await tick_at(harness, clock, "2026-03-02T16:00") == ["answer:due"]
    assert "истёк" in cast.coordinator.last().text
    assert await tick_at(harness, clock, "2026-03-04T17:30") == []
    assert {u: len(u.inbox()) for u in seen} == seen


async def test_an_organisation_sent_it_again_after_declining_has_one_part(
    cast: Cast, harness: Harness
) -> None:
    coordinator, water = cast.coordinator, cast.water
    card = await send_to_three(cast)
    await water.click("Не наше", water.find("Инцидент №1"))
    await water.send("Не наше.")
    await coordinator.click("Добавить исполнителя", card)
    await coordinator.click("ЖКХ", card)
    await coordinator.click("водоканал", card)
    assert f"⏳ {WATER} — ждёт принятия" in card.text  # one part for it, the new one
    assert f"↩️ {WATER} — «не наше»" not in card.text
    await write_part(water, "Всё-таки наше: заменим задвижку.")
    assert "ваша часть — получена" in water.find("Инцидент №1").text


async def test_the_last_missing_part_declined_asks_to_compose(cast: Cast) -> None:
    await send_to_three(cast)
    await write_part(cast.housing, "Часть УРЖКК.")
    await write_part(cast.school, "Часть школы.")
    await cast.water.click("Не наше", cast.water.find("Инцидент №1"))
    await cast.water.send("Не наше.")
    ready = cast.coordinator.last()
    assert "все части ответа получены (2)" in ready.text
    assert ready.buttons == ["🧩 Составить ответ из частей"]


async def test_a_coordinator_taking_over_gets_the_parts_in(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    other = await second_coordinator(harness, emu)
    await send_to_three(cast)
    await write_part(cast.housing, "Часть УРЖКК.")
    await other.send("/incident 1")
    await other.click("Взять себе", other.find("Инцидент №1"))
    part = other.find("Часть ответа: инцидент №1")
    assert f"От: Иванова А. С. ({HOUSING})" in part.text
    assert part.buttons == ["🔁 Вернуть часть на доработку"]
    old = cast.coordinator.find("Часть ответа: инцидент №1")
    assert old.buttons == ["🙋 Взять себе"]  # no longer theirs to return
    await other.click("Вернуть часть", part)
    await other.send("Добавьте сроки.")
    assert "возвращена на доработку" in cast.housing.last().text


async def test_a_fast_track_answer_from_parts_needs_evidence_or_the_interim_details(
    cast: Cast,
) -> None:
    coordinator = cast.coordinator
    card = await send_to_three(cast, category="Решаемое")
    await write_part(cast.housing, "Трубу заменим, когда придёт муфта.")
    await coordinator.click("Составить ответ", card)
    composed = coordinator.last()
    assert "⚪ Проблема не подтвердилась" in composed.buttons
    answer = await coordinator.click("Согласовать", composed)  # final, with no evidence
    assert "оставьте ✅ вложения частей или верните часть" in answer["text"]
    await coordinator.click("Промежуточный", composed)
    answer = await coordinator.click("Согласовать", composed)
    assert "называет срок, ответственного и действия" in answer["text"]
    await coordinator.click("Срок", composed)
    await coordinator.send("05.03.2026")
    await coordinator.click("Ответственный", coordinator.last())
    await coordinator.send("Мастер Смирнов С. С.")
    await coordinator.click("Действия", coordinator.last())
    await coordinator.send("Замена участка трубы")
    shown = coordinator.last()
    assert "📅 Срок решения: 05.03.2026 17:00" in shown.text
    assert "👤 Ответственный: Мастер Смирнов С. С." in shown.text
    answer = await coordinator.click("Согласовать", shown)
    assert answer["text"] == "Согласовано"
