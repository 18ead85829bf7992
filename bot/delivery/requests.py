"""The Bot API call that delivers each kind of outbox row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from aiogram.types.media_union import MediaUnion
from aiogram.utils.media_group import MediaGroupBuilder

from bot.delivery.error_policy import NotSendable
from storage.files import StoredFile
from storage.outbox import OutboxRow


async def call(
    bot: Bot,
    row: OutboxRow,
    card_message_id: int | None,
    stored: Mapping[int, StoredFile] | None = None,
) -> int | None:
    """Send the row; returns the id of the message it created, if any. `card_message_id` is
    the message an edit changes; `stored`, the files the bot made that it uploads."""
    p = row.payload
    markup = InlineKeyboardMarkup.model_validate(p["markup"]) if p.get("markup") else None
    silent = True if p.get("silent") else None  # None: Telegram's default, with a sound
    if row.method == "message":
        reply = None
        if p.get("reply_to"):
            reply = ReplyParameters(message_id=p["reply_to"], allow_sending_without_reply=True)
        # In a group with privacy mode an answer reaches the bot only as a reply to it.
        asks = ForceReply(force_reply=True, selective=True) if p.get("force_reply") else None
        sent = await bot.send_message(
            row.chat_id,
            p["text"],
            reply_markup=markup or asks,
            reply_parameters=reply,
            disable_notification=silent,
        )
        return sent.message_id
    if row.method in ("edit", "markup"):
        card_message_id = card_message_id or p.get("message_id")
        if card_message_id is None:
            raise NotSendable("the card itself was never delivered")
        if row.method == "edit":
            await bot.edit_message_text(
                text=p["text"],
                chat_id=row.chat_id,
                message_id=card_message_id,
                reply_markup=markup,
            )
        else:
            await bot.edit_message_reply_markup(
                chat_id=row.chat_id, message_id=card_message_id, reply_markup=markup
            )
        return None
    if row.method == "album":
        album = MediaGroupBuilder(caption=p.get("caption"))  # on the first item
        for item in p["media"]:
            album.add(type=item["kind"], media=_file(item, stored))
        media: list[MediaUnion] = list(album.build())  # the same types; aiogram's hints differ
        messages = await bot.send_media_group(row.chat_id, media, disable_notification=silent)
        return messages[0].message_id
    if row.method == "media":
        media_file = _file(p["media"], stored)
        caption = p.get("caption")
        return (
            await _send_one(bot, row.chat_id, p["media"], media_file, caption, silent)
        ).message_id
    if row.method == "commands":
        commands = [BotCommand.model_validate(c) for c in p["commands"]]
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=row.chat_id))
        return None
    raise NotSendable(f"unknown outbox method {row.method}")


def _file(
    item: dict[str, Any], stored: Mapping[int, StoredFile] | None
) -> str | BufferedInputFile:
    """A file already in Telegram (its file_id), or one the bot made, to upload."""
    if "file" not in item:
        return str(item["file_id"])
    found = (stored or {}).get(int(item["file"]))
    if found is None:
        raise NotSendable(f"stored file {item['file']} is gone")
    return BufferedInputFile(found.data, filename=found.name)


async def _send_one(
    bot: Bot,
    chat_id: int,
    item: dict[str, Any],
    media: str | BufferedInputFile,
    caption: str | None,
    silent: bool | None,
) -> Message:
    if item["kind"] == "photo":
        return await bot.send_photo(chat_id, media, caption=caption, disable_notification=silent)
    if item["kind"] == "video":
        return await bot.send_video(chat_id, media, caption=caption, disable_notification=silent)
    return await bot.send_document(chat_id, media, caption=caption, disable_notification=silent)
