"""Entry point: `python -m bot` runs the bot; `python -m bot directory …` manages people."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
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
    exp = actions.add_parser("export", help="выгрузить справочник в CSV")
    exp.add_argument("file", type=Path, nargs="?", help="файл (по умолчанию — на экран)")
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command in ("deadlines", "calendar"):
        return check_profile(args)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.bot_token.get_secret_value())
    if args.command == "directory":
        from bot.directory_cli import run_directory

        return run_directory(settings, args.action, args.file)
    return asyncio.run(run_bot(settings))


if __name__ == "__main__":
    sys.exit(main())
