# make run  — установить зависимости (один раз) и запустить бота
# make test — тесты; make lint — ruff и mypy
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	@test -f .env || { cp .env.example .env; echo "Создан .env из .env.example — впишите BOT_TOKEN, TIMEZONE и COORDINATOR_IDS и запустите снова."; exit 1; }
	$(PY) -m bot

test: $(VENV)/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
