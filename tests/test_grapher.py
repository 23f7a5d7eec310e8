"""The indicator grapher: which number is a place's target and outcome of a year, one measure per
chart, and the page with its CSV and SVG downloads, on small reports written for these tests
(a province's two years, a city and a county under it)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from workreport.publish import grapher
from workreport.registry import ingest
from workreport.store import Database
from workreport.store.series import Point
from workreport.web import Settings, create_app

HEAD = "政府工作报告\n——{date}在{place}第十四届人民代表大会第{n}次会议上\n{place}{title} 王立新\n各位代表：\n现在，我代表人民政府，向大会报告工作，请予审议。\n"
REPORTS = {
    "province_2024.txt": HEAD.format(date="2024年1月20日", place="甘肃省", n="二", title="省长")
    + "一、2023年工作回顾\n过去一年，全省地区生产总值增长6.4%，地区生产总值达到1.18万亿元。\n"
    "二、2024年主要预期目标\n今年全省经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇新增就业32万人以上。\n",
    "province_2025.txt": HEAD.format(date="2025年1月18日", place="甘肃省", n="三", title="省长")
    + "一、2024年工作回顾\n过去一年，全省地区生产总值增长5.9%。\n"
    "二、2025年主要预期目标\n今年全省经济社会发展的主要预期目标是：地区生产总值增长5.5%左右。"
    "“十五五”时期地区生产总值年均增长5%左右。\n",
    "city_2024.txt": HEAD.format(date="2024年1月10日", place="兰州市", n="四", title="市长")
    + "一、2023年工作回顾\n过去一年，全市地区生产总值增长5.8%。\n"
    "二、2024年主要预期目标\n今年全市经济社会发展的主要预期目标是：地区生产总值增长6.5%以上。\n",
    "county_2024.txt": HEAD.format(date="2024年1月8日", place="榆中县", n="三", title="县长")
    + "一、2023年工作回顾\n过去一年，全县地区生产总值增长7.1%。\n"
    "二、2024年主要预期目标\n今年全县经济社会发展的主要预期目标是：地区生产总值增长7%—8%。\n",
}


def make_db(url: str, folder: Path) -> Database:
    """A registry with the four small reports ingested."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = Database(url)
    ingest(db, [folder])
    return db


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[Database]:
    database = make_db(db_url, tmp_path / "reports")
    yield database
    database.close()


def client(db: Database) -> TestClient:
    return TestClient(create_app(Settings(db_url=db.url, secret_key="s" * 48), db=db))


def point(value: float, *, kind: str = "target", period: int = 2024, plan_year: int | None = 2024,
          before: str = "", indicator: str = "地区生产总值", source: str = "fact", start: int = 0) -> Point:
    return Point(kind, source, 1, period, "growth", "%", value, None, "~", None, indicator, 1, plan_year,
                 None, start, start + 2, f"{value}%", before)


def test_an_annual_chart_takes_annual_numbers_only() -> None:
    assert grapher.is_annual(point(6))
    assert not grapher.is_annual(point(6, before="生产总值年均增长"))  # an average over years
    assert not grapher.is_annual(point(100, period=2010, plan_year=2001))  # 翻一番 by 2010, set in 2001
    assert grapher.is_annual(point(6, kind="actual", period=2023, plan_year=2024))  # a review of last year


def test_the_plainest_phrase_and_a_persons_value_win() -> None:
    names = grapher.indicator_spec("gdp")["names"]
    chosen = grapher.best_by_place_year(
        [point(6, indicator="海洋生产总值", start=1), point(5, indicator="地区生产总值", start=9)],
        names, unit="%", measure="growth", outcome=False,
    )
    assert chosen[(1, 2024)][0].value == 5 and chosen[(1, 2024)][1] == 2
    outcomes = grapher.best_by_place_year(
        [point(6.1, kind="estimate", plan_year=2024), point(5.9, kind="actual", plan_year=2025),
         point(6.0, kind="actual", source="csv", plan_year=None)],
        names, unit="%", measure="growth", outcome=True,
    )
    assert outcomes[(1, 2024)][0].value == 6.0  # a person's import first, then an actual


def test_the_graph_of_a_province_targets_against_outcomes(db: Database) -> None:
    g = grapher.graph(db, "gdp", ["甘肃省"])
    assert g.measure == "growth" and g.unit == "%"
    assert "level" in g.measures  # 1.18万亿元 is a level: another chart, never beside growth
    by_year = {r.year: r for r in g.rows}
    assert sorted(by_year) == [2023, 2024, 2025]
    assert by_year[2024].target is not None and by_year[2024].target.value == 6
    assert by_year[2024].outcome is not None and by_year[2024].outcome.value == 5.9
    assert by_year[2025].target is not None and by_year[2025].target.value == 5.5  # not the 年均 5%
    assert by_year[2023].target is None and by_year[2023].outcome.value == 6.4  # type: ignore[union-attr]
    level = grapher.graph(db, "gdp", ["甘肃省"], measure="level")
    assert [r.outcome.value for r in level.rows if r.outcome] == [1.18e12]
    assert grapher.graph(db, "gdp", ["甘肃省"], start=2024, end=2024).rows[0].year == 2024


def test_unknown_places_and_indicators_are_errors(db: Database) -> None:
    from workreport.errors import InputError, NotFoundError

    with pytest.raises(NotFoundError):
        grapher.graph(db, "gdp", ["不存在市"])
    with pytest.raises(InputError):
        grapher.graph(db, "no_such_indicator", ["甘肃省"])


def test_the_svg_draws_each_target_by_its_comparator(db: Database) -> None:
    g = grapher.graph(db, "gdp", ["甘肃省", "兰州市", "榆中县"], start=2023, end=2025)
    svg = grapher.graph_svg(g, standalone=True)
    root = ET.fromstring(svg)  # a well-formed standalone file
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    titles = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "甘肃省 2024 目标：增长6%左右" in titles
    assert "兰州市 2024 目标：增长6.5%以上" in titles
    assert "榆中县 2024 目标：增长7%—8%" in titles
    assert "甘肃省 2024 实际：增长5.9%" in titles
    assert "e+" not in svg and ".0%" not in svg
    ticks = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "6%" in ticks and "2024" in ticks


def test_the_page_and_its_downloads(db: Database) -> None:
    c = client(db)
    r = c.get("/grapher", params={"indicator": "gdp", "place": ["甘肃省", "兰州市"], "from": 2023, "to": 2025})
    assert r.status_code == 200
    assert r.text.count('class="place-chip"') == 2
    assert '<option value="榆中县">' in r.text  # the picker offers the places with data
    assert "<svg" in r.text and "增长6.5%以上" in r.text
    assert 'src="http' not in r.text and 'href="http' not in r.text  # nothing from elsewhere
    csv_r = c.get("/grapher.csv", params={"indicator": "gdp", "place": "甘肃省"})
    assert csv_r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_r.text.lstrip("\ufeff"))))
    assert [(r["year"], r["target"], r["outcome"]) for r in rows] == [("2023", "", "6.4"), ("2024", "6", "5.9"), ("2025", "5.5", "")]
    svg = c.get("/grapher.svg", params={"indicator": "gdp", "place": "甘肃省", "download": "1"})
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "attachment" in svg.headers["content-disposition"]
    assert svg.text.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert c.get("/grapher", params={"indicator": "gdp", "place": "不存在市"}).status_code == 404
    assert c.get("/grapher", params={"indicator": "nope"}).status_code == 400
    english = c.get("/grapher", params={"indicator": "gdp", "place": "甘肃省", "lang": "en"})
    assert "Gross domestic product" in english.text and "Add a place" in english.text


def test_csv_cells_are_formula_safe(db: Database) -> None:
    g = grapher.graph(db, "gdp", ["甘肃省"])
    g.rows[0].place = "=HYPERLINK(1)"
    assert "'=HYPERLINK(1)" in grapher.graph_csv(g)


def test_every_template_text_has_an_english_entry() -> None:
    import re
    from importlib import resources

    from workreport.web.render import catalog

    english = catalog("en")
    folder = resources.files("workreport.web").joinpath("templates")
    for name in ("grapher", "escalation"):
        text = folder.joinpath(f"{name}.html").read_text(encoding="utf-8")
        missing = [t for _, t in re.findall(r"""_\(\s*(["'])(.*?)\1\s*\)""", text) if t not in english]
        assert not missing, (name, missing)
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", bare), name
