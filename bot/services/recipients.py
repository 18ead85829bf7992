"""Who is behind each recipient of the notification policy, read from the directory."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bot.domain.model import Role
from bot.domain.notices import Recipient, To
from storage import directory as repo
from storage.db import Database


class Recipients:
    def __init__(self, db: Database, coordinator_ids: Collection[int]) -> None:
        self.db = db
        self.coordinator_ids = sorted(coordinator_ids)  # from the settings

    async def chats(self, targets: Iterable[To], skip: int | None = None) -> list[int]:
        """The chats to write to, each once, in the order of `targets`."""
        found: dict[int, None] = {}
        for to in targets:
            for chat in await self._chats(to):
                if chat != skip:
                    found.setdefault(chat)
        return list(found)

    async def _chats(self, to: To) -> list[int]:
        if to.recipient is Recipient.CHAT:
            assert to.id is not None
            return [to.id]
        if to.recipient is Recipient.COORDINATORS:
            return await self.coordinators()
        if to.recipient is Recipient.ORGANISATION:
            assert to.id is not None
            return await self.organisation(to.id)
        async with self.db.read() as conn:
            if to.recipient is Recipient.SUPERVISORS:
                assert to.id is not None
                people = await repo.supervisors_of(conn, to.id)
            else:
                people = await repo.people_with_role(conn, Role.HEAD)
        return [p.telegram_id for p in people if p.telegram_id]

    async def coordinators(self) -> list[int]:
        async with self.db.read() as conn:
            people = await repo.people_with_role(conn, Role.COORDINATOR)
        bound = [p.telegram_id for p in people if p.telegram_id]
        return list(dict.fromkeys([*self.coordinator_ids, *bound]))

    async def heads(self) -> list[int]:
        async with self.db.read() as conn:
            people = await repo.people_with_role(conn, Role.HEAD)
        return [p.telegram_id for p in people if p.telegram_id]

    async def organisation(self, organisation_id: int) -> list[int]:
        """The organisation's group if the bot is in one, else each bound member."""
        async with self.db.read() as conn:
            org = await repo.organisation(conn, organisation_id)
            if org is None:
                return []
            if org.chat_id:
                return [org.chat_id]
            members = await repo.organisation_members(conn, organisation_id)
        return [m.telegram_id for m in members if m.telegram_id]
