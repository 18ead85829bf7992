"""A coordinator forwards (or types) a post: a new incident opens and its card asks for the
category. Detection time defaults to the moment of forwarding.

Posts are the bulk of what the bot receives, so this router is tried first: its filters take
exactly what no other router would (no command, no dialog under way, not an executor's reply
to a card), and a post passes no other router's checks on its way."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.state import default_state
from aiogram.types import Message, MessageOriginChannel, MessageOriginChat, MessageOriginUser

from bot.domain.model import AttachmentKind, Role
from bot.domain.workflow import Actor
from bot.filters import IsCoordinator, LooksLikeCommand, Magic
from bot.notifier import Notifier
from bot.services.workflow import Workflow
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


def media_of(message: Message) -> tuple[AttachmentKind, str, str] | None:
    if message.photo:
        largest = message.photo[-1]
        return AttachmentKind.PHOTO, largest.file_id, largest.file_unique_id
    if message.video:
        return AttachmentKind.VIDEO, message.video.file_id, message.video.file_unique_id
    if message.document:
        return AttachmentKind.DOCUMENT, message.document.file_id, message.document.file_unique_id
    return None


async def open_incident(
    message: Message, actor: Actor, workflow: Workflow, notifier: Notifier, texts: Texts
) -> None:
    text = message.text or message.caption or ""
    media = media_of(message)
    link = first_link(message)
    if not (text.strip() or media or link):
        await notifier.send(message.chat.id, texts.message("empty_post"))
        return
    incident_id, new = await workflow.open_incident(
        actor,
        text=text,
        link=link,
        origin=origin_of(message),
        media=media,
        media_group_id=message.media_group_id,
        detected_at=message.date,
    )
    if new is not None:
        await notifier.send_card(message.chat.id, new, "coordinator")
    else:
        await notifier.refresh(incident_id)  # another photo of the same album


class NotAnExecutorsReply(Filter):
    """Someone both coordinator and executor who replies to a card answers it (see the
    executor router): that is not a post."""

    async def __call__(self, message: Message, actor: Actor) -> bool:
        return message.reply_to_message is None or actor.role is not Role.EXECUTOR


def create_router() -> Router:
    router = Router(name="intake")
    router.message.filter(
        Magic(F.chat.type == "private"), IsCoordinator(), StateFilter(default_state)
    )
    router.message.register(open_incident, ~LooksLikeCommand(), NotAnExecutorsReply())
    return router
