"""What the sender does when a message fails: one table from Telegram's answer to a verdict.
The first rule that matches wins; `text` must be part of Telegram's description."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)


class NotSendable(Exception):
    """The row cannot be sent at all (its card was never delivered, an unknown method)."""


class Verdict(StrEnum):
    DONE = "done"  # what was asked is so already: success
    WAIT = "wait"  # 429: this chat waits `retry_after`; not counted towards giving up
    RETRY = "retry"  # passing: back off and try again, at most MAX_ATTEMPTS times
    GIVE_UP = "give_up"  # will never succeed: the error is kept on the row
    UNREACHABLE = "unreachable"  # give up; the coordinators are told once who cannot be reached
    CARD_GONE = "card_gone"  # the message to edit was deleted: give up, stop keeping it current


@dataclass(frozen=True)
class Rule:
    error: type[Exception]
    text: str | None
    verdict: Verdict


RULES = (
    Rule(TelegramRetryAfter, None, Verdict.WAIT),
    # An edit sent again after its answer was lost finds the message already changed.
    Rule(TelegramBadRequest, "message is not modified", Verdict.DONE),
    Rule(TelegramBadRequest, "message to edit not found", Verdict.CARD_GONE),
    Rule(TelegramBadRequest, "chat not found", Verdict.UNREACHABLE),
    # Blocked by the user, kicked from the group, user deactivated.
    Rule(TelegramForbiddenError, None, Verdict.UNREACHABLE),
    Rule(TelegramBadRequest, None, Verdict.GIVE_UP),
    # 413: an upload over Telegram's size limit (50 MB a document) never fits.
    Rule(TelegramEntityTooLarge, None, Verdict.GIVE_UP),
    Rule(TelegramServerError, None, Verdict.RETRY),  # 5xx, "restart"
    Rule(TelegramNetworkError, None, Verdict.RETRY),  # timeouts, dropped connections
    # A page that is not JSON, such as a proxy's HTML «502 Bad Gateway».
    Rule(ClientDecodeError, None, Verdict.RETRY),
    # A revoked token fails everything until the administrator fixes it: keep the queue.
    Rule(TelegramUnauthorizedError, None, Verdict.RETRY),
    Rule(TelegramAPIError, None, Verdict.GIVE_UP),  # anything else Telegram refused
    Rule(TimeoutError, None, Verdict.RETRY),
    Rule(NotSendable, None, Verdict.GIVE_UP),
)


def verdict(error: Exception) -> Verdict:
    """Anything the table does not name (a bug on our side) is retried with backoff, so that
    it neither spins nor is dropped at once."""
    description = describe(error)
    for rule in RULES:
        if isinstance(error, rule.error) and (rule.text is None or rule.text in description):
            return rule.verdict
    return Verdict.RETRY


def describe(error: Exception) -> str:
    if isinstance(error, TelegramAPIError):
        return error.message
    return f"{type(error).__name__}: {error}"
