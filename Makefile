# One entry point for installing and checking, used by the README and by CI.
PYTHON ?= python3

.PHONY: install test lint bench demo

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
	lint-imports

# the README's test command: install, then the whole suite and the static checks
test: install
	$(PYTHON) -m pytest
	$(MAKE) lint

bench:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PYTHON) bench/run.py

demo:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	workreport demo
