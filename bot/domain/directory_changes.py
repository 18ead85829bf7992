"""What a CSV import would change in the directory, told before it is done (`--dry-run`):
the same matching as the import itself (storage/directory.py, `sync_directory`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.directory_file import DirectoryRow


class ChangeKind(StrEnum):
    POSITION = "position"  # a person's position
    SUPERVISES = "supervises"  # the organisations a deputy head supervises
    BLOCK = "block"  # an organisation's thematic block
    ORGANISATION_ADDED = "organisation_added"
    ORGANISATION_OFF = "organisation_off"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    subject: str  # the person or the organisation
    old: str = ""
    new: str = ""


@dataclass(frozen=True)
class Changes:
    added: list[DirectoryRow] = field(default_factory=list)  # people new (or back)
    deactivated: list[DirectoryRow] = field(default_factory=list)  # people not in the file
    changed: list[Change] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return not (self.added or self.deactivated or self.changed)


def plan_import(
    current: Sequence[DirectoryRow],
    organisations: Mapping[str, str],
    rows: Sequence[DirectoryRow],
) -> Changes:
    """`current`: the active people as rows (as the export writes them); `organisations`:
    each active organisation's name and its block; `rows`: the file. People are matched by
    (full name, role, organisation); an organisation keeps its block when the file gives
    none."""
    now = {row.key: row for row in current}
    wanted = {row.key: row for row in rows}
    changes = Changes(
        added=[row for row in rows if row.key not in now],
        deactivated=[row for row in current if row.key not in wanted],
    )
    for row in rows:
        old = now.get(row.key)
        if old is None:
            continue
        if old.position != row.position:
            changes.changed.append(
                Change(ChangeKind.POSITION, row.full_name, old.position, row.position)
            )
        if set(old.supervises) != set(row.supervises):
            changes.changed.append(
                Change(
                    ChangeKind.SUPERVISES,
                    row.full_name,
                    "; ".join(old.supervises),
                    "; ".join(row.supervises),
                )
            )
    blocks: dict[str, str] = {}
    for row in rows:
        if row.organisation:
            blocks.setdefault(row.organisation, "")
            if row.block:
                blocks[row.organisation] = row.block
    for name in (n for row in rows for n in row.supervises):
        blocks.setdefault(name, "")
    for name, block in blocks.items():
        if name not in organisations:
            changes.changed.append(Change(ChangeKind.ORGANISATION_ADDED, name, new=block))
        elif block and organisations[name] != block:
            changes.changed.append(Change(ChangeKind.BLOCK, name, organisations[name], block))
    for name in sorted(organisations.keys() - blocks.keys()):
        changes.changed.append(Change(ChangeKind.ORGANISATION_OFF, name))
    return changes
