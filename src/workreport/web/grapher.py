"""The indicator grapher: one indicator across years for chosen places (issue 16).

``/grapher?indicator=gdp&place=国务院&place=广东省&from=2000&to=2018&measure=growth``: the
targets (bands, capped arrows, rings) against the outcomes (lines), a table tab, and the same
data as CSV (``/grapher.csv``), SVG (``/grapher.svg``) and PNG (made in the browser from the
SVG: static/grapher.js). Adding and removing a place are plain links and a GET form, so the
page works without JavaScript.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from workreport.publish import grapher as data
from workreport.rules.labels import measure_label
from workreport.store.series import indicators_with_data

from .render import catalog, language, page

router = APIRouter(include_in_schema=False)

Indicator = Annotated[str, Query(max_length=48, pattern=r"^[a-z0-9_]+$")]
Places = Annotated[list[str] | None, Query(max_length=64)]
Measure = Annotated[str | None, Query(max_length=16, pattern=r"^[a-z_]+$")]
From = Annotated[int | None, Query(alias="from", ge=1949, le=2100)]
To = Annotated[int | None, Query(alias="to", ge=1949, le=2100)]


def words(lang: str) -> dict[str, str] | None:
    """The translations a chart's labels need, or None for Chinese."""
    return catalog(lang) if lang != "zh" else None


def _graph(
    request: Request,
    indicator: Indicator = "gdp",
    place: Places = None,
    measure: Measure = None,
    start: From = None,
    end: To = None,
) -> data.Graph:
    """The graph the query asks for: every grapher route reads the same parameters."""
    return data.graph(
        request.app.state.db, indicator, place, measure=measure, start=start, end=end, lang=language(request)
    )


Graph = Annotated[data.Graph, Depends(_graph)]


def _file_name(g: data.Graph, suffix: str) -> str:
    return f"{g.indicator_id}-{g.measure}-{g.start}-{g.end}.{suffix}"


def query_of(g: data.Graph, **change: Any) -> str:
    """The query string of this chart, with ``change`` (places=[…], measure=…) applied."""
    q: dict[str, Any] = {
        "indicator": g.indicator_id,
        "place": [p.name for p in g.places],
        "measure": g.measure,
        "from": g.start,
        "to": g.end,
    }
    if "places" in change:
        q["place"] = change.pop("places")
    q.update(change)
    return urlencode(q, doseq=True)


@router.get("/grapher", response_class=HTMLResponse)
def grapher(
    request: Request,
    g: Graph,
) -> HTMLResponse:
    """The grapher page."""
    lang = language(request)
    chosen = {p.name for p in g.places}
    names = [p.name for p in g.places]
    chips = [
        {"name": n, "remove": "/grapher?" + query_of(g, places=[m for m in names if m != n])}
        for n in names
    ]
    ids = indicators_with_data(request.app.state.db)
    if g.indicator_id not in ids:
        ids = sorted([*ids, g.indicator_id])
    return page(
        request,
        "grapher.html",
        g=g,
        chips=chips,
        available=[(p, n) for p, n in g.available if p.name not in chosen],
        indicators=[(i, data.indicator_title(i, lang)) for i in ids],
        measures=[(m, measure_label(m, lang)) for m in g.measures],  # type: ignore[arg-type]
        rows=data.table_rows(g, lang),
        query=query_of(g),
        chart_wide=Markup(data.graph_svg(g, lang=lang, width=960, words=words(lang))),
        chart_narrow=Markup(data.graph_svg(g, lang=lang, width=380, words=words(lang))),
        max_places=data.MAX_PLACES,
    )


@router.get("/grapher.csv")
def grapher_csv(
    request: Request,
    g: Graph,
) -> Response:
    """The chart's data as CSV."""
    name = _file_name(g, "csv")
    return Response(
        data.graph_csv(g),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/grapher.svg")
def grapher_svg(
    request: Request,
    g: Graph,
    download: Annotated[bool, Query()] = False,
) -> Response:
    """The chart as a standalone SVG file (also what the browser turns into a PNG)."""
    lang = language(request)
    headers = {}
    if download:
        headers["content-disposition"] = f'attachment; filename="{_file_name(g, "svg")}"'
    return Response(
        data.graph_svg(g, lang=lang, width=760, standalone=True, words=words(lang)),
        media_type="image/svg+xml",
        headers=headers,
    )
