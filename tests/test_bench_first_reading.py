"""bench/run.py times our extraction as a first reading of the reports: before each pass it
empties the extractor's bounded memos (numerals, units, phrases), not the rules it loads once."""

from __future__ import annotations

from types import ModuleType

import pytest

import workreport
from tests.conftest import ROOT, bench_module
from workreport.pipeline.extract.vocabulary import extractor_rules

EXAMPLE = ROOT / "src" / "workreport" / "examples" / "example_city_2023.txt"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    return bench_module("run")


def test_the_memos_a_pass_empties_are_the_bounded_ones_a_report_fills(run: ModuleType) -> None:
    doc = workreport.read(EXAMPLE)
    first = workreport.extract(doc)
    memos = run.phrase_memos()
    assert len(memos) >= 4
    assert all(m.cache_parameters()["maxsize"] is not None for m in memos)
    assert extractor_rules not in memos  # the rules: loaded once a process, as in any run
    filled = [m for m in memos if m.cache_info().currsize > 0]
    assert len(filled) * 2 >= len(memos)  # most of them hold what one report read
    for m in memos:
        m.cache_clear()
    assert all(m.cache_info().currsize == 0 for m in memos)
    assert extractor_rules.cache_info().currsize == 1
    # read again from empty memos: the same facts
    assert [f.to_dict() for f in workreport.extract(doc)] == [f.to_dict() for f in first]
