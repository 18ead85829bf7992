"""Reports, the register and the digest (seeds 000–003): figures from storage/reports.py,
rendered (bot/reports/), sent through the outbox; the scheduled ones once per period."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.actions import Actor, Denial, Refused
from bot.domain.model import Role
from bot.domain.periods import Due, Kind, Period, due_reports
from bot.domain.profile import Profile
from bot.domain.reports import Digest, Report, rank, targets
from bot.reports.charts import charts
from bot.reports.workbook import register_workbook, report_workbook
from bot.services.message_queue import MessageQueue
from bot.services.recipients import Recipients
from bot.texts import Texts
from storage import directory as directory_repo
from storage import register as register_repo
from storage import report_runs as runs_repo
from storage import reports as repo
from storage.db import Database

log = logging.getLogger("bot.reports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Reports:
    def __init__(
        self,
        db: Database,
        queue: MessageQueue,
        recipients: Recipients,
        texts: Texts,
        profile: Profile,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.queue = queue
        self.recipients = recipients
        self.texts = texts
        self.profile = profile
        self.clock = clock
        self.building: set[asyncio.Task[None]] = set()

    # --- who sees what -------------------------------------------------------------------

    async def scope_of(self, actor: Actor) -> tuple[list[int] | None, list[str] | None]:
        """The organisations a person's reports cover: all for coordinators and the Head,
        those supervised for a deputy head, their own for an executor."""
        if actor.is_coordinator or actor.acts_as(Role.HEAD):
            return None, None
        if actor.acts_as(Role.SUPERVISOR) and actor.supervisor_ids():
            async with self.db.read() as conn:
                orgs = {
                    o.id: o
                    for person_id in actor.supervisor_ids()
                    for o in await directory_repo.supervised(conn, person_id)
                }
            return list(orgs), [o.name for o in orgs.values()]
        if actor.role is Role.EXECUTOR and actor.organisation_id is not None:
            async with self.db.read() as conn:
                org = await directory_repo.organisation(conn, actor.organisation_id)
            return [actor.organisation_id], [org.name if org else ""]
        raise Refused(Denial.UNKNOWN_PERSON)

    # --- building ------------------------------------------------------------------------

    async def build(
        self, period: Period, orgs: list[int] | None, names: list[str] | None = None
    ) -> Report:
        async with self.db.read() as conn:
            return await build_report(
                conn,
                period,
                orgs,
                names,
                tz=self.texts.tz,
                now=self.clock(),
                plan=self.profile.reports.targets,
            )

    async def digest(self) -> Digest:
        tz = self.texts.tz
        now = self.clock()
        today = now.astimezone(tz).date()
        day_end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tz)
        async with self.db.read() as conn:
            found = await runs_repo.digest(conn, now, day_end)
        late = self.profile.calendar.between
        return Digest(
            day=today,
            by_state=found["by_state"],
            due_today=[(i, due) for i, _, due in found["due_today"]],
            overdue=[
                (i, stage, int(late(due, now).total_seconds()))
                for i, stage, due in found["overdue"]
            ],
            approvals_waiting=found["approvals"],
        )

    # --- sending -------------------------------------------------------------------------
    # Built and rendered outside any transaction (a year of a region takes seconds, and the
    # database is the bot's one lock); queued, and marked sent, in a short one.

    def request(self, chat: int, what: Callable[[], Awaitable[None]]) -> None:
        """A report or register asked for in an update: built once that update committed,
        in a task of its own, so that the bot keeps answering meanwhile."""

        async def build() -> None:
            try:
                await what()
            except Exception:
                log.exception("event=report_failed chat=%s", chat)
                async with self.db.transaction():
                    await self.queue.send(chat, self.texts.message("report_failed"))

        def start() -> None:
            task = asyncio.create_task(build())
            self.building.add(task)
            task.add_done_callback(self.building.discard)

        self.db.after_commit(start)

    async def drain(self) -> None:
        """Wait for the reports being built (at shutdown, in tests)."""
        while self.building:
            await asyncio.gather(*self.building)

    async def _render(self, report: Report) -> Rendered:
        # Off the event loop too: charts and workbooks take a moment to draw.
        return Rendered(
            self.texts.render("report.html.j2", report=report),
            f"otchet-{report.period.kind.value}-{report.period.key}.xlsx",
            await asyncio.to_thread(report_workbook, report, self.texts),
            await asyncio.to_thread(charts, report, self.texts),
        )

    async def _queue(self, chats: Sequence[int], rendered: Rendered) -> None:
        """In the caller's transaction: the summary, the workbook, the charts, to each chat."""
        for chat in chats:
            await self.queue.send(chat, rendered.summary)
            await self.queue.send_document(chat, rendered.name, rendered.workbook, mime=XLSX)
            if rendered.pictures:
                await self.queue.send_photos(chat, rendered.pictures)

    async def send_report(
        self, chats: Sequence[int], period: Period, orgs: list[int] | None, names: list[str] | None
    ) -> None:
        rendered = await self._render(await self.build(period, orgs, names))
        async with self.db.transaction():
            await self._queue(chats, rendered)

    async def send_register(
        self, chat: int, period: Period, orgs: list[int] | None, names: list[str] | None
    ) -> None:
        """The register as a workbook."""
        start, end = period.bounds(self.texts.tz)
        async with self.db.read() as conn:
            rows = await register_repo.register(conn, start, end, orgs)
        data = await asyncio.to_thread(register_workbook, rows, self.texts)
        caption = self.texts.message(
            "register_caption", period=period.label, count=len(rows), scope=names
        )
        async with self.db.transaction():
            await self.queue.send_document(
                chat, f"reestr-{period.key}.xlsx", data, caption=caption, mime=XLSX
            )

    # --- scheduled -----------------------------------------------------------------------

    async def run_due(self) -> list[Due]:
        """Send every scheduled report whose moment has come and that has not gone yet
        (after a restart that missed it: once, late); those sent (not those with nothing to
        say: a digest with nothing open, a report of a time before the bot was used)."""
        policy = self.profile.reports
        due = due_reports(
            self.profile.calendar,
            self.texts.tz,
            self.clock(),
            digest_at=policy.digest_at,
            weekly_weekday=policy.weekly_weekday,
            weekly_at=policy.weekly_at,
            monthly_at=policy.monthly_at,
        )
        done = []
        for item in due:
            async with self.db.read() as conn:
                if await runs_repo.sent(conn, item.kind.value, item.period.key):
                    continue
            if await self._send_scheduled(item):
                done.append(item)
                log.info("event=report kind=%s period=%s", item.kind.value, item.period.key)
            else:
                log.info(
                    "event=report_skipped kind=%s period=%s", item.kind.value, item.period.key
                )
        return done

    async def _send_scheduled(self, item: Due) -> bool:
        coordinators = await self.recipients.coordinators()
        chats: list[int] = coordinators
        text, rendered = None, None
        if item.kind is Kind.DIGEST:
            digest = await self.digest()
            if digest.by_state:  # nothing open: no digest that morning
                text = self.texts.render("digest.html.j2", digest=digest, now=self.clock())
        else:
            async with self.db.read() as conn:
                in_use = await runs_repo.any_before(conn, item.period.bounds(self.texts.tz)[1])
            if in_use:  # no empty report of a time before the bot was used
                rendered = await self._render(await self.build(item.period, None))
                head = await self.recipients.heads()
                recipients = [*coordinators, *head, *self.profile.reports.recipients]
                # A chat of the profile's list may be someone away, too.
                chats = [chat for chat, _ in await self.recipients.readers(recipients)]
        async with self.db.transaction() as conn:
            # Marked in the same transaction as it is queued: never twice, never lost.
            if await runs_repo.sent(conn, item.kind.value, item.period.key):
                return False  # another tick was quicker
            await runs_repo.mark_sent(conn, item.kind.value, item.period.key, self.clock())
            if text is not None:
                for chat in chats:
                    await self.queue.send(chat, text)
            if rendered is not None:
                await self._queue(chats, rendered)
        return bool(text or rendered)


@dataclass(frozen=True)
class Rendered:
    summary: str
    name: str
    workbook: bytes
    pictures: list[tuple[str, bytes]]


async def build_report(
    conn: aiosqlite.Connection,
    period: Period,
    orgs: list[int] | None,
    names: list[str] | None,
    *,
    tz: ZoneInfo,
    now: datetime,
    plan: dict[str, float],
) -> Report:
    """A report's figures, the period before's for the change, the ranked rating and the
    target indicators (bench/reports.py times this)."""
    start, end = period.bounds(tz)
    offset = start.astimezone(tz).utcoffset() or timedelta(0)
    figures = await repo.figures(conn, start, end, orgs, now, offset)
    previous = await repo.figures(
        conn, *period.previous().bounds(tz), orgs, now, offset, detail=False
    )
    rating = await repo.rating(conn, start, end, orgs, now)
    return Report(
        period=period,
        scope=names,
        figures=figures,
        previous=previous,
        rating=rank(rating),
        targets=targets(figures, plan),
        made_at=now,
    )
