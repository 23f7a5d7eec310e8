# One entry point for installing and checking, used by the README and by CI.
PYTHON ?= python3

.PHONY: install test lint bench demo compiled pure clean-compiled

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

# the benchmarks in one run, each section with its baseline and goal, at the sizes the goals
# name (the first run builds the 10,000-report web database, about 7–10 minutes on 2 cores;
# later runs reuse the cached corpora and database: about 15 minutes; the first run, and the first
# after a change to src/, also compiles a copy of the extractor for the compiled build's figures,
# about 3 CPU-minutes, bench/compiled.py); smaller: make bench
# BENCH_WEB_DOCS=1000 …
BENCH_INGEST_DOCS ?= 140
BENCH_INGEST_ROUNDS ?= 3  # each run's best of 3: one round on a shared 2-core machine varies by ±20%
BENCH_WEB_DOCS ?= 10000
BENCH_WEB_REQUESTS ?= 200
BENCH_PROJECT_DOCS ?= 140
bench:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@echo "== 1. extraction: read + extract vs jieba (bench/run.py)"
	$(PYTHON) bench/run.py
	@echo "== 2. ingest vs extract, 2 workers vs 1 (bench/ingest.py)"
	$(PYTHON) bench/ingest.py --docs $(BENCH_INGEST_DOCS) --rounds $(BENCH_INGEST_ROUNDS)
	@echo "== 3. API p95 vs a static file (bench/web.py)"
	$(PYTHON) bench/web.py --docs $(BENCH_WEB_DOCS) --requests $(BENCH_WEB_REQUESTS)
	@echo "== 4. projection to 100,000 reports (bench/scale.py --project)"
	$(PYTHON) bench/scale.py --project --docs $(BENCH_PROJECT_DOCS)

demo:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	workreport demo

# the optional compiled build (README "Compiled build"): mypyc compiles the extractor's hot
# modules (workreport/buildinfo.py) into extension modules next to their .py files in src/,
# which the editable install then imports; `make pure` removes them again. `workreport
# --version` says which build is imported (stale or mixed builds included).
compiled:
	WORKREPORT_COMPILE=1 $(PYTHON) setup.py --quiet build_ext --inplace
	@PYTHONPATH=src $(PYTHON) -c "from workreport.buildinfo import describe; print('workreport build:', describe())"

pure clean-compiled:
	find src \( -name '*.so' -o -name '*.pyd' \) -print -delete
	rm -rf build/mypyc build/temp.* build/lib.*
	@PYTHONPATH=src $(PYTHON) -c "from workreport.buildinfo import describe; print('workreport build:', describe())"
