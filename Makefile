# Every target works on a fresh clone with only python3 and make: the first use builds .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-dates test-deps test-sqlite lint audit bench bench-quick install vendor clean

$(STAMP): pyproject.toml
	@# Debian and Ubuntu ship venv's ensurepip apart: say so instead of venv's long error
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "make: python3 cannot create a virtualenv here: install python3-venv (sudo apt-get install python3-venv)" >&2; \
	  echo "make: python3 ne peut pas créer d'environnement virtuel ici : installez python3-venv (sudo apt-get install python3-venv)" >&2; \
	  exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[server,pos,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/caisse demo

# A test that needs a system program this machine lacks is skipped, and the run ends with a
# line naming them; CAISSE_TESTS_REQUIRE_PROGRAMS=1 (CI) makes such a test fail instead.
# Two workers (pytest-xdist), a test file each at a time: every worker has its own PostgreSQL
# schema and temporary folders, so they never meet; TEST_JOBS=0 runs everything in one process.
TEST_JOBS ?= 2
test: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_JOBS) --dist loadfile

# The date-sensitive part of the suite at instants where the fund's calendar turns (month and
# year ends, 29 February, both DST switches), every process's clock moved by libfaketime
# (make test-deps installs it); DATES="2027-10-31T00:59:40Z ..." picks the instants.
test-dates: $(STAMP)
	$(BIN)/python scripts/test_dates.py $(DATES)

# The Debian packages of those programs (tests/system_programs.py), with apt-get as root or
# through sudo; otherwise it prints the command to run, and fails.
test-deps:
	PYTHON=$(PYTHON) bash scripts/test-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@# import rules (pyproject.toml [tool.importlinter], explained in docs/ARCHITECTURE.md)
	$(BIN)/lint-imports --no-cache
	@# the README's tree is the code's (scripts/layout.py --write rewrites it)
	$(BIN)/python scripts/layout.py --check
	@# translations: every message the code uses is in every locale/ catalogue, compiled files current
	$(BIN)/python scripts/catalogues.py check
	@# alembic check: the models and the migrations must not drift (on a fresh SQLite here,
	@# and on both databases in tests/test_migrations.py)
	@tmp=$$(mktemp -d) && DATABASE_URL=sqlite:///$$tmp/check.sqlite3 $(BIN)/caisse db upgrade >/dev/null \
	  && DATABASE_URL=sqlite:///$$tmp/check.sqlite3 $(BIN)/caisse db check; status=$$?; rm -rf $$tmp; exit $$status
	@# security: bandit fails on any finding of medium or high severity (config: [tool.bandit]);
	@# a false positive carries `# nosec BXXX` with its reason beside it
	$(BIN)/bandit -c pyproject.toml -r wallet_server pos_client paytoken bench testsupport -q --severity-level medium
	@$(MAKE) --no-print-directory audit

# Known vulnerabilities in the installed packages (pip-audit). A vulnerability fails. So does an
# audit that could not be done, where PIP_AUDIT_REQUIRED=1 (CI); elsewhere it is said loudly,
# never passed over in silence: pip-audit alone exits 0 when its service cannot be reached.
audit: $(STAMP)
	@out=$$(mktemp); status=unreachable; \
	for service in pypi osv; do \
	  if $(BIN)/pip-audit --strict --skip-editable --progress-spinner off \
	      --vulnerability-service $$service >$$out 2>&1; then status=clean; break; fi; \
	  if grep -q "known vulnerabilit" $$out; then status=vulnerable; break; fi; \
	  echo "pip-audit ($$service): $$(grep -v '^ ' $$out | tail -n 1)"; \
	done; \
	case $$status in \
	  clean) echo "pip-audit: no known vulnerability ($$service)"; rm -f $$out ;; \
	  vulnerable) cat $$out; rm -f $$out; exit 1 ;; \
	  *) rm -f $$out; \
	     echo "pip-audit: AUDIT NOT DONE: no vulnerability service (PyPI, OSV) answered from this machine."; \
	     echo "           Run 'make audit' where one does; PIP_AUDIT_REQUIRED=1 makes this an error."; \
	     if [ "$${PIP_AUDIT_REQUIRED:-0}" = 1 ]; then exit 1; fi ;; \
	esac

bench: $(STAMP)
	$(BIN)/python -m bench all

bench-quick: $(STAMP)
	$(BIN)/python -m bench all --quick

# Refresh the browser libraries vendored from npm (needs npm); the result is committed.
vendor:
	bash scripts/vendor-pos.sh
	bash scripts/vendor-console.sh
	bash scripts/vendor-till.sh
	bash scripts/vendor-test.sh

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
