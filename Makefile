# `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench soak clean messages

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
	$(BIN)/python bench/web.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/grievances.py


# Not part of `make test`: minutes of load and faults against the PostgreSQL at SEVA_SOAK_POSTGRES_URL
# (default postgresql+asyncpg://postgres@127.0.0.1:5432/test); docs/operations.md has its last result.
soak: $(STAMP)
	$(BIN)/python scripts/soak.py

# The web page's messages: extract them from the templates and code, and add new ones to every language's
# catalogue (translate the new entries in gateway/web/locale/hi/LC_MESSAGES/messages.po; tests/web fails
# on any left untranslated). The application compiles the catalogues when it starts.
messages: $(STAMP)
	$(BIN)/pybabel extract -F gateway/web/babel.cfg -o gateway/web/locale/messages.pot --no-location \
		--sort-output --project seva --copyright-holder "seva contributors" .
	$(BIN)/pybabel update -i gateway/web/locale/messages.pot -d gateway/web/locale --no-wrap --no-fuzzy-matching \
		--ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache seva-data
