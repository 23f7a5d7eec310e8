"""Escalation: one year's targets level by level (province → city → county) with the gap to the
level above, and the research panel export: its JSON Schema (from one model) validates the
export, which loads in pandas and DuckDB, from the web app and from ``workreport panel``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_grapher import client, make_db
from workreport.cli import main
from workreport.publish import panel
from workreport.store import Database


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[Database]:
    database = make_db(db_url, tmp_path / "reports")
    yield database
    database.close()


def by_place(rows: list[panel.PanelRow]) -> dict[str, panel.PanelRow]:
    return {r.place: r for r in rows}


def test_each_level_beside_its_parent(db: Database) -> None:
    e = panel.escalation(db, "gdp", 2024)
    assert e.measure == "growth" and e.unit == "%"
    # the tree: the national level (no report), the province, its city, the city's county
    assert [(r.place.name, r.depth) for r in e.rows] == [("中国", 0), ("甘肃省", 1), ("兰州市", 2), ("榆中县", 3)]
    rows = by_place(panel.panel_rows(e))
    assert set(rows) == {"甘肃省", "兰州市", "榆中县"}
    province, city, county = rows["甘肃省"], rows["兰州市"], rows["榆中县"]
    assert (province.level, province.parent, province.parent_target, province.gap_to_parent) == ("province", "中国", None, None)
    assert (city.parent, city.target, city.comparator, city.parent_target) == ("甘肃省", 6.5, ">=", 6.0)
    assert city.gap_to_parent == pytest.approx(0.5) and city.escalation == "raised"
    # a range counts by its lower end: 7%—8% against 6.5%以上
    assert (county.target, county.target_max, county.comparator) == (7.0, 8.0, "range")
    assert county.gap_to_parent == pytest.approx(0.5) and county.escalation == "raised"
    assert (province.previous_outcome, city.previous_outcome, county.previous_outcome) == (6.4, 5.8, 7.1)
    assert province.outcome == 5.9 and province.status == "met"
    assert province.target_text == "增长6%左右" and county.target_text == "增长7%—8%"
    assert panel.gap_label(next(r for r in e.rows if r.place.name == "兰州市")) == "+0.5个百分点"


def test_an_average_over_years_is_not_the_years_target(db: Database) -> None:
    rows = panel.panel_rows(panel.escalation(db, "gdp", 2025))
    assert [(r.place, r.target) for r in rows] == [("甘肃省", 5.5)]  # not 年均增长5%左右


def test_the_export_validates_against_its_schema_and_loads_in_pandas_and_duckdb(db: Database, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    pd = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    rows = panel.panel_rows(panel.escalation(db, "gdp", 2024))
    schema = panel.panel_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(panel.panel_json(rows))
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**data[0], "year": "2024"}], schema)
    assert set(schema["$defs"]["PanelRow"]["required"]) >= {
        "place", "level", "parent", "year", "indicator", "target", "comparator", "previous_outcome",
        "parent_target", "outcome", "status",
    }
    (tmp_path / "panel.json").write_text(panel.panel_json(rows), encoding="utf-8")
    (tmp_path / "panel.csv").write_text(panel.panel_csv(rows), encoding="utf-8")
    panel.panel_parquet(rows, tmp_path / "panel.parquet")
    frame = pd.read_json(tmp_path / "panel.json")
    assert list(frame.columns) == list(panel.COLUMNS) and len(frame) == 3
    assert frame.set_index("place").loc["兰州市", "parent_target"] == 6.0
    csv_frame = pd.read_csv(tmp_path / "panel.csv", encoding="utf-8-sig")
    assert csv_frame.set_index("place").loc["榆中县", "target_max"] == 8.0
    assert pd.read_parquet(tmp_path / "panel.parquet")["year"].tolist() == [2024] * 3
    con = duckdb.connect()
    for name in ("panel.json", "panel.csv", "panel.parquet"):
        got = con.execute(
            f"select place, target, gap_to_parent from '{tmp_path / name}' where place = '兰州市'"
        ).fetchall()
        assert got == [("兰州市", 6.5, pytest.approx(0.5))], name


def test_the_web_view_and_its_downloads(db: Database) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    c = client(db)
    page = c.get("/escalation", params={"indicator": "gdp", "year": 2024})
    assert page.status_code == 200
    for text in ("甘肃省", "兰州市", "榆中县", "增长6.5%以上", "+0.5个百分点", "<svg"):
        assert text in page.text
    data = c.get("/escalation.json", params={"indicator": "gdp", "year": 2024}).json()
    schema = c.get("/escalation.schema.json").json()
    jsonschema.validate(data, schema)
    assert schema == json.loads(json.dumps(panel.panel_schema()))  # one model, one schema
    csv_r = c.get("/escalation.csv", params={"indicator": "gdp", "year": 2024})
    assert "attachment" in csv_r.headers["content-disposition"]
    assert csv_r.text.lstrip("\ufeff").splitlines()[0] == ",".join(panel.COLUMNS)
    assert c.get("/escalation.svg", params={"year": 2024}).text.startswith("<svg xmlns=")
    assert c.get("/escalation", params={"year": 1800}).status_code == 422
    empty = c.get("/escalation", params={"indicator": "gdp", "year": 2030})
    assert empty.status_code == 200 and "这一年没有这项指标的目标" in empty.text


def test_workreport_panel(db: Database, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    runner = CliRunner()
    out = runner.invoke(main, ["panel", "--indicator", "gdp", "--year", "2024", "--db", db.url])
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout.lstrip("\ufeff")))
    assert sorted(frame["place"]) == sorted(["甘肃省", "兰州市", "榆中县"])
    out = runner.invoke(main, ["panel", "--year", "2024", "--format", "json", "--measure", "growth", "--db", db.url])
    assert json.loads(out.stdout)[0]["place"] == "甘肃省"
    target = tmp_path / "p.parquet"
    out = runner.invoke(main, ["panel", "--year", "2024", "--format", "parquet", "-o", str(target), "--db", db.url])
    assert out.exit_code == 0 and len(pd.read_parquet(target)) == 3
    schema_file = tmp_path / "panel.schema.json"
    out = runner.invoke(main, ["panel", "--schema", "--output", str(schema_file)])
    assert out.exit_code == 0 and json.loads(schema_file.read_text(encoding="utf-8")) == panel.panel_schema()
    missing = runner.invoke(main, ["panel", "--db", db.url])
    assert missing.exit_code == 1 and "--year" in missing.output
    binary = runner.invoke(main, ["panel", "--year", "2024", "--format", "parquet", "--db", db.url])
    assert binary.exit_code == 1
