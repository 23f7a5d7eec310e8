"""TRACK.md §4 scoring of tracker rows against a tracking key: pure, no database.

The same figures as the reference scorer ``score_track.py`` (a test checks they agree):
targets found, outcome right, status right, wrong-period rows and track F1 per key, and the
micro-average over several keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def _same_value(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def _in_doc(ref: Any, name: str) -> bool:
    """Does a row's document (a path as ingested) name the key's document?"""
    if not ref or not name:
        return False
    ref = str(ref).replace("\\", "/")
    return bool(ref == name or ref.endswith("/" + name) or ref.rsplit("/", 1)[-1] == name.rsplit("/", 1)[-1])


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _span(d: dict[str, Any]) -> tuple[int, int] | None:
    try:
        return int(d["start"]), int(d["end"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(slots=True)
class TrackScore:
    """TRACK.md §4 figures of one key (or, summed, of several)."""

    key_targets: int = 0
    found: int = 0
    outcome_right: int = 0
    status_right: int = 0
    key_outcomes: int = 0
    outcomes_linked: int = 0
    wrong_period: int = 0
    correct: int = 0
    predicted: int = 0
    notes: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Correct rows / rows in the key's regions plus wrong-period rows."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Correct rows / key targets."""
        return self.correct / self.key_targets if self.key_targets else 0.0

    @property
    def f1(self) -> float:
        """Track F1."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, Any]:
        """The figures as ``score_track.py --json`` prints them."""
        return {
            "key_targets": self.key_targets,
            "targets_found": self.found / self.key_targets if self.key_targets else 0.0,
            "outcome_right": self.outcome_right / self.found if self.found else 0.0,
            "key_outcomes": self.key_outcomes,
            "outcomes_linked": self.outcomes_linked,
            "status_right": self.status_right / self.found if self.found else 0.0,
            "wrong_period": self.wrong_period,
            "correct": self.correct,
            "predicted": self.predicted,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }

    def __add__(self, other: TrackScore) -> TrackScore:
        names = ("key_targets", "found", "outcome_right", "status_right", "key_outcomes",
                 "outcomes_linked", "wrong_period", "correct", "predicted")  # fmt: skip
        return TrackScore(
            **{n: getattr(self, n) + getattr(other, n) for n in names}, notes=self.notes + other.notes
        )


def score_track(key: dict[str, Any], rows: Sequence[dict[str, Any]]) -> TrackScore:
    """Score tracker rows (``TrackRow.to_dict()``) against one tracking key (TRACK.md §4)."""
    plan, review = key["plan_document"], key["review_document"]
    regions = [tuple(r) for r in key.get("regions") or []]
    not_annual = key.get("not_annual") or []
    plan_rows = [
        (r, sp)
        for r in rows
        if (sp := _span(r.get("target") or {})) and _in_doc((r.get("target") or {}).get("document"), plan)
    ]
    s = TrackScore(key_targets=len(key["targets"]))
    used: set[int] = set()
    for g in key["targets"]:
        gs = (g["target"]["start"], g["target"]["end"])
        best = next(
            (
                i
                for i, (r, sp) in enumerate(plan_rows)
                if i not in used
                and _overlaps(sp, gs)
                and _same_value(r["target"].get("value"), g["target"]["value"])
            ),
            None,
        )
        go = g.get("outcome")
        s.key_outcomes += go is not None
        if best is None:
            s.notes.append(("missed target", g["target"]["quote"], g.get("indicator") or ""))
            continue
        used.add(best)
        s.found += 1
        r = plan_rows[best][0]
        o = r.get("outcome")
        if go is None:
            outcome_ok = not o or o.get("value") is None
        else:
            outcome_ok = (
                o is not None
                and _in_doc(o.get("document"), review)
                and _same_value(o.get("value"), go["value"])
            )
            s.outcomes_linked += outcome_ok
        status_ok = r.get("status") == g["status"]
        s.outcome_right += outcome_ok
        s.status_right += status_ok
        s.correct += outcome_ok and status_ok
        if not outcome_ok:
            s.notes.append(("wrong outcome", g["target"]["quote"], g.get("indicator") or ""))
        elif not status_ok:
            s.notes.append(
                ("wrong status", g["target"]["quote"], f"want {g['status']}, got {r.get('status')}")
            )
    wrong = {
        i
        for i, (_, sp) in enumerate(plan_rows)
        if any(_overlaps(sp, (n["start"], n["end"])) for n in not_annual)
    }
    s.wrong_period = len(wrong)
    s.notes += [("wrong period", str(plan_rows[i][0]["target"].get("quote"))) for i in sorted(wrong)]
    in_regions = {i for i, (_, sp) in enumerate(plan_rows) if any(_overlaps(sp, reg) for reg in regions)}
    s.notes += [
        ("extra target", str(plan_rows[i][0]["target"].get("quote"))) for i in sorted(in_regions - used)
    ]
    s.predicted = len(in_regions | wrong)
    return s
