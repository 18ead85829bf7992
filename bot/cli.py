"""`python -m bot directory import|export`: the administrator's directory commands."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.app import create_bot
from bot.config import Settings
from bot.services.directory import Directory, ImportResult
from bot.services.directory_csv import DirectoryError
from storage.db import Database


async def bot_username(settings: Settings) -> str:
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    bot = create_bot(settings)
    try:
        me = await bot.get_me()
    except Exception as exc:  # any failure here only costs the bot's name in the links
        print(
            f"Не удалось узнать имя бота у Telegram ({type(exc).__name__}); "
            "укажите BOT_USERNAME в .env. В ссылках ниже вместо имени — <имя_бота>.",
            file=sys.stderr,
        )
        return "<имя_бота>"
    finally:
        await bot.session.close()
    return me.username or ""


def read_csv(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        # Excel in a Russian locale saves CSV as Windows-1251.
        return path.read_text(encoding="cp1251")


async def _export(settings: Settings) -> str:
    db = await Database.open(settings.database_path)
    try:
        return await Directory(db).export_csv()
    finally:
        await db.close()


async def _import(settings: Settings, text: str) -> tuple[ImportResult, str]:
    db = await Database.open(settings.database_path)
    try:
        result = await Directory(db).import_csv(text)
    finally:
        await db.close()
    username = await bot_username(settings) if result.pending_invites else ""
    return result, username


def run_directory(settings: Settings, action: str, file: Path | None) -> int:
    if action == "export":
        text = asyncio.run(_export(settings))
        if file:
            file.write_text(text, encoding="utf-8-sig")
            print(f"Справочник выгружен в {file}")
        else:
            sys.stdout.write(text)
        return 0
    assert file is not None
    if not file.is_file():
        print(f"Файл не найден: {file}", file=sys.stderr)
        return 1
    try:
        result, username = asyncio.run(_import(settings, read_csv(file)))
    except DirectoryError as exc:
        print("Справочник не загружен, в базе ничего не изменено. Ошибки:", file=sys.stderr)
        for line, problem in exc.problems:
            print(f"  строка {line}: {problem}", file=sys.stderr)
        return 1
    print(
        f"Загружено строк: {result.rows}; новых сотрудников: {result.added}; "
        f"отключено (нет в файле): {result.deactivated}."
    )
    if result.pending_invites:
        print("Ссылки-приглашения (каждая — для одного человека, одноразовая):")
        for person in result.pending_invites:
            where = f", {person.organisation}" if person.organisation else ""
            print(
                f"  {person.full_name}{where}: https://t.me/{username}?start={person.invite_code}"
            )
    return 0
