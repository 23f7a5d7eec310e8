"""Schemathesis against /openapi.json: generated requests never cause a server error.

Runs on a SQLite registry holding the project's own reports, as an editor with an API
token (so write endpoints are exercised too, not only refused). The number of examples
per operation is bounded to keep the suite fast."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import REPORTS
from workreport import registry
from workreport.registry.users import add_user, create_token
from workreport.store import Database
from workreport.web import Settings, create_app

_DIR = tempfile.mkdtemp(prefix="workreport-fuzz-")
_DB = Database(str(Path(_DIR) / "fuzz.sqlite"))
registry.ingest(_DB, [REPORTS / "county_2023.txt", REPORTS / "press_2024.txt"])
add_user(_DB, "fuzzer", "long enough password", "editor")
TOKEN = create_token(_DB, "fuzzer")
APP = create_app(Settings(db_url=_DB.url, secret_key="f" * 48), db=_DB)

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    if case.method == "DELETE":
        return  # deleting the fixture documents would starve the other operations
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
