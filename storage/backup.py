"""A consistent copy of the live database, through SQLite's online backup API."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path


class BackupError(Exception):
    """Why no copy was made, worded for the administrator."""


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never creates or changes the file (mode=ro)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def backup_database(source: Path, target: Path) -> int:
    """Copy `source` into `target` (replaced whole or not at all); returns its page count.

    The copy is one step inside one read transaction: in WAL mode the bot keeps writing
    meanwhile, and the copy holds exactly what was committed when it began. The copy is
    switched to a rollback journal, so that it is one self-contained file.
    """
    if not source.is_file():
        raise BackupError(f"базы нет: {source}")
    if target.resolve() == source.resolve():
        raise BackupError("копию нельзя записать на место самой базы")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            contextlib.closing(open_read_only(source)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.execute("PRAGMA busy_timeout=5000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        if check != "ok":
            raise BackupError(f"копия не прошла проверку: {check}")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return pages
