"""The extractor's output on every real report equals the stored baseline, field by field.

Every report of ``../shared/corpus`` and ``../shared/seeds`` (and ``tests/data/reports``) is
read and extracted; its facts (every field, spans included) must hash to the digest stored
in ``tests/data/baseline/digests.json``. A mismatch shows the first facts that differ, read
from ``tests/data/baseline/facts.jsonl.gz``. Speed work must leave this green.

When the output changes ON PURPOSE (better labels, a new rule), regenerate the baseline with
one command and commit it with the change:

    python tests/make_fact_baseline.py            # rewrite tests/data/baseline/ from the current code
    python tests/make_fact_baseline.py --check    # only list what differs (writes nothing)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import MISSING, ROOT

_SPEC = importlib.util.spec_from_file_location("make_fact_baseline", ROOT / "tests" / "make_fact_baseline.py")
assert _SPEC is not None and _SPEC.loader is not None
baseline: ModuleType = importlib.util.module_from_spec(_SPEC)
sys.modules["make_fact_baseline"] = baseline
_SPEC.loader.exec_module(baseline)

STORED: dict[str, dict[str, object]] = baseline.load_digests()
REGENERATE = "python tests/make_fact_baseline.py"


def _path(key: str) -> Path:
    prefix, _, rest = key.partition("/")
    return Path(baseline.SOURCES[prefix]) / rest


@pytest.mark.parametrize("key", sorted(STORED))
def test_facts_equal_baseline(key: str) -> None:
    path = _path(key)
    if not path.exists():
        pytest.skip(f"shared material {MISSING}: {path} (set WORKREPORT_SHARED)")
    entry = STORED[key]
    assert baseline.file_sha(path) == entry["sha256"], (
        f"{key} is not the file the baseline was made from: run {REGENERATE}"
    )
    facts = baseline.facts_of(path)
    if baseline.digest(facts) != entry["digest"]:
        old = baseline.load_facts(key) or []
        diff = "\n  ".join(baseline.first_differences(old, facts))
        pytest.fail(
            f"{key}: facts differ from the baseline ({entry['facts']} stored, {len(facts)} now):\n  {diff}\n"
            f"if the change is intended, run {REGENERATE} and commit tests/data/baseline/"
        )


def test_baseline_covers_every_report() -> None:
    """A report added to the corpus (or removed from it) needs a regenerated baseline."""
    if not Path(baseline.SOURCES["corpus"]).is_dir():
        pytest.skip(f"shared material {MISSING}: {baseline.SOURCES['corpus']} (set WORKREPORT_SHARED)")
    found = {key for key, _ in baseline.report_files()}
    assert found == set(STORED), (
        f"new: {sorted(found - set(STORED))[:5]}, gone: {sorted(set(STORED) - found)[:5]}; run {REGENERATE}"
    )
    assert any(k.startswith("corpus/") for k in STORED) and any(k.startswith("seeds/") for k in STORED)
