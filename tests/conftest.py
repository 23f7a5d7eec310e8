"""Shared test fixtures: where the shared material (seeds, gold, corpus) lives."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKREPORT_SHARED", ROOT.parent / "shared"))
REPORTS = ROOT / "tests" / "data" / "reports"


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material not present: {path}")
    return path


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
