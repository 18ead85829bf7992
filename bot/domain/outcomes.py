"""What a use case did, as the notification policy needs to know it.

Each use case returns one of these; bot/domain/notification_policy.py turns it into who is
told what. `chat_id` is the chat the person acted in (replies go there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.deadlines import StepKind
from bot.domain.model import AnswerKind, CardAudience, Category, NoAnswerGround
from bot.domain.profile import Stage


@dataclass(frozen=True)
class Outcome:
    incident_id: int


@dataclass(frozen=True)
class Opened(Outcome):
    chat_id: int
    new: bool  # False: a further part (photo, text) of a post that opened the incident already
    joined: bool = False  # a further part brought text: the coordinator is told where it went


@dataclass(frozen=True)
class CategorySet(Outcome):
    chat_id: int
    category: Category
    routable: bool  # the directory has organisations to route to
    tell_head: bool = False  # high importance, and the Head has not heard of it yet


@dataclass(frozen=True)
class DetectionChanged(Outcome):
    chat_id: int


@dataclass(frozen=True)
class MarkedSignificant(Outcome):
    tell_head: bool  # the Head has not heard of it yet


@dataclass(frozen=True)
class MarkedUrgent(Outcome):
    """«Срочно» (seed 000, 3.10): the terms now run in calendar time."""

    organisations: tuple[int, ...]  # working on it: they and their supervisors are told


@dataclass(frozen=True)
class Routed(Outcome):
    organisation_id: int
    organisation: str
    reachable: bool  # someone of the organisation (or its group) can receive the card
    urgent: bool = False  # its supervisor is told at once (seed 000, 3.10)


@dataclass(frozen=True)
class BurstBegan(Outcome):
    """p. 25: a burst of incidents in one thematic block, or whose posts name one address
    (told once per burst)."""

    block: str  # the block's name, or the address
    incidents: tuple[int, ...]
    window: timedelta
    by_address: bool = False


@dataclass(frozen=True)
class NotRouted:
    """Nobody of the organisation can receive the card yet: the coordinator is asked first.
    Nothing was changed."""

    incident_id: int
    organisation_id: int
    organisation: str
    invites: tuple[tuple[str, str], ...]  # (person, invite code) not opened yet


@dataclass(frozen=True)
class Withdrawn(Outcome):
    organisation_id: int
    organisation: str
    all_in: int = 0  # with it gone, all the parts are in: how many


@dataclass(frozen=True)
class Cancelled(Outcome):
    chat_id: int
    reason: str
    organisations: tuple[int, ...]  # every organisation that had it and did not decline


@dataclass(frozen=True)
class ClosedNoAnswer(Outcome):
    ground: NoAnswerGround
    organisations: tuple[int, ...]  # every organisation that had the card


@dataclass(frozen=True)
class RepeatMarked(Outcome):
    chat_id: int
    earlier: int | None  # None: unlinked


@dataclass(frozen=True)
class CitizenReplied(Outcome):
    chat_id: int
    text: str
    organisations: tuple[int, ...]  # working on it
    comment: bool = False  # a comment on the published answer: it is reopened (seed 000, 3.6)


@dataclass(frozen=True)
class RatingClosed(Outcome):
    """No comment came within the window: the incident closed by itself (seed 000, 3.6)."""

    owner_id: int  # the coordinator who leads it
    organisations: tuple[int, ...]


@dataclass(frozen=True)
class TakenOver(Outcome):
    chat_id: int
    coordinator: str  # who leads it now
    previous: int  # the coordinator who led it until now
    waiting: CardAudience | None  # a draft waiting for their approval or publication
    parts_in: bool = False  # organisations' parts wait for them (p. 17)


@dataclass(frozen=True)
class Corrected(Outcome):
    chat_id: int
    draft_id: int
    composed: bool = False  # the coordinator's own answer from the parts (not yet approved)


@dataclass(frozen=True)
class Accepted(Outcome):
    pass


@dataclass(frozen=True)
class Declined(Outcome):
    chat_id: int
    organisation: str
    person: str
    reason: str
    others: bool = False  # other organisations go on with their parts (p. 17)
    all_in: int = 0  # with it gone, all the parts are in: how many


@dataclass(frozen=True)
class DraftReady(Outcome):
    """The draft as it stands goes to its author: after writing, or when done attaching."""

    chat_id: int
    draft_id: int
    reply_to: int | None
    too_late: datetime | None = None  # a promised term later than this, the regulation's


@dataclass(frozen=True)
class DraftBusy(Outcome):
    """A colleague of the same organisation is writing this draft: nothing was changed."""

    chat_id: int
    draft_id: int
    author: str
    kept: bool = False  # the text sent is kept, to be added if they continue the draft


@dataclass(frozen=True)
class DraftTaken(Outcome):
    chat_id: int
    draft_id: int
    author: str  # who continues it
    previous_chat: int | None  # who wrote it until now


@dataclass(frozen=True)
class EvidenceAdded(Outcome):
    chat_id: int
    draft_id: int
    reply_to: int
    acknowledge: bool  # False for the further items of an album already acknowledged
    captioned: bool = False  # its caption was added to the draft's text


@dataclass(frozen=True)
class KindChosen(Outcome):
    draft_id: int


@dataclass(frozen=True)
class Submitted(Outcome):
    draft_id: int


@dataclass(frozen=True)
class PartIn(Outcome):
    """An organisation sent its part of the answer (p. 17)."""

    draft_id: int
    organisation: str
    received: int  # parts in now
    expected: int  # organisations on it (declined ones not counted)


@dataclass(frozen=True)
class Composing(Outcome):
    """The coordinator composes the answer from the parts: the draft they edit."""

    chat_id: int
    draft_id: int
    refreshed: bool = False  # only its evidence changed: the card shown already follows


@dataclass(frozen=True)
class Approved(Outcome):
    draft_id: int
    kind: AnswerKind
    organisations: tuple[int, ...]  # working on it
    attachments: int  # the evidence that goes with the text
    composed: bool = False  # composed by the coordinator from the parts (p. 17)


@dataclass(frozen=True)
class Returned(Outcome):
    chat_id: int
    draft_id: int
    version: int
    reason: str
    organisations: tuple[int, ...]
    part: bool = False  # one organisation's part (p. 17)


@dataclass(frozen=True)
class Published(Outcome):
    draft_id: int
    kind: AnswerKind
    closed: bool
    organisations: tuple[int, ...]  # every organisation that worked on it and did not decline
    rating_until: datetime | None = None  # the citizen may comment until then (seed 000, 3.6)


@dataclass(frozen=True)
class TermNotice(Outcome):
    """A stage clock reached a moment of its plan: a reminder, the due moment, or a further
    escalation while overdue."""

    stage: Stage
    kind: StepKind
    organisation_id: int | None  # whose move it is; None: the coordinator's
    organisation: str
    due_at: datetime
    left: timedelta  # working time left (reminders)
    late: timedelta  # working time overdue
    number: int  # escalation count
    total: int  # escalations at most
    # Missed steps are folded into the latest (a restart, a detection time moved back): True
    # when the due moment is among them, so whoever's move it is still hears it ran out.
    includes_due: bool = False
    post: str = ""  # the post's text (notices quote its first line)
    accepted_by: str | None = None  # who of the organisation accepted it, if anyone
    to_publication: bool = False  # the term ends with the answer published (seed 000, 3.8)
    with_coordinator: bool = False  # … and the answer is with the coordinator: their move
    urgent: bool = False  # «срочно»: counted in calendar time (seed 000, 3.10)


@dataclass(frozen=True)
class ChatUnreachable:
    """The sender cannot write to a chat, for good (blocked, deleted)."""

    chat_id: int
    blocked: bool
    person: str | None
    organisation: str | None
    group: str | None  # the organisation whose group the chat is
