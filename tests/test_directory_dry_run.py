"""`python -m bot directory import FILE --dry-run`: what the import would add, switch off
and change, told before anything is written (issue 18, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import DIRECTORY_CSV, TOKEN


@pytest.fixture
def admin_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_USERNAME", "mcu_test_bot")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    return tmp_path


def test_dry_run_tells_the_changes_and_writes_nothing(
    admin_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = admin_env / "directory.csv"
    source.write_text(DIRECTORY_CSV, encoding="utf-8")
    assert main(["directory", "import", str(source)]) == 0
    assert main(["directory", "export"]) == 0
    capsys.readouterr()
    database = admin_env / "db.sqlite3"
    before = database.read_bytes()

    changed = (
        DIRECTORY_CSV.replace("Сидоров Семён Ильич", "Новиков Нил Ильич")
        .replace("пресс-секретарь", "пресс-служба")
        .replace("Образование;Петров", "Соцсфера;Петров")
    )
    edited = admin_env / "edited.csv"
    edited.write_text(changed, encoding="utf-8")
    assert main(["directory", "import", str(edited), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "в базе ничего не изменено" in out
    assert "+ Новиков Нил Ильич, исполнитель, МУП «Междуреченский водоканал»" in out
    assert "− Сидоров Семён Ильич, исполнитель, МУП «Междуреченский водоканал»" in out
    assert "~ Иванова Анна Сергеевна: должность «пресс-секретарь» → «пресс-служба»" in out
    assert "~ МКУ «Управление образованием»: блок «Образование» → «Соцсфера»" in out
    assert "t.me" not in out  # no invites: nobody was added
    assert database.read_bytes() == before

    assert main(["directory", "export"]) == 0
    assert "Сидоров Семён Ильич" in capsys.readouterr().out
    assert main(["directory", "import", str(source), "--dry-run"]) == 0
    assert "Изменений нет" in capsys.readouterr().out
