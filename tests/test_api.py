"""The public surface: one entry module whose __all__ is pinned; and the HTTP API's answers:
no server paths, search deduplicated and ranked, the tracker a page at a time."""

from __future__ import annotations

import json as _json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import workreport
from tests.conftest import REPORTS
from workreport import registry
from workreport.store import Database, queries
from workreport.web import Settings, create_app

PUBLIC = {
    "Document",
    "Fact",
    "GoldError",
    "GoldKey",
    "InputError",
    "Metadata",
    "NotFoundError",
    "NumeralError",
    "Paragraph",
    "ReadError",
    "RulesError",
    "Score",
    "Section",
    "Span",
    "StoreError",
    "Structure",
    "WorkreportError",
    "__version__",
    "extract",
    "inspect",
    "load_gold",
    "parse_numeral",
    "read",
    "read_bytes",
    "score",
    "digest",
}


def test_all_is_pinned() -> None:
    assert set(workreport.__all__) == PUBLIC
    for name in workreport.__all__:
        assert hasattr(workreport, name), name


def _tree(text: str) -> set[str]:
    """The error names of an exception tree drawn with box characters."""
    return set(re.findall(r"^[\s│├└─]*([A-Z][A-Za-z]+Error)\b", text, flags=re.M))


def test_the_readme_tree_errors_py_and_all_agree() -> None:
    import workreport.errors as errors

    defined = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, Exception)}
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    exported = {n for n in workreport.__all__ if n.endswith("Error")}
    assert _tree(readme) == _tree(errors.__doc__ or "") == defined == exported
    for name in defined:  # the tree's shape is the classes' shape
        cls = getattr(errors, name)
        assert cls is errors.WorkreportError or issubclass(cls, errors.WorkreportError)


def test_errors_share_one_root() -> None:
    for exc in (workreport.ReadError, workreport.NumeralError, workreport.RulesError, workreport.GoldError):
        assert issubclass(exc, workreport.WorkreportError)


def test_read_extract_inspect_on_text() -> None:
    doc = workreport.Document(
        text="一、2023年工作回顾\n全年生产总值增长5%。\n二、2024年工作安排\n生产总值增长6%左右。\n"
    )
    facts = workreport.extract(doc)
    assert [(f.quote, f.kind, f.period, f.indicator_id) for f in facts] == [
        ("5%", "actual", 2023, "gdp"),
        ("6%左右", "target", 2024, "gdp"),
    ]
    st = workreport.inspect(doc)
    assert [s.role for s in st.sections] == ["review", "plan"]
    # the text itself does as well: the same facts, the spans into that string
    assert workreport.extract(doc.text) == facts
    assert workreport.inspect(doc.text) == st
    assert [doc.text[f.start : f.end] for f in facts] == ["5%", "6%左右"]
    for wrong in (None, b"bytes", 42):
        with pytest.raises(TypeError, match=r"a report is a Document \(workreport.read\(path\)\) or its text as a str"):
            workreport.extract(wrong)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the HTTP API: no server
# paths, search deduplicated and ranked, the tracker a page at a time (SQLite and PostgreSQL)


def _client(db: Database) -> TestClient:
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db)
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Database, Path]]:
    """Two real reports ingested from a deep folder of the server's disk."""
    folder = tmp_path / "srv" / "secret-inbox"
    folder.mkdir(parents=True)
    for name in ("city_2024.txt", "press_2024.txt"):
        shutil.copy(REPORTS / name, folder / name)
    db = Database(db_url)
    registry.ingest(db, [folder / "city_2024.txt", folder / "press_2024.txt"])
    yield _client(db), db, folder
    db.close()


def test_api_answers_name_sources_never_server_paths(served: tuple[TestClient, Database, Path]) -> None:
    client, _db, folder = served
    listing = client.get("/api/documents").json()
    assert sorted(d["name"] for d in listing["items"]) == ["city_2024.txt", "press_2024.txt"]
    doc_id = listing["items"][0]["id"]
    fact_id = client.get("/api/facts", params={"per_page": 1}).json()["items"][0]["id"]
    bodies = {
        path: client.get(path)
        for path in (
            "/api/documents",
            f"/api/documents/{doc_id}",
            f"/api/documents/{doc_id}?text=false",
            "/api/facts",
            f"/api/facts/{fact_id}",
            "/api/commitments",
            "/api/track",
            "/api/search?q=" + "生产总值",
            "/api/exports/documents.csv",
            "/api/exports/documents.jsonl",
            "/api/exports/facts.csv",
            "/api/exports/commitments.jsonl",
        )
    }
    for path, r in bodies.items():
        assert r.status_code == 200, path
        assert str(folder) not in r.text and "secret-inbox" not in r.text, f"{path} shows a server path"
    one = bodies[f"/api/documents/{doc_id}"].json()
    assert one["name"] == one["path"] and one["name"] in ("city_2024.txt", "press_2024.txt")
    assert one["chars"] == len(one["text"])  # the length kept by the database is the text's
    rows = [_json.loads(line) for line in bodies["/api/exports/documents.jsonl"].text.splitlines()]
    assert sorted(r["path"] for r in rows) == ["city_2024.txt", "press_2024.txt"]
    header, *lines = bodies["/api/exports/documents.csv"].text.splitlines()
    assert "path" in header.split(",") and len(lines) == 2
    targets = [t for t in bodies["/api/track"].json()["items"] if t["target"]["document"]]
    assert targets and {t["target"]["document"] for t in targets} <= {"city_2024.txt", "press_2024.txt"}


def test_source_name_keeps_urls_and_file_names() -> None:
    assert queries.source_name("/srv/in/宝鸡2024.txt") == "宝鸡2024.txt"
    assert queries.source_name("C:\\data\\r.docx") == "r.docx"
    assert queries.source_name("upload:report.html") == "report.html"
    assert queries.source_name("https://www.gov.cn/a/b.html") == "https://www.gov.cn/a/b.html"
    assert queries.source_name("reports/r.txt") == "r.txt"


def _report(year: int, body: str) -> str:
    return f"{year}年某某市政府工作报告\n一、{year - 1}年工作回顾\n{body}\n二、{year}年工作安排\n生产总值增长6%左右。\n"


def test_search_is_deduplicated_and_ranked_then_newest(db_url: str, tmp_path: Path) -> None:
    once = "全年经济运行总体平稳，各项事业稳步推进。坚持绿色转型发展，持续改善生态环境。"
    twice = "坚持绿色转型发展。坚持绿色转型发展，美丽城市建设取得新进展。"
    files = {
        "old.txt": _report(2021, once),  # the same text as new.txt but for the year: the same score
        "new.txt": _report(2023, once),
        "dense.txt": _report(2019, twice),  # the phrase twice in a short text: the most relevant
        # a saved web page holding the same report three times
        "saved.html": "<html><body>"
        + "".join(f"<div><p>{line}</p></div>" for _ in range(3) for line in _report(2020, once).splitlines())
        + "</body></html>",
        "none.txt": _report(2022, "全年经济运行总体平稳。"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = Database(db_url)
    try:
        registry.ingest(db, [tmp_path / n for n in files])
        client = _client(db)
        body = client.get("/api/search", params={"q": "绿色转型发展"}).json()
        names = [h["document"]["name"] for h in body["items"]]
        assert body["total"] == len(names) == 4 and "none.txt" not in names
        assert len(set(names)) == len(names)  # one hit per document
        scores = [h["score"] for h in body["items"]]
        assert scores == sorted(scores, reverse=True)
        assert names[0] == "dense.txt"
        assert names.index("new.txt") < names.index("old.txt")  # equal relevance: the newest first
        for hit in body["items"]:
            passages = [(s["before"], s["match"], s["after"]) for s in hit["snippets"]]
            assert passages and all(m == "绿色转型发展" for _, m, _ in passages)
            assert len(set(passages)) == len(passages), hit["document"]["name"]  # no equal passages
        saved = next(h for h in body["items"] if h["document"]["name"] == "saved.html")
        assert len({s["before"][-8:] + s["after"][:8] for s in saved["snippets"]}) == len(saved["snippets"])
        # a short query is ranked the same way; paging keeps the order
        short = client.get("/api/search", params={"q": "绿色"}).json()
        assert short["items"][0]["document"]["name"] == "dense.txt"
        paged = [
            client.get("/api/search", params={"q": "绿色转型发展", "per_page": 1, "page": p}).json()
            for p in (1, 2, 3, 4, 5)
        ]
        assert [p["items"][0]["document"]["name"] for p in paged[:4]] == names
        assert paged[4]["items"] == [] and paged[4]["total"] == 4
        # a new report that matches is found at once (the kept ranking is for this registry only)
        (tmp_path / "later.txt").write_text(_report(2024, twice), encoding="utf-8")
        registry.ingest(db, [tmp_path / "later.txt"])
        again = client.get("/api/search", params={"q": "绿色转型发展"}).json()
        assert again["total"] == 5 and again["items"][0]["document"]["name"] == "later.txt"
    finally:
        db.close()


def test_track_is_paginated_from_the_stored_ratings(served: tuple[TestClient, Database, Path]) -> None:
    from workreport.track import count_targets, track

    client, db, _folder = served
    total = count_targets(db)
    assert total >= 3
    seen: list[int] = []
    for page in range(1, total // 2 + 2):
        body = client.get("/api/track", params={"per_page": 2, "page": page}).json()
        assert body["total"] == total and body["pages"] == -(-total // 2)
        assert len(body["items"]) == min(2, max(0, total - (page - 1) * 2))
        expected = [r.to_dict() for r in track(db, page=page, per_page=2)]
        for row in expected:
            for side in (row["target"], row["outcome"]):
                if side is not None and side["document"] is not None:
                    side["document"] = queries.source_name(side["document"])
        assert body["items"] == expected
        seen += [r["commitment_id"] for r in body["items"]]
    assert len(seen) == len(set(seen)) == total
    place = client.get("/api/track", params={"per_page": 1}).json()["items"][0]["jurisdiction"]
    one_place = client.get("/api/track", params={"jurisdiction": place, "per_page": 500}).json()
    assert one_place["total"] == count_targets(db, jurisdiction=place) == len(one_place["items"])
    assert {r["jurisdiction"] for r in one_place["items"]} == {place}
    assert client.get("/api/track", params={"jurisdiction": "没有这个地方"}).status_code == 404


def test_lengths_follow_a_replaced_and_a_deleted_report(db_url: str, tmp_path: Path) -> None:
    from sqlalchemy import text as sql

    path = tmp_path / "某某市2023.txt"
    path.write_text(_report(2023, "坚持绿色转型发展。"), encoding="utf-8")
    db = Database(db_url)
    try:
        registry.ingest(db, [path])
        client = _client(db)
        assert client.get("/api/search", params={"q": "数字经济"}).json()["total"] == 0
        # a changed version of the same file replaces the stored text (UPDATE OF text)
        path.write_text(_report(2023, "坚持绿色转型发展，大力发展数字经济，推进新型工业化。"), encoding="utf-8")
        registry.ingest(db, [path])
        (doc,) = client.get("/api/documents").json()["items"]
        full = client.get(f"/api/documents/{doc['id']}").json()
        assert "数字经济" in full["text"] and doc["chars"] == full["chars"] == len(full["text"])
        assert client.get("/api/search", params={"q": "数字经济"}).json()["total"] == 1
        queries.delete_document(db, doc["id"], who="test")
        with db.read() as session:
            assert session.scalar(sql("SELECT count(*) FROM document_lengths")) == 0
        assert client.get("/api/documents").json()["total"] == 0
        assert client.get("/api/search", params={"q": "绿色转型发展"}).json()["total"] == 0
    finally:
        db.close()
