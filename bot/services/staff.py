"""The directory edited from the chat by a coordinator: add a person (with an invite), move
or switch one off, add or rename an organisation, choose its block and supervisors. Each
use case checks who acts and that what it touches is still there before it writes, and
records the change in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain import staff as rules
from bot.domain.actions import Actor, Denial, Refused
from bot.domain.model import Role
from bot.domain.records import Organisation, Person
from bot.domain.staff import AuditAction, AuditEntry
from storage import absences as absence_repo
from storage import directory as repo
from storage import staff as staff_repo
from storage.db import Database


@dataclass(frozen=True)
class Menu:
    blocks: list[tuple[int, str]]  # blocks that hold an organisation
    unblocked: bool  # some organisations have no block
    unplaced: bool  # some people have no organisation


@dataclass(frozen=True)
class OrganisationView:
    organisation: Organisation | None  # None: the people of no organisation
    people: list[Person]  # the active first, then those switched off
    supervisors: list[Person]


def _require(denial: Denial | None) -> None:
    if denial is not None:
        raise Refused(denial)


class Staff:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    def _entry(self, actor: Actor, action: AuditAction, **details: str | int) -> AuditEntry:
        return AuditEntry(self.clock(), actor.name, action, details, actor.telegram_id)

    @staticmethod
    def require(actor: Actor) -> None:
        """Refused unless the actor may edit the directory."""
        _require(rules.may_edit(actor))

    async def placement(
        self, actor: Actor, organisation_id: int | None, role: Role
    ) -> Organisation | None:
        """The organisation a person of `role` is about to be added to, if they may be."""
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            org = await self._organisation(conn, organisation_id)
        _require(rules.placement_denial(role, org))
        return org

    async def menu(self, actor: Actor) -> Menu:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            orgs = await staff_repo.organisations(conn, None, any_block=True)
            unplaced = any(p.active for p in await staff_repo.people(conn, None))
        named = {o.block_id: o.block for o in orgs if o.block_id is not None}
        blocks = sorted(named.items(), key=lambda b: b[1])
        return Menu(blocks, any(o.block_id is None for o in orgs), unplaced)

    async def blocks(self, actor: Actor) -> list[tuple[int, str]]:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            return await staff_repo.blocks(conn)

    async def organisations(self, actor: Actor, block_id: int | None) -> list[Organisation]:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            return await staff_repo.organisations(conn, block_id)

    async def organisation(self, actor: Actor, organisation_id: int | None) -> OrganisationView:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            org = None
            if organisation_id is not None:
                org = await repo.organisation(conn, organisation_id)
                if org is None:
                    raise Refused(Denial.ORGANISATION_GONE)
            people = await staff_repo.people(conn, organisation_id)
            chiefs = await repo.supervisors_of(conn, organisation_id) if organisation_id else []
        return OrganisationView(org, people, chiefs)

    async def supervisors(self, actor: Actor) -> list[Person]:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            return await staff_repo.supervisors(conn)

    async def person(self, actor: Actor, person_id: int) -> Person:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            return await self._active_person(conn, person_id)

    @staticmethod
    async def _active_person(conn: aiosqlite.Connection, person_id: int) -> Person:
        person = await repo.person(conn, person_id)
        if person is None or not person.active:
            raise Refused(Denial.PERSON_GONE)
        return person

    @staticmethod
    async def _organisation(
        conn: aiosqlite.Connection, organisation_id: int | None
    ) -> Organisation | None:
        if organisation_id is None:
            return None
        org = await repo.organisation(conn, organisation_id)
        if org is None:
            raise Refused(Denial.ORGANISATION_GONE)
        return org

    async def add_person(
        self, actor: Actor, organisation_id: int | None, role: Role, typed: str
    ) -> Person:
        """A new person with a one-time invite; refused if an active person of the same
        full name is in that organisation already."""
        _require(rules.may_edit(actor))
        name = rules.clean_name(typed)
        _require(rules.name_denial(name))
        async with self.db.transaction() as conn:
            org = await self._organisation(conn, organisation_id)
            _require(rules.placement_denial(role, org))
            if rules.same_person(name, await staff_repo.people(conn, organisation_id)):
                raise Refused(Denial.DUPLICATE_PERSON)
            code = repo.new_invite_code()
            person_id = await staff_repo.add_person(
                conn, name, role, organisation_id, code, self.clock()
            )
            where = org.name if org else ""
            entry = self._entry(
                actor, AuditAction.PERSON_ADDED, person=name, role=role.value, organisation=where
            )
            await staff_repo.record(
                conn, entry, person_id=person_id, organisation_id=organisation_id
            )
            person = await repo.person(conn, person_id)
        assert person is not None
        return person

    async def move_person(self, actor: Actor, person_id: int, organisation_id: int) -> Person:
        """The person in another organisation; their open work stays with the old one."""
        _require(rules.may_edit(actor))
        async with self.db.transaction() as conn:
            person = await self._active_person(conn, person_id)
            org = await self._organisation(conn, organisation_id)
            assert org is not None
            if person.organisation_id == organisation_id:
                raise Refused(Denial.SAME_ORGANISATION)
            _require(rules.placement_denial(person.role, org))
            await staff_repo.move_person(conn, person_id, organisation_id)
            if person.telegram_id and person.organisation_id is not None:
                await staff_repo.forget_cards(conn, person.telegram_id, person.organisation_id)
            if person.telegram_id and person.role is Role.EXECUTOR:
                # An executor stands in only for a colleague of the same organisation.
                await absence_repo.cancel_involving(conn, person.telegram_id, self.clock())
            entry = self._entry(
                actor,
                AuditAction.PERSON_MOVED,
                person=person.full_name,
                old=person.organisation,
                organisation=org.name,
            )
            await staff_repo.record(conn, entry, person_id=person_id, organisation_id=org.id)
            moved = await repo.person(conn, person_id)
        assert moved is not None
        return moved

    async def switch_off(self, actor: Actor, person_id: int) -> Person:
        """Switched off, history kept: no cards, no actions. What the person's organisation
        has in hand stays with it (assignments belong to organisations)."""
        _require(rules.may_edit(actor))
        async with self.db.transaction() as conn:
            person = await self._active_person(conn, person_id)
            if person.telegram_id == actor.telegram_id:
                raise Refused(Denial.SELF_OFF)
            await staff_repo.switch_off(conn, person_id)
            if person.telegram_id:
                await staff_repo.forget_cards(conn, person.telegram_id)
            entry = self._entry(
                actor,
                AuditAction.PERSON_OFF,
                person=person.full_name,
                organisation=person.organisation,
            )
            await staff_repo.record(
                conn, entry, person_id=person_id, organisation_id=person.organisation_id
            )
        return person

    async def add_organisation(self, actor: Actor, typed: str) -> Organisation:
        """A new organisation (or one switched off before, switched on again)."""
        _require(rules.may_edit(actor))
        name = rules.clean_name(typed)
        _require(rules.name_denial(name, organisation=True))
        async with self.db.transaction() as conn:
            existing = await staff_repo.organisation_names(conn)
            found = rules.same_name(name, existing)
            if found is not None and await repo.organisation(conn, found) is not None:
                raise Refused(Denial.DUPLICATE_ORGANISATION)
            if found is not None:
                await staff_repo.switch_on_organisation(conn, found)
                org_id = found
            else:
                org_id = await staff_repo.add_organisation(conn, name)
            org = await repo.organisation(conn, org_id)
            assert org is not None
            entry = self._entry(actor, AuditAction.ORG_ADDED, organisation=org.name)
            await staff_repo.record(conn, entry, organisation_id=org_id)
        return org

    async def rename(self, actor: Actor, organisation_id: int, typed: str) -> Organisation:
        _require(rules.may_edit(actor))
        name = rules.clean_name(typed)
        _require(rules.name_denial(name, organisation=True))
        async with self.db.transaction() as conn:
            org = await self._organisation(conn, organisation_id)
            assert org is not None
            existing = await staff_repo.organisation_names(conn)
            if rules.same_name(name, existing, but=organisation_id) is not None:
                raise Refused(Denial.DUPLICATE_ORGANISATION)
            await staff_repo.rename_organisation(conn, organisation_id, name)
            entry = self._entry(actor, AuditAction.ORG_RENAMED, old=org.name, organisation=name)
            await staff_repo.record(conn, entry, organisation_id=organisation_id)
            renamed = await repo.organisation(conn, organisation_id)
        assert renamed is not None
        return renamed

    async def set_block(
        self,
        actor: Actor,
        organisation_id: int,
        block_id: int | None = None,
        typed: str | None = None,
    ) -> Organisation:
        """The organisation's thematic block: one of the list (`block_id`), or a name typed
        (an existing block of that name, or a new one)."""
        _require(rules.may_edit(actor))
        name = rules.clean_name(typed) if typed is not None else None
        if name is not None:
            _require(rules.name_denial(name))
        async with self.db.transaction() as conn:
            org = await self._organisation(conn, organisation_id)
            assert org is not None
            if name is not None:
                blocks = await staff_repo.blocks(conn)
                block_id = rules.same_name(name, blocks)
                if block_id is None:
                    block_id = await staff_repo.add_block(conn, name)
            assert block_id is not None
            block = await staff_repo.block(conn, block_id)
            if block is None:
                raise Refused(Denial.BLOCK_GONE)
            await staff_repo.set_block(conn, organisation_id, block_id)
            entry = self._entry(
                actor, AuditAction.ORG_BLOCK, organisation=org.name, old=org.block, block=block
            )
            await staff_repo.record(conn, entry, organisation_id=organisation_id)
            changed = await repo.organisation(conn, organisation_id)
        assert changed is not None
        return changed

    async def toggle_supervisor(self, actor: Actor, organisation_id: int, person_id: int) -> bool:
        """The deputy head supervises the organisation from now on, or no longer; True: on."""
        _require(rules.may_edit(actor))
        async with self.db.transaction() as conn:
            org = await self._organisation(conn, organisation_id)
            assert org is not None
            person = await self._active_person(conn, person_id)
            if person.role is not Role.SUPERVISOR:
                raise Refused(Denial.NOT_A_SUPERVISOR)
            on = person_id not in await staff_repo.supervisor_ids(conn, organisation_id)
            await staff_repo.supervise(conn, person_id, organisation_id, on=on)
            action = AuditAction.SUPERVISOR_ON if on else AuditAction.SUPERVISOR_OFF
            entry = self._entry(actor, action, person=person.full_name, organisation=org.name)
            await staff_repo.record(
                conn, entry, person_id=person_id, organisation_id=organisation_id
            )
        return on

    async def audit(self, actor: Actor, limit: int = 20) -> list[AuditEntry]:
        _require(rules.may_edit(actor))
        async with self.db.read() as conn:
            return await staff_repo.latest(conn, limit)
