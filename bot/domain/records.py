"""Plain records of what the bot keeps: the directory, incidents and their parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.model import (
    AnswerKind,
    AssignmentStatus,
    AttachmentKind,
    Category,
    DraftState,
    NoAnswerGround,
    PartStatus,
    Role,
    State,
)
from bot.domain.profile import Stage


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    block_id: int | None
    block: str
    chat_id: int | None  # the organisation's group, if the bot was added to one


@dataclass(frozen=True)
class Person:
    id: int
    full_name: str
    position: str
    role: Role
    organisation_id: int | None
    organisation: str
    telegram_id: int | None
    invite_code: str | None
    active: bool


@dataclass(frozen=True)
class Incident:
    id: int
    state: State
    category: Category | None
    significant: bool
    source_text: str
    source_link: str | None
    source_origin: str | None
    detected_at: datetime
    answer_due_at: datetime | None
    created_by: int
    created_at: datetime
    closed_at: datetime | None
    owner_id: int  # the coordinator who leads it
    head_told: bool = False
    no_answer: NoAnswerGround | None = None  # closed «без ответа» on this ground (p. 21)
    repeat_of: int | None = None  # an earlier incident of the same author or link (p. 18)
    source_author: str | None = None  # the person who wrote the post, when forwarded from one
    final_due_at: datetime | None = None  # the final answer's term, when a promise set it
    parts: bool = False  # several organisations answer in parts (p. 17)
    # Seed 000: a first reply is owed by this moment (set when routed, if the profile asks).
    first_reply_due_at: datetime | None = None
    first_reply_at: datetime | None = None  # when the first reply was published
    answered_at: datetime | None = None  # when an answer (not a first reply) was first published
    rating_until: datetime | None = None  # the citizen may comment until then (seed 000, 3.6)
    urgent: bool = False  # «срочно»: its terms run in calendar time (seed 000, 3.10)

    @property
    def first_reply_due(self) -> bool:
        """A first reply is owed before the answer; an incident answered in parts has none
        (its answer is the coordinator's to compose)."""
        return (
            self.first_reply_due_at is not None and self.first_reply_at is None and not self.parts
        )


@dataclass(frozen=True)
class Assignment:
    id: int
    incident_id: int
    organisation_id: int
    organisation: str
    status: AssignmentStatus
    assigned_at: datetime
    accepted_at: datetime | None
    accepted_by_name: str | None
    declined_at: datetime | None
    decline_reason: str | None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class Draft:
    id: int
    incident_id: int
    assignment_id: int | None  # None: composed by the coordinator from the parts (p. 17)
    version: int
    kind: AnswerKind
    text: str
    state: DraftState
    author_name: str | None
    author_id: int | None
    organisation: str
    created_at: datetime
    return_reason: str | None
    attachments: int  # how many photos, videos and documents it carries
    latest: bool  # the incident's latest version (only it may be acted on)
    # An interim answer to a fast-track incident names these (p. 20):
    promised_at: datetime | None = None  # when the problem will be solved
    responsible: str | None = None
    actions: str | None = None
    part: bool = False  # one organisation's part of an answer composed from several
    evidence_from: tuple[int, ...] = ()  # composed: the parts whose evidence it carries
    composed_from: tuple[int, ...] = ()  # composed: the part versions it was built from
    rework: bool = False  # it reworks a version returned with reasons

    @property
    def composed(self) -> bool:
        return self.assignment_id is None


@dataclass(frozen=True)
class Attachment:
    id: int
    kind: AttachmentKind
    file_id: str
    media_group_id: str | None


@dataclass(frozen=True)
class Media:
    """A photo, video or document as it arrived in a message."""

    kind: AttachmentKind
    file_id: str
    file_unique_id: str
    media_group_id: str | None  # set for each item of an album


@dataclass(frozen=True)
class Event:
    at: datetime
    actor_name: str
    action: str
    state_after: State
    organisation: str | None
    comment: str | None


@dataclass(frozen=True)
class Timer:
    """The clock of one running stage of an incident (a regulation term)."""

    id: int
    incident_id: int
    stage: Stage
    organisation_id: int | None  # whose move it is; None: the coordinator's
    started_at: datetime
    due_at: datetime
    step: int  # index of the next reminder or escalation in its plan
    next_at: datetime | None


@dataclass(frozen=True)
class Part:
    """One organisation's part: its assignment and the latest version of its text."""

    assignment: Assignment
    draft: Draft | None

    @property
    def status(self) -> PartStatus:
        if self.assignment.status is AssignmentStatus.DECLINED:
            return PartStatus.DECLINED
        state = self.draft.state if self.draft else None
        if state is DraftState.SUBMITTED:
            return PartStatus.IN
        reworking = state is DraftState.EDITING and self.draft is not None and self.draft.rework
        if state is DraftState.RETURNED or reworking:
            return PartStatus.RETURNED  # until the reworked part is sent
        if self.assignment.accepted_at is None:
            return PartStatus.NOT_ACCEPTED
        # Editing, or used in an answer already published (an interim one): a new part is due.
        return PartStatus.WAITING

    @property
    def organisation_id(self) -> int:
        return self.assignment.organisation_id


@dataclass(frozen=True)
class Repeat:
    """What a repeated message's card says of the earlier incident (p. 18)."""

    incident_id: int
    organisation_id: int | None  # who answered it (offered first when routing)
    answer: str | None  # its published answer, if any


@dataclass(frozen=True)
class IncidentView:
    """Everything a card or a history shows about one incident."""

    incident: Incident
    assignments: list[Assignment]
    draft: Draft | None  # the latest version
    source_media: list[Attachment]
    events: list[Event]
    timers: list[Timer]
    earlier: Repeat | None = None  # the incident this one repeats
    parts: list[Part] = field(default_factory=list)  # when several answer in parts (p. 17)

    def part_of(self, organisation_id: int | None) -> Part | None:
        return next((p for p in self.parts if p.organisation_id == organisation_id), None)

    @property
    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.status is AssignmentStatus.ACTIVE]

    @property
    def active_organisations(self) -> list[int]:
        return [a.organisation_id for a in self.active_assignments]

    @property
    def last_decline(self) -> Assignment | None:
        declined = [a for a in self.assignments if a.status is AssignmentStatus.DECLINED]
        return declined[-1] if declined else None


@dataclass(frozen=True)
class OpenItem:
    """One line of /open or /my."""

    id: int
    state: State
    answer_due_at: datetime | None
    organisations: list[str]  # working on it now
    post: str  # the beginning of the post's text (its link if it has none)
