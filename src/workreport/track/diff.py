"""Targets of one report against another's, matched by meaning: raised, lowered, same, new,
dropped; and the escalation table of one year across levels.

Two targets are the same target when they measure the same thing the same way: the same
indicator id, or the same indicator phrase once verbs, hedges and list markers are set aside
(``track.match``), with the same measure. A rephrasing (`要完成铁路建设投资8000亿` /
`要完成铁路投资7320亿`) is therefore one row, lowered, not a dropped and a new target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workreport.rules.numbers import number_text, plain_number
from workreport.track.match import STRONG, overlap, phrase_key
from workreport.track.rules import Bound, lower_is_better


@dataclass(slots=True)
class DiffRow:
    """One target of A beside the same target of B, and how ambition changed from A to B."""

    indicator_id: str | None
    indicator: str
    measure: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None
    change: str  # raised | lowered | same | changed (not comparable: another unit) | new | dropped
    matched_by: str | None = None  # id | phrase

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON."""
        return {
            "indicator_id": self.indicator_id,
            "indicator": self.indicator,
            "measure": self.measure,
            "a": self.a,
            "b": self.b,
            "change": self.change,
            "matched_by": self.matched_by,
        }


def same_target(x: dict[str, Any], y: dict[str, Any]) -> str | None:
    """``"id"`` or ``"phrase"`` when ``x`` and ``y`` measure the same thing the same way, else None."""
    if x.get("measure") != y.get("measure"):
        return None
    if x.get("indicator_id") and y.get("indicator_id"):
        return "id" if x["indicator_id"] == y["indicator_id"] else None
    if overlap(phrase_key(x.get("indicator")), phrase_key(y.get("indicator"))) >= STRONG:
        return "phrase"
    return None


def _pairs(
    a: list[dict[str, Any]], b: list[dict[str, Any]]
) -> list[tuple[int | None, int | None, str | None]]:
    """Each target of A with the same target of B (ids first, then phrases), each used once."""
    taken: set[int] = set()
    pairs: list[tuple[int | None, int | None, str | None]] = []
    for i, x in enumerate(a):
        found = None
        for want in ("id", "phrase"):
            found = next((j for j, y in enumerate(b) if j not in taken and same_target(x, y) == want), None)
            if found is not None:
                taken.add(found)
                pairs.append((i, found, want))
                break
        if found is None:
            pairs.append((i, None, None))
    pairs += [(None, j, None) for j in range(len(b)) if j not in taken]
    return pairs


def change_in_ambition(before: Bound, after: float) -> str:
    """From target ``before`` to the same target set at ``after`` (in the same unit): raised,
    lowered or same, by ambition: a lower ceiling on a lower-is-better indicator is raised."""
    if abs(before.value - after) < 1e-9:
        return "same"
    return "raised" if (after > before.value) != lower_is_better(before) else "lowered"


def _change(ta: dict[str, Any], tb: dict[str, Any]) -> str:
    if ta.get("unit") != tb.get("unit"):
        return "changed"
    before = Bound(float(ta["value"]), measure=ta.get("measure") or "level", indicator_id=ta.get("indicator_id"))
    return change_in_ambition(before, float(tb["value"]))


def compare_targets(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[DiffRow]:
    """Targets of two reports (of one place) side by side, matched by meaning.

    ``change`` reads from A to B: raised / lowered (by ambition, so a lower ceiling on a
    lower-is-better indicator is raised ambition), same, changed (the same target in another
    unit), new (only in B), dropped (only in A)."""
    rows: list[DiffRow] = []
    for i, j, how in _pairs(a, b):
        ta, tb = (a[i] if i is not None else None), (b[j] if j is not None else None)
        ref = ta or tb
        assert ref is not None
        change = "new" if ta is None else "dropped" if tb is None else _change(ta, tb)
        rows.append(
            DiffRow(
                ref.get("indicator_id"),
                ref.get("indicator") or "",
                ref.get("measure") or "",
                ta,
                tb,
                change,
                how,
            )
        )
    return rows


def gap_text(gap: float, unit: str | None, *, signed: bool = False) -> str:
    """A difference between two targets in one unit as people write it: rates differ in
    percentage points (0.5个百分点), amounts in their unit (200亿元); ``signed`` puts + or − in front."""
    sign = ("+" if gap > 0 else "−" if gap < 0 else "") if signed else ""
    size = abs(gap) if signed else gap
    return sign + (f"{plain_number(size)}个百分点" if unit == "%" else number_text(size, unit))


def escalation_of(parent: Bound, target: float) -> str:
    """How a place's target stands to the level above's ``parent`` target (in the same unit,
    the same measure): raised (more ambitious: higher, or lower for a lower-is-better
    indicator), lowered or same, as :func:`change_in_ambition` reads a change across years."""
    return change_in_ambition(parent, target)


def compare_many(documents: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per target, one column per document (the escalation table of one year across
    levels: a lower level usually sets a higher growth target than the level above it).
    ``spread`` is the highest target minus the lowest, in the target's unit."""
    rows: list[list[dict[str, Any] | None]] = []
    for n, targets in enumerate(documents):
        for t in targets:
            row = next(
                (r for r in rows if r[n] is None and any(c is not None and same_target(c, t) for c in r)),
                None,
            )
            if row is None:
                row = [None] * len(documents)
                rows.append(row)
            row[n] = t
    out = []
    for cells in rows:
        present = [t for t in cells if t is not None]
        ref = present[0]
        same_unit = len({t.get("unit") for t in present}) == 1
        values = [float(t["value"]) for t in present]
        gap = max(values) - min(values)
        spread = gap_text(gap, present[0].get("unit")) if same_unit and len(values) > 1 else ""
        out.append(
            {
                "indicator_id": ref.get("indicator_id"),
                "indicator": ref.get("indicator") or "",
                "measure": ref.get("measure") or "",
                "targets": cells,
                "spread": spread,
            }
        )
    return out
