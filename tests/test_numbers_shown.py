"""Numbers as people write them, everywhere: the one formatter (rules.numbers) and every place
that shows a number (web pages, command line tables, rule texts, the 数读 reading) free of
exponent notation and float artefacts."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPORTS
from workreport import registry
from workreport.publish.digest import digest
from workreport.rules.numbers import fact_number_text, number_text, plain_number, raw_number
from workreport.store import Database
from workreport.track.rules import Bound, rate
from workreport.web import Settings, create_app

# (value, unit, measure, comparator, value_max, classifier) → as a Chinese report writes it
CASES = [
    ((1369750000000, "CNY"), "1.37万亿元"),
    ((90000000000000.0, "CNY"), "90万亿元"),
    ((2180000000000, "CNY"), "2.18万亿元"),
    ((342000000000, "CNY"), "3420亿元"),
    ((1.1e7, "person"), "1100万人"),
    ((1.1e7, "person", "level", ">="), "1100万人以上"),
    ((12345678, "CNY"), "1235万元"),
    ((50000, "CNY"), "5万元"),
    ((9999.99, "CNY"), "1万元"),
    ((800, "CNY"), "800元"),
    ((2.5e8, "USD"), "2.5亿美元"),
    ((1e8, "person_time"), "1亿人次"),
    ((5.8e6, "count", "level", "=", None, "套"), "580万套"),
    ((120, "count", "level", "=", None, None), "120个"),
    ((3000, "mu"), "3000亩"),
    ((1.5e4, "household"), "1.5万户"),
    ((6.5, "%", "growth"), "增长6.5%"),
    ((-3.4, "%", "growth"), "下降3.4%"),
    ((6, "%", "growth", ">="), "增长6%以上"),
    ((5, "%", "growth", "~"), "增长5%左右"),
    ((5, "%", "growth", "range", 6), "增长5%—6%"),
    ((3, "%", "level", "<="), "3%以内"),
    ((5.5, "%", "share", "~"), "5.5%左右"),
    ((0.35, "%", "share"), "0.35%"),
    ((9.5, "%"), "9.5%"),
    ((2, "pp", "change_pp"), "2个百分点"),
    ((-0.5, "pp", "change_pp"), "下降0.5个百分点"),
    ((1, "pp", "change_pp", "range", 2), "1—2个百分点"),
    ((6, "rank", "rank"), "第6位"),
    ((10, "rank", "change_rank"), "提升10个位次"),
    ((-2, "rank", "change_rank"), "下降2个位次"),
    # a comparator applies to the signed value (FACTS.md §3): a fall written as a word and a
    # magnitude turns it round, so the words say what the report said
    ((-3.4, "%", "growth", "<="), "下降3.4%以上"),
    ((-3, "%", "growth", ">="), "下降3%以内"),
    ((-5, "%", "growth", "~"), "下降5%左右"),
    ((-0.5, "pp", "change_pp", "<="), "下降0.5个百分点以上"),
    ((-2, "rank", "change_rank", "<="), "下降2个位次以上"),
    ((-1e7, "person", "change", ">="), "减少1000万人以内"),
    ((6, "rank", "rank", "<="), "第6位以内"),
    ((12, "count", "level", ">=", None, "所"), "12所以上"),
    ((-1e7, "person", "change"), "减少1000万人"),
    ((2e6, "person", "change"), "200万人"),
    ((1000e8, "CNY", "level", "range", 1200e8), "1000—1200亿元"),
    ((8000e4, "CNY", "level", "range", 1.2e8), "8000万—1.2亿元"),
    ((0.1 + 0.2, "%"), "0.3%"),
    ((1.0, "ton"), "1吨"),
    ((1.23456e4, "ton"), "1.235万吨"),
    ((7.0, "MW"), "7兆瓦"),
    ((2024, None), "2024"),
    ((1.1e7, None), "1100万"),
    ((35, "岁"), "35岁"),
]


@pytest.mark.parametrize(("args", "expected"), CASES)
def test_number_text(args: tuple[object, ...], expected: str) -> None:
    assert number_text(*args) == expected  # type: ignore[arg-type]


def test_none_and_helpers() -> None:
    assert number_text(None) == ""
    assert plain_number(1.36975) == "1.37" and plain_number(90.0) == "90"
    assert plain_number(0.00012) == "0.00012" and plain_number(-2.50) == "-2.5"
    assert raw_number(1369750000000.0) == "1369750000000" and raw_number(6.5) == "6.5" and raw_number(None) == ""
    fact = {"value": 6, "unit": "%", "measure": "growth", "comparator": ">=", "value_max": None}
    assert fact_number_text(fact) == "增长6%以上"
    assert fact_number_text(fact, comparator=False) == "增长6%"


ARTEFACT = re.compile(r"\d[eE][+-]\d|\.0 CNY|\.0%|\.0万|\.0亿|\d\.0(?![\d.])(?=\s|<|$|[元人个%])")


# random tokens a page carries (the CSRF token, a session id) may hold "1e-5" by chance
TOKENS = re.compile(r'(?:name="csrf[-_]token"[^>]*?value|name="csrf-token" content)="[^"]*"')


def no_artefacts(text: str, where: str) -> None:
    text = TOKENS.sub("", text)
    m = ARTEFACT.search(text)
    assert m is None, f"{where}: float artefact {text[max(0, m.start() - 60) : m.end() + 60]!r}"


@pytest.mark.parametrize(
    ("target", "outcome", "words"),
    [
        (Bound(1.1e7, ">="), Bound(9e6), ["不低于1100万", "110万 of the target"]),
        (Bound(9e13, "~"), Bound(1e12), ["约90万亿", "9万亿"]),
        (Bound(6, ">=", measure="growth"), Bound(5.2), ["不低于6%", "1 point"]),
        (Bound(6, "~", measure="growth"), Bound(4), ["约6%", "more than 1 point"]),
        (Bound(5, "range", 6, measure="growth"), Bound(4), ["5%—6%"]),
    ],
)
def test_rule_texts(target: Bound, outcome: Bound, words: list[str]) -> None:
    _, rule = rate(target, outcome)
    for w in words:
        assert w in rule, rule
    assert "1 points" not in rule
    no_artefacts(rule, "rule")


# --------------------------------------------------------------------------- everywhere shown


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("numbers") / "reg.sqlite"
    database = Database(f"sqlite:///{path}")
    registry.ingest(database, sorted(REPORTS.glob("*.txt")))
    yield database
    database.close()


def test_web_pages_write_numbers_plainly(db: Database) -> None:
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db)  # type: ignore[arg-type]
    client = TestClient(app, base_url="https://testserver")
    docs = client.get("/api/documents", params={"per_page": 50}).json()["items"]
    facts = client.get("/api/facts", params={"per_page": 200}).json()["items"]
    commitments = client.get("/api/commitments", params={"type": "target", "per_page": 200}).json()["items"]
    paths = ["/", "/tracker", "/indicators"]
    paths += [f"/documents/{d['id']}" for d in docs] + [f"/documents/{d['id']}/targets" for d in docs]
    paths += [f"/facts/{f['id']}" for f in facts]
    paths += [f"/commitments/{c['id']}" for c in commitments[:60]]
    paths += sorted({f"/indicators/{f['indicator_id']}" for f in facts if f["indicator_id"]})[:20]
    shown = 0
    for path in paths:
        r = client.get(path, headers={"accept": "text/html"})
        if r.status_code == 404:
            continue
        assert r.status_code == 200, (path, r.status_code)
        no_artefacts(r.text, path)
        shown += 1
    assert shown > 20
    tracker = client.get("/tracker", headers={"accept": "text/html"}).text
    assert "<th>度量</th>" in tracker


def test_table_wraps_long_cells_instead_of_cutting() -> None:
    from workreport.cli.common import table

    value = "= 2,180,000,000,000 CNY and more words"
    out = table([["1", value, "完成"]], ["ID", "目标", "评价"], limits=[4, 12, 8])
    assert "…" not in out
    lines = out.splitlines()
    assert len(lines) > 3  # continuation lines
    assert "".join(line[4:16] for line in lines[2:]).replace(" ", "") == value.replace(" ", "")


def run(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "workreport.cli", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cli_tables_write_numbers_plainly(db: Database) -> None:
    url = db.url
    tables = {
        "track": run("track", "--db", url),
        "facts": run("facts", "--db", url, "--limit", "500"),
        "commitments": run("commitments", "--db", url),
        "extract": run("extract", *(str(p) for p in sorted(REPORTS.glob("*.txt")))),
    }
    for name, out in tables.items():
        no_artefacts(out, name)
    track = tables["track"]
    assert "度量" in track.splitlines()[0]
    assert re.search(r"（(实际|预计)）", track), "one outcome cell: the value and its kind"
    assert not re.search(r"\((actual|estimate)\)", track)


def test_digest_writes_numbers_plainly(db: Database) -> None:
    import workreport

    for path in sorted(REPORTS.glob("*.txt")):
        doc = workreport.read(path)
        for fmt in ("md", "html"):
            no_artefacts(digest(doc, fmt=fmt, db=db), f"{path.name} {fmt}")


def test_twins_and_facets_write_numbers_plainly(db: Database) -> None:
    """The .json and .csv twins of every listing, their facets, and the English pages."""
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db)  # type: ignore[arg-type]
    client = TestClient(app, base_url="https://testserver")
    pages = ["/library", "/tracker", "/commitments", "/indicators", "/indicators/gdp", "/search?q=增长"]
    pages += ["/tracker?status=met", "/commitments?type=target", "/tracker?measure=share"]
    checked = 0
    for page in pages:
        path, _, query = page.partition("?")
        for fmt in ("json", "csv"):
            r = client.get(f"{path}.{fmt}" + (f"?{query}" if query else ""), params={"per_page": 100})
            assert r.status_code == 200, (page, fmt)
            no_artefacts(r.text, f"{page} .{fmt}")
            checked += 1
        html = client.get(page, headers={"accept": "text/html"}, params={"lang": "en"})
        assert html.status_code == 200
        no_artefacts(html.text, f"{page} (English)")
    body = client.get("/tracker.json", params={"per_page": 500}).json()
    values = [r["target_value"] for r in body["rows"]] + [v["value"] for f in body["facets"].values() for v in f]
    assert not any(isinstance(v, float) and v == int(v) for v in values), "whole numbers are integers"
    assert checked == 2 * len(pages)


def test_targets_are_shown_as_the_report_words_them(tmp_path: Path) -> None:
    # a fall with 以上 (stored -3.4 with <=) and a count in 所: the tracker, the commitments and
    # the command line say 下降3.4%以上 and 12所, never 下降3.4%以内 or 12个
    report = tmp_path / "某某市-2025.txt"
    report.write_text(
        "2025年某某市政府工作报告\n一、2024年工作回顾\n全市地区生产总值增长5.2%。\n二、2025年主要目标\n"
        "地区生产总值增长6%左右，单位地区生产总值能耗下降3.4%以上，新建学校12所。\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    database = Database(url)
    registry.ingest(database, [report])
    client = TestClient(create_app(Settings(db_url=url, secret_key="k" * 48), db=database), base_url="https://testserver")  # type: ignore[arg-type]
    tracker = client.get("/tracker.json").json()["rows"]
    assert {r["target"] for r in tracker} >= {"下降3.4%以上", "12所"}, tracker
    listed = client.get("/commitments.json", params={"type": "target"}).json()["rows"]
    assert {r["target"] for r in listed} >= {"下降3.4%以上", "12所"}, listed
    shown = run("track", "--db", url)
    assert "下降3.4%以上" in shown and "12所" in shown and "以内" not in shown and "12个" not in shown
    database.close()
