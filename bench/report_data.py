"""A synthetic year (2025) of a large region, for the report benchmark (and for anyone who
needs a big realistic database): written straight into a database made by the real schema.

    await generate(path, incidents=1_000_000, seed=17)

What it holds (proportions, not exact counts):
- 300 organisations in 15 thematic blocks, two executors each, ten coordinators, the Head,
  36 deputy heads supervising 8–12 organisations each;
- incidents detected over 2025, more on working days and in working hours (local time);
  categories 60 % ordinary, 30 % fast-track, 10 % high; 4 % repeats (`repeat_of`);
- one organisation mostly; 8 % declined («не наше») and re-routed, 3 % withdrawn and
  re-routed, 6 % answered in parts by 2–3 organisations;
- the stage clocks (`timers`) of the way each went: route, decline window, answer or parts,
  approval, rework after a return (15 %), publication, the final answer after an interim
  one (a third of fast-track); ended clocks have `active` 0, `took_s` and `late_s` (about
  one in eight late, lateness spread log-normally around half an hour);
- drafts (returned versions, published answers; 40 % of final answers with evidence in
  `attachments`), and the events of each transition;
- «без ответа» (2 %, with a ground), cancelled (1 %); incidents still open at NOW (the last
  days', and 2 % stuck at some stage earlier in the year, their clocks still running).

Durations are drawn in working seconds; a clock's calendar span is its working time
stretched by a random factor (nights, weekends) rather than computed by the working
calendar, which would make the generation hours long.
"""

from __future__ import annotations

import math
import random
import sqlite3
from bisect import bisect
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkingCalendar
from storage.db import Database

TZ = ZoneInfo("Asia/Yekaterinburg")
YEAR = 2025
NOW = datetime(2026, 1, 1, 10, 0, tzinfo=TZ)  # what «now» is for the open incidents
BLOCKS = (
    "ЖКХ",
    "Дороги",
    "Благоустройство",
    "Транспорт",
    "Здравоохранение",
    "Образование",
    "Соцзащита",
    "Экология",
    "Безопасность",
    "Культура",
    "Спорт",
    "Торговля",
    "Энергетика",
    "Связь",
    "Строительство",
)
ORGANISATIONS = 300
DEPUTIES = 36
CHUNK = 25_000  # incidents per transaction

HOUR = 3600
# Regulation terms in working seconds (approximations of the profiles' terms).
ROUTE_TERM = {"ordinary": HOUR, "fast_track": HOUR // 2, "high": HOUR // 4}
ANSWER_TERM = {"ordinary": 8 * HOUR, "fast_track": 4 * HOUR, "high": 2 * HOUR}
DECLINE_TERM = HOUR
PART_TERM = 2 * HOUR
APPROVE_TERM = HOUR
REWORK_TERM = 2 * HOUR
PUBLISH_TERM = HOUR // 2
FINAL_TERM = 8 * 24 * HOUR  # calendar days: no stretching
# The share of each stage's clocks that end late.
LATE = {
    "route": 0.06,
    "decline": 0.05,
    "answer": 0.14,
    "part": 0.15,
    "approve": 0.08,
    "rework": 0.12,
    "publish": 0.05,
    "final": 0.10,
}
# Where an incident stuck earlier in the year stands (stage of the running clock → state).
STATE_OF = {
    "route": "new",
    "decline": "assigned",
    "answer": "in_progress",
    "part": "in_progress",
    "approve": "approval",
    "rework": "rework",
    "publish": "publishing",
    "final": "awaiting_final",
}
POSTS = (
    "Во дворе дома {n} не вывозят мусор уже неделю, контейнеры переполнены, запах на весь двор.",
    "На улице возле школы яма на дороге, машины объезжают по встречной, дети ходят рядом.",
    "Не горят фонари на остановке, вечером темно и страшно, просим разобраться (дом {n}).",
    "В подъезде {n} третий день нет горячей воды, управляющая компания трубку не берёт.",
    "Автобус по маршруту не пришёл утром, люди опоздали на работу, кто отвечает за это?",
    "Упало дерево на детскую площадку, перекрыт проход, нужна срочная помощь.",
)
ANSWER = "Здравствуйте! Информация проверена, работы выполнены, ситуация на контроле. №{n}"


_CLOCK = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(86400)]
_DAY_TEXT: dict[int, str] = {}


def _time(ts: int) -> str:
    """As storage.db.to_db_time writes it (UTC ISO, whole seconds), from cached pieces:
    formatting datetimes took a third of the generation."""
    day, second = divmod(ts, 86400)
    text = _DAY_TEXT.get(day)
    if text is None:
        text = _DAY_TEXT[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
    return text + _CLOCK[second]


def _detections(rng: random.Random, count: int, calendar: WorkingCalendar) -> list[int]:
    """Detection moments over the year, sorted: working days weigh 1, days off 0.35; hours
    of the day by a day-shaped profile (local time)."""
    first = date(YEAR, 1, 1)
    days = [first + timedelta(days=n) for n in range((date(YEAR + 1, 1, 1) - first).days)]
    day_weights = [1.0 if calendar.is_working_day(d) else 0.35 for d in days]
    hour_weights = [0.2] * 7 + [0.6, 1.5, 2, 2, 2, 1.8, 1.8, 2, 2, 1.8, 1.6, 1.0, 0.8, 0.6, 0.5]
    hour_weights += [0.4] * (24 - len(hour_weights))
    midnights = [int(datetime(d.year, d.month, d.day, tzinfo=TZ).timestamp()) for d in days]
    picked_days = rng.choices(midnights, weights=day_weights, k=count)
    hours = rng.choices(range(24), weights=hour_weights, k=count)
    return sorted(
        m + h * HOUR + rng.randrange(HOUR) for m, h in zip(picked_days, hours, strict=True)
    )


class _Rows:
    """The rows of one chunk, per table, and the ids handed out so far."""

    def __init__(self) -> None:
        self.incidents: list[Sequence[object]] = []
        self.assignments: list[Sequence[object]] = []
        self.timers: list[Sequence[object]] = []
        self.drafts: list[Sequence[object]] = []
        self.attachments: list[Sequence[object]] = []
        self.events: list[Sequence[object]] = []
        self.ids = {"assignment": 0, "timer": 0, "draft": 0, "attachment": 0}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def clear(self) -> None:
        for table in (
            self.incidents,
            self.assignments,
            self.timers,
            self.drafts,
            self.attachments,
            self.events,
        ):
            table.clear()


class _Stop(Exception):
    """The incident's way stops here: this stage's clock is still running."""

    def __init__(self, stage: str) -> None:
        self.stage = stage


class _Incident:
    """Plays one incident's way, emitting rows, until it ends or its clock passes `cut`."""

    def __init__(self, gen: _Generator, n: int, detected: int, cut: int) -> None:
        self.gen, self.rng, self.rows = gen, gen.rng, gen.rows
        self.n, self.detected, self.cut = n, detected, cut
        self.parts = 0
        self.declined = False
        self.assignments: list[list[object]] = []

    def stretch(self, working: int) -> int:
        """The calendar seconds a span of working time covers (nights, weekends)."""
        if working <= 2 * HOUR:
            return int(working * (1 + self.rng.random() * 0.5))
        return int(working * (1.5 + self.rng.random() * 2.5))

    def took(self, stage: str, term: int) -> tuple[int, int]:
        """Working seconds taken and late."""
        rng = self.rng
        if rng.random() < LATE[stage]:
            late = max(60, int(rng.lognormvariate(math.log(1800), 1.1)))
            return term + late, late
        return max(30, int(term * rng.triangular(0.05, 1.0, 0.3))), 0

    def clock(
        self, stage: str, org: int | None, start: int, term: int, due_from: int | None = None
    ) -> int:
        """A stage clock from `start`; returns when it ended, or raises _Stop (its clock left
        running) when that is after the cut."""
        calendar_term = term if stage == "final" else self.stretch(term)
        due = (due_from if due_from is not None else start) + calendar_term
        took, late = self.took(stage, term)
        end = start + (took if stage == "final" else self.stretch(took))
        if end > self.cut:
            self.running(stage, org, start, due)
            raise _Stop(stage)
        self.rows.timers.append(
            (
                self.rows.next_id("timer"),
                self.n,
                stage,
                org,
                _time(start),
                _time(due),
                0,
                None,
                0,
                _time(end),
                took,
                late,
            )
        )
        return end

    def running(self, stage: str, org: int | None, start: int, due: int) -> None:
        # A running clock's next reminder is left NULL: the reports do not read it.
        self.rows.timers.append(
            (
                self.rows.next_id("timer"),
                self.n,
                stage,
                org,
                _time(start),
                _time(due),
                0,
                None,
                1,
                None,
                None,
                None,
            )
        )

    def event(
        self,
        at: int,
        action: str,
        state: str,
        org: int | None = None,
        draft: int | None = None,
        comment: str | None = None,
    ) -> None:
        actor = "Исполнитель" if org is not None else "Координатор"
        self.rows.events.append(
            (self.n, _time(at), 1000 + (org or 0), actor, action, state, org, draft, comment)
        )

    def assign(self, org: int, at: int) -> int:
        assignment = self.rows.next_id("assignment")
        row: list[object] = [assignment, self.n, org, "active", _time(at), None, None, None]
        row += [None, None]
        self.rows.assignments.append(row)
        self.assignments.append(row)
        return assignment

    def draft(
        self, assignment: int | None, version: int, kind: str, at: int, *, part: int = 0
    ) -> list[object]:
        draft_id = self.rows.next_id("draft")
        row: list[object] = [
            draft_id,
            self.n,
            assignment,
            part,
            0,
            version,
            kind,
            ANSWER.format(n=self.n),
            "submitted",
            None,
            _time(at),
            _time(at),
            None,
            None,
            None,
            None,
        ]
        self.rows.drafts.append(row)
        return row

    def play(self) -> tuple[str, int | None, str | None]:
        """Returns the incident's state, when it closed, and its «без ответа» ground."""
        rng, gen = self.rng, self.gen
        category = gen.category()
        self.category = category
        d = self.detected
        self.event(d, "created", "new")
        try:
            if rng.random() < 0.03:  # closed «без ответа», or cancelled, before routing
                at = self.clock("route", None, d, ROUTE_TERM[category])
                if rng.random() < 0.67:
                    ground = rng.choice(("harm", "obscene", "insult", "threat"))
                    self.event(at, "no_answer", "closed", comment=ground)
                    return "closed", at, ground
                self.event(at, "cancelled", "cancelled", comment="Ошибочно создан")
                return "cancelled", at, None
            return self.route_and_answer(category, d)
        except _Stop as stop:
            if stop.stage == "route" and self.declined:
                return "declined", None, None
            return STATE_OF[stop.stage], None, None

    def route_and_answer(self, category: str, d: int) -> tuple[str, int | None, str | None]:
        rng, gen = self.rng, self.gen
        routed = self.clock("route", None, d, ROUTE_TERM[category])
        org = gen.organisation()
        assignment = self.assign(org, routed)
        self.event(routed, "routed", "assigned", org)
        fate = rng.random()
        if fate < 0.11:  # declined («не наше») or withdrawn, then sent elsewhere
            first = self.assignments[-1]
            self.declined = True
            if fate < 0.08:
                at = self.clock("decline", org, routed, DECLINE_TERM)
                first[3], first[7], first[8] = "declined", _time(at), "Не наш профиль"
                self.event(at, "declined", "declined", org, comment="Не наш профиль")
            else:
                at = routed + rng.randrange(HOUR, 6 * HOUR)
                self.clock("decline", org, routed, DECLINE_TERM)
                first[3], first[9] = "done", _time(at)
                self.event(at, "withdrawn", "declined", org)
            routed = self.clock("route", None, at, ROUTE_TERM[category])
            org = gen.organisation(other_than=org)
            assignment = self.assign(org, routed)
            self.event(routed, "routed", "assigned", org)
        if fate > 0.94:
            return self.in_parts(category, d, routed, org, assignment)
        accepted = self.clock("decline", org, routed, DECLINE_TERM)
        row = self.assignments[-1]
        row[5], row[6] = _time(accepted), gen.executor(org)
        self.event(accepted, "accepted", "in_progress", org)
        submitted = self.clock("answer", org, accepted, ANSWER_TERM[category], due_from=d)
        return self.approve_and_publish(category, d, submitted, org, assignment)

    def in_parts(
        self, category: str, d: int, routed: int, org: int, assignment: int
    ) -> tuple[str, int | None, str | None]:
        """p. 17: 2–3 organisations each write a part; the coordinator composes the answer."""
        rng, gen = self.rng, self.gen
        self.parts = 1
        orgs = [(org, assignment)]
        for _ in range(rng.randint(1, 2)):
            other = gen.organisation(other_than=org)
            orgs.append((other, self.assign(other, routed)))
            self.event(routed, "routed", "assigned", other)
        last = routed
        for part_org, part_assignment in orgs:
            accepted = self.clock("decline", part_org, routed, DECLINE_TERM)
            self.event(accepted, "accepted", "in_progress", part_org)
            sent = self.clock("part", part_org, accepted, PART_TERM)
            part = self.draft(part_assignment, 1, "final", sent, part=1)
            if rng.random() < 0.1:
                part[8], part[13] = "returned", "Уточните сроки"
                self.event(sent, "part_returned", "in_progress", part_org, part[0])  # type: ignore[arg-type]
                sent = self.clock("rework", part_org, sent, REWORK_TERM)
                part = self.draft(part_assignment, 2, "final", sent, part=1)
            part[8] = "published"
            last = max(last, sent)
        composed = self.clock("answer", None, last, HOUR, due_from=d)
        self.event(composed, "composing", "in_progress")
        return self.approve_and_publish(category, d, composed, None, None)

    def approve_and_publish(
        self, category: str, d: int, submitted: int, org: int | None, assignment: int | None
    ) -> tuple[str, int | None, str | None]:
        rng = self.rng
        kind = "final"
        if category == "fast_track":
            kind = rng.choices(("final", "interim", "not_confirmed"), (0.55, 0.35, 0.1))[0]
        elif rng.random() < 0.01:
            kind = "clarification"  # the citizen is asked; the answer term runs on
        version = 1
        draft = self.draft(assignment, version, kind, submitted)
        self.event(submitted, "submitted", "approval", org, draft[0], kind)  # type: ignore[arg-type]
        decided = self.clock("approve", None, submitted, APPROVE_TERM)
        while rng.random() < 0.15 and version < 3:  # returned for rework
            draft[8], draft[12], draft[13] = "returned", _time(decided), "Дополните ответ"
            self.event(decided, "returned", "rework", org, draft[0], "Дополните ответ")  # type: ignore[arg-type]
            submitted = self.clock("rework", org, decided, REWORK_TERM)
            version += 1
            draft = self.draft(assignment, version, kind, submitted)
            draft[4] = 1
            self.event(submitted, "submitted", "approval", org, draft[0], kind)  # type: ignore[arg-type]
            decided = self.clock("approve", None, submitted, APPROVE_TERM)
        draft[8], draft[12] = "approved", _time(decided)
        self.event(decided, "approved", "publishing", org, draft[0])  # type: ignore[arg-type]
        published = self.clock("publish", None, decided, PUBLISH_TERM)
        self.publish(draft, published, kind)
        if kind == "clarification":
            self.event(published, "published", "awaiting_citizen", org, draft[0], kind)  # type: ignore[arg-type]
            self.running("answer", org, published, d + self.stretch(ANSWER_TERM[category]))
            return "awaiting_citizen", None, None
        if kind != "interim":
            self.event(published, "published", "closed", org, draft[0], kind)  # type: ignore[arg-type]
            return "closed", published, None
        self.event(published, "published", "awaiting_final", org, draft[0], kind)  # type: ignore[arg-type]
        final_at = self.clock("final", org, published, FINAL_TERM, due_from=d)
        final = self.draft(assignment, version + 1, "final", final_at)
        self.publish(final, final_at, "final")
        self.event(final_at, "published", "closed", org, final[0], "final")  # type: ignore[arg-type]
        return "closed", final_at, None

    def publish(self, draft: list[object], at: int, kind: str) -> None:
        draft[8], draft[15] = "published", _time(at)
        if kind in ("final", "not_confirmed") and self.rng.random() < 0.4:
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                self.rows.attachments.append(
                    (
                        self.rows.next_id("attachment"),
                        self.n,
                        draft[0],
                        self.rng.choice(("photo", "photo", "video", "document")),
                        f"file-{self.rows.ids['attachment']}",
                        f"u{self.rows.ids['attachment']}",
                        None,
                        _time(at),
                    )
                )


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows = _Rows()
        # Organisations of a region are unequal: a few get most of the incidents.
        self.cumulative = list(accumulate(1 / (rank + 5) for rank in range(ORGANISATIONS)))

    def category(self) -> str:
        r = self.rng.random()
        return "ordinary" if r < 0.6 else "fast_track" if r < 0.9 else "high"

    def organisation(self, other_than: int | None = None) -> int:
        while True:
            org = 1 + bisect(self.cumulative, self.rng.random() * self.cumulative[-1])
            org = min(org, ORGANISATIONS)
            if org != other_than:
                return org

    def executor(self, org: int) -> int:
        return 100 + 2 * org + self.rng.randrange(2)  # see _directory


def _directory(conn: sqlite3.Connection, rng: random.Random) -> None:
    stamp = _time(int(datetime(YEAR, 1, 1, tzinfo=TZ).timestamp()))
    conn.executemany(
        "INSERT INTO blocks(id, name) VALUES (?, ?)", list(enumerate(BLOCKS, start=1))
    )
    conn.executemany(
        "INSERT INTO organisations(id, name, block_id, chat_id) VALUES (?, ?, ?, ?)",
        [
            (n, f"Организация {n:03d}", (n - 1) % len(BLOCKS) + 1, -1000000 - n)
            for n in range(1, ORGANISATIONS + 1)
        ],
    )
    people: list[tuple[object, ...]] = [
        (n, f"Координатор {n}", "coordinator", None, n, stamp) for n in range(1, 11)
    ]
    people.append((11, "Глава", "head", None, 11, stamp))
    people += [
        (20 + n, f"Заместитель {n}", "supervisor", None, 20 + n, stamp)
        for n in range(1, DEPUTIES + 1)
    ]
    people += [
        (100 + 2 * org + k, f"Исполнитель {org}-{k}", "executor", org, 100 + 2 * org + k, stamp)
        for org in range(1, ORGANISATIONS + 1)
        for k in range(2)
    ]
    conn.executemany(
        "INSERT INTO people(id, full_name, role, organisation_id, telegram_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        people,
    )
    conn.executemany(
        "INSERT INTO supervision(person_id, organisation_id) VALUES (?, ?)",
        [
            (20 + n, org)
            for n in range(1, DEPUTIES + 1)
            for org in rng.sample(range(1, ORGANISATIONS + 1), rng.randint(8, 12))
        ],
    )


_INSERTS = {
    "incidents": "INSERT INTO incidents(id, state, category, source_text, source_link,"
    " detected_at, answer_due_at, repeat_of, created_by, created_at, closed_at, no_answer,"
    " parts, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "assignments": "INSERT INTO assignments(id, incident_id, organisation_id, status,"
    " assigned_at, accepted_at, accepted_by, declined_at, decline_reason, withdrawn_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "timers": "INSERT INTO timers(id, incident_id, stage, organisation_id, started_at, due_at,"
    " step, next_at, active, ended_at, took_s, late_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?)",
    "drafts": "INSERT INTO drafts(id, incident_id, assignment_id, part, rework, version, kind,"
    " text, state, author_id, created_at, submitted_at, decided_at, return_reason,"
    " decided_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "attachments": "INSERT INTO attachments(id, incident_id, draft_id, kind, file_id,"
    " file_unique_id, media_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "events": "INSERT INTO events(incident_id, at, actor_telegram_id, actor_name, action,"
    " state_after, organisation_id, draft_id, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def _chunks(count: int, seed: int, calendar: WorkingCalendar) -> Iterator[_Rows]:
    gen = _Generator(seed)
    rows = gen.rows
    rng = gen.rng
    now = int(NOW.timestamp())
    detections = _detections(rng, count, calendar)
    for n, detected in enumerate(detections, start=1):
        # 2 % stuck earlier in the year: their way stops at some point of its first hours.
        cut = detected + rng.randrange(600, 10 * HOUR) if rng.random() < 0.02 else now
        incident = _Incident(gen, n, detected, min(cut, now))
        state, closed, ground = incident.play()
        if closed is not None:  # the organisations' part is over with the incident
            for row in incident.assignments:
                if row[3] == "active":
                    row[3] = "done"
        repeat_of = None
        if n > 1 and rng.random() < 0.04:
            repeat_of = rng.randrange(max(1, n - 20_000), n)
        category = incident.category
        rows.incidents.append(
            (
                n,
                state,
                category,
                rng.choice(POSTS).format(n=n),
                f"https://vk.com/wall-1_{n}",
                _time(detected),
                _time(detected + 2 * ANSWER_TERM[category]),
                repeat_of,
                1 + n % 10,
                _time(detected + 60),
                _time(closed) if closed else None,
                ground,
                incident.parts,
                1 + n % 10,
            )
        )
        if n % CHUNK == 0 or n == count:
            yield rows
            rows.clear()


def fill(path: Path, incidents: int, seed: int = 17) -> dict[str, int]:
    """Writes the directory and `incidents` incidents into the (migrated, empty) database at
    `path`; returns the rows written per table."""
    from bot.profiles import load_profile

    calendar = load_profile("krasnoufimsk", TZ).calendar
    conn = sqlite3.connect(path, isolation_level=None)
    # A generated database, nothing to lose: no journal while loading (WAL would write
    # everything twice), a large cache for the indexes; the bot's Database sets WAL again.
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    counts = dict.fromkeys(_INSERTS, 0)
    try:
        conn.execute("BEGIN")
        _directory(conn, random.Random(seed))
        conn.execute("COMMIT")
        for rows in _chunks(incidents, seed, calendar):
            conn.execute("BEGIN")
            for table, sql in _INSERTS.items():
                batch = getattr(rows, table)
                conn.executemany(sql, batch)
                counts[table] += len(batch)
            conn.execute("COMMIT")
    finally:
        conn.close()
    return counts


async def generate(path: Path, incidents: int, seed: int = 17) -> dict[str, int]:
    """A fresh database at `path` made by the real migrations, then filled."""
    db = await Database.open(path)
    await db.close()
    return fill(path, incidents, seed)
