# `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/seva registry demo
	SEVA_DEMO=1 $(BIN)/seva serve

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/catalogue.py
	$(BIN)/python bench/rules_cel.py
	$(BIN)/python bench/security.py
	$(BIN)/python bench/applications.py
	$(BIN)/python bench/lookup_privacy.py
	$(BIN)/python bench/deadlines.py

# Not part of `make test`: minutes of load and faults against the PostgreSQL at SEVA_SOAK_POSTGRES_URL
# (default postgresql+asyncpg://postgres@127.0.0.1:5432/test); docs/operations.md has its last result.
soak: $(STAMP)
	$(BIN)/python scripts/soak.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache seva-data
