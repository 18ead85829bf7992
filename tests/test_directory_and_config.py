"""The administrator's side: directory import/export from the command line, settings errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import DIRECTORY_CSV, TOKEN

BAD_CSV = """организация;тематический блок;фио;должность;роль
МКУ «УРЖКК»;ЖКХ;Иванова Анна Сергеевна;пресс-секретарь;исполнитель
МКУ «Управление образованием»;Образование;Петров Пётр Петрович;зам. начальника;менеджер
;ЖКХ;Сидоров Семён Ильич;инженер;исполнитель
Администрация;;Кузнецов Кирилл Олегович;заместитель главы;заместитель главы;МКУ «УРЖКК»; Водоканал
"""


@pytest.fixture
def admin_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TIMEZONE", "Asia/Yekaterinburg")
    monkeypatch.setenv("COORDINATOR_IDS", "1001")
    monkeypatch.setenv("BOT_USERNAME", "mcu_test_bot")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    return tmp_path


def test_import_prints_invites_and_export_round_trips(
    admin_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = admin_env / "directory.csv"
    source.write_text(DIRECTORY_CSV, encoding="utf-8")
    assert main(["directory", "import", str(source)]) == 0
    out = capsys.readouterr().out
    assert "Загружено строк: 6; новых сотрудников: 6" in out
    links = [line for line in out.splitlines() if "https://t.me/mcu_test_bot?start=" in line]
    assert len(links) == 6
    assert any(line.strip().startswith("Иванова Анна Сергеевна, МКУ «УРЖКК»:") for line in links)

    exported = admin_env / "export.csv"
    assert main(["directory", "export", str(exported)]) == 0
    text = exported.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "организация;тематический блок;фио;должность;роль;курирует"
    assert (
        "Администрация;;Кузнецов Кирилл Олегович;заместитель главы;заместитель главы;"
        '"МКУ «УРЖКК»; МУП «Междуреченский водоканал»"' in text
    )
    capsys.readouterr()
    # Importing the export changes nothing and re-prints the same unused invites.
    assert main(["directory", "import", str(exported)]) == 0
    again = capsys.readouterr().out
    assert "новых сотрудников: 0; отключено (нет в файле): 0" in again
    assert sorted(line for line in again.splitlines() if "t.me" in line) == sorted(links)


def test_bad_row_rejects_the_whole_file(
    admin_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = admin_env / "good.csv"
    good.write_text(DIRECTORY_CSV, encoding="utf-8")
    assert main(["directory", "import", str(good)]) == 0
    capsys.readouterr()
    bad = admin_env / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    assert main(["directory", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "ничего не изменено" in err
    assert "строка 3: неизвестная роль «менеджер»" in err
    assert "строка 4: для исполнителя нужны организация и тематический блок" in err
    assert "строка 5: больше значений, чем столбцов в заголовке" in err
    # Nothing was written: the earlier directory is intact.
    assert main(["directory", "export"]) == 0
    assert capsys.readouterr().out.count("\n") == 7


def test_cp1251_and_missing_columns(admin_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    legacy = admin_env / "excel.csv"
    legacy.write_bytes(DIRECTORY_CSV.encode("cp1251"))
    assert main(["directory", "import", str(legacy)]) == 0
    capsys.readouterr()
    broken = admin_env / "broken.csv"
    broken.write_text("организация;фио\nМКУ;Иванов\n", encoding="utf-8")
    assert main(["directory", "import", str(broken)]) == 1
    assert "строка 1: в заголовке нет столбцов: тематический блок, должность, роль" in (
        capsys.readouterr().err
    )
    header_only = admin_env / "empty.csv"
    header_only.write_text("организация;тематический блок;фио;должность;роль\n", encoding="utf-8")
    assert main(["directory", "import", str(header_only)]) == 1
    assert "в файле нет ни одного сотрудника" in capsys.readouterr().err
    assert main(["directory", "import", str(admin_env / "nope.csv")]) == 1
    assert "Файл не найден" in capsys.readouterr().err


def run_bot(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"BOT_TOKEN", "TIMEZONE", "COORDINATOR_IDS", "BOT_API_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_and_malformed_settings_are_named(tmp_path: Path) -> None:
    result = run_bot({}, tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN: не задан" in result.stderr
    assert "TIMEZONE: не задан" in result.stderr
    assert "COORDINATOR_IDS: не задан" in result.stderr

    secret = "12345:this-is-a-secret-but-malformed-token!!"
    result = run_bot(
        {
            "BOT_TOKEN": secret,
            "TIMEZONE": "Mars/Olympus",
            "COORDINATOR_IDS": "abc",
            "BOT_API_URL": "ftp://x",
        },
        tmp_path,
    )
    assert result.returncode == 2
    for name in ("BOT_TOKEN", "TIMEZONE", "COORDINATOR_IDS", "BOT_API_URL"):
        assert f"{name}: задан неверно" in result.stderr
    assert "secret" not in result.stderr + result.stdout


def test_deadlines_and_calendar_commands(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["deadlines", "--category", "ordinary", "--detected", "2025-12-30T16:00", "--json"]
    assert main(args) == 0
    due = json.loads(capsys.readouterr().out)
    assert set(due) == {
        "route",
        "decline",
        "answer",
        "final",
        "part",
        "approve",
        "rework",
        "publish",
    }
    # 30.12.2025 ends at 16:00 (pre-holiday), the next working day is 12.01.2026.
    assert due["answer"] == "2026-01-12T14:00:00+05:00"
    assert due["final"] == "2026-01-12T17:00:00+05:00"
    assert main([*args[:-1], "--profile", "mezhdurechensk", "--json"]) == 0
    mezh = json.loads(capsys.readouterr().out)
    assert mezh["first_reply"] == "2026-01-12T09:00:00+07:00"
    assert mezh["answer"] == "2026-01-12T16:00:00+07:00"

    assert main(["calendar", "2026-01"]) == 0
    month = capsys.readouterr().out
    assert "09.01 пт  нерабочий (Выходной (перенесено с 03.01.2026))" in month
    assert "12.01 пн  08:00–17:00  9 ч" in month
    assert "Рабочих дней: 15, рабочих часов: 135 ч" in month
    assert main(["calendar", "2026-13"]) == 2
    assert "нужно ГГГГ-ММ" in capsys.readouterr().err
    assert main(["deadlines", "--category", "high", "--detected", "x", "--profile", "nope"]) == 2
    assert "профиль «nope» не найден" in capsys.readouterr().err
