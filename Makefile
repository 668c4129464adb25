# Every target creates .venv on first use; nothing relies on what was installed by hand.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app desk
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: run test bench lint translations install

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(VENV)/bin/pybabel compile -d desk/translations -f

run: install
	mkdir -p instance
	$(FLASK) db upgrade -d migrations
	$(FLASK) desk serve --demo

lint: install
	$(VENV)/bin/ruff check desk integrations tests benchmarks scripts
	$(VENV)/bin/lint-imports

test: install
	bash scripts/test.sh

bench: install
	$(PY) -m benchmarks
