"""Corrections keep a fact within FACTS.md: an indicator id from the vocabulary, a unit id or a
unit written in Chinese, a commitment word as hedge, and a range exactly when there is an upper
end. One field at a time (the fact page's form) can still make and unmake a range. A refused
correction changes nothing, and the pages that group by indicator keep working."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from workreport import registry
from workreport.errors import InputError
from workreport.store import CorrectionRow, Database, FactRow
from workreport.track import track

REPORT = (
    "2025年某某市政府工作报告\n"
    "一、2024年工作回顾\n"
    "全市地区生产总值增长5.2%，城镇新增就业3.1万人。\n"
    "二、2025年主要目标\n"
    "地区生产总值增长6%左右，固定资产投资增长8%，新建学校12所。\n"
)


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Database:
    path = tmp_path / "某某市-2025.txt"
    path.write_text(REPORT, encoding="utf-8")
    database = Database(db_url)
    registry.ingest(database, [path])
    yield database
    database.close()


def _fact(db: Database, quote: str) -> FactRow:
    with db.read() as session:
        fact = session.scalars(select(FactRow).where(FactRow.quote == quote)).one()
        session.expunge(fact)
        return fact


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"indicator_id": "nope"}, "not an id of the indicator vocabulary"),
        ({"unit": "bogus"}, "neither a unit id"),
        ({"hedge": "bogus"}, "must be one of 力争"),
        ({"classifier": "pcs"}, "a counting word in Chinese"),
        ({"comparator": "range"}, "needs value_max"),
        ({"comparator": "range", "value_max": "null"}, "needs value_max"),
        ({"comparator": ">=", "value_max": "9"}, "must be null"),
    ],
)
def test_a_value_facts_md_does_not_allow_is_refused_and_nothing_changes(
    db: Database, changes: dict[str, str], says: str
) -> None:
    before = _fact(db, "6%左右")
    with pytest.raises(InputError, match=says):
        registry.correct(db, before.id, changes, who="ed")
    after = _fact(db, "6%左右")
    assert (after.indicator_id, after.unit, after.comparator, after.value_max, after.corrected) == (
        before.indicator_id,
        before.unit,
        before.comparator,
        before.value_max,
        False,
    )
    with db.read() as session:
        assert session.scalars(select(CorrectionRow)).all() == []


def test_vocabulary_ids_written_units_and_hedges_are_taken(db: Database) -> None:
    fact = _fact(db, "8%")
    registry.correct(db, fact.id, {"indicator_id": "fai", "hedge": "力争"}, who="ed")
    count = _fact(db, "12所")
    registry.correct(db, count.id, {"unit": "立方米"}, who="ed")
    registry.correct(db, count.id, {"unit": "count", "classifier": "座"}, who="ed")
    assert (_fact(db, "8%").hedge, _fact(db, "12所").classifier) == ("力争", "座")


def test_one_field_at_a_time_makes_and_unmakes_a_range(db: Database) -> None:
    fid = _fact(db, "6%左右").id
    registry.correct(db, fid, {"value_max": "6.5"}, who="ed")  # an upper end alone: a range
    fact = _fact(db, "6%左右")
    assert (fact.comparator, fact.value, fact.value_max) == ("range", 6.0, 6.5)
    target = next(r for r in track(db, period=2025) if r.indicator_id == "gdp").target
    assert (target["comparator"], target["value_max"]) == ("range", 6.5), target  # the tracker follows
    registry.correct(db, fid, {"comparator": "~"}, who="ed")  # another comparator alone: no upper end
    fact = _fact(db, "6%左右")
    assert (fact.comparator, fact.value_max) == ("~", None)
    with db.read() as session:
        kept = [(c.field, c.value) for c in session.scalars(select(CorrectionRow).order_by(CorrectionRow.id))]
    # each implied change is a correction of its own, so a new extraction keeps it too
    assert kept == [("value_max", 6.5), ("comparator", "range"), ("comparator", "~"), ("value_max", None)]


def test_the_reading_of_a_stored_report_follows_its_corrections(db: Database) -> None:
    from fastapi.testclient import TestClient

    from workreport.web import Settings, create_app

    fact = _fact(db, "6%左右")
    client = TestClient(create_app(Settings(db_url=db.url, secret_key="k" * 48), db=db), base_url="https://testserver")
    page = client.get(f"/documents/{fact.document_id}/digest").text
    assert 'data-value="6.0"' in page and 'data-value="6.5"' not in page
    registry.correct(db, fact.id, {"value": "6.5"}, who="ed")
    page = client.get(f"/documents/{fact.document_id}/digest").text
    assert 'data-value="6.5"' in page and 'data-value="6.0"' not in page  # the stored fact, not a new extraction
