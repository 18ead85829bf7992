"""The outbox queue: every message the bot sends is written here, in the transaction of the
change that caused it, and the sender delivers it once that has committed."""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from aiogram.types import BotCommand, InlineKeyboardMarkup

from bot.domain.model import MARKUP_ONLY, AttachmentKind
from bot.domain.records import Attachment
from bot.texts import CAPTION_LIMIT, split_lines, visible_length
from storage import cards as card_repo
from storage import files, outbox
from storage.cards import CardMessage
from storage.db import Database

ALBUM_MAX = 10


def digest(text: str | None, markup: InlineKeyboardMarkup | dict[str, Any] | None) -> str:
    """What a card shows, to skip an edit that would change nothing."""
    dumped = markup if isinstance(markup, dict) or markup is None else _dump(markup)
    payload = json.dumps([text, dumped], ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode()).hexdigest()


def _dump(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    return markup.model_dump(mode="json", exclude_none=True) if markup else None


def _quiet(silent: bool) -> dict[str, Any]:
    # Sent with disable_notification; kept out of the payload otherwise.
    return {"silent": True} if silent else {}


def fit_caption(caption: str | None) -> dict[str, Any]:
    """A caption (HTML) for the payload, cut between lines to Telegram's limit rather than
    refused: a generated report's summary must not stop its file from going."""
    if not caption or not caption.strip():
        return {}
    if visible_length(caption) > CAPTION_LIMIT:
        caption = split_lines(caption, CAPTION_LIMIT - 1)[0] + "…"
    return {"caption": caption}


class MessageQueue:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        # The sender's wake-up, set once it exists: called after the commit.
        self.wake: Callable[[], None] = lambda: None

    async def _put(self, chat_id: int, method: str, payload: dict[str, Any], **link: Any) -> None:
        async with self.db.transaction() as conn:
            await outbox.enqueue(conn, chat_id, method, payload, self.clock(), **link)
        self.db.after_commit(self.wake)

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        reply_to: int | None = None,
        incident_id: int | None = None,
        silent: bool = False,
        force_reply: bool = False,
    ) -> None:
        """A text over Telegram's limit goes as several messages, cut between lines.
        `force_reply`: a question whose answer must come as a reply (groups)."""
        chunks = split_lines(text)
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            payload = {
                "text": chunk,
                "markup": _dump(markup) if last else None,
                "reply_to": reply_to if n == 0 else None,
                **_quiet(silent),
                **({"force_reply": True} if force_reply and last else {}),
            }
            await self._put(chat_id, "message", payload, incident_id=incident_id)

    async def send_card(
        self,
        card: CardMessage,
        text: str,
        markup: InlineKeyboardMarkup | None,
        *,
        reply_to: int | None = None,
        silent: bool = False,
    ) -> None:
        """A message that is kept current (see `edit`); its id is bound once it is sent."""
        if card.audience in MARKUP_ONLY:
            # Only its buttons change later: a text over the limit (a long reason quoted)
            # goes ahead in plain messages, the card keeps the last part.
            *ahead, text = split_lines(text) or [text]
            for part in ahead:
                await self.send(
                    card.chat_id,
                    part,
                    reply_to=reply_to,
                    incident_id=card.incident_id,
                    silent=silent,
                )
                reply_to = None
        buttons = _dump(markup)
        shown = digest(None if card.audience in MARKUP_ONLY else text, buttons)
        async with self.db.transaction() as conn:
            card_id = await card_repo.add(conn, replace(card, shown=shown))
        payload = {"text": text, "markup": buttons, "reply_to": reply_to, **_quiet(silent)}
        await self._put(
            card.chat_id, "message", payload, card_id=card_id, incident_id=card.incident_id
        )

    async def edit(
        self, card: CardMessage, text: str | None, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Edit a card (its buttons only, if `text` is None), unless it shows exactly that."""
        buttons = _dump(markup)
        shown = digest(text, buttons)
        if shown == card.shown:
            return
        async with self.db.transaction() as conn:
            await card_repo.set_shown(conn, card.id, shown)
        await self._put(
            card.chat_id,
            "markup" if text is None else "edit",
            {"text": text, "markup": buttons},
            card_id=card.id,
            incident_id=card.incident_id,
        )

    async def edit_message(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Replace the text (and the buttons: none unless given) of a message that is no
        card: a question once it is answered, a screen of the directory."""
        payload = {"text": text, "markup": _dump(markup), "message_id": message_id}
        await self._put(chat_id, "edit", payload)

    async def send_media(
        self,
        chat_id: int,
        items: Sequence[Attachment],
        incident_id: int | None = None,
        *,
        silent: bool = False,
    ) -> None:
        """Photos and videos as albums of up to ten, documents as their own albums."""
        visual = [a for a in items if a.kind is not AttachmentKind.DOCUMENT]
        documents = [a for a in items if a.kind is AttachmentKind.DOCUMENT]
        for group in (visual, documents):
            for start in range(0, len(group), ALBUM_MAX):
                chunk = [
                    {"kind": a.kind.value, "file_id": a.file_id}
                    for a in group[start : start + ALBUM_MAX]
                ]
                one = len(chunk) == 1
                payload = {"media": chunk[0] if one else chunk, **_quiet(silent)}
                method = "media" if one else "album"
                await self._put(chat_id, method, payload, incident_id=incident_id)

    async def send_document(
        self,
        chat_id: int,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime: str = "application/octet-stream",
    ) -> None:
        """A file the bot made (a workbook), uploaded when the outbox sends it. The bytes are
        stored once however many chats receive them."""
        async with self.db.transaction() as conn:
            file = await files.store(conn, filename, mime, data, self.clock())
            payload = {"media": {"kind": "document", "file": file}, **fit_caption(caption)}
            await self._put(chat_id, "media", payload)

    async def send_photos(
        self, chat_id: int, photos: Sequence[tuple[str, bytes]], *, caption: str | None = None
    ) -> None:
        """Images the bot made (charts), as (filename, bytes): albums of up to ten, one left
        over as a photo of its own; the caption goes on the first."""
        async with self.db.transaction() as conn:
            stored = []
            for name, data in photos:
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                stored.append(await files.store(conn, name, mime, data, self.clock()))
            for start in range(0, len(stored), ALBUM_MAX):
                chunk = [{"kind": "photo", "file": f} for f in stored[start : start + ALBUM_MAX]]
                one = len(chunk) == 1
                payload = {
                    "media": chunk[0] if one else chunk,
                    **(fit_caption(caption) if start == 0 else {}),
                }
                await self._put(chat_id, "media" if one else "album", payload)

    async def set_commands(self, chat_id: int, commands: Sequence[BotCommand]) -> None:
        """The command menu of one chat, in order with its messages."""
        payload = {"commands": [c.model_dump(mode="json") for c in commands]}
        await self._put(chat_id, "commands", payload)
