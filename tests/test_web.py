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
    # the API names a document by its source, the upload's own file name, with no path in it
    assert sneaky.json()["name"] == sneaky.json()["path"] == "passwd.txt"


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


# --------------------------------------------------------------------------- data out: .json and .csv twins


def _csv_rows(text: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# (page, the id its rows carry in the HTML, the id column of the twins)
TWINS = [
    ("/", r'<tr id="d-(\d+)"', "id"),
    ("/?level=prefecture", r'<tr id="d-(\d+)"', "id"),
    ("/tracker?per_page=7&p=2", r'<tr id="c-(\d+)"', "commitment_id"),
    ("/tracker?jurisdiction=宝鸡市&period=2024", r'<tr id="c-(\d+)"', "commitment_id"),
    ("/tracker?status=unknown&per_page=5", r'<tr id="c-(\d+)"', "commitment_id"),
    ("/commitments?per_page=9&p=3", r'<tr id="c-(\d+)"', "id"),
    ("/commitments?type=task", r'<tr id="c-(\d+)"', "id"),
    ("/indicators?per_page=25&p=2", r'<li id="i-([a-z0-9_]+)"', "id"),
    ("/indicators/gdp", r'<tr id="c-(\d+)"', "commitment_id"),
    ("/search?q=生产总值&per_page=1", r'<li id="d-(\d+)"', "document_id"),
]


def _twin(page: str, fmt: str) -> str:
    path, _, query = page.partition("?")
    path = "/library" if path == "/" else path
    return f"{path}.{fmt}" + (f"?{query}" if query else "")


@pytest.mark.parametrize(("page", "pattern", "column"), TWINS)
def test_twins_hold_the_same_rows_as_their_page(
    client: TestClient, page: str, pattern: str, column: str
) -> None:
    html = client.get(page, headers={"accept": "text/html"})
    assert html.status_code == 200, page
    shown = re.findall(pattern, html.text)
    as_json = client.get(_twin(page, "json"))
    assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
    body = as_json.json()
    assert set(body) >= {"rows", "columns", "page", "per_page", "total", "pages", "next_url", "facets", "filters"}
    assert [str(r[column]) for r in body["rows"]] == shown, page
    as_csv = client.get(_twin(page, "csv"))
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = _csv_rows(as_csv.text)
    assert [r[column] for r in rows] == shown, page
    assert list(rows[0]) == body["columns"] if rows else True
    assert len(shown) <= body["per_page"] and body["total"] >= len(shown)
    if body["page"] < body["pages"]:  # the next page is named in both twins
        assert body["next_url"] and f"p={body['page'] + 1}" in body["next_url"]
        assert 'rel="next"' in as_csv.headers["link"]
    else:
        assert body["next_url"] is None


def test_twins_page_through_every_row(client: TestClient) -> None:
    everything = client.get("/tracker.json", params={"per_page": 500}).json()
    seen: list[int] = []
    url: str | None = "/tracker.json?per_page=10"
    while url:
        body = client.get(url).json()
        seen += [r["commitment_id"] for r in body["rows"]]
        url = body["next_url"]
    assert seen == [r["commitment_id"] for r in everything["rows"]] and len(seen) == everything["total"] > 10


def test_facets_count_and_filter(client: TestClient) -> None:
    for path, name in (("/library.json", "level"), ("/tracker.json", "status"), ("/commitments.json", "type")):
        body = client.get(path).json()
        values = body["facets"][name]
        assert values and sum(v["count"] for v in values) == body["total"], path
        for v in values:  # each facet value is a link to the listing filtered by it, with that many rows
            filtered = client.get(v["url"]).json()
            assert filtered["total"] == v["count"] and filtered["filters"][name] == v["value"], v
            chosen = next(f for f in filtered["facets"][name] if f["value"] == v["value"])
            assert chosen["selected"] and name not in chosen["url"]  # choosing it again removes it
    tracker = client.get("/tracker", headers={"accept": "text/html"}).text
    assert 'class="facets' in tracker and "/tracker?status=" in tracker  # shown on the page, clickable
    assert 'href="/tracker.json' in tracker and 'href="/tracker.csv' in tracker
    second = client.get("/commitments?type=target&per_page=5&p=2", headers={"accept": "text/html"}).text
    assert 'href="/commitments.json?type=target&amp;per_page=5&amp;p=2"' in second  # this page's twin


def test_twins_and_unknown_forms(client: TestClient) -> None:
    assert client.get("/tracker.xml").status_code == 404
    assert client.get("/indicators/gdp.xml").status_code == 404
    assert client.get("/indicators/nope.json").status_code == 404
    assert client.get("/tracker.json", params={"per_page": 501}).status_code == 422
    lib = client.get("/library.json").json()
    assert all("/" not in r["name"] for r in lib["rows"])  # no server paths, only the file's name


def test_csv_twins_are_formula_safe_and_write_numbers_in_full() -> None:
    from workreport.web.listings import Listing, csv_text

    listing = Listing(
        "t", ("title", "value", "share", "negative"),
        [{"title": "=HYPERLINK(\"http://x\")", "value": 1369750000000.0, "share": 6.5, "negative": -3.0}],
        1, 10, 1,
    )
    row = _csv_rows(csv_text(listing))[0]
    assert row == {"title": "'=HYPERLINK(\"http://x\")", "value": "1369750000000", "share": "6.5", "negative": "-3"}


# --------------------------------------------------------------------------- the pages people use


def test_no_form_chooses_a_status_or_a_field_for_a_person(db: Database) -> None:
    editor = make_client(db)
    login(editor, "ed")
    tracker = editor.get("/tracker", headers={"accept": "text/html"}).text
    selects = re.findall(r'<select name="status".*?</select>', tracker, re.S)
    assert selects, "an editor sees the assessment forms"
    for s in selects:
        assert "required" in s and '<option value="" selected disabled>请选择</option>' in s
        assert s.count("selected") == 1
    cid = first_commitment_id(editor)
    page = editor.get(f"/commitments/{cid}", headers={"accept": "text/html"}).text
    (form,) = re.findall(r'<select name="status".*?</select>', page, re.S)
    assert form.count("selected") == 1 and 'value="" selected disabled' in form
    fid = first_fact_id(editor)
    fact = editor.get(f"/facts/{fid}", headers={"accept": "text/html"}).text
    (field,) = re.findall(r'<select name="field".*?</select>', fact, re.S)
    assert "required" in field and field.count("selected") == 1 and 'value="" selected disabled' in field
    assert "<th>数值" in fact and "<th>指标代码" in fact  # Chinese field names
    token = csrf_of(editor, f"/commitments/{cid}")
    r = editor.post(f"/commitments/{cid}/assess", data={"csrf_token": token, "status": ""}, follow_redirects=False)
    assert r.status_code == 400  # no status chosen, nothing recorded


def test_evidence_is_a_quote_with_a_link(db_url: str) -> None:
    every = Database(db_url)
    registry.ingest(every, sorted(REPORTS.glob("*.txt")))  # later reports review earlier ones' targets
    client = make_client(every)
    rated = [r for r in client.get("/tracker.json", params={"per_page": 500}).json()["rows"] if r["outcome_quote"]]
    assert rated
    for r in rated[:5]:
        page = client.get(r["url"], headers={"accept": "text/html"}).text
        assert "observation_id" not in page and "{&#39;" not in page and "{'" not in page
        link = f'/documents/{r["outcome_document_id"]}#f-{r["outcome_start"]}-{r["outcome_end"]}'
        assert f'href="{link}">{r["outcome_quote"]}</a>' in page
    every.close()


def test_upload_message_is_not_a_status_badge(db: Database) -> None:
    editor = make_client(db)
    login(editor, "ed")
    page = editor.get("/", headers={"accept": "text/html"}).text
    assert 'class="upload-message"' in page and '<p class="status"' not in page
    css = editor.get("/static/app.css").text
    assert ".upload-message" in css and re.search(r"\.status \{[^}]*white-space: nowrap", css)


def test_english_interface(client: TestClient) -> None:
    zh = client.get("/tracker?jurisdiction=宝鸡市", headers={"accept": "text/html"}).text
    assert '<html lang="zh-CN">' in zh and "目标追踪" in zh
    assert 'href="/tracker?jurisdiction=%E5%AE%9D%E9%B8%A1%E5%B8%82&amp;lang=en"' in zh  # the switch keeps the URL
    en = client.get("/tracker?jurisdiction=宝鸡市&lang=en", headers={"accept": "text/html"})
    assert '<html lang="en">' in en.text and ">Tracker<" in en.text and "Gross domestic product" in en.text
    assert ">中文</a>" in en.text
    # the choice is kept in a cookie for the next pages
    assert "lang=en" in en.headers.get("set-cookie", "")
    lib = client.get("/", headers={"accept": "text/html"}).text
    assert '<html lang="en">' in lib and ">Library<" in lib and "份报告" not in lib
    json_en = client.get("/tracker.json", params={"lang": "en", "indicator": "gdp"}).json()
    assert {r["indicator_label"] for r in json_en["rows"]} == {"Gross domestic product"}


def test_every_template_text_has_an_english_entry() -> None:
    from importlib import resources

    from workreport.web.render import catalog

    english = catalog("en")
    folder = resources.files("workreport.web").joinpath("templates")
    mine = ["base", "library", "tracker", "indicators", "indicator", "search", "document", "targets", "fact",
            "commitment", "commitments", "login", "error", "_pager", "_facets", "_data"]
    missing = []
    for name in mine:
        text = folder.joinpath(f"{name}.html").read_text(encoding="utf-8")
        missing += [(name, t) for _, t in re.findall(r"""_\(\s*(["'])(.*?)\1\s*\)""", text) if t not in english]
        # no Chinese outside _(…): strip the calls, the Jinja expressions and comments, then look
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", bare.replace("中文", "")), name
    assert not missing, missing


def test_charts_draw_one_measure_each() -> None:
    from workreport.web.pages import measure_charts

    rows = [("增速", "growth", "%", 6.5), ("比重", "share", "%", 75.0), ("增速2", "growth", "%", 7.0), ("量", "level", "CNY", 3e11)]
    out = measure_charts(rows, lambda r: (r[1], r[2]), lambda r: r[0], {"目标": lambda r: r[3]}, "目标与结果", "zh")
    assert len(out) == 2  # growth and share apart; amounts are not drawn
    assert "增速2" in out[0] and "比重" not in out[0] and "75" in out[1]
    long_name = "规模以上工业企业研究与试验发展经费投入强度"
    (svg,) = measure_charts([(long_name, "share", "%", 2.5)], lambda r: (r[1], r[2]), lambda r: r[0],
                            {"目标": lambda r: r[3]}, "目标与结果", "zh")
    assert long_name in svg  # names are shown whole
