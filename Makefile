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

# Every benchmark, each beside its baseline measured in the same run; each appends its rows to one file
# (bench/figures.py), and bench/table.py prints them all and keeps the table in docs/performance.md.
# A benchmark that misses a goal or fails does not stop the others.
BENCH_SCRIPTS := catalogue rules_cel security applications lookup_privacy deadlines web registry http_load audit grievances grievance_reports
BENCH_ARGS_registry := --members 200000 --lookups 2000 --families 500
BENCH_ARGS_deadlines := --sizes 100000
bench: $(STAMP)
	@started=$$(date +%s); export SEVA_BENCH_FIGURES=$$(mktemp --suffix=.jsonl); \
	for script in $(BENCH_SCRIPTS); do \
		case $$script in registry) extra="$(BENCH_ARGS_registry)";; deadlines) extra="$(BENCH_ARGS_deadlines)";; \
			*) extra="";; esac; \
		echo "\n######## bench/$$script.py $$extra"; \
		$(BIN)/python bench/$$script.py $$extra || echo "bench/$$script.py exited with $$?"; \
	done; \
	$(BIN)/python bench/table.py --started $$started --write docs/performance.md


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
