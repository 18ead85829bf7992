"""Last resort: whatever no other handler took. Says what to do instead; never stays silent
in a private chat. In groups it stays quiet: colleagues talk there."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain.actions import Actor
from bot.services.message_queue import MessageQueue
from bot.texts import Texts


async def stale_button(
    query: CallbackQuery, callback_answer: CallbackAnswer, texts: Texts
) -> None:
    # Forged or outdated callback data that no CallbackData filter could parse.
    callback_answer.text = texts.alert("bad_button")
    callback_answer.show_alert = True


async def anything_else(message: Message, actor: Actor, texts: Texts, queue: MessageQueue) -> None:
    if not actor.known:
        await queue.send(message.chat.id, texts.message("unknown_person"))
    else:
        await queue.send(message.chat.id, texts.message("not_a_coordinator_text"))


def create_router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(stale_button)
    router.message.register(anything_else, F.chat.type == "private")
    return router
