"""Last resort: whatever no other handler took. Says what to do instead, for that person's
role and what the bot is waiting for; never stays silent in a private chat. In groups it
stays quiet: colleagues talk there."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import ROLE_COMMANDS, role_of
from bot.domain.actions import Actor
from bot.domain.model import Role
from bot.filters import COMMAND_LIKE
from bot.services.message_queue import MessageQueue
from bot.texts import Texts

PRIVATE = F.chat.type == "private"


async def stale_button(
    query: CallbackQuery, callback_answer: CallbackAnswer, texts: Texts
) -> None:
    # Forged or outdated callback data that no CallbackData filter could parse.
    callback_answer.text = texts.alert("bad_button")
    callback_answer.show_alert = True


async def unknown_command(
    message: Message, actor: Actor, state: FSMContext, texts: Texts, queue: MessageQueue
) -> None:
    """A command that no router knows, or one that is not this person's (an executor's
    /status): the commands they do have. Tried before any awaited input takes it."""
    if not actor.known:
        await queue.send(message.chat.id, texts.message("unknown_person"))
        return
    await queue.send(
        message.chat.id,
        texts.message(
            "no_such_command",
            commands=ROLE_COMMANDS[role_of(actor)],
            waiting=await state.get_state() is not None,
        ),
    )


async def anything_else(
    message: Message, actor: Actor, state: FSMContext, texts: Texts, queue: MessageQueue
) -> None:
    if not actor.known:
        await queue.send(message.chat.id, texts.message("unknown_person"))
        return
    role = role_of(actor)
    if message.forward_origin is not None and not actor.is_coordinator:
        hint = "forward_not_coordinator"  # a post only a coordinator opens incidents of
    elif actor.role is Role.EXECUTOR:  # a coordinator who is an executor too, on a card
        media = message.photo or message.video or message.document
        hint = "executor_media_hint" if media else "executor_hint"
    elif actor.is_coordinator:
        hint = "coordinator_hint"
    else:  # a deputy head, the Head
        hint = "viewer_hint"
    await queue.send(
        message.chat.id,
        texts.message(
            hint,
            commands=ROLE_COMMANDS[role],
            waiting=await state.get_state() is not None,
        ),
    )


def create_commands_router() -> Router:
    """After every router of commands, before those of awaited input."""
    router = Router(name="unknown_commands")
    router.message.register(unknown_command, PRIVATE, COMMAND_LIKE)
    return router


def create_router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(stale_button)
    router.message.register(anything_else, PRIVATE)
    return router
