"""Targets of one report against another's: raised, lowered, same, new, dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workreport.track.rules import Bound, lower_is_better


@dataclass(slots=True)
class DiffRow:
    indicator_id: str | None
    indicator: str
    measure: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None
    change: str  # raised | lowered | same | new | dropped | reworded

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "indicator": self.indicator,
            "measure": self.measure,
            "a": self.a,
            "b": self.b,
            "change": self.change,
        }


def _target_key(t: dict[str, Any]) -> tuple[str, str]:
    return (t.get("indicator_id") or t.get("indicator") or "", t.get("measure") or "")


def compare_targets(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[DiffRow]:
    """Targets of two reports side by side, matched by indicator and measure.

    ``change`` reads from A to B: raised / lowered (by ambition, so a lower ceiling on a
    lower-is-better indicator is raised ambition), same, new (only in B), dropped (only in A)."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for t in a:
        first.setdefault(_target_key(t), t)
    second: dict[tuple[str, str], dict[str, Any]] = {}
    for t in b:
        second.setdefault(_target_key(t), t)
    rows: list[DiffRow] = []
    for key in list(first) + [k for k in second if k not in first]:
        ta, tb = first.get(key), second.get(key)
        ref = ta or tb
        assert ref is not None
        if ta is None:
            change = "new"
        elif tb is None:
            change = "dropped"
        elif ta.get("unit") != tb.get("unit"):
            change = "reworded"
        else:
            va, vb = float(ta["value"]), float(tb["value"])
            lower = lower_is_better(Bound(va, measure=key[1], indicator_id=ref.get("indicator_id")))
            if abs(va - vb) < 1e-9:
                change = "same"
            elif (vb > va) != lower:
                change = "raised"
            else:
                change = "lowered"
        rows.append(DiffRow(ref.get("indicator_id"), ref.get("indicator") or "", key[1], ta, tb, change))
    return rows


def compare_many(documents: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per indicator and measure, one column per document (the escalation table): a
    lower level usually sets a higher growth target than the level above it. ``spread`` is the
    highest target minus the lowest, in the target's unit."""
    keys: list[tuple[str, str]] = []
    cells: dict[tuple[str, str], list[dict[str, Any] | None]] = {}
    for n, targets in enumerate(documents):
        for t in targets:
            key = _target_key(t)
            if key not in cells:
                keys.append(key)
                cells[key] = [None] * len(documents)
            if cells[key][n] is None:
                cells[key][n] = t
    rows = []
    for key in keys:
        present = [t for t in cells[key] if t is not None]
        ref = present[0]
        same_unit = len({t.get("unit") for t in present}) == 1
        values = [float(t["value"]) for t in present]
        spread = f"{max(values) - min(values):g}" if same_unit and len(values) > 1 else ""
        rows.append(
            {
                "indicator_id": ref.get("indicator_id"),
                "indicator": ref.get("indicator") or "",
                "measure": key[1],
                "targets": cells[key],
                "spread": spread,
            }
        )
    return rows
