# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export INKWELL_DATABASE_URL ?= sqlite:///./inkwell.db

.PHONY: install run test lint format openapi bench bench-smoke reader reader-build clean

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

test: install  ## the whole suite, on SQLite and PostgreSQL, then the benchmark's smoke run
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
	$(MAKE) bench-smoke

bench: install  ## the benchmark: 100,000 articles (BENCH_ARGS="--articles 1000000"), both stores
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-smoke: install  ## a few seconds per endpoint on a throw-away store; numbers reported, not asserted
	$(BIN)/python -m bench --smoke --out bench/results/smoke

lint: install
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix app tests migrations bench
	$(BIN)/ruff format app tests migrations bench

openapi: install  ## rewrite the committed openapi.json from the app
	$(BIN)/inkwell openapi --output openapi.json

READER_ORIGIN := http://127.0.0.1:5173

reader-build:  ## the reader frontend: npm ci (once), API types from openapi.json, tsc
	cd examples/reader && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build

reader: install reader-build  ## the API with the demo site on :8000 and the reader frontend on :5173
	$(BIN)/inkwell migrate
	$(BIN)/inkwell seed demo
	INKWELL_CORS_ORIGINS=$(READER_ORIGIN) \
	INKWELL_NEWSLETTER_CONFIRM_PAGE_URL=$(READER_ORIGIN)/newsletter/confirm \
	INKWELL_NEWSLETTER_UNSUBSCRIBE_PAGE_URL=$(READER_ORIGIN)/newsletter/unsubscribe \
	$(BIN)/inkwell serve --host 127.0.0.1 --port 8000 & api=$$!; \
	trap 'kill $$api 2>/dev/null' EXIT INT TERM; \
	INKWELL_API_URL=http://127.0.0.1:8000 READER_PORT=5173 node examples/reader/serve.mjs

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache inkwell.db inkwell.db-wal inkwell.db-shm
