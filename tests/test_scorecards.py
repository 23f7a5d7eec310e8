"""Scorecards (publish/scorecard.py, web/scorecards.py): X of Y rated targets met, the worst
misses and best results with their evidence, places compared; HTML pages and JSON twins.

The data are the package's own example reports (西安市 2023, reviewing 西咸新区's 2022
targets) and the synthetic reports of tests/data/reports: no shared material is needed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPORTS
from workreport import registry
from workreport.errors import InputError, NotFoundError
from workreport.publish.scorecard import compare, gap, scorecard
from workreport.store import Database
from workreport.track import TrackRow
from workreport.web import Settings, create_app

EXAMPLES = Path(str(resources.files("workreport").joinpath("examples")))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    registry.ingest(
        database,
        [EXAMPLES / "example_city_2023.txt", EXAMPLES / "example_newarea_2022.txt", REPORTS / "province_2026.txt"],
    )
    yield database
    database.close()


@pytest.fixture
def client(db: Database) -> TestClient:
    app = create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db)
    return TestClient(app, base_url="https://testserver")


def html(client: TestClient, path: str) -> str:
    r = client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200, r.text
    return r.text


# --------------------------------------------------------------------------- the library


def test_scorecard_counts_and_orders_results(db: Database) -> None:
    card = scorecard(db, "西咸新区", 2022)
    assert card.jurisdiction == "西咸新区" and card.year == 2022
    assert card.total == sum(card.counts.values()) == len(card.rows)
    assert card.rated == card.counts["met"] + card.counts["partly"] + card.counts["missed"]
    assert card.met == card.counts["met"] and card.rated >= card.met >= 1
    assert card.counts["missed"] >= 1 and card.counts["partly"] >= 1
    assert card.share_met == pytest.approx(card.met / card.rated)
    # worst misses first: every one partly met or missed, the largest shortfall first
    assert card.misses and {r.row.status for r in card.misses} <= {"missed", "partly"}
    assert [r.relative for r in card.misses] == sorted(r.relative for r in card.misses)
    assert all(r.relative < 0 and r.words == "距目标差" for r in card.misses)
    # a missed target falls further short than a partly met one here (revenue 7.1% against
    # 10%, GDP 9.5% against 10%以上)
    assert card.misses[0].row.status == "missed"
    # best results: met, the largest margin first, never below the target
    assert card.best and {r.row.status for r in card.best} == {"met"}
    assert [r.relative for r in card.best] == sorted((r.relative for r in card.best), reverse=True)
    assert all(r.difference >= 0 for r in card.best)
    # the estimates the ratings rest on are counted as provisional
    assert card.provisional == sum(r.provisional for r in card.rows if r.status in ("met", "partly", "missed"))
    assert card.provisional >= 1
    data = card.to_dict()
    assert data["met"] == card.met and data["rated"] == card.rated and len(data["targets"]) == card.total
    evidence = data["worst_misses"][0]
    assert evidence["target"]["document_id"] and evidence["outcome"]["document_id"]
    assert evidence["gap_text"].startswith("距目标差")


def test_unknown_place_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        scorecard(db, "不存在的地方", 2022)


def row(value: float, outcome: float, *, comparator: str = ">=", unit: str = "%", measure: str = "growth",
        indicator_id: str | None = None, value_max: float | None = None, status: str = "met") -> TrackRow:
    return TrackRow(
        commitment_id=1, jurisdiction="甲", indicator_id=indicator_id, indicator="指标", period=2020,
        target={"value": value, "value_max": value_max, "unit": unit, "measure": measure, "comparator": comparator},
        outcome={"value": outcome, "kind": "actual"}, status=status, provisional=False, rule="", rater="rules",
    )


def test_gap_sides_and_units() -> None:
    # a growth target: points
    g = gap(row(6.5, 6.9, comparator="~"))
    assert g is not None and g.difference == pytest.approx(0.4) and g.gap_text == "优于目标0.4个百分点"
    # lower is better for CPI: 2.0 against 3.0 is better by a point
    g = gap(row(3.0, 2.0, comparator="~", indicator_id="cpi"))
    assert g is not None and g.difference == pytest.approx(1.0) and g.words == "优于目标"
    # a reduction (下降3%): falling 2% is short of it
    g = gap(row(-3.0, -2.0, comparator="="))
    assert g is not None and g.difference == pytest.approx(-1.0) and g.words == "距目标差"
    # an amount: relative to the target, in per cent
    g = gap(row(1000.0, 800.0, unit="CNY", measure="level"))
    assert g is not None and g.relative == pytest.approx(-0.2) and g.gap_text == "距目标差20%"
    # a range is judged at its lower end (the upper one for lower-is-better)
    g = gap(row(5.0, 5.2, comparator="range", value_max=6.0))
    assert g is not None and g.difference == pytest.approx(0.2)
    g = gap(row(5.0, 5.2, comparator="range", value_max=6.0, indicator_id="cpi"))
    assert g is not None and g.difference == pytest.approx(0.8)
    # exactly on target, and no outcome
    g = gap(row(7.0, 7.0))
    assert g is not None and g.gap_text == "与目标持平"
    empty = row(7.0, 7.0)
    empty.outcome = None
    assert gap(empty) is None


def test_compare_places_of_a_level_and_below_a_parent(db: Database) -> None:
    provinces = compare(db, 2026, level="province")
    names = [r.name for r in provinces.rows]
    assert names == ["陕西省"]
    shaanxi = provinces.rows[0]
    assert shaanxi.total == sum(shaanxi.counts.values()) and shaanxi.counts["not_yet_due"] >= 1
    below = compare(db, 2023, parent="陕西省")
    assert below.parent == "陕西省" and "西安市" in [r.name for r in below.rows]
    assert all(r.parent == "陕西省" for r in below.rows)
    areas = compare(db, 2022, level="new_area")
    assert [r.name for r in areas.rows] == ["西咸新区"]
    card = scorecard(db, "西咸新区", 2022)
    assert areas.rows[0].counts == card.counts  # the counts agree with the place's scorecard
    assert areas.rows[0].share == pytest.approx(card.share_met)
    with pytest.raises(NotFoundError):
        compare(db, 2022, parent="不存在的地方")
    with pytest.raises(InputError):
        compare(db, 2022, level="planet")


def test_compare_sorts_by_any_column(db: Database) -> None:
    registry.ingest(db, [REPORTS / "city_2024.txt", REPORTS / "county_2023.txt"])
    every = compare(db, 2023, level=None, parent="陕西省")
    assert every.rows
    for key in ("name", "share", "total", "met", "unknown"):
        up = compare(db, 2023, parent="陕西省", sort=key, descending=False)
        down = compare(db, 2023, parent="陕西省", sort=key, descending=True)
        assert up.sort == key and {r.name for r in up.rows} == {r.name for r in every.rows}
        if key == "name":
            assert [r.name for r in up.rows] == sorted(r.name for r in up.rows)
        if key in ("total", "met", "unknown"):
            values = [r.total if key == "total" else r.counts[key] for r in down.rows]
            assert values == sorted(values, reverse=True)
    assert compare(db, 2023, parent="陕西省", sort="nonsense").sort == "share"  # unknown keys fall back


# --------------------------------------------------------------------------- the pages


def test_scorecard_page_and_json(client: TestClient) -> None:
    page = html(client, "/scorecards/西咸新区/2022")
    card = client.get("/scorecards/西咸新区/2022.json").json()
    assert f"<strong>{card['met']}</strong>" in page and f"/ {card['rated']}" in page
    assert '<svg class="chart"' in page  # the status mix, drawn on the server
    # every worst miss links to its commitment and to both quotes in the reader
    misses = page.split('id="sc-misses"')[1].split("</ol>")[0]
    assert misses.count('href="/commitments/') == len(card["worst_misses"]) >= 1
    assert len(re.findall(r'href="/documents/\d+#f-\d+-\d+"', misses)) == 2 * len(card["worst_misses"])
    assert "距目标差" in misses
    assert card["worst_misses"][0]["status"] in ("missed", "partly")
    assert set(card["counts"]) == {"met", "partly", "missed", "unknown", "not_yet_due"}
    # a report is named by its source, never by the path it was ingested from on the server
    documents = re.findall(r'"document": ?"([^"]*)"', json.dumps(card, ensure_ascii=False))
    assert documents and all("/" not in d for d in documents), documents
    # the number shown never has an exponent or a trailing .0
    assert not re.search(r"\de[+-]\d|\d\.0(?!\d)", re.sub(r'content="[^"]*"|value="[^"]*"', "", page))


def test_scorecard_pages_for_unknown_and_empty(client: TestClient) -> None:
    assert client.get("/scorecards/不存在的地方/2022", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/scorecards/不存在的地方/2022.json").json()["error"]["code"] == "not_found"
    empty = html(client, "/scorecards/西咸新区/1999")
    assert "这一年没有西咸新区的数值目标" in empty
    assert client.get("/scorecards/西咸新区/1800").status_code == 422


def test_picker_lists_places_and_goes_to_a_scorecard(client: TestClient) -> None:
    page = html(client, "/scorecards")
    assert 'href="/scorecards/%E8%A5%BF%E5%92%B8%E6%96%B0%E5%8C%BA/2022"' in page
    r = client.get("/scorecards", params={"jurisdiction": "西咸新区", "year": 2022}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/scorecards/%E8%A5%BF%E5%92%B8%E6%96%B0%E5%8C%BA/2022"


def test_comparison_page_and_json(client: TestClient) -> None:
    page = html(client, "/scorecards/compare?year=2023&parent=陕西省&sort=name&order=asc")
    assert "西安市" in page and 'aria-sort="ascending"' in page
    data = client.get("/scorecards/compare.json", params={"year": 2023, "parent": "陕西省"}).json()
    assert data["parent"] == "陕西省" and data["year"] == 2023
    first = data["places"][0]
    assert {"jurisdiction", "met", "partly", "missed", "unknown", "not_yet_due", "total", "share_met"} <= set(first)
    # the column headers sort: each links to the same filters with its key
    assert "sort=share" in page and "sort=total" in page and "parent=%E9%99%95%E8%A5%BF%E7%9C%81" in page
    # the picker's form sends the default level with a parent: the parent decides
    assert "西安市" in html(client, "/scorecards/compare?year=2023&level=province&parent=陕西省")
    default = html(client, "/scorecards/compare?year=2026")
    assert "陕西省" in default  # provinces unless told otherwise
    assert client.get("/scorecards/compare.json", params={"year": 2023, "parent": "不存在"}).status_code == 404
    assert client.get("/scorecards/compare.json", params={"year": 2023, "level": "planet"}).status_code == 400


def test_english_scorecard(client: TestClient) -> None:
    page = html(client, "/scorecards/西咸新区/2022?lang=en")
    assert "Worst misses" in page and "Best results" in page and "short of the target by" in page


def test_every_scorecard_text_has_an_english_entry() -> None:
    from workreport.web.render import catalog

    english = catalog("en")
    folder = resources.files("workreport.web").joinpath("templates")
    missing = []
    for name in ("scorecard", "scorecards", "scorecard_compare"):
        text = folder.joinpath(f"{name}.html").read_text(encoding="utf-8")
        missing += [(name, t) for _, t in re.findall(r"""_\(\s*(["'])(.*?)\1\s*\)""", text) if t not in english]
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", bare), name
    for words in ("优于目标", "与目标持平", "距目标差"):
        assert words in english
    assert not missing, missing
