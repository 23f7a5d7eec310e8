"""Tracking at corpus scale (workreport.batch.analysis): the same reports rated from a Parquet
dataset in DuckDB and from a registry database give the same rating to every target."""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, shared_or_skip
from workreport import registry
from workreport.batch import extract_corpus
from workreport.batch.analysis import track_dataset
from workreport.cli import main
from workreport.errors import InputError
from workreport.store import Database
from workreport.track import track

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A city's two years, the seeds, and two national reports, copied to one folder."""
    folder = tmp_path_factory.mktemp("reports")
    sources = [
        ROOT / "tests" / "data" / "diff" / "river_2023.txt",
        ROOT / "tests" / "data" / "diff" / "river_2024.txt",
        *sorted(shared_or_skip("seeds").glob("*.txt")),
        shared_or_skip("corpus", "national", "2013.txt"),
        shared_or_skip("corpus", "national", "2014.txt"),
    ]
    out = []
    for src in sources:
        dest = folder / (f"national_{src.name}" if src.parent.name == "national" else src.name)
        shutil.copy(src, dest)
        out.append(dest)
    return sorted(out)


@pytest.fixture(scope="module")
def both(reports: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, Path]:
    tmp = tmp_path_factory.mktemp("both")
    db = Database(f"sqlite:///{tmp / 'registry.sqlite'}")
    registry.ingest(db, [str(p) for p in reports])
    out = tmp / "dataset"
    result = extract_corpus([str(p) for p in reports], out, workers=1)
    assert result.ok and result.done == len(reports)
    return db, out


def _key(row: Any) -> tuple[object, ...]:
    t, o = row.target, row.outcome
    return (
        Path(t["document"]).name,
        t["start"],
        t["end"],
        t["quote"],
        row.status,
        row.provisional,
        (Path(o["document"]).name, o["start"], o["end"], o["quote"], o["value"]) if o else None,
    )


def test_dataset_ratings_equal_the_registry(both: tuple[Database, Path]) -> None:
    db, out = both
    expected = sorted(map(_key, track(db)))
    got = sorted(map(_key, track_dataset(out)))
    assert len(expected) >= 100, len(expected)  # a real comparison, not an empty one
    assert {k[4] for k in expected} >= {"met", "not_yet_due"}
    assert sum(k[6] is not None for k in expected) >= 10
    assert got == expected
    print(f"\n{len(expected)} targets rated alike, {sum(k[6] is not None for k in expected)} with an outcome")


def test_filters_equal_the_registry(both: tuple[Database, Path]) -> None:
    db, out = both
    for jurisdiction, period in (("中国", 2013), ("中国", None), (None, 2014)):
        expected = sorted(map(_key, track(db, jurisdiction=jurisdiction, period=period)))
        got = sorted(map(_key, track_dataset(out, jurisdiction=jurisdiction, period=period)))
        assert got == expected and expected, (jurisdiction, period)
    with pytest.raises(InputError):
        track_dataset(out, jurisdiction="没有这个地方")


def test_rules_and_matches_equal_the_registry(both: tuple[Database, Path]) -> None:
    db, out = both

    def detail(r: Any) -> tuple[object, ...]:
        return (
            Path(r.target["document"]).name,
            r.target["start"],
            r.rule,
            r.match,
            r.review,
            r.jurisdiction,
            r.period,
        )

    assert sorted(map(detail, track_dataset(out))) == sorted(map(detail, track(db)))


def test_a_changed_source_is_warned_about(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("river_2023.txt", "river_2024.txt"):
        shutil.copy(ROOT / "tests" / "data" / "diff" / name, folder / name)
    out = tmp_path / "dataset"
    extract_corpus([folder], out, workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the sources are as extracted: no warning
        before = track_dataset(out)
    changed = folder / "river_2024.txt"
    changed.write_bytes(changed.read_bytes() + b"\n")
    with pytest.warns(UserWarning, match="missing or changed"):
        after = track_dataset(out)
    assert len(after) == len(before)


def test_cli_track_dataset(both: tuple[Database, Path]) -> None:
    _db, out = both
    runner = CliRunner()
    as_json = runner.invoke(main, ["track", "--dataset", str(out), "--format", "json", "-j", "中国"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert rows and all(r["jurisdiction"] == "中国" for r in rows)
    assert {"target", "outcome", "status", "provisional", "rule"} <= set(rows[0])
    as_csv = runner.invoke(main, ["track", "--dataset", str(out), "--format", "csv", "-p", "2013"])
    assert as_csv.exit_code == 0 and as_csv.output.startswith("commitment_id,"), as_csv.output
    as_table = runner.invoke(main, ["track", "--dataset", str(out)])
    assert as_table.exit_code == 0 and "targets)" in as_table.output
    missing = runner.invoke(main, ["track", "--dataset", str(out.parent / "nothing")])
    assert missing.exit_code != 0 and "no documents dataset" in missing.output


def test_without_duckdb_the_error_says_what_to_install(
    both: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _db, out = both
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(InputError, match=r"workreport\[duckdb\]"):
        track_dataset(out)


def test_context_is_the_item_before_the_number() -> None:
    from workreport.track.context import CONTEXT, context_in

    text = "一、回顾。全市生产总值增长6%，规模以上工业增加值增长7%。"
    start = text.index("7%")
    assert context_in(text, start, text.index("全市")) == "规模以上工业增加值增长"
    long = "甲" * (CONTEXT + 10) + "增长5%"
    assert context_in(long, long.index("5%"), 0) == long[long.index("5%") - CONTEXT : long.index("5%")]


def test_an_item_naming_only_how_much_is_covered_takes_the_sentences_topic() -> None:
    # 覆盖面扩大到60%以上: the item names no subject; the sentence opened with it
    from workreport.track.context import context_in

    text = "一、回顾。2343个县（市、区）开展新型农村社会养老保险试点，3.58亿人参保，覆盖面扩大到60%以上。"
    start, sentence = text.index("60%"), text.index("2343")
    assert context_in(text, start, sentence) == "2343个县（市、区）开展新型农村社会养老保险试点…覆盖面扩大到"
    # an item that names its own subject keeps its own context, and so does a sentence's first item
    other = "一、回顾。全市生产总值增长6%，粮食产量达到700亿斤。覆盖面扩大到60%以上。"
    assert context_in(other, other.index("700"), other.index("全市")) == "粮食产量达到"
    assert context_in(other, other.index("60%"), other.index("覆盖面")) == "覆盖面扩大到"
