# make run: install, migrate, seed and serve on SQLite.  make test: install and run the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-sqlite test-postgres fuzz bench lint clean openapi

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

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/python -m ruff check exchange tests seed bench

clean:
	rm -rf $(VENV) instance .pytest_cache

openapi: install
	$(BIN)/flask --app wsgi openapi write --format=yaml openapi.yaml
