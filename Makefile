# One entry point for installing and checking, used by the README and by CI.
PYTHON ?= python3

.PHONY: install test lint bench demo

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
	lint-imports

# the README's test command: install (Python packages; Debian's chromium and a CJK font
# for the browser tests), start a throwaway PostgreSQL server (installing Debian's package
# if needed), run the whole suite on SQLite and PostgreSQL, then the static checks
test: install
	scripts/install-browser
	WORKREPORT_TEST_PG_URL="$$(scripts/postgres-test-server start)" $(PYTHON) -m pytest
	$(MAKE) lint

bench:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PYTHON) bench/run.py

demo:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	workreport demo
