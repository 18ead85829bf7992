"""How the bot talks to the Bot API: aiogram's client, made cheaper where the sender needs it.

Every notification passes through one sender, so the CPU a send costs bounds how many updates
the process handles. Two costs dominated a card's send: aiohttp url-encodes a form in pure
Python, byte by byte (a Cyrillic card and its keyboard ran to thousands), and aiogram parsed
each answer into a full Message (text, entities, keyboard) that the sender reads one id of.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.types import InputFile, LinkPreviewOptions, MessageId, ReplyParameters
from aiohttp.payload import BytesPayload


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class JsonSession(AiohttpSession):
    """Sends a request without files as a JSON body, which the Bot API accepts for every
    method (https://core.telegram.org/bots/api#making-requests); with files, as a form.
    JSON is made and read with orjson, through aiogram's own json_loads/json_dumps hooks."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("json_loads", orjson.loads)
        kwargs.setdefault("json_dumps", _dumps)
        super().__init__(**kwargs)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        files: dict[str, InputFile] = {}
        fields = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:  # as aiogram's form: unset and empty values are left out
                fields[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        return BytesPayload(self.json_dumps(fields).encode(), content_type="application/json")


class SendText(TelegramMethod[MessageId]):
    """sendMessage as the sender makes it: the keyboard already serialised (the outbox keeps
    it so), and of the answer only the new message's id read."""

    __returning__ = MessageId
    __api_method__ = "sendMessage"

    chat_id: int
    text: str
    parse_mode: str | Default | None = Default("parse_mode")
    link_preview_options: LinkPreviewOptions | Default | None = Default("link_preview")
    reply_parameters: ReplyParameters | None = None
    reply_markup: str | None = None
