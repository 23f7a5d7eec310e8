"""The registry on a real database (SQLite and PostgreSQL): ingest, track, people's edits,
imports, diff and exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

import workreport
from tests.conftest import REPORTS, SHARED
from workreport import registry
from workreport.errors import InputError, NotFoundError
from workreport.store import AuditRow, CommitmentRow, Database, DocumentRow, FactRow
from workreport.track import track

SEEDS = SHARED / "seeds"
EXAMPLES = Path(workreport.__file__).parent / "examples"


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    yield database
    database.close()


def cli(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "workreport.cli", *args], capture_output=True, text=True)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def counts(db: Database) -> dict[str, int]:
    return registry.info(db)["rows"]


def test_new_area_targets_against_the_city_review(db: Database, db_url: str) -> None:
    if not SEEDS.exists():
        pytest.skip("seeds not present (set WORKREPORT_SHARED)")
    result = registry.ingest(db, [SEEDS])
    assert result.ok and len(result.added) == 2
    rows = json.loads(
        cli(
            "track", "--jurisdiction", "兰州新区", "--period", "2022", "--format", "json", "--db", db_url
        ).stdout
    )
    gdp = [r for r in rows if r["indicator_id"] == "gdp"]
    assert len(gdp) == 1
    g = gdp[0]
    assert (g["jurisdiction"], g["period"], g["status"], g["provisional"]) == (
        "兰州新区",
        2022,
        "missed",
        True,
    )
    assert g["target"]["quote"] == "20%以上" and g["target"]["comparator"] == ">="
    assert g["outcome"]["quote"] == "13.5%以上" and g["outcome"]["kind"] == "estimate"
    text = (SEEDS / "000_d0abdd690213ae7c.txt").read_text(encoding="utf-8")
    assert text[g["outcome"]["start"] : g["outcome"]["end"]] == "13.5%以上"
    for key in (
        "jurisdiction",
        "indicator_id",
        "period",
        "target",
        "outcome",
        "status",
        "provisional",
        "rule",
    ):
        assert key in g
    others = [r for r in rows if r["indicator_id"] != "gdp"]
    assert others and all(r["status"] == "unknown" for r in others)
    city = track(db, jurisdiction="兰州市", period=2023)
    assert city and all(r.status == "not_yet_due" for r in city)


def test_reingesting_changes_nothing(db: Database) -> None:
    first = registry.ingest(db, [REPORTS])
    before = counts(db)
    again = registry.ingest(db, [REPORTS])
    assert not again.added and len(again.unchanged) == len(first.added)
    assert counts(db) == before


def test_bad_files_are_reported_and_good_ones_stored(db: Database, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "good.txt").write_text(
        (REPORTS / "county_2023.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = registry.ingest(db, [tmp_path])
    assert len(result.added) == 1 and len(result.failed) == 2
    assert all(reason for _, reason in result.failed)
    proc = cli("ingest", str(tmp_path), "--db", str(db.url), ok=False)
    assert proc.returncode == 1 and "empty.txt" in proc.stderr and "Traceback" not in proc.stderr


def test_corrections_and_assessments_survive_reextraction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.ingest(db, [REPORTS / "city_2024.txt"])
    with db.session() as s:
        fact = s.scalars(select(FactRow).where(FactRow.kind == "target").order_by(FactRow.id)).first()
        commitment = s.scalars(select(CommitmentRow).where(CommitmentRow.type == "target")).first()
        task = s.scalars(select(CommitmentRow).where(CommitmentRow.type == "task")).first()
        assert fact is not None and commitment is not None and task is not None
        fact_id, fact_key, commitment_key, task_key = fact.id, fact.key, commitment.key, task.key
    registry.correct(db, fact_id, {"value": "99.5", "indicator_id": "gdp"}, who="editor")
    registry.assess(db, commitment.id, "met", who="editor", note="checked with the statistics bureau")
    registry.assess(db, task.id, "in_progress", who="editor")
    # a newer extractor re-extracts the same file
    import workreport.registry.documents as documents

    monkeypatch.setattr(documents, "EXTRACTOR_VERSION", "99.0")
    result = registry.ingest(db, [REPORTS / "city_2024.txt"])
    assert result.updated
    with db.session() as s:
        refreshed = s.scalar(select(FactRow).where(FactRow.key == fact_key))
        assert refreshed is not None
        assert (refreshed.value, refreshed.indicator_id, refreshed.corrected) == (99.5, "gdp", True)
        assert refreshed.extractor_version == "99.0"
        c = s.scalar(select(CommitmentRow).where(CommitmentRow.key == commitment_key))
        t = s.scalar(select(CommitmentRow).where(CommitmentRow.key == task_key))
        assert c is not None and t is not None and t.status == "in_progress"
        audit = s.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        assert [a.action for a in audit] == ["correct", "assess", "assess"]
        assert audit[0].who == "editor" and audit[0].after["value"] == 99.5
    rated = {r.commitment_id: r for r in track(db)}
    assert rated[c.id].status == "met" and rated[c.id].rater == "editor"


def test_errors_name_what_is_wrong(db: Database) -> None:
    with pytest.raises(NotFoundError):
        registry.correct(db, 10**9, {"value": "1"}, who="x")
    registry.ingest(db, [REPORTS / "county_2023.txt"])
    with db.session() as s:
        fid = s.scalar(select(func.min(FactRow.id)))
    with pytest.raises(InputError, match="cannot correct"):
        registry.correct(db, fid, {"quote": "x"}, who="x")
    with pytest.raises(InputError, match="not a number"):
        registry.correct(db, fid, {"value": "abc"}, who="x")
    with pytest.raises(InputError, match="unknown status"):
        registry.assess(db, 1, "great", who="x")


def test_csv_import_is_all_or_nothing(db: Database, tmp_path: Path) -> None:
    registry.ingest(db, [EXAMPLES])
    good = tmp_path / "obs.csv"
    good.write_text(
        "jurisdiction,indicator_id,period,measure,unit,value,kind\n"
        "西咸新区,retail_sales,2022,growth,%,8.4,actual\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "jurisdiction,indicator_id,period,measure,unit,value,kind\n"
        "西咸新区,retail_sales,2022,growth,%,8.4,actual\n"
        "火星市,gdp,2022,growth,%,5,actual\n"
        "西咸新区,gdp,二〇二二,growth,%,5,actual\n",
        encoding="utf-8",
    )
    before = counts(db)["observations"]
    with pytest.raises(InputError) as err:
        registry.import_observations(db, bad, who="analyst")
    assert len(err.value.problems) == 2
    assert ":3:" in err.value.problems[0] and ":4:" in err.value.problems[1]
    assert counts(db)["observations"] == before
    dry = registry.import_observations(db, good, who="analyst", dry_run=True)
    assert dry.written == 0 and counts(db)["observations"] == before
    registry.import_observations(db, good, who="analyst")
    assert counts(db)["observations"] == before + 1
    retail = [r for r in track(db, jurisdiction="西咸新区", period=2022) if r.indicator_id == "retail_sales"]
    assert retail and retail[0].status == "met" and retail[0].outcome is not None
    assert retail[0].outcome["source"] == "csv"


def test_assessments_import(db: Database, tmp_path: Path) -> None:
    registry.ingest(db, [EXAMPLES])
    with db.session() as s:
        cid = s.scalar(select(func.min(CommitmentRow.id)).where(CommitmentRow.type == "project"))
        status = "done"  # a 为民实事's progress, with its evidence
        if cid is None:
            cid, status = s.scalar(select(func.min(CommitmentRow.id)).where(CommitmentRow.type == "target")), "met"
    f = tmp_path / "a.csv"
    f.write_text(f"commitment_id,status,note,evidence\n{cid},{status},finished in June,市政府公报\n", encoding="utf-8")
    registry.import_assessments(db, f, who="office")
    bad = tmp_path / "b.csv"
    bad.write_text("commitment_id,status\n999999,done\n", encoding="utf-8")
    with pytest.raises(InputError):
        registry.import_assessments(db, bad, who="office")


DIFF = Path(__file__).parent / "data" / "diff"


def test_diff_matches_targets_by_meaning_across_years(tmp_path: Path) -> None:
    out = json.loads(
        cli("diff", str(DIFF / "river_2023.txt"), str(DIFF / "river_2024.txt"), "--format", "json").stdout
    )
    changes = {(r["a"] or r["b"])["quote"]: r["change"] for r in out["rows"]}
    assert changes["6%左右"] == "lowered" and changes["2.5万人以上"] == "same"
    assert changes["3%左右"] == "raised"  # a lower ceiling on prices is more ambitious
    # 铁路建设投资 80亿 → 铁路投资 73.2亿: one target, lowered, not a dropped and a new one
    rail = [r for r in out["rows"] if r["a"] and r["a"]["quote"] == "80亿元"]
    assert rail and rail[0]["change"] == "lowered" and rail[0]["b"]["quote"] == "73.2亿元"
    assert changes["120个"] == "dropped" and changes["8所"] == "new"


def test_diff_of_different_places_needs_the_escalation_table(tmp_path: Path) -> None:
    refused = cli("diff", str(REPORTS / "city_2024.txt"), str(REPORTS / "province_2026.txt"), ok=False)
    assert refused.returncode != 0 and "--escalation" in refused.stderr and "Traceback" not in refused.stderr
    three = json.loads(
        cli(
            "diff",
            str(REPORTS / "province_2026.txt"),
            str(REPORTS / "city_2024.txt"),
            str(REPORTS / "county_2023.txt"),
            "--escalation",
            "--format",
            "json",
        ).stdout
    )
    assert len(three["documents"]) == 3
    gdp = [r for r in three["rows"] if r["indicator_id"] == "gdp" and r["measure"] == "growth"]
    assert gdp and len(gdp[0]["targets"]) == 3 and sum(t is not None for t in gdp[0]["targets"]) >= 2


def test_exports_with_schemas(db: Database, tmp_path: Path) -> None:
    import jsonschema
    import pyarrow.parquet as pq

    registry.ingest(db, [REPORTS])
    track(db)
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / fmt
        cli("export", "--format", fmt, "-o", str(out), "--db", db.url)
        package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
        names = {r["name"] for r in package["resources"]}
        assert {"documents", "facts", "commitments", "assessments", "observations"} <= names
        if fmt == "jsonl":
            schema = json.loads((out / "schemas" / "facts.schema.json").read_text(encoding="utf-8"))
            lines = (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()
            assert lines
            for line in lines[:50]:
                jsonschema.validate(json.loads(line), schema)
        if fmt == "parquet":
            facts = pq.read_table(out / "facts.parquet")
            assert facts.num_rows == counts(db)["facts"]


def test_the_export_holds_corrections_and_task_percentages(db: Database, tmp_path: Path) -> None:
    import jsonschema

    registry.ingest(db, [REPORTS])
    with db.read() as s:
        fid = s.scalar(select(func.min(FactRow.id)))
        task = s.scalar(select(func.min(CommitmentRow.id)).where(CommitmentRow.type != "target"))
    assert fid is not None and task is not None
    registry.correct(db, fid, {"value": "7"}, who="ed")
    registry.assess(db, task, "done", who="ed", evidence="市政府公报")
    out = tmp_path / "package"
    cli("export", "--format", "jsonl", "-o", str(out), "--db", db.url)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    keys = {r["name"]: r["schema"]["primaryKey"] for r in package["resources"]}
    assert keys["corrections"] == ["id"] and keys["assessment_progress"] == ["assessment_id"]
    assert not {"users", "sessions", "api_tokens", "audit_log"} & set(keys)  # people and the audit stay in
    for name, expected in (("corrections", {"field": "value", "value": 7.0}), ("assessment_progress", {"percent": 100})):
        schema = json.loads((out / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        (line,) = (out / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        row = json.loads(line)
        jsonschema.validate(row, schema)
        assert expected.items() <= row.items(), row


def test_an_export_that_fails_leaves_the_package_as_it_was(db: Database, tmp_path: Path) -> None:
    from workreport.publish.exports import export

    registry.ingest(db, [REPORTS])
    out = tmp_path / "package"
    export(db, out, "csv")
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "facts.csv").unlink()
    (out / "facts.csv").mkdir()  # a folder where the facts table goes: the export cannot finish
    registry.ingest(db, [EXAMPLES])  # the new package would differ in every table
    failed = cli("export", "--format", "csv", "-o", str(out), "--db", db.url, ok=False)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert f"{out / 'facts.csv'}" in failed.stderr and ".tmp" not in failed.stderr  # the path asked for
    after = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    del before["facts.csv"]
    assert after == before  # nothing replaced, no temporary file left


def test_documents_resolve_to_jurisdictions(db: Database) -> None:
    registry.ingest(db, [EXAMPLES, REPORTS])
    with db.session() as s:
        docs = s.scalars(select(DocumentRow)).all()
        assert all(d.jurisdiction_id is not None for d in docs), [d.jurisdiction_name for d in docs]
    with db.session() as s:
        row = registry.find_jurisdiction(s, "西咸新区")
        parent = s.get(type(row), row.parent_id)
        assert parent is not None and parent.name == "西安市"
