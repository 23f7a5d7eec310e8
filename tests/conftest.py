"""Shared test fixtures: where the shared material (seeds, gold, corpus) lives."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from workreport.store import Database

ROOT = Path(__file__).resolve().parent.parent


def bench_module(name: str) -> ModuleType:
    """``bench/<name>.py`` loaded as module ``bench_<name>`` (the benchmarks are scripts, not a
    package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module
SHARED = Path(os.environ.get("WORKREPORT_SHARED", ROOT.parent / "shared"))
REPORTS = ROOT / "tests" / "data" / "reports"


MISSING = "not present"  # every skip for missing material says so: in CI it is a failure


def migrate_down(database: Database, revision: str) -> None:
    """Run the migrations of ``database`` down to ``revision`` on its writer's connection (which
    has the store's SQL functions); opening the database again brings it back to head."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workreport.store").joinpath("migrations")))
    with database.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def shared_or_skip(*parts: str) -> Path:
    """A path under the shared folder; the test is skipped (failed in CI) if it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material {MISSING}: {path} (set WORKREPORT_SHARED)")
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (CI=true) a test skipped because material is missing fails, saying what is missing:
    a green run must never hide that the accuracy floors or the browser tests did not run."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and os.environ.get("CI") and MISSING in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"in CI this must run, but: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}"


def pytest_report_header() -> str:
    """Which build the tests import: the pure package, or extension modules that ``make compiled``
    left in src/ (``make pure`` removes them)."""
    from workreport.buildinfo import describe

    return f"workreport build: {describe()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests were skipped for missing material, and what to do about it."""
    missing = [r for r in terminalreporter.stats.get("skipped", []) if MISSING in str(r.longrepr)]
    if missing:
        terminalreporter.write_line(
            f"{len(missing)} tests skipped because material is not present (the shared folder "
            f"{SHARED}, chromium, a database server): in CI they fail instead",
            yellow=True,
        )


# --------------------------------------------------------------------------- databases
#
# Every database test runs on SQLite and on PostgreSQL. The PostgreSQL server's URL comes
# from WORKREPORT_TEST_PG_URL (scripts/postgres-test-server prints one); each test gets a
# database of its own. In CI a missing server is an error, never a silent skip.

PG_URL = os.environ.get("WORKREPORT_TEST_PG_URL")


def _fresh_pg_database(base_url: str) -> tuple[str, str]:
    import uuid

    import psycopg

    name = f"wr_{uuid.uuid4().hex[:12]}"
    dsn = base_url.replace("postgresql+psycopg://", "postgresql://")
    admin = dsn.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}", name


def _drop_pg_database(base_url: str, name: str) -> None:
    import psycopg

    admin = base_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workreport.sqlite'}"
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail(
                "WORKREPORT_TEST_PG_URL is not set: CI must start PostgreSQL (scripts/postgres-test-server)"
            )
        pytest.skip("no PostgreSQL server: set WORKREPORT_TEST_PG_URL (scripts/postgres-test-server start)")
    url, name = _fresh_pg_database(PG_URL)
    try:
        yield url
    finally:
        _drop_pg_database(PG_URL, name)
