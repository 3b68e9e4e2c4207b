# Kundennah: the two commands of the README, and a few helpers.
#   make demo   set up and run the platform on SQLite with German demo data
#   make test   set up and run the whole test suite (lint, types, tests)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint types pytest install install-dev messages vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

demo: $(VENV)/.runtime
	$(BIN)/kundennah demo

lint: $(VENV)/.dev
	$(BIN)/ruff check kundennah benchmarks conftest.py

types: $(VENV)/.dev
	$(BIN)/mypy kundennah

pytest: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint types pytest

# Translations: extract with gettext, then compile the .mo files that are committed.
messages: $(VENV)/.dev
	cd kundennah && ../$(BIN)/django-admin makemessages -l de --no-obsolete --settings=kundennah.settings -i "static/*"
	cd kundennah && ../$(BIN)/django-admin makemessages -d djangojs -l de --no-obsolete --settings=kundennah.settings -i "static/vendor/*"
	$(BIN)/python -m kundennah.core.compile_messages

vendor:
	./scripts/vendor-static

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
