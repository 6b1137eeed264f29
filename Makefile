# make run: install, migrate, seed and serve on SQLite.  make test: install and run the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-sqlite test-postgres fuzz bench bench-quick bench-checks lint clean openapi screenshots client

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/alembic upgrade head
	$(BIN)/flask --app wsgi seed
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	tests/with_postgres.sh $(BIN)/pytest

# Only the property-based fuzzing of the API (tests/test_fuzz_api.py), with a deep budget.
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(BIN)/pytest tests/test_fuzz_api.py

# The exchange against the bare reference (bench/drive.py): both databases, 10k, 100k and
# 1M ratings, 8 s rounds; results in bench/results/. BENCH_ARGS picks other sizes, e.g.
# make bench BENCH_ARGS="--databases sqlite --ratings 10000 --round-seconds 3".
BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/drive.py $(BENCH_ARGS)

# A small run: 10,000 ratings on both databases, 3 s rounds (a few minutes).
bench-quick: $(BENCH_STAMP)
	$(BIN)/python bench/drive.py --ratings 10000 --round-seconds 3 $(BENCH_ARGS)

# The in-process scaling checks (bench/run.py): statements and allocations that must not
# grow with the number of ratings, paging that never repeats or skips.
bench-checks: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/python -m ruff check exchange tests seed bench

clean:
	rm -rf $(VENV) instance .pytest_cache $(FRONTEND)/node_modules $(FRONTEND)/api.d.ts

openapi: install
	$(BIN)/flask --app wsgi openapi write --format=yaml openapi.yaml

# The results page as the docs show it (docs/img), from the demo data in a throwaway database.
screenshots: install
	$(BIN)/python -m tests.pages.screenshots docs/img

# The contract as a frontend sees it: TypeScript types generated from openapi.yaml
# (openapi-typescript, pinned in docs/frontend/package-lock.json) and the example voting
# page type-checked against them, so a change to the contract that breaks a page fails here.
FRONTEND := docs/frontend
NPM_STAMP := $(FRONTEND)/node_modules/.installed-stamp

$(NPM_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

client: $(NPM_STAMP)
	cd $(FRONTEND) && ./node_modules/.bin/openapi-typescript ../../openapi.yaml --output api.d.ts --silent
	cd $(FRONTEND) && ./node_modules/.bin/tsc --noEmit -p .
