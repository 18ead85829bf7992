"""Absences with acting substitutes (seed 001, 3.8): recorded by a coordinator or by the
person away, checked against the rules, cancelled; they end by themselves after the last
day (read by date, nothing to fire)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.absences import Absence, Member, Problem, check_absence
from bot.domain.actions import Actor
from bot.domain.model import Role
from bot.services.message_queue import MessageQueue
from bot.texts import Texts
from storage import absences as repo
from storage import directory as directory_repo
from storage.db import Database

SEARCH_LIMIT = 10  # people found by a typed name, as buttons


class Refusal(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Days:
    starts_on: date
    ends_on: date


class Absences:
    def __init__(
        self,
        db: Database,
        queue: MessageQueue,
        texts: Texts,
        clock: Callable[[], datetime],
        coordinator_ids: Collection[int],
        tz: ZoneInfo,
    ) -> None:
        self.db = db
        self.queue = queue
        self.texts = texts
        self.clock = clock
        self.coordinator_ids = sorted(coordinator_ids)  # from the settings
        self.tz = tz

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    # --- who can be away, who can stand in -----------------------------------------------

    async def members(self) -> list[Member]:
        """Everyone who reads the bot: the bound people of the directory, and the
        coordinators of the settings (named as they last acted)."""
        async with self.db.read() as conn:
            found = [
                Member(p.telegram_id, p.full_name, p.role, p.organisation_id, p.id)
                for p in await directory_repo.active_people(conn)
                if p.telegram_id
            ]
            known = {m.chat for m in found}
            for chat in self.coordinator_ids:
                if chat not in known:
                    name = await repo.last_name_of(conn, chat)
                    name = (name or "").partition(" (")[0] or f"Координатор {chat}"
                    found.append(Member(chat, name, Role.COORDINATOR))
        # A coordinator of the settings is one whatever the directory says.
        return [
            Member(m.chat, m.name, Role.COORDINATOR, m.organisation_id, m.person_id)
            if m.chat in self.coordinator_ids
            else m
            for m in found
        ]

    async def member(self, chat: int) -> Member | None:
        return next((m for m in await self.members() if m.chat == chat), None)

    async def search(self, text: str) -> list[Member]:
        words = text.casefold().replace("ё", "е").split()
        found = [
            m
            for m in await self.members()
            if all(w in m.name.casefold().replace("ё", "е") for w in words)
        ]
        return sorted(found, key=lambda m: m.name)[:SEARCH_LIMIT]

    async def not_over(self) -> list[Absence]:
        async with self.db.read() as conn:
            return await repo.not_over(conn, self.today())

    async def check(
        self, actor: Actor, absent: Member, days: Days, substitute: Member | None
    ) -> Problem | None:
        members, existing = await self.members(), await self.not_over()
        return self._problem(actor, absent, days, substitute, members, existing)

    async def candidates(self, actor: Actor, absent: Member, days: Days) -> list[Member]:
        """Who may stand in for `absent` on those days, colleagues of the same
        organisation first."""
        members, existing = await self.members(), await self.not_over()
        found = [
            m for m in members if not self._problem(actor, absent, days, m, members, existing)
        ]
        return sorted(found, key=lambda m: (m.organisation_id != absent.organisation_id, m.name))

    def _problem(
        self,
        actor: Actor,
        absent: Member,
        days: Days,
        substitute: Member | None,
        members: list[Member],
        existing: list[Absence],
    ) -> Problem | None:
        if not actor.is_coordinator and absent.chat != actor.telegram_id:
            return Problem.NOT_ALLOWED
        return check_absence(
            absent,
            substitute,
            days.starts_on,
            days.ends_on,
            today=self.today(),
            existing=existing,
            coordinators=[m for m in members if m.role is Role.COORDINATOR],
        )

    # --- recording -----------------------------------------------------------------------

    async def record(
        self, actor: Actor, absent_chat: int, days: Days, substitute_chat: int | None
    ) -> Absence:
        """In the update's transaction; Refusal (nothing written) if the rules say no. The
        substitute and the person away (when someone else recorded it) are told."""
        absent = await self.member(absent_chat)
        substitute = await self.member(substitute_chat) if substitute_chat else None
        if absent is None or (substitute_chat and substitute is None):
            raise Refusal(Problem.NOT_FOUND)
        if problem := await self.check(actor, absent, days, substitute):
            raise Refusal(problem)
        async with self.db.transaction() as conn:
            absence_id = await repo.add(
                conn,
                absent,
                substitute,
                days.starts_on,
                days.ends_on,
                (actor.telegram_id, actor.name),
                self.clock(),
            )
        absence = Absence(absence_id, absent, substitute, days.starts_on, days.ends_on)
        if substitute is not None:
            await self._tell(substitute.chat, "absence_to_substitute", absence)
        if absent.chat != actor.telegram_id:
            await self._tell(absent.chat, "absence_to_absent", absence)
        return absence

    async def cancel(self, actor: Actor, absence_id: int) -> Absence:
        """Ends an absence now (or drops one to come): the coordinator or the person away."""
        async with self.db.transaction() as conn:
            absence = await repo.get(conn, absence_id)
            if absence is None or absence.ends_on < self.today():
                raise Refusal(Problem.NOT_FOUND)
            if not actor.is_coordinator and absence.absent.chat != actor.telegram_id:
                raise Refusal(Problem.NOT_ALLOWED)
            await repo.cancel(conn, absence_id, self.clock())
        for chat in {absence.absent.chat, absence.substitute.chat if absence.substitute else 0}:
            if chat and chat != actor.telegram_id:
                await self._tell(chat, "absence_cancelled", absence)
        return absence

    async def _tell(self, chat: int, message: str, absence: Absence) -> None:
        await self.queue.send(
            chat, self.texts.message(message, absence=absence, today=self.today())
        )
