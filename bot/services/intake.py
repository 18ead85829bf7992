"""How incidents open: a forwarded post at once (the parts sent with it joining it), a typed
text once the coordinator confirms it. A post of the same author or link as an earlier one is
a repeat (p. 18)."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from bot.domain import outcomes as done
from bot.domain.actions import Actor, Denial, Refused
from bot.domain.addresses import address_of
from bot.domain.model import State
from bot.domain.records import Incident, Media
from bot.services.use_cases import UseCases
from storage import bursts as burst_repo
from storage import drafts as draft_repo
from storage import incidents as repo
from storage import pending_posts as pending_repo

# Parts of one message that Telegram split (a long text, an album) arrive within a moment.
SENT_TOGETHER = timedelta(seconds=3)
# A forwarded part joins the incident its post opened only this soon after: the same post
# forwarded again later is a new incident (the earlier one may be closed or cancelled).
JOINS_WITHIN = timedelta(minutes=2)


class Intake(UseCases):
    async def open_incident(
        self,
        actor: Actor,
        chat_id: int,
        *,
        text: str,
        link: str | None,
        origin: str | None,
        media: list[Media],
        detected_at: datetime,
        batch: str | None,
        author: str | None = None,
    ) -> done.Opened:
        """An incident from a forwarded post. A further message sent together with it (an
        item of its album, a part of a long post) joins the incident it opened."""
        if not actor.is_coordinator:
            raise Refused(Denial.NOT_COORDINATOR)
        async with self.db.transaction() as conn:
            existing, joins_text = None, False
            if batch:
                since = self.clock() - JOINS_WITHIN
                existing = await repo.incident_by_batch(conn, actor.telegram_id, batch, since)
            if existing is None:
                incident = await self._create(
                    conn, actor, text, link, origin, media, detected_at, batch, author
                )
            else:
                incident = existing
                joins_text = bool(text) and text not in existing.source_text.split("\n")
                if joins_text:
                    joined = "\n".join(t for t in (existing.source_text, text) if t)
                    await repo.update_incident(conn, existing.id, source_text=joined)
                for item in media:
                    await draft_repo.add_attachment(conn, incident.id, None, item, self.clock())
            outcome = done.Opened(
                incident.id,
                chat_id,
                new=existing is None,
                joined=joins_text,
            )
            return await self._tell(outcome)

    async def _create(
        self,
        conn: aiosqlite.Connection,
        actor: Actor,
        text: str,
        link: str | None,
        origin: str | None,
        media: list[Media],
        detected_at: datetime,
        batch: str | None,
        author: str | None = None,
    ) -> Incident:
        now = self.clock()
        # p. 18: the same author or link as an earlier incident makes it a repeat.
        earlier = await repo.earlier_of(conn, author, link) if author or link else None
        policy = self.timekeeper.profile.bursts
        address = address_of(text) if policy.addresses else None
        incident = await repo.create_incident(
            conn,
            source_text=text,
            source_link=link,
            source_origin=origin,
            source_author=author,
            repeat_of=earlier,
            batch_key=batch,
            detected_at=detected_at,
            created_by=actor.telegram_id,
            now=now,
            address=address,
        )
        await self._record(conn, incident.id, actor, "created", State.NEW, now)
        if earlier:
            await self._record(
                conn, incident.id, actor, "repeat", State.NEW, now, comment=f"№{earlier}"
            )
        await self.timekeeper.start(conn, incident, now)
        for item in media:
            await draft_repo.add_attachment(conn, incident.id, None, item, now)
        if address:  # p. 25: posts naming the same address make a burst too
            counted = await burst_repo.recent_at_address(conn, address, now - policy.window)
            await self._look_for_burst(conn, incident.id, counted, address, address=address)
        return incident

    async def hold_post(
        self,
        actor: Actor,
        chat_id: int,
        *,
        text: str,
        link: str | None,
        media: list[Media],
        batch: str | None,
        received_at: datetime,
    ) -> tuple[int, bool]:
        """A typed (not forwarded) text waits for «Создать инцидент». Parts sent together
        (an album, a long text that Telegram split) join the one held just before. Returns
        the held post and whether it is new (and so needs its question)."""
        if not actor.is_coordinator:
            raise Refused(Denial.NOT_COORDINATOR)
        async with self.db.transaction() as conn:
            last = await pending_repo.latest(conn, chat_id)
            if (
                last is not None
                and last.incident_id is None
                and last.created_by == actor.telegram_id
            ):
                same_album = batch is not None and last.batch_key == batch
                if same_album or received_at - last.received_at <= SENT_TOGETHER:
                    await pending_repo.extend(conn, last, text, link, media, received_at)
                    return last.id, False
            post_id = await pending_repo.add(
                conn, chat_id, actor.telegram_id, text, link, media, batch, received_at
            )
            return post_id, True

    async def open_held(self, actor: Actor, chat_id: int, post_id: int) -> done.Opened:
        """The coordinator confirmed a typed text: it opens an incident, detected when it
        was sent."""
        async with self.db.transaction() as conn:
            post = await self._held(conn, actor, post_id)
            incident = await self._create(
                conn, actor, post.text, post.link, None, post.media, post.sent_at, None
            )
            await pending_repo.opened(conn, post.id, incident.id)
            return await self._tell(done.Opened(incident.id, chat_id, new=True))

    async def drop_held(self, actor: Actor, post_id: int) -> None:
        async with self.db.transaction() as conn:
            post = await self._held(conn, actor, post_id)
            await pending_repo.drop(conn, post.id)

    async def _held(
        self, conn: aiosqlite.Connection, actor: Actor, post_id: int
    ) -> pending_repo.PendingPost:
        if not actor.is_coordinator:
            raise Refused(Denial.NOT_COORDINATOR)
        post = await pending_repo.get(conn, post_id)
        if post is None or post.created_by != actor.telegram_id:
            raise Refused(Denial.POST_GONE)
        if post.incident_id is not None:
            raise Refused(Denial.POST_OPENED)
        return post
