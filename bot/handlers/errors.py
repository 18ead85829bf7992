"""Refusals become a short Russian explanation; unexpected errors are logged and admitted."""

import logging

from aiogram import F, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import CallbackQuery, ErrorEvent, Message

from bot.services.workflow import Refused
from bot.texts import Texts

router = Router(name="errors")
log = logging.getLogger(__name__)


def explain(texts: Texts, refusal: Refused) -> str:
    return texts.alert(str(refusal.denial), state=refusal.state)


@router.error(ExceptionTypeFilter(Refused), F.update.callback_query.as_("query"))
async def refused_button(event: ErrorEvent, query: CallbackQuery, texts: Texts) -> None:
    assert isinstance(event.exception, Refused)
    await query.answer(explain(texts, event.exception), show_alert=True)


@router.error(ExceptionTypeFilter(Refused), F.update.message.as_("message"))
async def refused_message(event: ErrorEvent, message: Message, texts: Texts) -> None:
    assert isinstance(event.exception, Refused)
    await message.answer(explain(texts, event.exception), parse_mode=None)


@router.error()
async def unexpected(event: ErrorEvent, texts: Texts) -> None:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    query = event.update.callback_query
    message = event.update.message
    text = texts.alert("internal_error")
    if query:
        await query.answer(text, show_alert=True)
    elif message:
        await message.answer(text, parse_mode=None)
