"""An executor adds the bot to the organisation's group: cards then go there."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.domain.model import Role
from bot.filters import Magic
from bot.notifier import Notifier
from bot.services.directory import Directory
from bot.services.workflow import Workflow
from bot.texts import Texts


async def added_to_group(
    event: ChatMemberUpdated,
    workflow: Workflow,
    directory: Directory,
    texts: Texts,
    bot: Bot,
    notifier: Notifier,
) -> None:
    actor = await workflow.actor(event.from_user.id, event.from_user.full_name)
    if actor.role is not Role.EXECUTOR or actor.organisation_id is None:
        await notifier.send(event.chat.id, texts.message("group_refused"))
        return
    org = await directory.bind_group(actor.organisation_id, event.chat.id)
    if org:
        await notifier.send(event.chat.id, texts.message("group_bound", organisation=org.name))


async def removed_from_group(event: ChatMemberUpdated, directory: Directory) -> None:
    # Cards go back to the members' private chats.
    await directory.forget_group(event.chat.id)


def create_router() -> Router:
    router = Router(name="groups")
    router.my_chat_member.filter(Magic(F.chat.type.in_({"group", "supergroup"})))
    router.my_chat_member.register(
        added_to_group, ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION)
    )
    router.my_chat_member.register(
        removed_from_group, ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION)
    )
    return router
