"""A coordinator forwards a post: a new incident opens and its card asks for the category.
A typed text opens one only once the coordinator confirms it. Detection time defaults to
the moment the message was sent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import default_state
from aiogram.types import (
    CallbackQuery,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Actor
from bot.domain.model import AttachmentKind, CardAudience, Role, State
from bot.domain.records import Media
from bot.filters import COMMAND_LIKE, IsCoordinator
from bot.handlers.states import Input, chat_of
from bot.keyboards import incident as kb
from bot.keyboards.callbacks import PostAct, PostCb
from bot.services.incidents import Incidents
from bot.services.intake import Intake
from bot.services.message_queue import MessageQueue
from bot.services.queries import Queries
from bot.texts import Texts, headline


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


def author_of(message: Message) -> str | None:
    """The person who wrote a forwarded post (not a channel or a group: their posts are
    everybody's): a second message of theirs may be a repeat (p. 18)."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return f"user:{origin.sender_user.id}"  # by account: two people may share a name
    if isinstance(origin, MessageOriginHiddenUser):
        return f"hidden:{origin.sender_user_name}"  # the name is all Telegram gives
    return None


def batch_of(message: Message) -> str | None:
    """What the messages sent together share: an album its group; the parts of a forwarded
    post their author and the moment it was published."""
    if message.media_group_id:
        return f"album:{message.media_group_id}"
    origin = message.forward_origin
    if origin is None:
        return None
    return f"post:{origin.type}:{origin_of(message)}:{int(origin.date.timestamp())}"


async def _clarified(message: Message, state: FSMContext, queries: Queries) -> int | None:
    """The incident a forwarded message is the citizen's word on: the one the coordinator
    asked to bring a reply in for, or whose card it replies to while the citizen's reply to
    a clarification (p. 13) or comment on the answer (seed 000, 3.6) is awaited, or was
    (the window closed: refused, rather than opened as a new incident)."""
    if await state.get_state() == Input.citizen_reply.state:
        return int((await state.get_data())["incident"])
    reply = message.reply_to_message
    card = await queries.card_at(message.chat.id, reply.message_id) if reply else None
    if card is None or card.audience is not CardAudience.COORDINATOR:
        return None
    view = await queries.view(card.incident_id)
    incident = view.incident if view else None
    waiting = incident is not None and (
        incident.state in (State.AWAITING_CITIZEN, State.AWAITING_RATING)
        or (incident.state is State.CLOSED and incident.rating_until is not None)
    )
    return card.incident_id if waiting else None


async def forwarded_post(
    message: Message,
    actor: Actor,
    intake: Intake,
    incidents: Incidents,
    queries: Queries,
    queue: MessageQueue,
    texts: Texts,
    state: FSMContext,
) -> None:
    """A forwarded post opens an incident whatever the bot was waiting for; what it was
    waiting for keeps waiting."""
    text = message.text or message.caption or ""
    media = media_of(message)
    link = first_link(message)
    if not (text.strip() or media or link):
        await queue.send(message.chat.id, texts.message("empty_post"))
        return
    answered = await _clarified(message, state, queries)
    if answered is not None:  # the citizen's reply to a clarification, not a new post
        await state.clear()
        media_list = [media] if media else []
        await incidents.citizen_replied(actor, message.chat.id, answered, text, media_list)
        return
    opened = await intake.open_incident(
        actor,
        message.chat.id,
        text=text,
        link=link,
        origin=origin_of(message),
        media=[media] if media else [],
        detected_at=message.date,
        batch=batch_of(message),
        author=author_of(message),
    )
    waiting = await state.get_state()
    if opened.new and waiting:
        data = await state.get_data()
        await queue.send(
            message.chat.id,
            texts.message(
                "still_waiting",
                what=waiting.split(":")[-1],
                incident_id=data.get("incident"),
                opened=opened.incident_id,
            ),
        )


async def typed_post(
    message: Message, actor: Actor, intake: Intake, queue: MessageQueue, texts: Texts
) -> None:
    """A typed text may be a post copied by hand, or a word to the bot («ок»): it opens an
    incident only when the coordinator says so."""
    text = message.text or message.caption or ""
    media = media_of(message)
    if not (text.strip() or media):
        await queue.send(message.chat.id, texts.message("empty_post"))
        return
    post_id, new = await intake.hold_post(
        actor,
        message.chat.id,
        text=text,
        link=first_link(message),
        media=[media] if media else [],
        batch=batch_of(message),
        received_at=message.date,
    )
    if new:
        await queue.send(
            message.chat.id,
            texts.message("confirm_post", preview=headline(text), media=media is not None),
            kb.confirm_post(texts, post_id),
            reply_to=message.message_id,
        )


async def confirm_post(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PostCb,
    actor: Actor,
    intake: Intake,
    queue: MessageQueue,
    texts: Texts,
) -> None:
    chat = chat_of(query)
    if callback_data.act is PostAct.OPEN:
        opened = await intake.open_held(actor, chat, callback_data.post)
        shown = texts.message("post_opened", incident_id=opened.incident_id)
    else:
        await intake.drop_held(actor, callback_data.post)
        shown = texts.message("post_dropped")
    if query.message is not None:
        await queue.edit_message(chat, query.message.message_id, shown)


class NotAnExecutorsReply(Filter):
    """Someone both coordinator and executor who replies to a card answers it (see the
    executor router): that is not a post."""

    async def __call__(self, message: Message, actor: Actor) -> bool:
        return message.reply_to_message is None or actor.role is not Role.EXECUTOR


def create_router() -> Router:
    router = Router(name="intake")
    router.message.filter(F.chat.type == "private", IsCoordinator())
    router.message.register(forwarded_post, F.forward_origin, ~COMMAND_LIKE)
    router.message.register(
        typed_post, StateFilter(default_state), ~COMMAND_LIKE, NotAnExecutorsReply()
    )
    router.callback_query.register(confirm_post, PostCb.filter())
    return router
