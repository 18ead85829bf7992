"""Reports, the register and the digest, built by the bot from its own data (issue 17)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from PIL import Image

from tests.conftest import Cast, FakeClock, Harness
from tests.emulator import Emulator
from tests.test_decline_and_rework import write_and_submit
from tests.test_happy_path import route_new_incident


async def approve_and_publish(cast: Cast) -> None:
    coordinator = cast.coordinator
    await coordinator.click("Согласовать", coordinator.find("На согласование"))
    await coordinator.click("Опубликовано", coordinator.last())


async def seed_week(cast: Cast, clock: FakeClock) -> None:
    """Known incidents of the week of 2 March 2026 (Krasnoufimsk, 08:00–17:00)."""
    # №1 ordinary, УРЖКК: answered within the hour, published.
    clock.set_local("2026-03-02T10:00")
    await route_new_incident(cast, text="Яма у дома 5")
    clock.set_local("2026-03-02T11:00")
    await write_and_submit(cast.housing, "Яму засыпали.")
    clock.set_local("2026-03-02T11:10")
    await approve_and_publish(cast)
    # №2 fast-track, водоканал: the answer a day late (6 h from detection: due Mon 16:00).
    clock.set_local("2026-03-02T10:00")
    await route_new_incident(
        cast, text="=Нет воды на Ленина", org="водоканал", category="Решаемое"
    )
    clock.set_local("2026-03-03T12:00")
    await cast.water.click("Ответить", cast.water.find("Инцидент №2"))
    await cast.water.send("Воду дали.")
    await cast.water.send(photo=True)
    await cast.water.click("Отправить на согласование", cast.water.find("Черновик: инцидент №2"))
    clock.set_local("2026-03-03T12:05")
    await approve_and_publish(cast)
    # №3 high importance, to the school: «не наше», then УРЖКК; returned once, published.
    clock.set_local("2026-03-04T09:00")
    await route_new_incident(
        cast,
        text="Сосулька над входом",
        org="Управление образованием",
        block="Образование",
        category="Повышенной",
    )
    await cast.school.click("Не наше", cast.school.find("Инцидент №3"))
    await cast.school.send("Это крыша управляющей компании.")
    await cast.coordinator.click("ЖКХ", cast.coordinator.last())
    await cast.coordinator.click("УРЖКК", cast.coordinator.last())
    clock.set_local("2026-03-04T09:30")
    await write_and_submit(cast.housing, "Сбили.")
    await cast.coordinator.click("На доработку", cast.coordinator.find("На согласование"))
    await cast.coordinator.send("Приложите фото.")
    clock.set_local("2026-03-04T10:00")
    await write_and_submit(cast.housing, "Сбили, фото приложено.")
    await approve_and_publish(cast)
    # №4 closed «без ответа» (insults).
    clock.set_local("2026-03-05T10:00")
    await route_new_incident(cast, text="Оскорбительный пост")
    await cast.coordinator.click("Без ответа", cast.coordinator.find("Инцидент №4"))
    await cast.coordinator.click("Оскорбления", cast.coordinator.last())


def sheet_rows(data: bytes, sheet: str) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


async def test_a_weekly_report_counts_the_week_and_ranks_worst_first(
    cast: Cast, harness: Harness, clock: FakeClock, emu: Emulator
) -> None:
    await seed_week(cast, clock)
    clock.set_local("2026-03-10T10:00")
    seen = {u: len(u.inbox()) for u in (cast.housing, cast.head, cast.supervisor)}
    await cast.coordinator.send("/report week 02.03.2026")
    await harness.settle()
    coming, summary, workbook, *pictures = cast.coordinator.inbox()[-5:]
    assert "Готовлю отчёт за 02.03.2026–08.03.2026" in coming.text
    text = summary.text
    assert "Отчёт за неделю: 02.03.2026–08.03.2026" in text
    assert "Поступило инцидентов: 4 (+4 к предыдущему периоду)" in text
    for line in (
        "· Обычное: 2",
        "· Решаемое (фаст-трек): 1",
        "· Повышенной важности: 1",
        "· ответ: в срок 2, с опозданием 1",  # the school's, ended by its «не наше», is not one
        "3. МКУ «Управление образованием» — сроков не было",
        "Возвращено на доработку: 1 · «не наше»: 1 · перенаправлено: 1 · повторов: 0",
        "Закрыто без ответа: оскорбления — 1",
        "1. МУП «Междуреченский водоканал» — 0 % в срок",
        "· фаст-трек: 25 % / 90 %",
        "· ответы с фото, видео, документом: 33 % / 50 %",
    ):
        assert line in text, line
    assert text.index("водоканал") < text.index("2. МКУ «УРЖКК»")
    assert "Принятие в работу: медиана" in text
    # Whom it went to: the one who asked, nobody else.
    assert {u: len(u.inbox()) for u in seen} == seen

    assert workbook.document is not None
    assert workbook.document.name == "otchet-week-2026-03-02.xlsx"
    rating = sheet_rows(workbook.document.data, "Рейтинг исполнителей")
    names = [row[1] for row in rating[1:4]]
    assert names == [
        "МУП «Междуреченский водоканал»",
        "МКУ «УРЖКК»",
        "МКУ «Управление образованием»",
    ]
    assert any("самая низкая доля сроков" in str(cell) for row in rating for cell in row if cell)
    categories = sheet_rows(workbook.document.data, "По категориям")
    counted = [row[:2] for row in categories[1:]]
    for row in (("Обычное", 2), ("Решаемое (фаст-трек)", 1), ("Повышенной важности", 1)):
        assert row in counted, counted
    assert len(pictures) == 2
    for picture in pictures:
        assert picture.photo is not None
        image = Image.open(io.BytesIO(picture.photo.data))
        assert image.format == "PNG"
        assert image.width >= 1000


async def test_the_register_lists_each_incident_with_its_terms(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await seed_week(cast, clock)
    clock.set_local("2026-03-10T10:00")
    await cast.coordinator.send("/register 03.2026")
    await harness.settle()
    sent = cast.coordinator.last()
    assert sent.document is not None
    assert "Реестр инцидентов за март 2026" in sent.text
    assert ": 4." in sent.text
    rows = sheet_rows(
        sent.document.data, load_workbook(io.BytesIO(sent.document.data)).sheetnames[0]
    )
    header, *lines = rows
    assert [line[0] for line in lines] == [1, 2, 3, 4]
    column = {str(name): n for n, name in enumerate(header) if name}
    water = lines[1]
    # A citizen's text is data: shown as typed, never run as a formula.
    post = next(n for name, n in column.items() if "Пост" in name)
    assert water[post] == "=Нет воды на Ленина"
    # №2: the answer due Monday 16:00, sent Tuesday 12:00: 1 h that day and 4 h the next.
    late = next(
        n for name, n in column.items() if name.startswith("Ответ") and "просрочка" in name
    )
    assert water[late] == 5
    assert lines[0][late] in (None, 0)
    workbook = load_workbook(io.BytesIO(sent.document.data))
    sheet = workbook[workbook.sheetnames[0]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
    assert sheet.cell(row=3, column=post + 1).data_type == "s"


async def test_a_deputy_head_and_an_executor_see_their_organisations_only(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await seed_week(cast, clock)
    clock.set_local("2026-03-10T10:00")
    for person in (cast.education_supervisor, cast.school):
        await person.send("/report week 02.03.2026")
        await harness.settle()
        summary = next(m for m in reversed(person.inbox()) if "Отчёт за неделю" in m.text)
        assert "Организации: МКУ «Управление образованием»" in summary.text
        assert "Поступило инцидентов: 1 " in summary.text
        assert "водоканал" not in summary.text
        workbook = next(m for m in reversed(person.inbox()) if m.document)
        rating = sheet_rows(workbook.document.data, "Рейтинг исполнителей")  # type: ignore[union-attr]
        assert [row[1] for row in rating[1:] if isinstance(row[0], int)] == [
            "МКУ «Управление образованием»"
        ]
    await cast.stranger.send("/report week")
    assert "не зарегистрированы" in cast.stranger.last().text
    # Not in a group: a report names every organisation and quotes the posts.
    await cast.coordinator.send("/report month", chat=-100500)
    assert "только в личном чате" in cast.coordinator.last(-100500).text
    await cast.coordinator.send("/register", chat=-100500)
    assert not any(m.document for m in cast.coordinator.inbox(-100500))
    await cast.coordinator.send("/report month когда-нибудь")
    assert "Не понял период «когда-нибудь»" in cast.coordinator.last().text


async def test_scheduled_reports_go_once_even_across_a_restart(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    await seed_week(cast, clock)
    assert harness.app is not None
    # Friday 6 March, 12:00: the weekly report, to the coordinators and the Head only.
    clock.set_local("2026-03-06T12:00")
    seen = {u: len(u.inbox()) for u in (cast.housing, cast.supervisor, cast.school)}
    sent = await harness.app.report_scheduler.tick()
    await harness.settle()
    # No digest (everything of that week is closed), no report of February (the bot was
    # not in use yet).
    assert [(d.kind.value, d.period.label) for d in sent] == [("week", "27.02.2026–05.03.2026")]
    assert any("Отчёт за неделю: 27.02.2026–05.03.2026" in m.text for m in cast.head.inbox())
    assert not any("Сводка на" in m.text for m in cast.coordinator.inbox())
    assert not any("февраль 2026" in m.text for m in cast.coordinator.inbox())
    assert {u: len(u.inbox()) for u in seen} == seen
    assert await harness.app.report_scheduler.tick() == []  # never twice
    # The bot is down at the next Friday noon; started at 14:00 it sends that week's once.
    clock.set_local("2026-03-13T14:00")
    await harness.restart()
    assert [d.kind.value for d in await harness.app.report_scheduler.tick()] == ["week"]
    await harness.restart()
    assert await harness.app.report_scheduler.tick() == []


async def test_the_digest_lists_what_is_open_due_and_late(
    cast: Cast, harness: Harness, clock: FakeClock
) -> None:
    clock.set_local("2026-03-02T10:00")
    await route_new_incident(cast, text="Яма у дома 5")  # answer due 16:00
    clock.set_local("2026-03-03T08:00")  # Tuesday: the answer a working hour late
    assert harness.app is not None
    await harness.app.report_scheduler.tick()
    await harness.settle()
    digest = cast.coordinator.find("Сводка на 03.03.2026")
    assert not any("Сводка на" in m.text for m in cast.head.inbox())  # the coordinators'
    assert "Открыто инцидентов: 1" in digest.text
    assert "· направлен исполнителю, ждёт принятия: 1" in digest.text
    assert "№1 — ответ, на 1 ч" in digest.text
