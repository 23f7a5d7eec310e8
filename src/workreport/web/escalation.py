"""Escalation: one indicator's targets level by level, and the research panel export (issue 16).

``/escalation?indicator=gdp&year=2026``: each place's target under its parent's (国务院 →
province → city → county / new area) with the gap to it, and a chart of the targets sorted;
``/escalation.csv`` and ``/escalation.json`` are the panel (publish/panel.py), whose JSON
Schema is ``/escalation.schema.json``; ``/escalation.svg`` is the chart as a file.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from workreport.publish import panel
from workreport.publish.grapher import indicator_title
from workreport.rules.labels import change_label, measure_label
from workreport.store.series import indicators_with_data

from .grapher import words
from .render import language, page

router = APIRouter(include_in_schema=False)

Indicator = Annotated[str, Query(max_length=48, pattern=r"^[a-z0-9_]+$")]
Year = Annotated[int, Query(ge=1949, le=2100)]
Measure = Annotated[str | None, Query(max_length=16, pattern=r"^[a-z_]+$")]
DEFAULT_YEAR = 2026


def _escalation(request: Request, indicator: str, year: int, measure: str | None) -> panel.Escalation:
    return panel.escalation(request.app.state.db, indicator, year, measure=measure, lang=language(request))


def _query(e: panel.Escalation) -> str:
    return urlencode({"indicator": e.indicator_id, "year": e.year, "measure": e.measure})


@router.get("/escalation", response_class=HTMLResponse)
def escalation(
    request: Request, indicator: Indicator = "gdp", year: Year = DEFAULT_YEAR, measure: Measure = None
) -> HTMLResponse:
    """The escalation page."""
    lang = language(request)
    e = _escalation(request, indicator, year, measure)
    ids = indicators_with_data(request.app.state.db)
    if e.indicator_id not in ids:
        ids = sorted([*ids, e.indicator_id])
    rows: list[dict[str, Any]] = []
    parents = {r.parent.id for r in e.rows if r.parent is not None}
    for r in e.rows:
        word = panel.escalation_word(r, e.indicator_id)
        rows.append(
            {
                "r": r,
                "group": r.place.id in parents,
                "target": panel._text(r.target),
                "previous": panel._text(r.previous, comparator=False),
                "outcome": panel._text(r.outcome, comparator=False),
                "gap": panel.gap_label(r),
                "escalation": word,
                "escalation_text": change_label(word, lang) if word else "",  # type: ignore[arg-type]
            }
        )
    return page(
        request,
        "escalation.html",
        e=e,
        rows=rows,
        # a column nobody has a value in (no parent's target, no outcome yet) is left out
        show={k: any(x[k] for x in rows) for k in ("gap", "previous", "outcome")},
        with_targets=len(e.with_targets()),
        indicators=[(i, indicator_title(i, lang)) for i in ids],
        measures=[(m, measure_label(m, lang)) for m in e.measures],  # type: ignore[arg-type]
        query=_query(e),
        chart_wide=Markup(panel.escalation_svg(e, lang=lang, width=900, words=words(lang))),
        chart_narrow=Markup(panel.escalation_svg(e, lang=lang, width=370, words=words(lang))),
    )


def _download(body: str, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/escalation.csv")
def escalation_csv(
    request: Request, indicator: Indicator = "gdp", year: Year = DEFAULT_YEAR, measure: Measure = None
) -> Response:
    """The research panel as CSV."""
    e = _escalation(request, indicator, year, measure)
    return _download(panel.panel_csv(panel.panel_rows(e)), "text/csv; charset=utf-8",
                     f"escalation-{e.indicator_id}-{e.measure}-{e.year}.csv")


@router.get("/escalation.json")
def escalation_json(
    request: Request, indicator: Indicator = "gdp", year: Year = DEFAULT_YEAR, measure: Measure = None
) -> Response:
    """The research panel as a JSON array (its schema: /escalation.schema.json)."""
    e = _escalation(request, indicator, year, measure)
    return Response(panel.panel_json(panel.panel_rows(e)), media_type="application/json")


@router.get("/escalation.schema.json")
def escalation_schema() -> Response:
    """The JSON Schema of the panel."""
    return Response(json.dumps(panel.panel_schema(), ensure_ascii=False, indent=1), media_type="application/schema+json")


@router.get("/escalation.svg")
def escalation_svg(
    request: Request, indicator: Indicator = "gdp", year: Year = DEFAULT_YEAR, measure: Measure = None
) -> Response:
    """The chart of the targets sorted, as a standalone SVG file."""
    lang = language(request)
    e = _escalation(request, indicator, year, measure)
    return Response(panel.escalation_svg(e, lang=lang, standalone=True, words=words(lang)), media_type="image/svg+xml")
