"""Setting the bot up as the municipal IT person does: the README's and the shipped directory
examples import as they are, each command reads only the settings it uses, the first run
names exactly what is missing, a coordinator may come from the directory, a stop prints no
traceback, and the live database can be backed up."""

from __future__ import annotations

import re
import shlex
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from bot.__main__ import main, parse_args, settings_to_run
from bot.config import Settings, SettingsError
from bot.domain.directory_file import parse_directory
from bot.domain.model import Role
from tests.conftest import COORDINATOR_ID, TOKEN, Harness
from tests.emulator import Emulator, User

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "directory-mezhdurechensk.csv"


def code_blocks(doc: str) -> list[tuple[str, str]]:
    """(language, text) of each fenced block of a Markdown text."""
    blocks: list[tuple[str, str]] = []
    language: str | None = None
    lines: list[str] = []
    for line in doc.splitlines():
        if language is None and line.startswith("```"):
            language, lines = line[3:].strip(), []
        elif language is not None and line.strip() == "```":
            blocks.append((language, "".join(f"{x}\n" for x in lines)))
            language = None
        elif language is not None:
            lines.append(line)
    return blocks


def readme_csv_examples() -> list[str]:
    return [text for language, text in code_blocks(README) if language == "csv"]


def db_rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def bare_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No setting from the environment at all, and no .env: only what a test gives."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return tmp_path


def import_file(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["directory", "import", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_csv_example_of_the_readme_imports_as_it_is(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_USERNAME", "mcu_test_bot")
    examples = readme_csv_examples()
    assert examples, "the README shows no ```csv block"
    for number, text in enumerate(examples):
        monkeypatch.setenv("DATABASE_PATH", str(bare_env / f"readme{number}.sqlite3"))
        source = bare_env / f"readme{number}.csv"
        source.write_text(text, encoding="utf-8")
        code, out, err = import_file(source, capsys)
        assert code == 0, err
        people = len([line for line in text.splitlines()[1:] if line.strip()])
        assert f"Загружено строк: {people}; новых сотрудников: {people}" in out
        assert "проверьте" not in out  # nothing half-right in the README
        assert out.count("https://t.me/mcu_test_bot?start=") == people


def test_the_shipped_directory_of_appendix_3_imports(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "examples/directory-mezhdurechensk.csv" in README
    db = bare_env / "db.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    monkeypatch.setenv("BOT_USERNAME", "mcu_test_bot")
    code, out, err = import_file(EXAMPLE, capsys)
    assert code == 0, err
    assert "Загружено строк: 38; новых сотрудников: 38; отключено (нет в файле): 0." in out
    assert "проверьте" not in out
    assert out.count("https://t.me/mcu_test_bot?start=") == 38
    # The 34 organisations of the appendix; all but the control centre take incidents.
    assert db_rows(db, "SELECT COUNT(*) FROM organisations WHERE active = 1") == [(34,)]
    routable = db_rows(
        db,
        "SELECT o.name FROM organisations o WHERE EXISTS (SELECT 1 FROM people p"
        " WHERE p.organisation_id = o.id AND p.role = 'executor' AND p.active = 1)",
    )
    assert len(routable) == 33
    assert ("МКУ «ЕДДС МГО»",) not in routable
    assert db_rows(
        db, "SELECT full_name FROM people WHERE role = 'coordinator' ORDER BY full_name"
    ) == [("Ивакина Наталья Сергеевна",), ("Тищенко Анастасия Владимировна",)]
    # Every organisation with executors is supervised by one of the two deputy heads.
    unsupervised = db_rows(
        db,
        "SELECT COUNT(*) FROM organisations o WHERE o.block_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM supervision s WHERE s.organisation_id = o.id)",
    )
    assert unsupervised == [(0,)]
    # Placeholder people are marked as such.
    placeholders = db_rows(db, "SELECT role FROM people WHERE full_name LIKE 'ОБРАЗЕЦ%'")
    assert sorted(str(r[0]) for r in placeholders) == ["head", "supervisor", "supervisor"]


def test_removing_an_organisations_last_executor_keeps_the_deputy_row(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = bare_env / "db.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    monkeypatch.setenv("BOT_USERNAME", "mcu_test_bot")
    full = readme_csv_examples()[0]
    source = bare_env / "people.csv"
    source.write_text(full, encoding="utf-8")
    assert import_file(source, capsys)[0] == 0

    water = "МУП «Междуреченский водоканал»"
    lines = full.splitlines()
    without = [line for line in lines if not line.startswith(water)]
    assert len(without) == len(lines) - 1
    source.write_text("\n".join(without) + "\n", encoding="utf-8")
    code, out, err = import_file(source, capsys)
    assert code == 0, err
    assert "отключено (нет в файле): 1." in out
    deputy_line = next(n for n, line in enumerate(without, 1) if "заместитель главы" in line)
    assert f"строка {deputy_line}: у курируемой организации «{water}» нет исполнителей" in out, out
    # The deputy head still supervises it; it keeps its block but takes no incidents.
    assert db_rows(
        db,
        "SELECT o.active, b.name, p.full_name FROM organisations o"
        " JOIN blocks b ON b.id = o.block_id JOIN supervision s ON s.organisation_id = o.id"
        " JOIN people p ON p.id = s.person_id WHERE o.name = ?",
        water,
    ) == [(1, "ЖКХ", "Кузнецов Кирилл Олегович")]
    assert db_rows(
        db,
        "SELECT COUNT(*) FROM people p JOIN organisations o ON o.id = p.organisation_id"
        " WHERE o.name = ? AND p.active = 1",
        water,
    ) == [(0,)]

    # The executor back: no warning, nobody new, the supervision untouched.
    source.write_text(full, encoding="utf-8")
    code, out, _ = import_file(source, capsys)
    assert code == 0
    assert "новых сотрудников: 0" in out
    assert "проверьте" not in out


def test_directory_backup_and_deadlines_need_only_their_settings(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What the bot itself would refuse: no token, no coordinator, a wrong time zone.
    (bare_env / ".env").write_text(
        "BOT_TOKEN=\nTIMEZONE=Mars/Olympus\nCOORDINATOR_IDS=\n"
        "DATABASE_PATH=data/bot.sqlite3\nREGULATION_PROFILE=mezhdurechensk\n",
        encoding="utf-8",
    )
    code, out, err = import_file(EXAMPLE, capsys)
    assert code == 0
    assert "укажите BOT_USERNAME (или BOT_TOKEN)" in err
    assert "Ивакина Наталья Сергеевна, МКУ «ЕДДС МГО»: https://t.me/<имя_бота>?start=" in out

    assert main(["backup", "copy.sqlite3"]) == 0
    assert "Копия базы записана в copy.sqlite3" in capsys.readouterr().out
    assert db_rows(bare_env / "copy.sqlite3", "SELECT COUNT(*) FROM people") == [(38,)]

    # REGULATION_PROFILE is read from .env as the bot reads it: Mezhdurechensk's terms.
    args = ["deadlines", "--category", "ordinary", "--detected", "2026-03-02T10:00", "--json"]
    assert main(args) == 0
    assert '"first_reply"' in capsys.readouterr().out


def test_the_first_run_names_exactly_what_is_missing(
    bare_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = bare_env / ".env"
    shutil.copy(ROOT / ".env.example", env)  # what the first `make run` does
    with pytest.raises(SettingsError) as failure:
        settings_to_run()
    problems = failure.value.problems
    assert [line.split(" — ")[0].strip() for line in problems] == [
        "BOT_TOKEN: не задан",
        "COORDINATOR_IDS: не задан",
    ]
    assert str(failure.value).startswith("Ошибка в настройках")

    # With the token, and a coordinator in the directory, COORDINATOR_IDS may stay empty.
    text = env.read_text(encoding="utf-8").replace("BOT_TOKEN=\n", f"BOT_TOKEN={TOKEN}\n")
    env.write_text(text + "BOT_USERNAME=mcu_test_bot\n", encoding="utf-8")
    with pytest.raises(SettingsError) as failure:
        settings_to_run()
    assert [line.split(":")[0].strip() for line in failure.value.problems] == ["COORDINATOR_IDS"]
    source = bare_env / "people.csv"
    source.write_text(readme_csv_examples()[0], encoding="utf-8")
    assert import_file(source, capsys)[0] == 0
    settings = settings_to_run()
    assert settings.coordinator_ids == frozenset()
    assert settings.timezone == "Asia/Yekaterinburg"


DIRECTORY_WITH_COORDINATOR = """организация;тематический блок;фио;должность;роль;курирует
МКУ «ЕДДС МГО»;;Ивакина Наталья Сергеевна;специалист;координатор;
МКУ «УРЖКК»;ЖКХ;Бамбульская Дарья Алексеевна;пресс-секретарь;исполнитель;
"""


async def test_a_coordinator_from_the_directory_works_like_a_bootstrapped_one(
    harness: Harness, emu: Emulator
) -> None:
    assert harness.app is not None
    result = await harness.app.directory.import_csv(DIRECTORY_WITH_COORDINATOR)
    codes = {p.full_name: p.invite_code for p in result.pending_invites}
    bootstrapped = User(emu, COORDINATOR_ID, "Ольга")
    coordinator = User(emu, 5001, "Наталья", "Ивакина")  # not in COORDINATOR_IDS
    housing = User(emu, 5002, "Дарья", "Бамбульская")
    await coordinator.send(f"/start {codes['Ивакина Наталья Сергеевна']}")
    assert "Вы зарегистрированы как координатор МЦУ" in coordinator.last().text
    menu = [c["command"] for c in emu.commands[f"chat:{coordinator.id}"]]
    assert {"open", "status", "incident"} <= set(menu)
    await housing.send(f"/start {codes['Бамбульская Дарья Алексеевна']}")

    await coordinator.send("Во дворе яма", forward_from_channel="Подслушано в Междуреченске")
    card = coordinator.last()
    assert "Инцидент №1" in card.text
    assert "Обычное" in card.buttons
    await coordinator.click("Обычное", card)
    await coordinator.click("ЖКХ", card)
    answer = await coordinator.click("УРЖКК", card)
    assert answer["text"] == "Направлено: МКУ «УРЖКК»"
    executor_card = housing.find("Инцидент №1")
    await housing.click("Принять", executor_card)
    await housing.click("Ответить", executor_card)
    await housing.send("Яму засыпали.")
    await housing.click("Отправить на согласование", housing.last())
    approval = coordinator.find("На согласование: инцидент №1")
    await coordinator.click("Согласовать", approval)
    await coordinator.click("Опубликовано", coordinator.last())
    view = await harness.app.queries.view(1)
    assert view is not None
    assert view.incident.closed_at is not None
    await coordinator.send("/status")
    assert "Доставка сообщений" in coordinator.last().text
    assert not emu.failed_requests()
    # The history names the coordinator from the directory as the one who acted.
    await bootstrapped.send("/incident 1")
    history = bootstrapped.last().text
    assert "№1" in history
    assert "Ивакина" in history


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
def test_make_names_a_python_that_is_too_old(tmp_path: Path) -> None:
    old = tmp_path / "python3"
    old.write_text(
        '#!/bin/sh\n[ "$1" = "--version" ] && { echo "Python 3.9.2"; exit 0; }\nexit 1\n',
        encoding="utf-8",
    )
    old.chmod(0o755)
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "-C", str(ROOT), "run", f"PYTHON={old}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert f"Нужен Python 3.11 или новее, а {old} — Python 3.9.2." in result.stdout
    assert "make PYTHON=python3.11 run" in result.stdout
    assert not venv.exists()
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text("utf-8")


def test_the_role_column_of_appendix_3_is_understood() -> None:
    rows = parse_directory(
        "организация;тематический блок;фио;должность;роль\n"
        "МКУ «ЕДДС МГО»;;Ивакина Наталья Сергеевна;специалист;"
        "специалист по работе с системой «Инцидент менеджмент»\n"
        "МКУ «УРЖКК»;ЖКХ;Бамбульская Дарья Алексеевна;пресс-секретарь;Исполнитель\n"
    )
    assert [row.role for row in rows] == [Role.COORDINATOR, Role.EXECUTOR]


def test_every_command_the_docs_show_is_one_the_bot_has() -> None:
    shown = []
    for doc in (README, (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")):
        for language, block in code_blocks(doc):
            if language in ("bash", ""):
                # Arguments up to a comment, a pipe, `&&` or a redirection.
                shown += re.findall(r"python -m bot((?:[ \t]+(?!\d?>)[^\s#&|>]+)*)", block)
    assert len(shown) >= 6
    for args in shown:
        words = shlex.split(re.sub(r"\$\([^)]*\)", "DATE", args))
        parse_args(words)  # argparse exits on a command or an option it does not know
