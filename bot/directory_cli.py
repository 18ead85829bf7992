"""`python -m bot directory import|export`: the administrator's directory commands;
`import --dry-run` tells what an import would change and writes nothing."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram.utils.deep_linking import create_deep_link, create_start_link

from bot.app import create_bot, utc_now
from bot.config import DirectorySettings
from bot.domain.directory_changes import Changes
from bot.domain.directory_file import DirectoryError
from bot.domain.records import Person
from bot.services.directory import Directory, ImportResult
from bot.texts import Texts
from storage.db import Database


async def invite_links(
    settings: DirectorySettings, people: list[Person]
) -> list[tuple[Person, str]]:
    """Each person's one-time link: t.me/<bot>?start=<code> (aiogram's deep links)."""
    username = (settings.bot_username or "").lstrip("@")
    if not username and settings.bot_token is None:
        print(
            "Имя бота неизвестно: укажите BOT_USERNAME (или BOT_TOKEN) в .env."
            " В ссылках ниже вместо имени — <имя_бота>.",
            file=sys.stderr,
        )
        username = "<имя_бота>"
    if not username:
        assert settings.bot_token is not None
        bot = create_bot(settings.bot_token.get_secret_value(), settings.bot_api_url)
        try:
            return [(p, await create_start_link(bot, p.invite_code or "")) for p in people]
        except Exception as exc:  # any failure here only costs the bot's name in the links
            print(
                f"Не удалось узнать имя бота у Telegram ({type(exc).__name__}); "
                "укажите BOT_USERNAME в .env. В ссылках ниже вместо имени — <имя_бота>.",
                file=sys.stderr,
            )
            username = "<имя_бота>"
        finally:
            await bot.session.close()
    return [(p, create_deep_link(username, "start", p.invite_code or "")) for p in people]


def read_csv(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        # Excel in a Russian locale saves CSV as Windows-1251.
        return path.read_text(encoding="cp1251")


async def _export(settings: DirectorySettings) -> str:
    db = await Database.open(settings.database_path)
    try:
        return await Directory(db, utc_now).export_csv()
    finally:
        await db.close()


async def _import(
    settings: DirectorySettings, text: str
) -> tuple[ImportResult, list[tuple[Person, str]]]:
    db = await Database.open(settings.database_path)
    try:
        result = await Directory(db, utc_now).import_csv(text)
    finally:
        await db.close()
    links = await invite_links(settings, result.pending_invites) if result.pending_invites else []
    return result, links


async def _plan(settings: DirectorySettings, text: str) -> Changes:
    db = await Database.open(settings.database_path)
    try:
        return await Directory(db, utc_now).plan_csv(text)
    finally:
        await db.close()


def run_directory(
    settings: DirectorySettings, action: str, file: Path | None, *, dry_run: bool = False
) -> int:
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
        if dry_run:
            changes = asyncio.run(_plan(settings, read_csv(file)))
            print(
                Texts(ZoneInfo("UTC")).render(  # no times in it
                    "cli_directory.txt.j2", changes=changes
                )
            )
            return 0
        result, links = asyncio.run(_import(settings, read_csv(file)))
    except DirectoryError as exc:
        print("Справочник не загружен, в базе ничего не изменено. Ошибки:", file=sys.stderr)
        for line, problem in exc.problems:
            print(f"  строка {line}: {problem}", file=sys.stderr)
        return 1
    print(
        f"Загружено строк: {result.rows}; новых сотрудников: {result.added}; "
        f"отключено (нет в файле): {result.deactivated}."
    )
    if result.warnings:
        print("Загружено, но проверьте:")
        for line, problem in result.warnings:
            print(f"  строка {line}: {problem}")
    if links:
        print("Ссылки-приглашения (каждая — для одного человека, одноразовая):")
        for person, link in links:
            where = f", {person.organisation}" if person.organisation else ""
            print(f"  {person.full_name}{where}: {link}")
    return 0
