"""The vocabulary of notices: who (`To`), what (`Show`), with which buttons. The rules that
use it are in bot/domain/notification_policy.py; bot/services/notifier.py carries them out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.domain.model import CardAudience


class Recipient(StrEnum):
    CHAT = "chat"  # one chat: the one the person acted in
    OWNER = "owner"  # the coordinator who leads the incident (forwarded it, or took it over)
    COORDINATORS = "coordinators"
    ORGANISATION = "organisation"  # its group if the bot is in one, else its bound people
    SUPERVISORS = "supervisors"  # the deputy heads who supervise an organisation
    HEAD = "head"


@dataclass(frozen=True)
class To:
    recipient: Recipient
    id: int | None = None  # the chat, or the organisation

    @classmethod
    def chat(cls, chat_id: int) -> To:
        return cls(Recipient.CHAT, chat_id)

    @classmethod
    def organisation(cls, organisation_id: int) -> To:
        return cls(Recipient.ORGANISATION, organisation_id)


OWNER = To(Recipient.OWNER)
COORDINATORS = To(Recipient.COORDINATORS)
HEAD = To(Recipient.HEAD)


class Show(StrEnum):
    CARD = "card"  # the incident card for `audience`, kept current
    SOURCE_MEDIA = "source_media"  # the post's photos, videos and documents
    DRAFT = "draft"  # the outcome's draft (else the answer's latest), kept current
    DRAFT_MEDIA = "draft_media"  # that draft's evidence
    PARTS_IN = "parts_in"  # each part in (p. 17), to be returned or composed, kept current
    TEXT = "text"  # `message`, a macro of templates/messages.html.j2


class Buttons(StrEnum):
    """Buttons under a TEXT notice."""

    EXECUTOR = "executor"  # the executor's card buttons (accept, answer, …)
    ROUTING = "routing"  # where to route the incident; spent once it is routed
    ATTACH_DONE = "attach_done"  # «Готово» after evidence
    TAKE_DRAFT = "take_draft"  # «Продолжить черновик» (a colleague's)
    CARD = "card"  # «Открыть карточку»: a fresh copy of the card for whoever presses it
    COMPOSE = "compose"  # «Составить ответ» from the parts (p. 17)


@dataclass(frozen=True)
class Notice:
    to: tuple[To, ...]  # a chat in several of them hears it once
    show: Show
    audience: CardAudience | None = None
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    buttons: Buttons | None = None
    reply_to: int | None = None
    skip_chat: int | None = None  # not to this chat even if it is one of `to`


def text(
    to: To | tuple[To, ...],
    message: str,
    *,
    buttons: Buttons | None = None,
    reply_to: int | None = None,
    skip_chat: int | None = None,
    **params: Any,
) -> Notice:
    return Notice(
        to if isinstance(to, tuple) else (to,),
        Show.TEXT,
        message=message,
        params=params,
        buttons=buttons,
        reply_to=reply_to,
        skip_chat=skip_chat,
    )


def show(to: To | tuple[To, ...], what: Show, audience: CardAudience | None = None) -> Notice:
    return Notice(to if isinstance(to, tuple) else (to,), what, audience)
