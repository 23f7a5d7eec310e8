"""The reports bench/scale.py adds to the registry of 10,000 reports are the next ones of the
corpus that registry was made of: reports of every level, not 140 provincial ones."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import MISSING, SHARED, bench_module


@pytest.fixture(scope="module")
def web() -> ModuleType:
    return bench_module("web")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.name.startswith("_")}


@pytest.mark.parametrize("kind", ["tests", "shared"])
def test_a_corpus_written_from_a_start_is_the_rest_of_the_whole_one(web: ModuleType, tmp_path: Path, kind: str) -> None:
    if kind == "shared" and not any((SHARED / "corpus" / "provinces-2026").glob("*.txt")):
        pytest.skip(f"the shared provincial reports: {MISSING}")
    web.write_corpus(12, tmp_path / "whole", kind)
    web.write_corpus(12, tmp_path / "rest", kind, start=9)
    whole, rest = _files(tmp_path / "whole"), _files(tmp_path / "rest")
    assert sorted(rest) == sorted(whole)[9:]
    assert all(rest[name] == whole[name] for name in rest)


def test_the_reports_added_to_the_grown_registry_are_of_every_level(web: ModuleType, tmp_path: Path) -> None:
    if not any((SHARED / "corpus" / "provinces-2026").glob("*.txt")):
        pytest.skip(f"the shared provincial reports: {MISSING}")
    import workreport

    web.write_corpus(10_060, tmp_path, "shared", start=10_000)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("_")]
    levels = Counter(workreport.inspect(workreport.read(p)).metadata.level for p in files)
    assert len(files) == 60
    # the bases are all provincial reports; the places they are given are a corpus's: most of
    # them counties, few provinces (a province's review re-rates every place below it)
    assert levels["county"] > levels["province"]


def test_a_corpus_written_from_a_start_is_not_reused_as_a_whole_one(tmp_path: Path) -> None:
    make_corpus = bench_module("make_corpus")
    make_corpus.make_corpus(6, tmp_path, seed=0, start=3)
    files, note = make_corpus.cached_corpus(3, tmp_path, 0, "project", log=lambda _msg: None)
    assert note.startswith("made")
    assert [p.name[:6] for p in files] == ["000000", "000001", "000002"]
