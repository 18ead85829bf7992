"""An executor adds the bot to the organisation's group: cards then go there."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.domain.actions import Actor
from bot.domain.model import Role
from bot.services.directory import Directory
from bot.services.message_queue import MessageQueue
from bot.texts import Texts


async def added_to_group(
    event: ChatMemberUpdated,
    actor: Actor,
    directory: Directory,
    texts: Texts,
    queue: MessageQueue,
) -> None:
    if actor.role is not Role.EXECUTOR or actor.organisation_id is None:
        await queue.send(event.chat.id, texts.message("group_refused"))
        return
    org = await directory.bind_group(actor.organisation_id, event.chat.id)
    if org:
        await queue.send(event.chat.id, texts.message("group_bound", organisation=org.name))


async def removed_from_group(event: ChatMemberUpdated, directory: Directory) -> None:
    # Cards go back to the members' private chats.
    await directory.forget_group(event.chat.id)


def create_router() -> Router:
    router = Router(name="groups")
    router.my_chat_member.filter(F.chat.type.in_({"group", "supergroup"}))
    router.my_chat_member.register(
        added_to_group, ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION)
    )
    router.my_chat_member.register(
        removed_from_group, ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION)
    )
    return router
