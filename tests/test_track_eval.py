"""The tracker measured on the tracking keys (TRACK.md §4): `workreport eval --track` agrees
with the reference scorer, and floors pinned per dev key only go up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_or_skip
from workreport.registry.evaluate import evaluate_track_key, load_track_key
from workreport.track.evaluate import TrackScore, score_track

# (track F1 floor, outcomes linked floor) per dev key: measured, then rounded down a little.
# Lowering one is a decision for the changelog, never a quiet edit.
FLOORS = {
    "national-2000": (0.0, 0),  # sets no numeric annual target: its only figure is rows that should not exist
    "national-2003": (0.99, 1),
    "national-2004": (0.99, 2),
    "national-2010": (0.99, 4),
    "national-2011": (0.99, 4),
    "national-2012": (0.99, 4),
    "national-2013": (0.99, 7),
    "national-2014": (0.99, 13),
    "national-2017": (0.99, 2),
    "seed-lanzhou-newarea-2022": (1.0, 1),
}
MICRO_F1 = 0.98


def _keys() -> list[Path]:
    folder = shared_or_skip("gold", "track")
    return sorted(folder.glob("*.track.json"))


@pytest.fixture(scope="module")
def scores() -> dict[str, TrackScore]:
    return {p.name.removesuffix(".track.json"): evaluate_track_key(p) for p in _keys()}


def test_every_dev_key_has_a_floor(scores: dict[str, TrackScore]) -> None:
    assert set(scores) == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_track_keys_stay_above_their_floor(scores: dict[str, TrackScore], name: str) -> None:
    f1, linked = FLOORS[name]
    s = scores[name]
    assert s.wrong_period == 0, f"{name}: {s.wrong_period} rows rate a multi-year target as an annual one"
    assert s.f1 >= f1, f"{name}: track F1 {s.f1:.3f} fell below {f1}; {s.notes}"
    assert s.outcomes_linked >= linked, f"{name}: {s.outcomes_linked} outcomes linked, floor {linked}"


def test_the_micro_average_stays_above_its_floor(scores: dict[str, TrackScore]) -> None:
    total = sum(scores.values(), TrackScore())
    assert total.f1 >= MICRO_F1, total.figures()


def test_eval_track_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    """The same rows scored by score_track.py and by track.evaluate give the same figures."""
    scorer = shared_or_skip("tools", "score_track.py")
    key_path = shared_or_skip("gold", "track", "national-2014.track.json")
    from workreport import registry
    from workreport.registry.evaluate import key_document
    from workreport.store import Database
    from workreport.track import track

    key = load_track_key(key_path)
    db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    registry.ingest(
        db, [key_document(key_path, key["plan_document"]), key_document(key_path, key["review_document"])]
    )
    rows = [r.to_dict() for r in track(db, jurisdiction=key["jurisdiction"], period=key["period"])]
    (tmp_path / "rows.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(scorer), str(key_path), str(tmp_path / "rows.json"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    reference = json.loads(proc.stdout)
    ours = score_track(key, rows).figures()
    for name in ("targets_found", "outcome_right", "status_right", "precision", "recall", "f1"):
        assert ours[name] == pytest.approx(reference[name]), name
    for name in ("key_outcomes", "outcomes_linked", "wrong_period", "correct", "predicted", "key_targets"):
        assert ours[name] == reference[name], name


def test_eval_track_prints_per_key_and_micro_averaged_figures() -> None:
    keys = [str(p) for p in _keys()[:2]]
    proc = subprocess.run(
        [sys.executable, "-m", "workreport.cli", "eval", "--track", *keys, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(proc.stdout)
    assert set(out) == {*keys, "micro"} and "f1" in out["micro"]
