# The two commands of the README: `make drill` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: setup drill test lint bench
setup: $(BIN)/.installed

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
