# make run  — установить зависимости (один раз) и запустить бота
# make test — тесты; make lint — ruff и mypy
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: run test lint

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Нужен Python 3.11 или новее, а $(PYTHON) — $$(command -v $(PYTHON) >/dev/null && $(PYTHON) --version 2>&1 || echo 'не найден')."; \
	  echo "Установите его (например, пакет python3.11) и запустите: make PYTHON=python3.11 $(MAKECMDGOALS)"; \
	  exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "В $(PYTHON) нет модуля venv: установите пакет python3-venv (Debian, Ubuntu)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	@test -f .env || { cp .env.example .env; echo "Создан .env из .env.example — впишите BOT_TOKEN и COORDINATOR_IDS (TIMEZONE уже заполнен) и запустите снова."; exit 1; }
	$(PY) -m bot

test: $(VENV)/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
