"""Who is behind each recipient of the notification policy, read from the directory; while
someone is away, their acting substitute instead (seed 001, 3.8)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.absences import Absence
from bot.domain.model import Role
from bot.domain.notices import Recipient, To
from storage import absences as absence_repo
from storage import directory as repo
from storage.db import Database

# A chat to write to, and whom its reader stands in for there (None: in their own right).
Reader = tuple[int, str | None]


class Recipients:
    def __init__(
        self,
        db: Database,
        coordinator_ids: Collection[int],
        clock: Callable[[], datetime],
        tz: ZoneInfo,
    ) -> None:
        self.db = db
        self.coordinator_ids = sorted(coordinator_ids)  # from the settings
        self.clock = clock
        self.tz = tz

    async def away(self) -> dict[int, Absence]:
        """Today's absences, by the absent person's chat. Read each time: an absence ends
        by itself once its last day is over, restart or not."""
        today = self.clock().astimezone(self.tz).date()
        async with self.db.read() as conn:
            absences = await absence_repo.not_over(conn, today)
        return {a.absent.chat: a for a in absences if a.covers(today)}

    async def readers(self, chats: Iterable[int]) -> list[Reader]:
        return _replaced(chats, await self.away())

    async def chats(self, targets: Iterable[To], skip: int | None = None) -> list[int]:
        """The chats to write to, each once, in the order of `targets`."""
        return [chat for chat, _ in await self.readers_of(targets) if chat != skip]

    async def readers_of(self, targets: Iterable[To]) -> list[Reader]:
        away = await self.away()
        found: dict[int, str | None] = {}
        for to in targets:
            if to.recipient is Recipient.CHAT:
                assert to.id is not None
                found.setdefault(to.id, None)  # whoever just acted: answered where they are
            else:
                for chat, stands_for in _replaced(await self._chats(to), away):
                    found.setdefault(chat, stands_for)
        return list(found.items())

    async def _chats(self, to: To) -> list[int]:
        if to.recipient is Recipient.COORDINATORS:
            return await self._coordinators()
        if to.recipient is Recipient.ORGANISATION:
            assert to.id is not None
            return await self._organisation(to.id)
        async with self.db.read() as conn:
            if to.recipient is Recipient.SUPERVISORS:
                assert to.id is not None
                people = await repo.supervisors_of(conn, to.id)
            else:
                people = await repo.people_with_role(conn, Role.HEAD)
        return [p.telegram_id for p in people if p.telegram_id]

    async def coordinators(self) -> list[int]:
        """The coordinators present, and those standing in for the ones away."""
        return [chat for chat, _ in await self.readers(await self._coordinators())]

    async def _coordinators(self) -> list[int]:
        async with self.db.read() as conn:
            people = await repo.people_with_role(conn, Role.COORDINATOR)
        bound = [p.telegram_id for p in people if p.telegram_id]
        return list(dict.fromkeys([*self.coordinator_ids, *bound]))

    async def heads(self) -> list[int]:
        async with self.db.read() as conn:
            people = await repo.people_with_role(conn, Role.HEAD)
        return [
            chat for chat, _ in await self.readers(p.telegram_id for p in people if p.telegram_id)
        ]

    async def organisation(self, organisation_id: int) -> list[int]:
        return [chat for chat, _ in await self.readers(await self._organisation(organisation_id))]

    async def _organisation(self, organisation_id: int) -> list[int]:
        """The organisation's group if the bot is in one, else each bound member."""
        async with self.db.read() as conn:
            org = await repo.organisation(conn, organisation_id)
            if org is None:
                return []
            if org.chat_id:
                return [org.chat_id]
            members = await repo.organisation_members(conn, organisation_id)
        return [m.telegram_id for m in members if m.telegram_id]

    async def owner(self, owner_id: int | None) -> list[Reader]:
        """The coordinator who leads an incident, or whoever stands in for them; all the
        coordinators if that one is no longer a coordinator (left, switched off) or is away
        with nobody instead, so that nothing goes to nobody."""
        coordinators, away = await self._coordinators(), await self.away()
        if owner_id in coordinators and (readers := _replaced([owner_id], away)):
            return readers
        return _replaced(coordinators, away)

    async def leaders(self, owner_id: int | None) -> frozenset[int]:
        """Who gets the lead coordinator's buttons on a card: the owner, and whoever stands
        in for them today."""
        if owner_id is None:
            return frozenset()
        return frozenset({owner_id, *(chat for chat, _ in await self.readers([owner_id]))})


def _replaced(chats: Iterable[int], away: dict[int, Absence]) -> list[Reader]:
    """`chats` with each absent person replaced by their substitute (or left out when a
    coordinator is away with nobody instead), each chat once."""
    found: dict[int, str | None] = {}
    for chat in chats:
        absence = away.get(chat)
        if absence is None:
            found.setdefault(chat, None)
        elif absence.substitute is not None:
            found.setdefault(absence.substitute.chat, absence.absent.name)
    return list(found.items())
