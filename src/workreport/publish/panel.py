"""Escalation: one indicator's targets for one year, level by level (国务院 → province → city →
county / new area), each beside the target of the level above; and the same as a research
panel (one row per place: place, level, parent, year, indicator, target, comparator, the
previous year's outcome, the parent's target, the outcome, the status) in CSV, JSON or
Parquet, with a JSON Schema made from :class:`PanelRow`.

The target and outcome of a place are chosen as the grapher chooses them (publish/grapher.py:
annual numbers only, the plainest indicator phrase first). A range counts by its lower end,
the figure a government commits to reach (as the tracking rules rate it); the gap to the
parent is in percentage points for rates. Whether a place aims above its parent reads as a
change in ambition does (track.diff), so a lower ceiling on a lower-is-better indicator is
more ambitious.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter

from workreport.errors import InputError
from workreport.pipeline.places import LEVELS
from workreport.publish import charts
from workreport.publish.cells import csv_row
from workreport.publish.files import write_atomic
from workreport.publish.grapher import (
    best_by_place_year,
    dominant_unit,
    indicator_spec,
    indicator_title,
    measures_of,
)
from workreport.rules.labels import measure_label
from workreport.rules.numbers import number_text, raw_number
from workreport.store import Database
from workreport.store.series import Place, Point, outcomes, places_reporting, targets, with_ancestors
from workreport.track.diff import escalation_of, gap_text
from workreport.track.rules import Bound

FORMATS = ("csv", "json", "parquet")


class PanelRow(BaseModel):
    """One place's target for one indicator and year, beside its parent's: a row of the panel."""

    place: str = Field(description="the place that set the target (中国 for the State Council's report)")
    level: str = Field(description="national, province, prefecture, county, new_area or zone")
    parent: str | None = Field(description="the place one level above, or null")
    year: int = Field(description="the year the target is due")
    indicator: str = Field(description="the indicator id (rules/indicators.toml)")
    measure: str = Field(description="what the number measures: growth, level, share …")
    unit: str | None = Field(description="the canonical unit: % for rates, CNY, person …")
    target: float | None = Field(description="the target value (the lower end of a range)")
    target_max: float | None = Field(description="the upper end of a range target, else null")
    comparator: str | None = Field(description=">= (以上), <= (以内), ~ (左右), = (a plain number) or range")
    target_text: str = Field(description="the target as a report writes it: 增长5%左右")
    previous_outcome: float | None = Field(description="the place's outcome for the year before")
    parent_target: float | None = Field(description="the parent's target for the same year (lower end)")
    gap_to_parent: float | None = Field(
        description="target minus parent_target, in the unit (percentage points for rates)"
    )
    escalation: str | None = Field(
        description="raised (more ambitious than the parent), lowered or same; null without a parent target"
    )
    outcome: float | None = Field(description="the place's outcome for the year, when reported")
    status: str | None = Field(description="the rating: met, partly, missed, unknown, not_yet_due")
    document_id: int | None = Field(description="the stored report the target comes from")
    target_quote: str | None = Field(description="the target's words in the report")


COLUMNS = tuple(PanelRow.model_fields)
_ROWS = TypeAdapter(list[PanelRow])


def panel_schema() -> dict[str, Any]:
    """The JSON Schema of the panel export (a JSON array of :class:`PanelRow`)."""
    schema = _ROWS.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "workreport escalation panel",
        "description": "One row per place: an indicator's target for one year beside the level above's.",
        **schema,
    }


@dataclass(slots=True)
class LevelRow:
    """A place in the escalation table: its target (if any), parent, depth in the tree."""

    place: Place
    depth: int
    parent: Place | None
    target: Point | None
    previous: Point | None
    outcome: Point | None
    parent_target: Point | None
    candidates: int = 0


@dataclass(slots=True)
class Escalation:
    """One indicator's targets for one year across levels."""

    indicator_id: str
    title: str
    year: int
    measure: str
    unit: str | None
    measures: list[str]
    rows: list[LevelRow] = field(default_factory=list)
    reporting: set[int] = field(default_factory=set)  # places with a report for the year

    def with_targets(self) -> list[LevelRow]:
        """The rows that have a target: the panel."""
        return [r for r in self.rows if r.target is not None]


def escalation(
    db: Database, indicator_id: str, year: int, *, measure: str | None = None, lang: str = "zh"
) -> Escalation:
    """Every place's target of ``indicator_id`` due in ``year``, in the tree of places (a place
    under its parent), with the previous year's and this year's outcomes. Places with a report
    for ``year`` in which no such target was found are rows without a target."""
    spec = indicator_spec(indicator_id)
    names = list(spec["names"])
    ts = targets(db, indicator_id, start=year, end=year)
    os_ = outcomes(db, indicator_id, start=year - 1, end=year)
    measures = measures_of(ts) or measures_of(os_) or [str(spec.get("measure") or "level")]
    if measure is None or measure not in measures:
        measure = measures[0]
    unit = dominant_unit(ts, measure) or dominant_unit(os_, measure)
    best_t = best_by_place_year(ts, names, unit=unit, measure=measure, outcome=False)
    best_o = best_by_place_year(os_, names, unit=unit, measure=measure, outcome=True)
    # a place with a report for the year but no target found in it is listed too, as such
    reporting = places_reporting(db, year)
    places = with_ancestors(db, {pid for pid, _ in best_t} | reporting)
    out = Escalation(indicator_id, indicator_title(indicator_id, lang), year, measure, unit, measures)
    out.reporting = reporting
    children: dict[int | None, list[Place]] = {}
    for p in places.values():
        parent = p.parent_id if p.parent_id in places else None
        children.setdefault(parent, []).append(p)

    def order(p: Place) -> tuple[Any, ...]:
        t = best_t.get((p.id, year))
        level = LEVELS.index(p.level) if p.level in LEVELS else len(LEVELS)
        return (level, t is None, -(t[0].value if t else 0), p.name)

    def walk(parent: Place | None, depth: int) -> None:
        for p in sorted(children.get(parent.id if parent else None, []), key=order):
            t = best_t.get((p.id, year))
            pt = best_t.get((parent.id, year)) if parent else None
            prev, now = best_o.get((p.id, year - 1)), best_o.get((p.id, year))
            out.rows.append(
                LevelRow(
                    p, depth, parent, t[0] if t else None, prev[0] if prev else None,
                    now[0] if now else None, pt[0] if pt else None, t[1] if t else 0,
                )
            )
            walk(p, depth + 1)

    walk(None, 0)
    return out


def _text(p: Point | None, comparator: bool = True) -> str:
    if p is None:
        return ""
    return number_text(p.value, p.unit, p.measure, p.comparator if comparator else None, p.value_max, p.classifier)


def gap(r: LevelRow) -> float | None:
    """The place's target minus its parent's (lower ends), or None."""
    if r.target is None or r.parent_target is None:
        return None
    return r.target.value - r.parent_target.value


def escalation_word(r: LevelRow, indicator_id: str) -> str | None:
    """raised / lowered / same: the place's target against its parent's, by ambition."""
    if r.target is None or r.parent_target is None:
        return None
    bound = Bound(r.parent_target.value, measure=r.parent_target.measure, indicator_id=indicator_id)
    return escalation_of(bound, r.target.value)


def gap_label(r: LevelRow) -> str:
    """The gap to the parent as people write it: +0.5个百分点, −200亿元."""
    g = gap(r)
    if g is None or r.target is None:
        return ""
    return gap_text(g, r.target.unit, signed=True)


def panel_rows(e: Escalation) -> list[PanelRow]:
    """The panel: one row per place with a target."""
    out = []
    for r in e.with_targets():
        t = r.target
        assert t is not None
        g = gap(r)
        out.append(
            PanelRow(
                place=r.place.name,
                level=r.place.level,
                parent=r.parent.name if r.parent else None,
                year=e.year,
                indicator=e.indicator_id,
                measure=e.measure,
                unit=e.unit,
                target=t.value,
                target_max=t.value_max,
                comparator=t.comparator,
                target_text=_text(t),
                previous_outcome=r.previous.value if r.previous else None,
                parent_target=r.parent_target.value if r.parent_target else None,
                gap_to_parent=round(g, 10) if g is not None else None,
                escalation=escalation_word(r, e.indicator_id),
                outcome=r.outcome.value if r.outcome else None,
                status=t.status,
                document_id=t.document_id,
                target_quote=t.quote,
            )
        )
    return out


def panel_json(rows: list[PanelRow]) -> str:
    """The panel as a JSON array (what :func:`panel_schema` describes)."""
    return json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=1) + "\n"


def panel_csv(rows: list[PanelRow]) -> str:
    """The panel as CSV (UTF-8 with BOM for spreadsheets; every text cell formula-safe)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(csv_row({k: raw_number(v) if isinstance(v, float) else v for k, v in r.model_dump().items()}))
    return "\ufeff" + buf.getvalue()


def panel_parquet(rows: list[PanelRow], path: Path) -> None:
    """The panel as a Parquet file at ``path`` (written whole or not at all; needs pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is an optional extra
        raise InputError("Parquet output needs pyarrow: pip install 'workreport[parquet]'") from exc
    types = {"year": pa.int32(), "document_id": pa.int64()}
    for name in ("target", "target_max", "previous_outcome", "parent_target", "gap_to_parent", "outcome"):
        types[name] = pa.float64()
    schema = pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])
    table = pa.Table.from_pylist([r.model_dump() for r in rows], schema=schema)
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf)
    write_atomic(path, buf.getvalue().to_pybytes())


def escalation_svg(e: Escalation, *, lang: str = "zh", width: int = 760, standalone: bool = False,
                   words: dict[str, str] | None = None) -> str:
    """The targets sorted, highest first, with the top level's target as a dashed line."""
    def _(s: str) -> str:
        return (words or {}).get(s, s)

    rows = sorted(e.with_targets(), key=lambda r: (-(r.target.value if r.target else 0), r.place.name))
    top = next((r for r in e.rows if r.depth == 0 and r.target is not None), None)
    strip = [
        charts.StripRow(r.place.name, r.target.value, r.target.value_max, r.target.comparator or "=",
                        _text(r.target).removeprefix("增长"), f"{r.place.name}：{_text(r.target)}")
        for r in rows
        if r.target is not None and r is not top
    ]
    reference = top.target if top is not None else None
    title = f"{e.title} · {measure_label(e.measure, lang)} · {e.year}"  # type: ignore[arg-type]
    subtitle = _("各地目标，从高到低")
    if reference is not None and top is not None:
        subtitle += " · " + _("虚线：") + f"{top.place.name} {_text(reference)}"
    return charts.target_strip(
        strip,
        unit=e.unit,
        title=title,
        subtitle=subtitle,
        reference=reference.value if reference else None,
        reference_label=f"{top.place.name}" if top is not None else "",
        width=width,
        standalone=standalone,
    )
