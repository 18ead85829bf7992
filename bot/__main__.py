"""Entry point: `python -m bot` runs the bot; `directory`, `backup`, `deadlines` and
`calendar` are the administrator's commands, each reading only the settings it uses."""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):  # noqa: UP036 — the one place an older Python gets to
    sys.exit(f"МЦУ-боту нужен Python 3.11 или новее; запущен {sys.version.split()[0]}.")

import argparse
import asyncio
from pathlib import Path

from bot.config import (
    CoordinatorSettings,
    DatabaseSettings,
    DirectorySettings,
    Settings,
    SettingsError,
    load,
    load_settings,
    problem_line,
)
from bot.domain.model import Category
from bot.logs import setup_logging


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="МЦУ-бот")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="запустить бота (по умолчанию)")
    directory = commands.add_parser("directory", help="справочник организаций и сотрудников")
    actions = directory.add_subparsers(dest="action", required=True)
    imp = actions.add_parser("import", help="загрузить справочник из CSV (всё или ничего)")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--dry-run", action="store_true", help="только показать, что изменится; не записывать"
    )
    exp = actions.add_parser("export", help="выгрузить справочник в CSV")
    exp.add_argument("file", type=Path, nargs="?", help="файл (по умолчанию — на экран)")
    copy = commands.add_parser("backup", help="копия базы на ходу (онлайн-копия SQLite)")
    copy.add_argument("file", type=Path, help="куда записать копию")
    due = commands.add_parser("deadlines", help="сроки по профилю для инцидента")
    due.add_argument("--category", required=True, choices=[c.value for c in Category])
    due.add_argument("--detected", required=True, help="время обнаружения, 2025-12-30T16:00")
    due.add_argument("--profile", help="профиль регламента (по умолчанию REGULATION_PROFILE)")
    due.add_argument("--json", action="store_true", help="один объект JSON")
    cal = commands.add_parser("calendar", help="рабочие дни и часы месяца по профилю")
    cal.add_argument("month", help="ГГГГ-ММ, например 2026-01")
    cal.add_argument("--profile", help="профиль регламента (по умолчанию REGULATION_PROFILE)")
    return parser.parse_args(argv)


async def run_bot(settings: Settings) -> int:
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.app import create_app
    from bot.domain.profile import ProfileError

    try:
        app = await create_app(settings)
    except ProfileError as exc:
        print(f"REGULATION_PROFILE: {exc}", file=sys.stderr)
        return 2
    try:
        await app.bot.get_me()
    except TelegramUnauthorizedError:
        print("Telegram отклонил BOT_TOKEN: проверьте токен у @BotFather.", file=sys.stderr)
        return 1
    except TelegramNetworkError as exc:
        where = settings.bot_api_url or "api.telegram.org"
        print(f"Нет связи с сервером Bot API ({where}): {exc.message}", file=sys.stderr)
        return 1
    else:
        if settings.webhook_url:
            await app.run_webhook()
        else:
            await app.run_polling()
    finally:
        await app.close()
    return 0


def check_profile(args: argparse.Namespace) -> int:
    from bot.deadline_cli import deadlines, month
    from bot.domain.profile import ProfileError

    try:
        if args.command == "deadlines":
            print(deadlines(args.category, args.detected, args.profile, args.json))
        else:
            print(month(args.month, args.profile))
    except ProfileError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    return 0


def settings_to_run() -> Settings:
    """The bot's settings, with every problem named at once. COORDINATOR_IDS may stay empty
    once the directory lists a coordinator: it only bootstraps the first one."""
    from storage.directory import has_coordinator

    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = load_settings()
    except SettingsError as exc:
        problems = exc.problems
    try:
        bootstrap: CoordinatorSettings | None = settings or load(CoordinatorSettings)
    except SettingsError:
        bootstrap = None  # already named above
    if (
        bootstrap is not None
        and not bootstrap.coordinator_ids
        and not has_coordinator(bootstrap.database_path)
    ):
        problems.append(problem_line("COORDINATOR_IDS", missing=True))
    if problems or settings is None:
        raise SettingsError(problems)
    return settings


def backup(settings: DatabaseSettings, target: Path) -> int:
    from storage.backup import BackupError, backup_database

    try:
        pages = backup_database(settings.database_path, target)
    except BackupError as exc:
        print(f"Копия не сделана: {exc}", file=sys.stderr)
        return 1
    print(f"Копия базы записана в {target} ({pages} стр.), проверка: ok")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command in ("deadlines", "calendar"):
        return check_profile(args)
    try:
        if args.command == "backup":
            return backup(load(DatabaseSettings), args.file)
        if args.command == "directory":
            from bot.directory_cli import run_directory

            tools = load(DirectorySettings)
            token = tools.bot_token.get_secret_value() if tools.bot_token else ""
            setup_logging(tools.log_level, token)
            dry_run = getattr(args, "dry_run", False)
            return run_directory(tools, args.action, args.file, dry_run=dry_run)
        settings = settings_to_run()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.bot_token.get_secret_value())
    try:
        return asyncio.run(run_bot(settings))
    except KeyboardInterrupt:
        # Ctrl+C before polling has begun (aiogram handles it from then on): a normal stop.
        return 0


if __name__ == "__main__":
    sys.exit(main())
