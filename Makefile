# Every target works on a fresh clone with only python3 and make: the first use builds .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-sqlite lint bench bench-quick install vendor clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[server,pos,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/caisse demo

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@# alembic check: the models and the migrations must not drift (on a fresh SQLite here,
	@# and on both databases in tests/test_migrations.py)
	@tmp=$$(mktemp -d) && DATABASE_URL=sqlite:///$$tmp/check.sqlite3 $(BIN)/caisse db upgrade >/dev/null \
	  && DATABASE_URL=sqlite:///$$tmp/check.sqlite3 $(BIN)/caisse db check; status=$$?; rm -rf $$tmp; exit $$status

bench: $(STAMP)
	$(BIN)/python -m bench all

bench-quick: $(STAMP)
	$(BIN)/python -m bench all --quick

# Refresh the browser libraries vendored from npm (needs npm); the result is committed.
vendor:
	bash scripts/vendor-pos.sh
	bash scripts/vendor-console.sh
	bash scripts/vendor-test.sh

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
