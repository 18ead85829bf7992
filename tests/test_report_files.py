"""The report files rendered from plain data: the register and the report workbook read back
with openpyxl, the charts opened with Pillow."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from PIL import Image

from bot.domain.periods import Kind, Period
from bot.domain.profile import Stage
from bot.domain.reports import (
    Figures,
    RatingRow,
    RegisterRow,
    Report,
    StageFigures,
    Target,
    rank,
)
from bot.reports.charts import charts
from bot.reports.workbook import ExcelClock, register_workbook, report_workbook
from bot.texts import Texts

TZ = ZoneInfo("Asia/Novosibirsk")  # UTC+7
RULE = (
    "Порядок: сначала самая низкая доля сроков, соблюдённых в срок; при равенстве — больше "
    "возвратов на доработку, затем больше отказов «не наше», затем больше инцидентов"
)
MARCH = Period(Kind.MONTH, date(2026, 3, 1), date(2026, 4, 1))


@pytest.fixture
def texts() -> Texts:
    return Texts(TZ)


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local wall-clock time as Excel holds it: no timezone."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).replace(tzinfo=None)


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(data))


def register_rows() -> list[RegisterRow]:
    detected = datetime(2026, 3, 2, 3, 15, tzinfo=UTC)  # 10:15 in Novosibirsk
    return [
        RegisterRow(
            id=101,
            detected_at=detected,
            category="fast_track",
            blocks="ЖКХ",
            organisations="МКУ «УРЖКК»",
            state="closed",
            post='=HYPERLINK("http://x","жми")\nВо дворе не вывозят мусор',
            stages={
                Stage.ROUTE: (
                    datetime(2026, 3, 2, 3, 45, tzinfo=UTC),
                    datetime(2026, 3, 2, 3, 30, tzinfo=UTC),
                    None,
                ),
                Stage.ANSWER: (
                    datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
                    datetime(2026, 3, 2, 10, 45, tzinfo=UTC),
                    5400,  # 1.5 working hours late
                ),
            },
            answer_kind="final",
            closed_at=datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        ),
        RegisterRow(
            id=102,
            detected_at=detected,
            category=None,
            blocks="Дороги",
            organisations="Администрация",
            state="no_answer",
            post="+7 999 и @кто-то: -1 балл",
            repeat_of=101,
            no_answer="obscene",
        ),
    ]


def test_register_headers_frozen_filtered_and_typed(texts):
    sheet = read(register_workbook(register_rows(), texts)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == [
        "№",
        "Обнаружен",
        "Категория",
        "Блок",
        "Организация(и)",
        "Состояние",
    ]
    assert headers[6:9] == [
        "Направление: срок",
        "Направление: выполнен",
        "Направление: просрочка, ч",
    ]
    assert "Ответ: просрочка, ч" in headers
    assert headers[-5:] == ["Вид ответа", "Повтор №", "Закрыт", "Без ответа (основание)", "Пост"]
    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(headers))
    assert sheet.auto_filter.ref == f"A1:{last}3"
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions[last].width

    column = {h: n for n, h in enumerate(headers, 1)}
    first = {h: sheet.cell(2, n).value for h, n in column.items()}
    assert first["№"] == 101
    assert isinstance(first["№"], int)
    assert first["Обнаружен"] == wall(2026, 3, 2, 10, 15)  # local time, as Excel has it
    assert sheet.cell(2, column["Обнаружен"]).is_date
    assert first["Ответ: выполнен"] == wall(2026, 3, 2, 17, 45)
    assert first["Ответ: просрочка, ч"] == 1.5
    assert first["Направление: просрочка, ч"] is None  # kept in time: no lateness shown
    assert first["Категория"] == "Решаемое (фаст-трек)"
    assert first["Состояние"] == "закрыт"
    assert first["Вид ответа"] == "окончательный ответ"
    assert first["Закрыт"] == wall(2026, 3, 2, 18, 0)

    second = {h: sheet.cell(3, n).value for h, n in column.items()}
    assert second["Категория"] == "без категории"
    assert second["Состояние"] == "закрыт без ответа"
    assert second["Без ответа (основание)"] == "Нецензурные выражения"
    assert second["Повтор №"] == 101
    assert second["Ответ: срок"] is None


def test_a_post_that_looks_like_a_formula_stays_text(texts):
    sheet = read(register_workbook(register_rows(), texts)).active
    post = sheet.max_column
    cell = sheet.cell(2, post)
    assert cell.data_type == "s"
    assert cell.value.startswith('=HYPERLINK("http://x","жми")')
    assert "мусор" in cell.value  # the post's beginning, its lines joined
    other = sheet.cell(3, post)
    assert other.data_type == "s"
    assert other.value == "+7 999 и @кто-то: -1 балл"


def test_excel_times_follow_the_zone_across_a_clock_change():
    # Berlin moves its clocks: each moment's own offset is used, however the cache steps.
    berlin = ZoneInfo("Europe/Berlin")
    clock = ExcelClock(berlin)
    epoch = datetime(1899, 12, 30, tzinfo=UTC)
    start = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    for minutes in range(0, 6 * 60, 7):
        moment = start + timedelta(minutes=minutes)
        wall_clock = moment.astimezone(berlin).replace(tzinfo=UTC)
        assert clock(moment) == pytest.approx((wall_clock - epoch) / timedelta(days=1), abs=1e-9)
    assert clock(moment.replace(tzinfo=None)) == clock(moment)  # naive: taken as UTC
    assert clock(None) is None


def test_an_empty_register_still_has_its_header(texts):
    sheet = read(register_workbook([], texts)).active
    assert sheet.title == "Реестр"
    assert sheet.cell(1, 1).value == "№"
    assert sheet.max_row == 1


def figures(received: int, by_day: dict[date, dict[str, int]], **extra: object) -> Figures:
    values: dict[str, object] = {
        "received": received,
        "by_category": {"ordinary": received - 2, "high": 2},
        "by_block": {"ЖКХ": received - 1, "Дороги": 1},
        "by_day": by_day,
        "stages": [
            StageFigures(Stage.ROUTE, 8, 1, 1, 900, 3600),
            StageFigures(Stage.ANSWER, 6, 3, 1, 5 * 3600, 9 * 3600),
        ],
        "returns": 2,
        "declines": 1,
        "reroutes": 1,
        "repeats": 1,
        "awaiting_final": 1,
        "no_answer": {"insult": 1},
        "fast_track": 3,
        "routed": 9,
        "answered": 8,
        "with_evidence": 4,
    }
    values.update(extra)
    return Figures(**values)  # type: ignore[arg-type]


def rating() -> list[RatingRow]:
    return rank(
        [
            RatingRow("МКУ «Городское хозяйство»", 5, 10, 9, 4 * 3600, 0, 0, 0),
            RatingRow("Без сроков", 1, 0, 0, None, 0, 0, 0),
            RatingRow(
                "Управление жилищно-коммунального хозяйства, транспорта и связи "
                "администрации города",
                4,
                8,
                2,
                7 * 3600,
                3,
                1,
                1,
            ),
            RatingRow("МБУ «Дорожник»", 3, 4, 2, 6 * 3600, 1, 0, 0),
        ]
    )


def report(by_day: dict[date, dict[str, int]] | None = None, rows=None) -> Report:
    days = (
        {date(2026, 3, 2): {"ordinary": 5, "high": 2}, date(2026, 3, 3): {"ordinary": 3}}
        if by_day is None
        else by_day
    )
    received = sum(sum(c.values()) for c in days.values())
    return Report(
        period=MARCH,
        scope=None,
        figures=figures(received, days),
        previous=figures(8, {}, returns=4),
        rating=rating() if rows is None else rows,
        targets=[Target("fast_track", 0.3, 0.25), Target("evidence", 0.5, None)],
        made_at=datetime(2026, 4, 1, 2, 0, tzinfo=UTC),
    )


def table(sheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_report_workbook_sheets_and_figures(texts):
    book = read(report_workbook(report(), texts))
    assert book.sheetnames == [
        "Сводка",
        "По категориям",
        "По блокам",
        "По дням",
        "Этапы",
        "Рейтинг исполнителей",
        "Целевые показатели",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert str(sheet.auto_filter.ref).startswith("A1:")

    summary = {row[0]: tuple(row[1:]) for row in table(book["Сводка"])}
    assert summary["Показатель"] == ("март 2026", "февраль 2026", "Изменение")
    assert summary["Получено инцидентов"] == (10, 8, 2)
    assert summary["В срок"] == (14, 14, 0)
    assert summary["Возвраты на доработку"] == (2, 4, -2)
    assert summary["Без ответа: Оскорбления"] == (1, 1, 0)
    share = book["Сводка"].cell(7, 2)
    assert book["Сводка"].cell(7, 1).value == "Доля в срок"
    assert share.value == pytest.approx(14 / 20)
    assert "%" in share.number_format
    assert "Сформирован: 01.04.2026 09:00" in summary

    categories = table(book["По категориям"])
    assert categories[1][:3] == ["Обычное", 8, 0.8]
    assert categories[2][0] == "Повышенной важности"

    blocks = table(book["По блокам"])
    assert blocks[0] == ["Блок", "Инцидентов", "Доля", "Прошлый период (февраль 2026)"]
    assert blocks[1:] == [["ЖКХ", 9, 0.9, 7], ["Дороги", 1, 0.1, 1]]

    days = table(book["По дням"])
    assert days[0] == ["День", "Обычное", "Повышенной важности", "Всего"]
    assert len(days) == 1 + 31  # every day of March, those without incidents too
    assert days[2] == [wall(2026, 3, 2), 5, 2, 7]
    assert days[5] == [wall(2026, 3, 5), 0, 0, 0]

    stages = table(book["Этапы"])
    assert stages[0][-2:] == ["Медиана, ч", "90-й процентиль, ч"]
    assert stages[2] == ["Ответ", 6, 3, 1, 10, 0.6, 5, 9]
    assert book["Этапы"].cell(3, 7).number_format == "0.0"

    targets = table(book["Целевые показатели"])
    assert targets[1] == ["Доля инцидентов, решённых как фаст-трек", 0.3, 0.25]
    assert targets[2] == ["Доля ответов с фото- или видеофиксацией", 0.5, None]


def test_the_rating_keeps_its_order_and_states_its_rule(texts):
    sheet = read(report_workbook(report(), texts))["Рейтинг исполнителей"]
    rows = table(sheet)
    assert rows[0] == [
        "Место",
        "Организация",
        "Инцидентов",
        "Сроков",
        "В срок",
        "Доля в срок",
        "Медиана ответа, ч",
        "Возвраты на доработку",
        "Отказы «не наше»",
        "Повторы",
    ]
    names = [str(r[1]) for r in rows[1:5]]
    assert names == [r.organisation for r in rating()]
    assert names[0].startswith("Управление жилищно-коммунального")
    assert names[-1] == "Без сроков"
    assert rows[1][5] == 0.25
    assert sheet.cell(2, 6).number_format.endswith("%")
    assert sheet.auto_filter.ref == "A1:J5"
    notes = [r[0] for r in rows[5:] if r[0]]
    assert any(RULE in str(n) for n in notes)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(BytesIO(data)) as image:
        image.verify()
    with Image.open(BytesIO(data)) as image:
        return image.size


def test_charts_are_phone_sized_pngs(texts):
    files = charts(report(), texts)
    assert [name for name, _ in files] == [
        "incidents-by-day-2026-03-01.png",
        "on-time-by-organisation-2026-03-01.png",
    ]
    for _, data in files:
        width, height = png_size(data)
        assert width >= 1000
        assert 400 <= height <= 4000


def test_many_organisations_make_one_readable_chart(texts):
    rows = [RatingRow(f"Организация № {n}", 1, 2, n % 3, None, 0, 0, 0) for n in range(300)]
    files = dict(charts(report(rows=rank(rows)), texts))
    _, height = png_size(files["on-time-by-organisation-2026-03-01.png"])
    assert height <= 2500  # the worst 25, not 300 bars


def test_an_empty_report_gives_no_chart(texts):
    assert charts(report(by_day={}, rows=[]), texts) == []
    only_days = charts(report(rows=[RatingRow("Без сроков", 1, 0, 0, None, 0, 0, 0)]), texts)
    assert [name for name, _ in only_days] == ["incidents-by-day-2026-03-01.png"]
