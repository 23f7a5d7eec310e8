"""The web app and HTTP API: error shape, roles, CSRF, escaping, hostile input, uploads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPORTS
from workreport import registry
from workreport.registry.users import add_user, create_token
from workreport.store import Database
from workreport.web import Settings, create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    registry.ingest(database, [REPORTS / "city_2024.txt", REPORTS / "press_2024.txt"])
    add_user(database, "ed", PASSWORD, "editor")
    add_user(database, "vi", PASSWORD, "viewer")
    yield database
    database.close()


def make_client(db: Database, **settings: object) -> TestClient:
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48, **settings), db=db)  # type: ignore[arg-type]
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def client(db: Database) -> TestClient:
    return make_client(db)


def csrf_of(client: TestClient, path: str = "/") -> str:
    html = client.get(path, headers={"accept": "text/html"}).text
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "every page carries the session's CSRF token"
    return m.group(1)


def login(client: TestClient, username: str) -> str:
    token = csrf_of(client, "/login")
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client)


def first_fact_id(client: TestClient) -> int:
    return int(client.get("/api/facts", params={"per_page": 1}).json()["items"][0]["id"])


def first_commitment_id(client: TestClient) -> int:
    return int(
        client.get("/api/commitments", params={"type": "target", "per_page": 1}).json()["items"][0]["id"]
    )


# --------------------------------------------------------------------------- the error shape


def test_the_error_shape_is_pinned(client: TestClient) -> None:
    r = client.get("/api/documents/999999")
    assert r.status_code == 404
    assert r.json() == {
        "error": {"status": 404, "code": "not_found", "message": "no document with id 999999", "details": []}
    }
    r = client.get("/api/facts", params={"page": 0})
    assert r.status_code == 422
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["code"] == "invalid_request" and body["error"]["details"][0]["loc"][-1] == "page"
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.post("/api/documents")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_lists_are_paginated(client: TestClient) -> None:
    for path in ("/api/documents", "/api/facts", "/api/commitments", "/api/jurisdictions", "/api/track"):
        body = client.get(path, params={"per_page": 2}).json()
        assert set(body) == {"items", "page", "per_page", "total", "pages"}, path
        assert len(body["items"]) <= 2 and body["total"] >= len(body["items"])
    second = client.get("/api/facts", params={"per_page": 2, "page": 2}).json()["items"]
    first = client.get("/api/facts", params={"per_page": 2, "page": 1}).json()["items"]
    assert {f["id"] for f in first}.isdisjoint({f["id"] for f in second})


# --------------------------------------------------------------------------- who may write


def test_anonymous_and_viewer_writes_are_refused(db: Database) -> None:
    anonymous = make_client(db)
    fid = first_fact_id(anonymous)
    cid = first_commitment_id(anonymous)
    writes = [
        ("post", "/api/documents", {"files": {"file": ("a.txt", "生产总值增长5%。".encode())}}),
        ("delete", "/api/documents/1", {}),
        ("patch", f"/api/facts/{fid}", {"json": {"changes": {"value": "1"}}}),
        ("post", f"/api/commitments/{cid}/assessments", {"json": {"status": "met"}}),
    ]
    for method, path, kwargs in writes:
        assert getattr(anonymous, method)(path, **kwargs).status_code == 401, path
    viewer = make_client(db)
    token = login(viewer, "vi")
    for method, path, kwargs in writes:
        r = getattr(viewer, method)(path, headers={"X-CSRF-Token": token}, **kwargs)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", path
    # form posts too
    for path, data in (
        (f"/facts/{fid}/correct", {"field": "value", "value": "1"}),
        (f"/commitments/{cid}/assess", {"status": "met"}),
    ):
        r = viewer.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 403
        r = anonymous.post(path, data={**data, "csrf_token": csrf_of(anonymous)}, follow_redirects=False)
        assert r.status_code == 401


def test_editor_writes_need_the_csrf_token(db: Database) -> None:
    editor = make_client(db)
    token = login(editor, "ed")
    fid = first_fact_id(editor)
    assert editor.patch(f"/api/facts/{fid}", json={"changes": {"value": "7"}}).status_code == 403
    assert (
        editor.patch(
            f"/api/facts/{fid}", json={"changes": {"value": "7"}}, headers={"X-CSRF-Token": "forged"}
        ).status_code
        == 403
    )
    r = editor.post(f"/facts/{fid}/correct", data={"field": "value", "value": "7"}, follow_redirects=False)
    assert r.status_code == 403
    r = editor.post(
        f"/facts/{fid}/correct",
        data={"field": "value", "value": "7", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = editor.get(f"/facts/{fid}", headers={"accept": "text/html"}).text
    assert "ed" in page and "correct" in page  # the audit history is shown
    assert editor.get(f"/api/facts/{fid}").json()["value"] == 7.0
    r = editor.patch(f"/api/facts/{fid}", json={"changes": {"value": "8"}}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["value"] == 8.0
    # login itself is a form with a CSRF token
    other = make_client(db)
    r = other.post("/login", data={"username": "ed", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403


def test_api_tokens_need_no_csrf(db: Database) -> None:
    token = create_token(db, "ed", "script")
    program = make_client(db)
    cid = first_commitment_id(program)
    r = program.post(
        f"/api/commitments/{cid}/assessments",
        json={"status": "met", "note": "by a script"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201 and r.json()["rater"] == "ed"
    bad = program.post(
        f"/api/commitments/{cid}/assessments",
        json={"status": "met"},
        headers={"Authorization": "Bearer wr_not_a_token"},
    )
    assert bad.status_code == 401


def test_wrong_password_and_cookie_flags(db: Database) -> None:
    c = make_client(db)
    token = csrf_of(c, "/login")
    r = c.post("/login", data={"username": "ed", "password": "wrong password", "csrf_token": token})
    assert r.status_code == 401
    fresh = make_client(db)
    r = fresh.get("/", headers={"accept": "text/html"})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_reading_can_require_login(db: Database) -> None:
    closed = make_client(db, read_requires_login=True)
    assert closed.get("/api/documents").status_code == 401
    r = closed.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    login(closed, "vi")
    assert closed.get("/api/documents").status_code == 200


# --------------------------------------------------------------------------- hostile input


XSS = "<script>alert(1)</script>"


def test_report_text_is_always_escaped(db: Database, tmp_path: Path) -> None:
    editor = make_client(db)
    token = login(editor, "ed")
    text = f"一、2023年工作回顾\n全年生产总值增长5%。{XSS}<img src=x onerror=alert(2)>\n二、2024年工作安排\n生产总值增长6%左右。\n"
    r = editor.post(
        "/api/documents", files={"file": ("x<y>.txt", text.encode("utf-8"))}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    page = editor.get(f"/documents/{doc_id}", headers={"accept": "text/html"}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for path in (f"/search?q={XSS}", f"/tracker?jurisdiction={XSS}", f"/?jurisdiction={XSS}"):
        body = editor.get(path, headers={"accept": "text/html"}).text
        assert "<script>alert" not in body, path
    assert "<script" not in editor.get(f"/api/documents/{doc_id}").headers.get("content-type", "")


@pytest.mark.parametrize(
    "value", ["' OR 1=1 --", "%", "_", "\\", "兰州'; DROP TABLE facts; --", "\x00", "a" * 64]
)
def test_injection_style_filters_never_fail(client: TestClient, value: str) -> None:
    for path, param in (
        ("/api/documents", "jurisdiction"),
        ("/api/facts", "indicator"),
        ("/api/jurisdictions", "q"),
        ("/api/search", "q"),
        ("/api/commitments", "jurisdiction"),
        ("/api/track", "jurisdiction"),
        ("/api/documents", "level"),
    ):
        r = client.get(path, params={param: value})
        assert r.status_code < 500, (path, value, r.text)
        if r.status_code == 200:
            assert "items" in r.json()
    assert client.get("/api/facts", params={"per_page": 10}).status_code == 200  # the table is still there


def test_uploads_are_limited(db: Database) -> None:
    editor = make_client(db, max_upload_bytes=1000)
    token = login(editor, "ed")
    h = {"X-CSRF-Token": token}
    big = editor.post("/api/documents", files={"file": ("big.txt", ("增长5%。" * 400).encode())}, headers=h)
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    exe = editor.post("/api/documents", files={"file": ("run.exe", b"MZ")}, headers=h)
    assert exe.status_code == 415
    empty = editor.post("/api/documents", files={"file": ("empty.txt", b"")}, headers=h)
    assert empty.status_code == 422 and "empty" in empty.json()["error"]["message"]
    sneaky = editor.post(
        "/api/documents", files={"file": ("../../etc/passwd.txt", "生产总值增长5%。".encode())}, headers=h
    )
    assert sneaky.status_code == 201
    assert sneaky.json()["path"].startswith("upload:") and "/" not in sneaky.json()["path"].split(":", 1)[1]


def test_pages_render(client: TestClient) -> None:
    doc = client.get("/api/documents").json()["items"][0]
    for path in (
        "/",
        f"/documents/{doc['id']}",
        f"/documents/{doc['id']}/targets",
        "/tracker",
        "/tracker?jurisdiction=宝鸡市&period=2024",
        "/indicators",
        "/indicators/gdp",
        "/search?q=生产总值",
        "/login",
    ):
        r = client.get(path, headers={"accept": "text/html"})
        assert r.status_code == 200, path
        assert "http://" not in r.text.replace("http://www.w3.org/2000/svg", "")  # nothing from elsewhere
    reader = client.get(f"/documents/{doc['id']}", headers={"accept": "text/html"}).text
    assert "data-fact-id=" in reader
    md = client.get(f"/documents/{doc['id']}/digest", params={"format": "md"})
    assert (
        md.status_code == 200 and md.headers["content-type"].startswith("text/markdown") and "[^1]" in md.text
    )
    missing = client.get("/documents/999999", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in (
        "/api/documents",
        "/api/documents/{document_id}",
        "/api/facts",
        "/api/commitments",
        "/api/commitments/{commitment_id}/assessments",
        "/api/jurisdictions",
        "/api/search",
        "/api/track",
        "/api/exports/{table}.{fmt}",
    ):
        assert p in paths, p
    assert client.get("/docs").status_code == 200
