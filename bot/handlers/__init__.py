"""Routers, assembled in one place in the order they must be tried."""

from aiogram import Router

from bot.handlers import (
    approval,
    errors,
    executor,
    fallback,
    groups,
    intake,
    lists,
    routing,
    start,
)


def get_routers() -> list[Router]:
    return [
        errors.router,
        start.router,  # /start, /help, /cancel work in every state
        lists.router,
        groups.router,
        routing.router,
        executor.router,
        approval.router,
        intake.router,  # any other private message from a coordinator opens an incident
        fallback.router,  # last: tells everyone else what they can do instead
    ]
