"""Directory use cases: who is acting, CSV import and export, binding accounts by invite,
organisation groups, and the routing picker's choices."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.absences import acting_name
from bot.domain.actions import Actor
from bot.domain.directory_changes import Changes, plan_import
from bot.domain.directory_file import directory_warnings, parse_directory, write_directory
from bot.domain.model import Role
from bot.domain.records import Organisation, Person
from bot.domain.staff import AuditAction, AuditEntry
from storage import absences as absence_repo
from storage import directory as repo
from storage import staff as staff_repo
from storage.db import Database


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    deactivated: int
    pending_invites: list[Person]
    # (line, text): imported anyway, but worth a look (see directory_warnings).
    warnings: list[tuple[int, str]] = field(default_factory=list)


class Directory:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        coordinator_ids: Collection[int] = (),
        tz: ZoneInfo | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.coordinator_ids = frozenset(coordinator_ids)  # from the settings
        self.tz = tz or ZoneInfo("UTC")  # the CLI needs no dates

    async def actor(self, telegram_id: int, telegram_name: str) -> Actor:
        """The person behind an update, read by their Telegram id (an index), with whom
        they stand in for today: the history then names both."""
        today = self.clock().astimezone(self.tz).date()
        async with self.db.read() as conn:
            person = await repo.person_by_telegram(conn, telegram_id)
            acting = []
            for a in await absence_repo.not_over(conn, today):
                if a.covers(today) and a.substitute and a.substitute.chat == telegram_id:
                    absent = await repo.person_by_telegram(conn, a.absent.chat)
                    acting.append(replace(a.absent, person_id=absent.id if absent else None))
        acting_for = tuple(acting)
        is_coordinator = telegram_id in self.coordinator_ids or (
            person is not None and person.role is Role.COORDINATOR
        )
        name = acting_name(
            person.full_name if person else telegram_name, [m.name for m in acting_for]
        )
        if person is None:
            return Actor(telegram_id, name, is_coordinator=is_coordinator, acting_for=acting_for)
        return Actor(
            telegram_id,
            name,
            person_id=person.id,
            role=person.role,
            organisation_id=person.organisation_id,
            is_coordinator=is_coordinator,
            acting_for=acting_for,
        )

    async def import_csv(self, text: str) -> ImportResult:
        """All or nothing: DirectoryError (with line numbers) before anything is written."""
        rows = parse_directory(text)
        async with self.db.transaction() as conn:
            added, deactivated = await repo.sync_directory(conn, rows, self.clock())
            people = await repo.active_people(conn)
            # The server's CSV: no Telegram account behind it (the audit log shows «сервер»).
            entry = AuditEntry(
                self.clock(),
                "CSV",
                AuditAction.CSV_IMPORT,
                {"rows": len(rows), "added": added, "deactivated": deactivated},
            )
            await staff_repo.record(conn, entry)
        pending = [p for p in people if p.telegram_id is None and p.invite_code]
        return ImportResult(len(rows), added, deactivated, pending, directory_warnings(rows))

    async def plan_csv(self, text: str) -> Changes:
        """What import_csv would change, with nothing written; DirectoryError as it."""
        rows = parse_directory(text)
        async with self.db.read() as conn:
            current = await repo.export_rows(conn)
            orgs = await staff_repo.organisations(conn, None, any_block=True)
        return plan_import(current, {o.name: o.block for o in orgs}, rows)

    async def export_csv(self) -> str:
        async with self.db.read() as conn:
            return write_directory(await repo.export_rows(conn))

    async def bind(self, code: str, telegram_id: int) -> Person | None:
        """Bind an account to the person invited by `code`; None if the code is not valid."""
        if not code:
            return None
        async with self.db.transaction() as conn:
            person = await repo.person_by_invite(conn, code)
            if person is None or await repo.person_by_telegram(conn, telegram_id):
                return None
            await repo.bind_person(conn, person.id, telegram_id, self.clock())
        return person

    async def organisation_name(self, organisation_id: int | None) -> str:
        if organisation_id is None:
            return ""
        async with self.db.read() as conn:
            org = await repo.organisation(conn, organisation_id)
        return org.name if org else ""

    async def bind_group(self, organisation_id: int, chat_id: int) -> Organisation | None:
        async with self.db.transaction() as conn:
            await repo.set_organisation_chat(conn, organisation_id, chat_id)
            return await repo.organisation(conn, organisation_id)

    async def forget_group(self, chat_id: int) -> None:
        async with self.db.transaction() as conn:
            await repo.forget_chat(conn, chat_id)

    async def bound_people(self) -> list[Person]:
        async with self.db.read() as conn:
            return [p for p in await repo.active_people(conn) if p.telegram_id]

    async def blocks(self) -> list[tuple[int, str]]:
        async with self.db.read() as conn:
            return await repo.routable_blocks(conn)

    async def organisations(
        self, *, block_id: int | None = None, name_like: str | None = None
    ) -> list[Organisation]:
        async with self.db.read() as conn:
            return await repo.routable_organisations(conn, block_id=block_id, name_like=name_like)

    async def block_name(self, block_id: int) -> str:
        return dict(await self.blocks()).get(block_id, "")
