"""One schema: every place that carries facts covers every field of ``Fact`` (model/fact.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workreport.errors import InputError
from workreport.model import CORRECTABLE, FACT_FIELDS, FACT_SCHEMA, coerce_field


def test_the_database_row_has_every_fact_field() -> None:
    from workreport.store import FactRow

    columns = {c.name for c in FactRow.__table__.columns}
    assert set(FACT_FIELDS) <= columns


def test_the_published_dataset_and_its_json_schema_have_every_fact_field() -> None:
    from workreport.publish.datasets import DATASETS, json_schema

    assert set(FACT_FIELDS) <= {c.name for c in DATASETS["facts"]}
    props = json_schema("facts")["properties"]
    for spec in FACT_SCHEMA:  # the descriptions come from the schema too
        assert spec.description in props[spec.name]["description"]


def test_the_registry_export_schema_has_every_fact_field() -> None:
    from workreport.publish.exports import json_schema

    assert set(FACT_FIELDS) <= set(json_schema("facts")["properties"])


def test_the_api_and_the_cli_show_every_fact_field() -> None:
    from workreport.store.queries import FACT_FIELDS as API_FIELDS

    assert set(FACT_FIELDS) <= set(API_FIELDS)


def test_corrections_and_imports_are_checked_by_the_schema() -> None:
    # every field but the span and its text can be corrected, each checked by its type
    assert set(CORRECTABLE) == set(FACT_FIELDS) - {"start", "end", "quote", "section", "sentence_start", "sentence_end"}
    assert coerce_field("measure", "change_rank") == "change_rank"
    for name, raw in (("measure", "speed"), ("kind", "wish"), ("value", "nan"), ("value", "inf"), ("period", "20230101")):
        with pytest.raises(InputError):
            coerce_field(name, raw)


def test_an_observation_with_change_rank_imports(tmp_path: Path) -> None:
    from workreport import registry
    from workreport.store import Database

    db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    rows = tmp_path / "obs.csv"
    rows.write_text(
        "jurisdiction,indicator_id,period,measure,unit,value\n兰州市,gdp,2022,change_rank,rank,3\n", encoding="utf-8"
    )
    assert registry.import_observations(db, rows, who="analyst").written == 1


def test_the_api_fact_model_is_made_from_the_schema() -> None:
    from workreport.web.models import FactOut

    fields = FactOut.model_fields
    assert set(FACT_FIELDS) <= set(fields)
    for spec in FACT_SCHEMA:
        assert fields[spec.name].description == spec.description
    schema = FactOut.model_json_schema()
    kind = schema["properties"]["kind"]
    assert set(kind["enum"]) == {"target", "actual", "estimate", "other"}
