"""Routers, assembled in one place in the order they must be tried."""

from aiogram import Router

from bot.handlers import (
    absences,
    approval,
    directory,
    executor,
    fallback,
    groups,
    intake,
    lists,
    organisations,
    picker,
    prompts,
    reports,
    routing,
    start,
)


def get_routers() -> list[Router]:
    """Fresh routers each call, so that every Dispatcher (one per test) gets its own."""
    return [
        intake.create_router(),  # a coordinator's post, outside any dialog and any command
        start.create_router(),  # /start, /help, /cancel work in every state
        lists.create_router(),
        reports.create_router(),
        absences.create_router(),
        directory.create_router(),  # /people, /audit, and the names they wait for
        organisations.create_router(),
        fallback.create_commands_router(),  # a command none of the above knows
        prompts.create_router(),  # buttons that ask for typed input
        routing.create_router(),
        picker.create_router(),
        executor.create_router(),
        approval.create_router(),
        groups.create_router(),
        fallback.create_router(),  # last: tells everyone else what they can do instead
    ]
