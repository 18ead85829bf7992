"""The directory CSV (like appendix 3 of the Mezhdurechensk act): parse, validate, write."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.model import Role

# Column keys with the header spellings accepted for each (Russian first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("организация", "organisation", "organization"),
    "block": ("тематический блок", "блок", "block"),
    "full_name": ("фио", "full_name", "name"),
    "position": ("должность", "position"),
    "role": ("роль", "role"),
    "supervises": ("курирует", "supervises"),
}
REQUIRED = ("organisation", "block", "full_name", "position", "role")
EXPORT_HEADER = ("организация", "тематический блок", "фио", "должность", "роль", "курирует")

ROLE_NAMES: dict[str, Role] = {
    "исполнитель": Role.EXECUTOR,
    "координатор": Role.COORDINATOR,
    "специалист мцу": Role.COORDINATOR,
    # The wording of the «Роль» column of appendix 3 (Mezhdurechensk).
    "специалист по работе с системой инцидент менеджмент": Role.COORDINATOR,
    "куратор": Role.SUPERVISOR,
    "заместитель главы": Role.SUPERVISOR,
    "зам. главы": Role.SUPERVISOR,
    "глава": Role.HEAD,
    **{role.value: role for role in Role},
}
ROLE_EXPORT = {
    Role.EXECUTOR: "исполнитель",
    Role.COORDINATOR: "координатор",
    Role.SUPERVISOR: "заместитель главы",
    Role.HEAD: "глава",
}


@dataclass(frozen=True)
class DirectoryRow:
    line: int
    organisation: str
    block: str
    full_name: str
    position: str
    role: Role
    supervises: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.full_name, self.role.value, self.organisation)


class DirectoryError(Exception):
    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"строка {line}: {text}" for line, text in problems))


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _role_key(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch not in "«»\"'")


def parse_directory(text: str) -> list[DirectoryRow]:
    """All rows, or DirectoryError listing every bad line (then nothing may be written)."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DirectoryError([(1, "файл пуст")]) from None
    positions: dict[str, int] = {}
    normalised = [_clean(h).lower() for h in header]
    for key, names in COLUMNS.items():
        for index, name in enumerate(normalised):
            if name in names:
                positions[key] = index
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in positions]
    if missing:
        raise DirectoryError([(1, "в заголовке нет столбцов: " + ", ".join(missing))])

    rows: list[DirectoryRow] = []
    problems: list[tuple[int, str]] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                (
                    line,
                    "больше значений, чем столбцов в заголовке; значение с «;» возьмите в кавычки",
                )
            )
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            index = positions.get(key)
            return _clean(cells[index]) if index is not None and index < len(cells) else ""

        role = ROLE_NAMES.get(_role_key(cell("role")))
        if role is None:
            problems.append((line, f"неизвестная роль «{cell('role')}»"))
            continue
        if not cell("full_name"):
            problems.append((line, "не указаны ФИО"))
            continue
        if role is Role.EXECUTOR and not (cell("organisation") and cell("block")):
            problems.append((line, "для исполнителя нужны организация и тематический блок"))
            continue
        supervises = tuple(s for s in (_clean(p) for p in cell("supervises").split(";")) if s)
        if supervises and role is not Role.SUPERVISOR:
            problems.append((line, "столбец «курирует» заполняют только для заместителя главы"))
            continue
        rows.append(
            DirectoryRow(
                line=line,
                organisation=cell("organisation"),
                block=cell("block"),
                full_name=cell("full_name"),
                position=cell("position"),
                role=role,
                supervises=supervises,
            )
        )
    problems.extend(_cross_check(rows))
    if not rows and not problems:
        # An empty directory would switch everyone off: surely not what was meant.
        problems.append((1, "в файле нет ни одного сотрудника"))
    if problems:
        raise DirectoryError(sorted(problems))
    return rows


def _cross_check(rows: list[DirectoryRow]) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    block_of: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.key in seen:
            problems.append((row.line, f"повтор строки {seen[row.key]}"))
        seen.setdefault(row.key, row.line)
        if row.role is Role.EXECUTOR:
            known = block_of.setdefault(row.organisation, (row.block, row.line))
            if known[0] != row.block:
                problems.append(
                    (
                        row.line,
                        f"у организации «{row.organisation}» другой блок, чем в строке {known[1]}",
                    )
                )
    return problems


def directory_warnings(rows: list[DirectoryRow]) -> list[tuple[int, str]]:
    """What imports but deserves a look: a supervised organisation without executors (its
    last one removed, or a misspelt name) is kept, but nothing can be routed to it."""
    staffed = {row.organisation for row in rows if row.role is Role.EXECUTOR}
    warnings: list[tuple[int, str]] = []
    for row in rows:
        for name in row.supervises:
            if name not in staffed:
                warnings.append(
                    (
                        row.line,
                        f"у курируемой организации «{name}» нет исполнителей: направить ей"
                        " инцидент нельзя, пока их нет (проверьте и написание названия)",
                    )
                )
    return warnings


def write_directory(rows: Iterable[DirectoryRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        writer.writerow(
            (
                row.organisation,
                row.block,
                row.full_name,
                row.position,
                ROLE_EXPORT[row.role],
                "; ".join(row.supervises),
            )
        )
    return out.getvalue()
