"""The indicator grapher's data: one indicator across years for chosen places, the target of
each year beside its outcome, one measure at a time (growth is never drawn beside a level).

Which number is *the* target (or outcome) of a place and year, when reports give several:

- an annual chart takes annual numbers: a target set in the report of the year it is due
  (a target due in 2010 set in 2001's report is a multi-year target: 翻一番 by 2010), and
  neither a target nor an outcome written as an average over years (年均增长);
- an outcome a person entered or imported comes before one read from a report, an actual
  before an estimate, the newest report before older ones;
- then the number whose indicator phrase is one of the indicator's own names (地区生产总值,
  not 海洋生产总值), then the first in the text.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workreport import rules
from workreport.errors import InputError
from workreport.publish import charts
from workreport.publish.cells import csv_row
from workreport.rules.labels import kind_label, measure_label, status_label
from workreport.rules.numbers import fact_number_text, raw_number
from workreport.store import Database
from workreport.store.series import Place, Point, find_places, outcomes, places_with_data, targets

AVERAGE = "年均"  # an average over years, not one year's figure
MAX_PLACES = 12
MAX_YEARS = 80


def indicator_spec(indicator_id: str) -> dict[str, Any]:
    """The vocabulary entry of ``indicator_id`` (names, en, measure, unit); InputError if unknown."""
    spec = rules.load("indicators").get(indicator_id)
    if spec is None:
        raise InputError(f"unknown indicator {indicator_id!r}")
    return dict(spec)


def indicator_title(indicator_id: str, lang: str = "zh") -> str:
    """The indicator's name: the statistical name (国内生产总值), else its first name; English on request."""
    spec = indicator_spec(indicator_id)
    if lang == "en" and spec.get("en"):
        return str(spec["en"])
    return str(spec.get("nbs") or spec["names"][0])


def is_annual(p: Point) -> bool:
    """Whether ``p`` is one year's figure: not an average over years, and (a target) set in the
    report of the year it is due."""
    if AVERAGE in p.before:
        return False
    return p.kind != "target" or p.plan_year is None or p.plan_year == p.period


def target_rank(p: Point, names: Iterable[str]) -> tuple[Any, ...]:
    """Sort key: the best of several annual targets of one place, year and measure first."""
    return (p.indicator not in set(names), p.document_id or 0, p.start or 0)


def outcome_rank(p: Point, names: Iterable[str]) -> tuple[Any, ...]:
    """Sort key: the best of several outcomes of one place, year and measure first."""
    return (
        p.source == "fact",  # a person's value first
        p.kind != "actual",
        -(p.plan_year or 0),  # the newest report
        p.indicator not in set(names),
        p.document_id or 0,
        p.start or 0,
    )


def best_by_place_year(
    points: Iterable[Point], names: list[str], *, unit: str | None, measure: str, outcome: bool
) -> dict[tuple[int, int], tuple[Point, int]]:
    """(place id, year) → (the chosen number, how many annual numbers it was chosen from)."""
    groups: dict[tuple[int, int], list[Point]] = {}
    for p in points:
        if p.measure == measure and p.unit == unit and is_annual(p):
            groups.setdefault((p.place_id, p.period), []).append(p)
    rank = outcome_rank if outcome else target_rank
    return {k: (min(v, key=lambda p: rank(p, names)), len(v)) for k, v in groups.items()}


def dominant_unit(points: Iterable[Point], measure: str) -> str | None:
    """The unit most numbers of ``measure`` are in (a chart has one unit)."""
    counts = Counter(p.unit for p in points if p.measure == measure)
    return counts.most_common(1)[0][0] if counts else None


def measures_of(points: Iterable[Point]) -> list[str]:
    """The measures with data, the one with most targets first."""
    counts = Counter((p.measure, p.kind == "target") for p in points)
    measures = {m for m, _ in counts}
    return sorted(measures, key=lambda m: (-counts[(m, True)], -counts[(m, False)], m))


@dataclass(slots=True)
class YearRow:
    """One place's year: its target and its outcome (either may be missing)."""

    place: str
    year: int
    target: Point | None
    outcome: Point | None
    candidates: int = 1  # how many annual targets the target was chosen from


@dataclass(slots=True)
class Graph:
    """One indicator, one measure, chosen places and years: what the grapher draws."""

    indicator_id: str
    title: str
    measure: str
    unit: str | None
    measures: list[str]
    places: list[Place]
    available: list[tuple[Place, int]]
    start: int
    end: int
    rows: list[YearRow] = field(default_factory=list)

    def series(self) -> dict[str, list[YearRow]]:
        """Rows by place, in the order the places were chosen."""
        out: dict[str, list[YearRow]] = {p.name: [] for p in self.places}
        for r in self.rows:
            out[r.place].append(r)
        return out


def graph(
    db: Database,
    indicator_id: str,
    places: list[str] | None = None,
    *,
    measure: str | None = None,
    start: int | None = None,
    end: int | None = None,
    lang: str = "zh",
) -> Graph:
    """The grapher's data for ``indicator_id`` at ``places`` (names; default: the place with
    most data) from ``start`` to ``end`` (default: the years with data), in ``measure``
    (default: the measure with most targets)."""
    spec = indicator_spec(indicator_id)
    names = list(spec["names"])
    available = places_with_data(db, indicator_id)
    places = [p.strip() for p in places or [] if p.strip()]
    default = [available[0][0]] if available else []
    chosen = find_places(db, places[:MAX_PLACES]) if places else default
    if start is not None and end is not None and start > end:
        start, end = end, start
    ids = [p.id for p in chosen]
    ts = targets(db, indicator_id, places=ids, start=start, end=end)
    os_ = outcomes(db, indicator_id, places=ids, start=start, end=end)
    measures = measures_of([*ts, *os_]) or [str(spec.get("measure") or "level")]
    if measure is None or measure not in measures:
        measure = measures[0]
    unit = dominant_unit([*ts, *os_], measure)
    best_t = best_by_place_year(ts, names, unit=unit, measure=measure, outcome=False)
    best_o = best_by_place_year(os_, names, unit=unit, measure=measure, outcome=True)
    years = sorted({y for _, y in best_t} | {y for _, y in best_o})
    lo = start if start is not None else (years[0] if years else 0)
    hi = end if end is not None else (years[-1] if years else 0)
    lo = max(lo, hi - MAX_YEARS)
    out = Graph(indicator_id, indicator_title(indicator_id, lang), measure, unit, measures, chosen, available, lo, hi)
    for p in chosen:
        for y in range(lo, hi + 1):
            t, o = best_t.get((p.id, y)), best_o.get((p.id, y))
            if t or o:
                out.rows.append(YearRow(p.name, y, t[0] if t else None, o[0] if o else None, t[1] if t else 0))
    return out


def _point_dict(p: Point | None) -> dict[str, Any]:
    return {} if p is None else {"value": p.value, "value_max": p.value_max, "unit": p.unit,
                                 "measure": p.measure, "comparator": p.comparator, "classifier": p.classifier}


def table_rows(g: Graph, lang: str = "zh") -> list[dict[str, Any]]:
    """The table tab and the CSV download: one row per place and year."""
    out = []
    for r in g.rows:
        t, o = r.target, r.outcome
        out.append(
            {
                "place": r.place,
                "year": r.year,
                "indicator": g.indicator_id,
                "measure": g.measure,
                "unit": g.unit,
                "target": t.value if t else None,
                "target_max": t.value_max if t else None,
                "comparator": t.comparator if t else None,
                "target_text": fact_number_text(_point_dict(t)) if t else "",
                "target_quote": t.quote if t else None,
                "target_document_id": t.document_id if t else None,
                "outcome": o.value if o else None,
                "outcome_kind": o.kind if o else None,
                "outcome_text": fact_number_text(_point_dict(o), comparator=False) if o else "",
                "outcome_quote": o.quote if o else None,
                "outcome_document_id": o.document_id if o else None,
                "status": t.status if t else None,
                "status_text": status_label(t.status, t.provisional, lang) if t and t.status else "",  # type: ignore[arg-type]
                "kind_text": kind_label(o.kind, lang) if o else "",  # type: ignore[arg-type]
                "target_start": t.start if t else None,
                "target_end": t.end if t else None,
                "outcome_start": o.start if o else None,
                "outcome_end": o.end if o else None,
            }
        )
    return out


CSV_COLUMNS = (
    "place", "year", "indicator", "measure", "unit", "target", "target_max", "comparator", "target_text",
    "outcome", "outcome_kind", "outcome_text", "status", "target_quote", "outcome_quote",
    "target_document_id", "outcome_document_id",
)


def graph_csv(g: Graph) -> str:
    """The data of the chart as CSV (UTF-8 with BOM for spreadsheets; every text cell formula-safe)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in table_rows(g):
        w.writerow(csv_row({k: raw_number(v) if isinstance(v, float) else v for k, v in row.items()}))
    return "\ufeff" + buf.getvalue()


def graph_svg(g: Graph, *, lang: str = "zh", width: int = 760, standalone: bool = False,
              words: dict[str, str] | None = None) -> str:
    """The chart: targets as bands (ranges), capped markers (以上 ↑, 以内 ↓) or points (左右),
    outcomes as lines; ``words`` translate its Chinese labels."""
    def _(s: str) -> str:
        return (words or {}).get(s, s)

    series = []
    for place, rows in g.series().items():
        marks = [
            charts.YearMark(
                r.year,
                r.target.value,
                r.target.value_max,
                r.target.comparator or "=",
                f"{place} {r.year} {_('目标')}：{fact_number_text(_point_dict(r.target))}",
            )
            for r in rows
            if r.target is not None
        ]
        line = [
            charts.YearValue(
                r.year,
                r.outcome.value,
                r.outcome.kind == "estimate",
                f"{place} {r.year} {kind_label(r.outcome.kind, lang)}："  # type: ignore[arg-type]
                f"{fact_number_text(_point_dict(r.outcome), comparator=False)}",
            )
            for r in rows
            if r.outcome is not None
        ]
        series.append(charts.PlaceSeries(place, marks, line))
    title = f"{g.title} · {measure_label(g.measure, lang)}"  # type: ignore[arg-type]
    subtitle = f"{g.start}–{g.end} · " + _("目标与实际")
    return charts.timeline(
        series,
        start=g.start,
        end=g.end,
        unit=g.unit,
        measure=g.measure,
        title=title,
        subtitle=subtitle,
        width=width,
        standalone=standalone,
        words=words,
    )
