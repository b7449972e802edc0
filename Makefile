# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export INKWELL_DATABASE_URL ?= sqlite:///./inkwell.db

.PHONY: install run test lint format openapi bench bench-smoke reader clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  ## migrate, load the demo site, serve on http://127.0.0.1:8000
	$(BIN)/inkwell migrate
	$(BIN)/inkwell seed demo
	$(BIN)/inkwell serve --host 127.0.0.1 --port 8000

test: install  ## the whole suite, on SQLite and PostgreSQL
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix app tests migrations bench
	$(BIN)/ruff format app tests migrations bench

openapi: install  ## rewrite the committed openapi.json from the app
	$(BIN)/inkwell openapi --output openapi.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache inkwell.db inkwell.db-wal inkwell.db-shm
