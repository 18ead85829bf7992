"""XLSX files: the incident register («реестр») and the report workbook, one sheet per table.

XlsxWriter in constant-memory mode: each row goes to disk as it is written, so a month of a
big region (≈ 80 000 rows) takes seconds and little memory. Every string is written with
write_string: a citizen's post that begins with «=» stays text, never a formula."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

from bot.domain.model import Category
from bot.domain.profile import Stage
from bot.domain.reports import REGISTER_STAGES, Figures, RegisterRow, Report
from bot.texts import Texts, headline

DATETIME = "dd.mm.yyyy hh:mm"
DATE = "dd.mm.yyyy"
INTEGER = "0"
HOURS = "0.0"
PERCENT = "0.0%"
POST_LIMIT = 300  # the beginning of the post: enough to recognise it, a row stays one line

# A number with a format of its own (the summary mixes counts and shares in one column).
Styled = tuple[int | float, str]
Cell = str | int | float | datetime | date | Styled | None


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    num_format: str | None = None  # for numbers and dates; strings are plain


EXCEL_EPOCH_S = 25569 * 86400  # 1970-01-01 counted from Excel's day 0, 1899-12-30
OFFSET_STEP = 900  # offsets change on a quarter hour of UTC at the finest


class ExcelClock:
    """Moments as Excel date-times: the number write_datetime would store (days since
    1899-12-30, the municipality's wall clock). Computed here, the zone's offset looked up
    once per quarter hour, because a month's register holds about a million of them."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._offsets: dict[int, float] = {}

    def __call__(self, value: datetime | None) -> float | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # as storage keeps them
        moment = value.timestamp()
        step = int(moment // OFFSET_STEP)
        offset = self._offsets.get(step)
        if offset is None:
            delta = value.astimezone(self.tz).utcoffset()
            offset = self._offsets[step] = delta.total_seconds() if delta else 0.0
        return (moment + offset + EXCEL_EPOCH_S) / 86400


def hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def word(texts: Texts, group: str, key: str | None) -> str:
    """A label in Russian; a key the templates do not know shows as it is rather than
    failing the whole report."""
    if not key:
        return ""
    try:
        return texts.word(group, key)
    except (KeyError, AttributeError):
        return key


def group(texts: Texts, name: str) -> dict[str, str]:
    """A group of templates/words.txt.j2 as a dict (looked up once, not per cell)."""
    return dict(getattr(texts.words, name))


def category_name(texts: Texts, key: str | None) -> str:
    return word(texts, "CATEGORY", key) if key else texts.word("REPORT", "no_category")


def stage_name(texts: Texts, stage: Stage) -> str:
    return word(texts, "REPORT", f"stage_{stage.value}")


class Book:
    """One workbook being written: its formats, and tables written row after row."""

    def __init__(self, *, constant_memory: bool = False) -> None:
        self.buffer = BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "constant_memory": constant_memory,
                # Belt and braces: nothing a user typed is read as a formula, a link or a
                # number, even if a write() slips in somewhere.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.header = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        self.note = self.book.add_format({"italic": True})
        self._formats: dict[str, Any] = {}

    def fmt(self, num_format: str | None) -> Any:
        if num_format is None:
            return None
        if num_format not in self._formats:
            self._formats[num_format] = self.book.add_format({"num_format": num_format})
        return self._formats[num_format]

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Cell]],
        notes: Sequence[str] = (),
    ) -> None:
        """A sheet: the header row frozen, an autofilter over the table, then `notes` (such
        as the rule of the rating) under it, one a line."""
        sheet = self.book.add_worksheet(name[:31])
        formats = [self.fmt(c.num_format) for c in columns]
        for n, column in enumerate(columns):
            sheet.set_column(n, n, column.width)
        sheet.set_row(0, 45)
        for n, column in enumerate(columns):
            sheet.write_string(0, n, column.header, self.header)
        sheet.freeze_panes(1, 0)
        # The writers bound once: the register calls them a couple of million times.
        write_string, write_number = sheet.write_string, sheet.write_number
        write_datetime = sheet.write_datetime
        last = 0
        for last, row in enumerate(rows, 1):
            for n, value in enumerate(row):
                kind = type(value)  # the common kinds first: this runs per cell
                if kind is float or kind is int:
                    write_number(last, n, value, formats[n])
                elif kind is str:
                    if value:
                        write_string(last, n, value)
                elif isinstance(value, datetime | date):
                    write_datetime(last, n, value, formats[n])
                elif isinstance(value, tuple):
                    write_number(last, n, value[0], self.fmt(value[1]))
        sheet.autofilter(0, 0, last, len(columns) - 1)
        for offset, text in enumerate(notes, 2):
            sheet.write_string(last + offset, 0, text, self.note)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


# --- the register --------------------------------------------------------------------------


def register_columns(texts: Texts) -> list[Column]:
    r = group(texts, "REPORT")
    columns = [
        Column(r["number"], 8, INTEGER),
        Column(r["detected"], 17, DATETIME),
        Column(r["category"], 22),
        Column(r["block"], 24),
        Column(r["organisations"], 36),
        Column(r["state"], 30),
    ]
    for stage in REGISTER_STAGES:
        name = stage_name(texts, stage)
        columns += [
            Column(r["due"] % name, 17, DATETIME),
            Column(r["done"] % name, 17, DATETIME),
            Column(r["late_h"] % name, 13, HOURS),
        ]
    columns += [
        Column(r["answer_kind"], 22),
        Column(r["repeat_of"], 10, INTEGER),
        Column(r["closed"], 17, DATETIME),
        Column(r["no_answer"], 24),
        Column(r["post"], 80),
    ]
    return columns


def register_workbook(rows: Iterable[RegisterRow], texts: Texts) -> bytes:
    """The incident register: one row per incident, in the order given."""
    serial = ExcelClock(texts.tz)
    categories, states = group(texts, "CATEGORY"), group(texts, "STATE")
    kinds, grounds = group(texts, "KIND"), group(texts, "NO_ANSWER")
    no_category = texts.word("REPORT", "no_category")
    empty: tuple[datetime | None, datetime | None, int | None] = (None, None, None)

    def cells(row: RegisterRow) -> list[Cell]:
        line: list[Cell] = [
            row.id,
            serial(row.detected_at),
            categories.get(row.category, row.category) if row.category else no_category,
            row.blocks,
            row.organisations,
            states.get(row.state, row.state),
        ]
        for stage in REGISTER_STAGES:
            due, done, late = row.stages.get(stage, empty)
            line += [serial(due), serial(done), hours(late) if late else None]
        line += [
            kinds.get(row.answer_kind, row.answer_kind) if row.answer_kind else "",
            row.repeat_of,
            serial(row.closed_at),
            grounds.get(row.no_answer, row.no_answer) if row.no_answer else "",
            headline(" ".join(row.post.split()), POST_LIMIT),
        ]
        return line

    book = Book(constant_memory=True)
    book.table(texts.word("REPORT", "sheet_register"), register_columns(texts), map(cells, rows))
    return book.close()


# --- the report ----------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _styled(value: float | None, num_format: str) -> Styled | None:
    return None if value is None else (value, num_format)


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _summary(report: Report, texts: Texts) -> list[tuple[str, float | None, float | None, str]]:
    """(label, this period, the previous one, number format) for the summary sheet."""
    r = group(texts, "REPORT")

    def late(f: Figures) -> int:
        return sum(s.late for s in f.stages)

    def overdue(f: Figures) -> int:
        return sum(s.overdue_now for s in f.stages)

    now, before = report.figures, report.previous
    lines: list[tuple[str, float | None, float | None, str]] = [
        (r["received"], now.received, before.received, INTEGER),
        (r["terms"], now.terms, before.terms, INTEGER),
        (r["on_time"], now.on_time, before.on_time, INTEGER),
        (r["late"], late(now), late(before), INTEGER),
        (r["overdue_now"], overdue(now), overdue(before), INTEGER),
        (r["share_on_time"], now.share_on_time, before.share_on_time, PERCENT),
        (r["returns"], now.returns, before.returns, INTEGER),
        (r["declines"], now.declines, before.declines, INTEGER),
        (r["reroutes"], now.reroutes, before.reroutes, INTEGER),
        (r["repeats"], now.repeats, before.repeats, INTEGER),
        (r["awaiting_final"], now.awaiting_final, before.awaiting_final, INTEGER),
        (
            r["no_answer_total"],
            sum(now.no_answer.values()),
            sum(before.no_answer.values()),
            INTEGER,
        ),
    ]
    for ground in dict.fromkeys([*now.no_answer, *before.no_answer]):
        label = r["no_answer_ground"] % word(texts, "NO_ANSWER", ground)
        lines.append(
            (label, now.no_answer.get(ground, 0), before.no_answer.get(ground, 0), INTEGER)
        )
    lines += [
        (r["fast_track"], now.fast_track, before.fast_track, INTEGER),
        (r["routed"], now.routed, before.routed, INTEGER),
        (r["answered"], now.answered, before.answered, INTEGER),
        (r["with_evidence"], now.with_evidence, before.with_evidence, INTEGER),
    ]
    return lines


def category_order(keys: Iterable[str]) -> list[str]:
    """The categories of the workflow first, in their order, then any other."""
    known = [c.value for c in Category]
    found = list(dict.fromkeys(keys))
    return [k for k in known if k in found] + [k for k in found if k not in known]


def period_days(report: Report) -> list[date]:
    """Every day of the period, those without incidents too (a gap is a figure)."""
    period = report.period
    days = [period.start + timedelta(days=n) for n in range(period.days)]
    extra = [d for d in report.figures.by_day if not period.start <= d < period.end]
    return sorted([*days, *extra])


def report_workbook(report: Report, texts: Texts) -> bytes:
    r = group(texts, "REPORT")
    f, before = report.figures, report.previous
    label, previous_label = report.period.label, report.period.previous().label
    book = Book()

    # Summary: this period, the one of the same length before, the change.
    notes = [r["made_at"] % texts.format_time(report.made_at)]
    if report.scope is not None:
        notes.append(r["scope"] % ", ".join(report.scope))
    book.table(
        r["sheet_summary"],
        [
            Column(r["indicator"], 44),
            Column(label, 18),
            Column(previous_label, 18),
            Column(r["change"], 14),
        ],
        [
            [name, *(_styled(v, num_format) for v in (value, old, _change(value, old)))]
            for name, value, old, num_format in _summary(report, texts)
        ],
        notes=notes,
    )

    def counts(sheet: str, head: str, keys: list[str], name: Callable[[str], str]) -> None:
        now, old = getattr(f, f"by_{head}"), getattr(before, f"by_{head}")
        book.table(
            r[sheet],
            [
                Column(r[head], 36),
                Column(r["incidents"], 13, INTEGER),
                Column(r["share"], 10, PERCENT),
                Column(f"{r['previous']} ({previous_label})", 22, INTEGER),
            ],
            [
                [name(k), now.get(k, 0), _share(now.get(k, 0), f.received), old.get(k, 0)]
                for k in keys
            ],
        )

    counts(
        "sheet_category",
        "category",
        category_order([*f.by_category, *before.by_category]),
        lambda key: category_name(texts, key),
    )
    # Blocks are the profile's own names: the largest first.
    blocks = sorted({*f.by_block, *before.by_block}, key=lambda k: (-f.by_block.get(k, 0), k))
    counts("sheet_block", "block", blocks, str)

    categories = category_order(c for counts in f.by_day.values() for c in counts)
    book.table(
        r["sheet_day"],
        [
            Column(r["day"], 12, DATE),
            *(Column(category_name(texts, c), 16, INTEGER) for c in categories),
            Column(r["total"], 10, INTEGER),
        ],
        [
            [
                day,
                *(f.by_day.get(day, {}).get(c, 0) for c in categories),
                sum(f.by_day.get(day, {}).values()),
            ]
            for day in period_days(report)
        ],
    )

    book.table(
        r["sheet_stages"],
        [
            Column(r["stage"], 26),
            Column(r["on_time"], 10, INTEGER),
            Column(r["late"], 13, INTEGER),
            Column(r["overdue_now"], 13, INTEGER),
            Column(r["total"], 10, INTEGER),
            Column(r["share_on_time"], 12, PERCENT),
            Column(r["median_h"], 12, HOURS),
            Column(r["p90_h"], 14, HOURS),
        ],
        [
            [
                stage_name(texts, s.stage),
                s.on_time,
                s.late,
                s.overdue_now,
                s.total,
                s.share_on_time,
                hours(s.median_s),
                hours(s.p90_s),
            ]
            for s in f.stages
        ],
    )

    book.table(
        r["sheet_rating"],
        [
            Column(r["place"], 8, INTEGER),
            Column(r["organisation"], 44),
            Column(r["incidents"], 12, INTEGER),
            Column(r["terms"], 10, INTEGER),
            Column(r["on_time"], 10, INTEGER),
            Column(r["share_on_time"], 12, PERCENT),
            Column(r["median_answer_h"], 14, HOURS),
            Column(r["returns"], 14, INTEGER),
            Column(r["declines"], 12, INTEGER),
            Column(r["repeats"], 10, INTEGER),
        ],
        [
            [
                place,
                row.organisation,
                row.incidents,
                row.terms,
                row.on_time,
                row.share_on_time,
                hours(row.median_answer_s),
                row.returns,
                row.declines,
                row.repeats,
            ]
            for place, row in enumerate(report.rating, 1)
        ],
        notes=[r["rating_rule"], r["rating_no_terms"]],
    )

    book.table(
        r["sheet_targets"],
        [
            Column(r["indicator"], 60),
            Column(r["actual"], 10, PERCENT),
            Column(r["plan"], 10, PERCENT),
        ],
        [[word(texts, "REPORT", f"target_{t.key}"), t.actual, t.plan] for t in report.targets],
    )
    return book.close()
