# The two commands of the README: `make drill` and `make test`. Each sets up what it needs first, with the
# versions pinned in requirements.lock; `make lock` pins the newest versions again, `make upgrade` tests them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements.lock

# check-lock is order-only: it runs every time (a lock that no longer matches pyproject.toml stops everything
# before anything is installed) without forcing a reinstall; a changed pyproject.toml or lock reinstalls.
$(BIN)/.installed: pyproject.toml $(LOCK) | check-lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $@

.PHONY: setup drill test lint bench check-lock lock upgrade
setup: $(BIN)/.installed

check-lock:
	@$(PYTHON) tools/lock.py check

drill: $(BIN)/.installed
	$(BIN)/drillbit run oauth-refresh-failing

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	bash .ci/pytest

bench: $(BIN)/.installed
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# The newest versions pyproject.toml allows, installed in a fresh virtual environment and frozen into the lock.
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip && \
	"$$tmp/venv/bin/python" -m pip install --quiet -e '.[dev]' && \
	"$$tmp/venv/bin/python" -m pip freeze --exclude-editable > "$$tmp/freeze.txt" && \
	$(PYTHON) tools/lock.py write "$$tmp/freeze.txt"

upgrade: lock
	$(MAKE) test
