"""A coordinator forwards (or types) a post: a new incident opens and its card asks for the
category. Detection time defaults to the moment of forwarding."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.state import default_state
from aiogram.types import Message, MessageOriginChannel, MessageOriginChat, MessageOriginUser

from bot.domain.actions import Actor
from bot.domain.model import AttachmentKind, Role
from bot.domain.records import Media
from bot.filters import COMMAND_LIKE, IsCoordinator
from bot.services.incidents import Incidents
from bot.services.message_queue import MessageQueue
from bot.texts import Texts


def first_link(message: Message) -> str | None:
    for entity in message.entities or message.caption_entities or []:
        if entity.type == "text_link" and entity.url:
            return entity.url
        if entity.type == "url":
            return entity.extract_from(message.text or message.caption or "")
    return None


def origin_of(message: Message) -> str | None:
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title
    if origin is not None and getattr(origin, "sender_user_name", None):
        return str(origin.sender_user_name)
    return None


def media_of(message: Message) -> Media | None:
    group = message.media_group_id
    if message.photo:
        largest = message.photo[-1]
        return Media(AttachmentKind.PHOTO, largest.file_id, largest.file_unique_id, group)
    if message.video:
        video = message.video
        return Media(AttachmentKind.VIDEO, video.file_id, video.file_unique_id, group)
    if message.document:
        doc = message.document
        return Media(AttachmentKind.DOCUMENT, doc.file_id, doc.file_unique_id, group)
    return None


async def open_incident(
    message: Message, actor: Actor, incidents: Incidents, queue: MessageQueue, texts: Texts
) -> None:
    text = message.text or message.caption or ""
    media = media_of(message)
    link = first_link(message)
    if not (text.strip() or media or link):
        await queue.send(message.chat.id, texts.message("empty_post"))
        return
    await incidents.open_incident(
        actor,
        message.chat.id,
        text=text,
        link=link,
        origin=origin_of(message),
        media=media,
        detected_at=message.date,
    )


class NotAnExecutorsReply(Filter):
    """Someone both coordinator and executor who replies to a card answers it (see the
    executor router): that is not a post."""

    async def __call__(self, message: Message, actor: Actor) -> bool:
        return message.reply_to_message is None or actor.role is not Role.EXECUTOR


def create_router() -> Router:
    router = Router(name="intake")
    router.message.filter(F.chat.type == "private", IsCoordinator(), StateFilter(default_state))
    router.message.register(open_incident, ~COMMAND_LIKE, NotAnExecutorsReply())
    return router
