"""Refusals become a short Russian explanation; unexpected errors are logged and admitted."""

import logging

from aiogram import F, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import CallbackQuery, ErrorEvent, Message

from bot.domain.workflow import Denial
from bot.filters import Magic
from bot.services.workflow import Refused
from bot.texts import Texts

log = logging.getLogger(__name__)


def explain(texts: Texts, refusal: Refused) -> str:
    if refusal.denial is Denial.WRONG_STATE:
        return texts.alert("wrong_state", state=refusal.state)
    return texts.alert(refusal.denial.value)


async def refused_button(event: ErrorEvent, query: CallbackQuery, texts: Texts) -> None:
    assert isinstance(event.exception, Refused)
    await query.answer(explain(texts, event.exception), show_alert=True)


async def refused_message(event: ErrorEvent, message: Message, texts: Texts) -> None:
    assert isinstance(event.exception, Refused)
    await message.answer(explain(texts, event.exception), parse_mode=None)


async def unexpected(event: ErrorEvent, texts: Texts) -> None:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    query = event.update.callback_query
    message = event.update.message
    text = texts.alert("internal_error")
    if query:
        await query.answer(text, show_alert=True)
    elif message:
        await message.answer(text, parse_mode=None)


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(
        refused_button, ExceptionTypeFilter(Refused), Magic(F.update.callback_query.as_("query"))
    )
    router.errors.register(
        refused_message, ExceptionTypeFilter(Refused), Magic(F.update.message.as_("message"))
    )
    router.errors.register(unexpected)
    return router
