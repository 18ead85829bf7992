"""Who is told what after each change: the regulation's notices in one place.

Beside these, every change edits each message that already shows the incident (its cards) to
match; that is the notifier's part and not repeated here. A reply to the person who acted goes
to the chat they acted in (`To.chat`).
"""

from __future__ import annotations

from typing import Any

from bot.domain.deadlines import StepKind
from bot.domain.model import CardAudience
from bot.domain.notices import (
    COORDINATORS,
    HEAD,
    OWNER,
    Buttons,
    Notice,
    Recipient,
    Show,
    To,
    show,
    text,
)
from bot.domain.outcomes import (
    Accepted,
    Approved,
    BurstBegan,
    Cancelled,
    CategorySet,
    ChatUnreachable,
    CitizenReplied,
    ClosedNoAnswer,
    Composing,
    Corrected,
    Declined,
    DetectionChanged,
    DraftBusy,
    DraftReady,
    DraftTaken,
    EvidenceAdded,
    KindChosen,
    MarkedSignificant,
    MarkedUrgent,
    Opened,
    Outcome,
    PartIn,
    Published,
    RatingClosed,
    RepeatMarked,
    Returned,
    Routed,
    Submitted,
    TakenOver,
    TermNotice,
    Withdrawn,
)


def _to_head(outcome: Outcome, significant: bool) -> list[Notice]:
    # p. 25: socially significant and high-importance incidents go to the Head at once,
    # with a copy of the card that follows the incident.
    return [
        text(HEAD, "to_head", incident_id=outcome.incident_id, significant=significant),
        show(HEAD, Show.CARD, CardAudience.VIEW),
    ]


def _all_in(outcome: Outcome, count: int) -> list[Notice]:
    """p. 17: with every part in, the coordinator is asked to compose the answer."""
    if not count:
        return []
    return [
        text(
            OWNER,
            "parts_all_in",
            incident_id=outcome.incident_id,
            count=count,
            buttons=Buttons.COMPOSE,
        )
    ]


def notices(outcome: Outcome | ChatUnreachable) -> list[Notice]:
    match outcome:
        case Opened(chat_id=chat, new=True):
            # The coordinator who forwarded the post gets its card, which asks the category.
            return [show(To.chat(chat), Show.CARD, CardAudience.COORDINATOR)]
        case Opened(chat_id=chat, joined=True):
            return [text(To.chat(chat), "post_joined", incident_id=outcome.incident_id)]
        case Corrected(chat_id=chat, composed=composed):
            return [text(To.chat(chat), "corrected", composed=composed)]
        case CategorySet(routable=routable, chat_id=chat, tell_head=tell_head):
            told = _to_head(outcome, False) if tell_head else []
            if not routable:
                told.append(text(To.chat(chat), "no_organisations"))
            return told
        case DetectionChanged(chat_id=chat):
            return [text(To.chat(chat), "detected_set", incident_id=outcome.incident_id)]
        case MarkedSignificant(tell_head=tell_head):
            # The Head hears of an incident once; later the card they have shows «❗».
            return _to_head(outcome, True) if tell_head else []
        case MarkedUrgent(organisations=orgs):
            # Seed 000, 3.10: the executor's supervisor is told at once, and the executor.
            return [
                *_urgent_to_supervisors(outcome.incident_id, orgs),
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "urgent_to_executor",
                    incident_id=outcome.incident_id,
                ),
            ]
        case Routed(organisation_id=org, organisation=name, reachable=reachable):
            # p. 10: the organisation gets the post's media and its card.
            told = [
                show(To.organisation(org), Show.SOURCE_MEDIA),
                show(To.organisation(org), Show.CARD, CardAudience.EXECUTOR),
            ]
            if outcome.urgent:
                told += _urgent_to_supervisors(outcome.incident_id, (org,))
            if not reachable:
                told.append(
                    text(
                        OWNER,
                        "undeliverable",
                        incident_id=outcome.incident_id,
                        organisation=name,
                    )
                )
            return told
        case Declined(chat_id=chat, all_in=all_in):
            # p. 11: back to the coordinator with the reason, ready to be routed again.
            return [
                text(
                    OWNER,
                    "declined_to_coordinator",
                    incident_id=outcome.incident_id,
                    organisation=outcome.organisation,
                    person=outcome.person,
                    reason=outcome.reason,
                    others=outcome.others,
                    buttons=Buttons.ROUTING,
                ),
                text(To.chat(chat), "declined_done", incident_id=outcome.incident_id),
                *_all_in(outcome, all_in),
            ]
        case DraftReady(chat_id=chat, reply_to=reply_to, too_late=too_late):
            # The draft as it stands; it says that a further message joins it.
            told = [Notice((To.chat(chat),), Show.DRAFT, CardAudience.DRAFT, reply_to=reply_to)]
            if too_late is not None:
                # p. 12, 20: a promise beyond the regulation's term is pointed out first.
                told.insert(0, text(To.chat(chat), "promise_too_late", allowed=too_late))
            return told
        case DraftBusy(chat_id=chat, author=author, kept=kept):
            # One organisation, one draft: a colleague's is taken over, never overwritten.
            return [
                text(
                    To.chat(chat),
                    "draft_busy",
                    incident_id=outcome.incident_id,
                    author=author,
                    kept=kept,
                    buttons=Buttons.TAKE_DRAFT,
                )
            ]
        case DraftTaken(chat_id=chat, author=author, previous_chat=previous):
            told = [Notice((To.chat(chat),), Show.DRAFT, CardAudience.DRAFT)]
            if previous is not None:
                told.append(
                    text(
                        To.chat(previous),
                        "draft_taken",
                        incident_id=outcome.incident_id,
                        author=author,
                    )
                )
            return told
        case EvidenceAdded(chat_id=chat, acknowledge=True, captioned=captioned):
            return [
                text(
                    To.chat(chat),
                    "attached",
                    incident_id=outcome.incident_id,
                    captioned=captioned,
                    buttons=Buttons.ATTACH_DONE,
                    reply_to=outcome.reply_to,
                )
            ]
        case Submitted():
            # p. 13: the draft goes for approval, evidence first, to the coordinator who
            # leads the incident (the others see it in /open).
            return [
                show(OWNER, Show.DRAFT_MEDIA),
                show(OWNER, Show.DRAFT, CardAudience.APPROVAL),
            ]
        case BurstBegan(block=block, incidents=incidents, window=window, by_address=address):
            # p. 25: bursts of activity go to the Head at once, and to the coordinators.
            return [
                text(
                    (HEAD, COORDINATORS),
                    "burst",
                    block=block,
                    incidents=incidents,
                    window=window,
                    by_address=address,
                )
            ]
        case PartIn(received=received, expected=expected):
            # p. 17: each part goes to the coordinator as it arrives; with all of them in,
            # the coordinator is asked to compose the answer.
            told = [
                show(OWNER, Show.DRAFT_MEDIA),
                show(OWNER, Show.DRAFT, CardAudience.APPROVAL),
            ]
            return told + _all_in(outcome, received if received >= expected else 0)
        case Composing(chat_id=chat, refreshed=False):
            return [show(To.chat(chat), Show.DRAFT, CardAudience.DRAFT)]
        case Approved(kind=kind, organisations=orgs, attachments=attachments):
            # p. 14, 16: the executor learns it is approved; the coordinator gets the text to
            # place in «Инцидент Менеджмент», with its evidence and «Опубликовано».
            return [
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "approved_to_executor",
                    incident_id=outcome.incident_id,
                    kind=kind,
                    composed=outcome.composed,
                ),
                text(
                    OWNER,
                    "ready_to_publish",
                    incident_id=outcome.incident_id,
                    kind=kind,
                    attachments=attachments,
                ),
                show(OWNER, Show.DRAFT_MEDIA),
                show(OWNER, Show.DRAFT, CardAudience.PUBLISH),
            ]
        case Withdrawn(organisation_id=org, all_in=all_in):
            # The coordinator took it back: the organisation stops working on it.
            return [
                text(
                    To.organisation(org), "withdrawn_to_executor", incident_id=outcome.incident_id
                ),
                *_all_in(outcome, all_in),
            ]
        case Cancelled(organisations=orgs, chat_id=chat, reason=reason):
            return [
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "cancelled_to_executor",
                    incident_id=outcome.incident_id,
                    reason=reason,
                ),
                text(To.chat(chat), "cancelled_done", incident_id=outcome.incident_id),
            ]
        case ClosedNoAnswer(organisations=orgs, ground=ground):
            # p. 21: no answer; everyone who had the card learns why, and stops.
            return [
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "no_answer_to_executor",
                    incident_id=outcome.incident_id,
                    ground=ground,
                )
            ]
        case CitizenReplied(chat_id=chat, organisations=orgs, text=said, comment=comment):
            # p. 13: the citizen's answer to the clarification goes to the executor, who
            # continues on the same card; a comment on the answer reopens it (seed 000, 3.6).
            return [
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "citizen_comment_to_executor" if comment else "citizen_reply_to_executor",
                    incident_id=outcome.incident_id,
                    said=said,
                    buttons=Buttons.EXECUTOR,
                ),
                text(
                    To.chat(chat),
                    "citizen_comment_done" if comment else "citizen_reply_done",
                    incident_id=outcome.incident_id,
                ),
            ]
        case RatingClosed(owner_id=owner, organisations=orgs):
            # Closed by itself: the leading coordinator and the organisations learn it.
            targets = (To.chat(owner), *(To.organisation(o) for o in orgs))
            return [text(targets, "rating_closed", incident_id=outcome.incident_id)]
        case RepeatMarked(chat_id=chat, earlier=earlier):
            return [
                text(To.chat(chat), "repeat_set", incident_id=outcome.incident_id, earlier=earlier)
            ]
        case TakenOver(chat_id=chat, previous=previous, waiting=waiting, parts_in=parts):
            # The incident is theirs now, with the draft (or the parts) that wait for them.
            told = [show(To.chat(chat), Show.CARD, CardAudience.COORDINATOR)]
            if parts:
                told.append(show(To.chat(chat), Show.PARTS_IN))
            if waiting is not None:
                told += [
                    show(To.chat(chat), Show.DRAFT_MEDIA),
                    show(To.chat(chat), Show.DRAFT, waiting),
                ]
            told.append(
                text(
                    To.chat(previous),
                    "taken_over",
                    incident_id=outcome.incident_id,
                    coordinator=outcome.coordinator,
                    skip_chat=chat,
                )
            )
            return told
        case Returned(organisations=orgs, chat_id=chat):
            # p. 14, 15: returned with the reasons, to be reworked.
            return [
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "returned_to_executor",
                    incident_id=outcome.incident_id,
                    version=outcome.version,
                    reason=outcome.reason,
                    part=outcome.part,
                    buttons=Buttons.EXECUTOR,
                ),
                text(
                    To.chat(chat),
                    "returned_done",
                    incident_id=outcome.incident_id,
                    version=outcome.version,
                ),
            ]
        case Published(organisations=orgs):
            return [
                text(
                    tuple(To.organisation(o) for o in orgs),
                    "published_to_executor",
                    incident_id=outcome.incident_id,
                    kind=outcome.kind,
                    closed=outcome.closed,
                    rating_until=outcome.rating_until,
                    buttons=Buttons.EXECUTOR,
                )
            ]
        case TermNotice():
            return _term_notices(outcome)
        case ChatUnreachable():
            return [
                text(
                    COORDINATORS,
                    "unreachable",
                    person=outcome.person,
                    organisation=outcome.organisation,
                    group=outcome.group,
                    chat_id=outcome.chat_id,
                    blocked=outcome.blocked,
                    skip_chat=outcome.chat_id,
                )
            ]
        case Accepted() | KindChosen() | Opened() | EvidenceAdded() | Composing():
            return []  # the cards show it
    raise ValueError(f"no notification rule for {outcome!r}")


def _urgent_to_supervisors(incident_id: int, organisations: tuple[int, ...]) -> list[Notice]:
    supervisors = tuple(To(Recipient.SUPERVISORS, o) for o in organisations)
    if not supervisors:
        return []
    return [
        text(supervisors, "urgent_to_supervisor", incident_id=incident_id, buttons=Buttons.CARD)
    ]


def _term_notices(notice: TermNotice) -> list[Notice]:
    """A reminder to whoever's move it is; the due moment to them too; an overdue executor
    stage to the coordinator and to the deputy head who supervises the organisation (p. 24),
    repeated while it stays overdue; still overdue after that, to the Head once."""
    org = notice.organisation_id
    # An answer counted to publication that waits for approval or publication: the
    # coordinator is reminded, not the executor who sent it (seed 000, 3.8).
    mover = OWNER if org is None or notice.with_coordinator else To.organisation(org)
    common: dict[str, Any] = {
        "incident_id": notice.incident_id,
        # Counted to publication, «не опубликован» rather than «не прислан» (seed 000, 3.8).
        "stage": notice.stage.value + ("_published" if notice.to_publication else ""),
        "organisation": notice.organisation,
        "due": notice.due_at,
        "urgent": notice.urgent,  # counted in calendar time, not working time
    }
    # What is late, said in plain words: the post, the organisation, who accepted it.
    late: dict[str, Any] = {
        "late": notice.late,
        "post": notice.post,
        "accepted_by": notice.accepted_by,
        "buttons": Buttons.CARD,
    }
    told = []
    if notice.kind is StepKind.HEAD:
        # Seed 003, p. 6.5: the coordinator keeps the Head informed of the work with the
        # messages; an executor late by more than the profile's head_after, the escalations
        # spent, is the Head's to know, once.
        told.append(text(HEAD, "overdue_to_head", escalations=notice.total, **late, **common))
        if not notice.includes_due:
            return told  # the others heard in their time
    if notice.kind is StepKind.REMIND:
        told.append(text(mover, "reminder", left=notice.left, **common))
    # Steps missed together (a restart, a detection time moved back) are told once: the
    # due moment to whoever's move it is, the latest escalation to the watchers.
    if notice.kind is StepKind.DUE or notice.includes_due:
        told.append(text(mover, "overdue", **common))
    if org is not None and notice.kind is not StepKind.REMIND:
        watchers = (OWNER, To(Recipient.SUPERVISORS, org))
        told.append(
            text(
                watchers,
                "escalation",
                number=notice.number or notice.total,
                total=notice.total,
                **late,
                **common,
            )
        )
    return told
