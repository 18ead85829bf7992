"""Acting substitutes (seed 001, 3.8; issue 18, item 1): while someone is away, what would
reach them goes to the one who stands in, who may do what they could; the history and the
escalations name both; the absence ends by itself after its last day, restart or not."""

from __future__ import annotations

from datetime import date

from bot.domain.absences import (
    Absence,
    Member,
    Problem,
    accusative,
    acting_name,
    check_absence,
    parse_days,
    stand_ins,
)
from bot.domain.model import Role
from tests.conftest import DIRECTORY_CSV, Cast, FakeClock, Harness
from tests.emulator import Emulator, User
from tests.test_decline_and_rework import write_and_submit
from tests.test_directory_chat import open_org
from tests.test_happy_path import route_new_incident
from tests.test_reminders import tick_at
from tests.test_reports import seed_week

# A second coordinator (of the directory) and a colleague of the housing executor.
MORE_PEOPLE = (
    "Администрация;;Смирнова Светлана Юрьевна;специалист МЦУ;координатор;\n"
    "МКУ «УРЖКК»;ЖКХ;Новиков Никита Андреевич;инженер;исполнитель;\n"
)


async def more_people(harness: Harness, emu: Emulator) -> tuple[User, User]:
    assert harness.app is not None
    result = await harness.app.directory.import_csv(DIRECTORY_CSV + MORE_PEOPLE)
    codes = {p.full_name: p.invite_code for p in result.pending_invites}
    coordinator2 = User(emu, 1002, "Светлана", "Смирнова")
    colleague = User(emu, 2011, "Никита", "Новиков")
    await coordinator2.send(f"/start {codes['Смирнова Светлана Юрьевна']}")
    await colleague.send(f"/start {codes['Новиков Никита Андреевич']}")
    return coordinator2, colleague


def counts(*users: User) -> list[int]:
    return [len(u.inbox()) for u in users]


async def test_a_deputy_head_away_the_substitute_gets_the_escalations_until_the_end_date(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, away, acting = cast.coordinator, cast.supervisor, cast.education_supervisor
    await coordinator.send("/absent")
    assert coordinator.last().text.startswith("Кто будет отсутствовать?")
    await coordinator.send("кузнецов")
    assert coordinator.last().buttons == ["Кузнецов К. О."]
    await coordinator.click("Кузнецов")
    assert "С какого по какое число отсутствует Кузнецов К. О.?" in coordinator.last().text
    await coordinator.send("05.03–02.03")
    assert coordinator.last().text.startswith("Отсутствие не может закончиться раньше")
    await coordinator.send("завтра")
    assert coordinator.last().text.startswith("Не понял даты «завтра»")
    await coordinator.send("02.03")
    # Deputy heads only (another role is no substitute), nobody away, not himself.
    choice = coordinator.last()
    assert choice.text.startswith("Кузнецов К. О., 02.03.2026–02.03.2026. Кто исполняет")
    assert choice.buttons == ["Орлова О. В."]
    forged = await coordinator.press(choice, f"ab1:sub:{cast.head.id}")
    assert (
        forged["text"]
        == "Замещать может только сотрудник той же роли (Главу — заместитель главы)."
    )
    assert forged["show_alert"]
    await coordinator.click("Орлова", choice)
    assert coordinator.last().text.startswith(
        "✅ Записано: Кузнецов К. О. отсутствует с 02.03.2026 по 02.03.2026; и. о. — Орлова О. В."
    )
    assert acting.last().text.startswith(
        "↪️ До 02.03.2026 включительно вы — и. о. за Кузнецова К. О.:"
    )
    assert away.last().text.startswith("🏖 В боте записано ваше отсутствие с 02.03.2026")
    again = await coordinator.press(choice, f"ab1:sub:{acting.id}")
    assert "Начните заново: /absent" in again["text"]  # the dialog is over: nothing twice

    # The deputy head's escalation goes to the one standing in, and says for whom.
    await route_new_incident(cast)  # Monday 02.03.2026 10:00, answer due at 16:00
    away_seen, head_seen = counts(away, cast.head)
    assert await tick_at(harness, clock, "2026-03-02T16:01") == ["answer:due"]
    alarm = acting.last().text
    assert alarm.startswith("↪️ Вам — как и. о. за Кузнецова К. О.\n🚨 Просрочка по инциденту №1")
    assert "МКУ «УРЖКК»: к 02.03.2026 16:00 не прислан ответ" in alarm
    assert counts(away, cast.head) == [away_seen, head_seen]
    # They may do what he could: his organisations' incidents are in their list.
    await acting.send("/my")
    assert "№1 — направлен исполнителю, ждёт принятия, МКУ «УРЖКК»" in acting.last().text
    await cast.housing.click("Принять", cast.housing.find("Инцидент №1 ·"))
    await acting.send("/absences")
    listing = acting.last()
    assert "1. Кузнецов К. О. — 02.03.2026–02.03.2026 (сейчас); и. о. Орлова О. В." in listing.text
    assert listing.buttons == []  # the person away or a coordinator may cancel it, not them

    # The absence is over after its day: on Tuesday, across a restart, to him again.
    clock.set_local("2026-03-03T09:00")
    await harness.restart()
    acting_seen = len(acting.inbox())
    assert await tick_at(harness, clock, "2026-03-03T12:00") == ["answer:escalate"]
    assert away.last().text.startswith("🚨 Просрочка по инциденту №1")
    assert len(acting.inbox()) == acting_seen
    await coordinator.send("/absences")
    assert coordinator.last().text.startswith("Сейчас никто не отсутствует")


async def test_a_coordinator_away_the_substitute_leads_and_the_history_names_both(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    substitute, _ = await more_people(harness, emu)
    await route_new_incident(cast)  # led by the settings' coordinator
    await coordinator.send("/absent")
    await coordinator.click("Я")
    await coordinator.send("02.03.2026-06.03.2026")
    choice = coordinator.last()
    assert "можно и без замены" in choice.text
    assert choice.buttons == ["Смирнова С. Ю.", "Без замены (другие координаторы на месте)"]
    await coordinator.click("Смирнова", choice)
    assert substitute.last().text.startswith("↪️ До 06.03.2026 включительно вы — и. о. за Ольга")

    # The draft reaches the substitute with the lead's buttons; the one away hears nothing.
    coordinator_seen = len(coordinator.inbox())
    await housing.click("Принять", housing.find("Инцидент №1 ·"))
    await write_and_submit(housing, "Яму засыплют до пятницы.")
    draft = substitute.find("На согласование: инцидент №1")
    assert "Согласовать" in " ".join(draft.buttons)
    assert len(coordinator.inbox()) == coordinator_seen
    answer = await substitute.click("Согласовать", draft)
    assert answer["text"] == "Согласовано"
    await substitute.send("/incident 1")
    history = substitute.last().text
    assert "Смирнова С. Ю. (и. о. за Ольга Координатова)" in history

    # Cancelled by the one away: the substitute is told, the next messages go to them again.
    await coordinator.send("/absences")
    await coordinator.click("Отменить №1")
    assert coordinator.last().text.startswith("✖️ Отсутствие Ольга Координатова")
    assert substitute.last().text.startswith("✖️ Отсутствие Ольга Координатова")


async def test_bad_absences_are_refused_and_change_nothing(
    cast: Cast, harness: Harness, emu: Emulator
) -> None:
    coordinator, housing = cast.coordinator, cast.housing
    # The only coordinator cannot be away with nobody instead.
    await coordinator.send("/absent")
    await coordinator.click("Я")
    await coordinator.send("02.03")
    lone = coordinator.last()
    assert lone.text.startswith("В эти дни не останется ни одного координатора")
    refused = await coordinator.press(lone, "ab1:one:0")
    assert refused["text"].startswith("В эти дни не останется ни одного координатора")
    await coordinator.send("/cancel")

    # An executor marks themselves: a colleague of the same organisation only.
    _, colleague = await more_people(harness, emu)
    await housing.send("/absent")
    assert "отсутствует Иванова А. С.?" in housing.last().text
    await housing.send("01.02.2026-05.02.2026")
    assert housing.last().text.startswith("Эти дни уже прошли.")
    await housing.send("09.03-13.03")
    choice = housing.last()
    assert choice.buttons == ["Новиков Н. А."]
    other_org = await housing.press(choice, f"ab1:sub:{cast.water.id}")
    assert other_org["text"] == "Исполнителя замещает коллега из той же организации."
    someone = await housing.press(choice, f"ab1:who:{cast.water.id}")
    assert someone["text"].startswith("Отметить отсутствие другого сотрудника может только")
    await housing.click("Новиков", choice)
    assert colleague.last().text.startswith(
        "↪️ С 09.03.2026 по 13.03.2026 вы — и. о. за Иванову А. С."
    )

    # The same days again, and a substitute who is away himself.
    await housing.send("/absent")
    await housing.send("10.03")
    assert housing.last().text.startswith("На эти дни отсутствие уже записано.")
    await colleague.send("/absent")
    await colleague.send("10.03")
    assert colleague.last().text.startswith("В эти дни этот сотрудник сам исполняет чужие")
    await coordinator.send("/absent")
    await coordinator.send("Главная")
    await coordinator.click("Главная")
    await coordinator.send("09.03-10.03")
    head_choice = coordinator.last()
    assert head_choice.buttons == ["Кузнецов К. О.", "Орлова О. В."]  # deputies stand in for her
    await coordinator.click("Орлова", head_choice)
    await coordinator.send("/absent")
    await coordinator.send("Кузнецов")
    await coordinator.click("Кузнецов")
    await coordinator.send("10.03")
    # Орлова stands in for the Head then: nobody is left to stand in for him.
    assert coordinator.last().text.startswith("Некому передать обязанности (Кузнецов К. О.)")
    await coordinator.send("/absences")
    listing = coordinator.last().text
    assert "\n1. Иванова А. С. — 09.03.2026–13.03.2026; и. о. Новиков Н. А." in listing
    assert "\n2. Главная Г. А. — 09.03.2026–10.03.2026; и. о. Орлова О. В." in listing
    assert "\n3." not in listing


async def test_the_head_away_a_deputy_gets_her_notices_and_the_weekly_report(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, head, deputy = cast.coordinator, cast.head, cast.supervisor
    await coordinator.send("/absent")
    await coordinator.send("Главная")
    await coordinator.click("Главная")
    await coordinator.send("02.03-06.03")
    await coordinator.click("Кузнецов")
    assert "и. о. — Кузнецов К. О." in coordinator.last().text
    head_seen = len(head.inbox())
    await seed_week(cast, clock)  # №3 (04.03) is of high importance: the Head's at once
    told = deputy.find("Глава, для вашего сведения: инцидент №3")
    assert told.text.startswith("↪️ Вам — как и. о. за Главную Г. А.\n❗")
    clock.set_local("2026-03-06T12:00")
    assert harness.app is not None
    await harness.app.report_scheduler.tick()
    await harness.settle()
    assert any("Отчёт за неделю: 27.02.2026–05.03.2026" in m.text for m in deputy.inbox())
    assert len(head.inbox()) == head_seen  # nothing reached her while away


async def mark_absent(coordinator: User, who: str, days: str, substitute: str) -> None:
    await coordinator.send("/absent")
    await coordinator.send(who)
    await coordinator.click(who)
    await coordinator.send(days)
    await coordinator.click(substitute)
    assert coordinator.last().text.startswith("✅ Записано")


async def test_a_substitute_switched_off_the_messages_go_back(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    coordinator, away, acting = cast.coordinator, cast.supervisor, cast.education_supervisor
    await mark_absent(coordinator, "Кузнецов", "02.03", "Орлова")
    await open_org(coordinator, "Без блока", "Администрация")
    await coordinator.click("Орлова О. В.")
    await coordinator.click("⛔ Отключить")
    await coordinator.click("Да, отключить")
    await route_new_incident(cast)
    acting_seen = len(acting.inbox())
    assert await tick_at(harness, clock, "2026-03-02T16:01") == ["answer:due"]
    assert away.last().text.startswith("🚨 Просрочка по инциденту №1")
    assert len(acting.inbox()) == acting_seen


def test_days_names_and_rules_read_alone() -> None:
    today = date(2026, 12, 20)
    assert parse_days("25.12–10.01", today) == (date(2026, 12, 25), date(2027, 1, 10))
    assert parse_days("с 21.12 по 23.12", today) == (date(2026, 12, 21), date(2026, 12, 23))
    assert parse_days("21.12.2026 - 23.12.2026", today) == (date(2026, 12, 21), date(2026, 12, 23))
    assert parse_days("31.02", today) is None
    assert parse_days("в понедельник", today) is None
    assert accusative("Кузнецов Кирилл Олегович") == "Кузнецова К. О."
    assert accusative("Орлова Ольга Викторовна") == "Орлову О. В."
    assert accusative("Ольга Координатова") == "Ольга Координатова"
    assert acting_name("Смирнова Светлана Юрьевна", ["Главная Галина Андреевна"]) == (
        "Смирнова Светлана Юрьевна (и. о. за Главную Г. А.)"
    )

    head = Member(1, "Главная Галина Андреевна", Role.HEAD)
    deputy = Member(2, "Кузнецов Кирилл Олегович", Role.SUPERVISOR)
    executor = Member(3, "Иванова Анна Сергеевна", Role.EXECUTOR, organisation_id=7)
    coordinator = Member(4, "Ольга Координатова", Role.COORDINATOR)
    days = (date(2026, 12, 21), date(2026, 12, 23))

    def problem(
        absent: Member, substitute: Member | None, existing: tuple[Absence, ...] = ()
    ) -> Problem | None:
        return check_absence(
            absent,
            substitute,
            *days,
            today=today,
            existing=list(existing),
            coordinators=[coordinator],
        )

    assert problem(head, deputy) is None
    assert problem(deputy, head) is Problem.OTHER_ROLE
    assert problem(executor, deputy) is Problem.OTHER_ROLE
    assert problem(deputy, None) is Problem.NO_SUBSTITUTE
    assert problem(coordinator, None) is Problem.NO_COORDINATOR_LEFT
    deputy_away = Absence(9, deputy, None, date(2026, 12, 23), date(2026, 12, 30))
    assert problem(head, deputy, (deputy_away,)) is Problem.SUBSTITUTE_ABSENT
    assert stand_ins([deputy_away], date(2026, 12, 31)) == {}
    assert stand_ins([deputy_away], date(2026, 12, 30)) == {2: None}
