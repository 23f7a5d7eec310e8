"""Scorecards: targets met per place and year, and comparisons of places (issue 16).

``/scorecards`` picks a place and year; ``/scorecards/{place}/{year}`` says how many of its
rated targets were met, with the status mix, the worst misses and the best results, each
linked to its commitment and to its quotes in the reader; ``/scorecards/compare`` puts the
places of one level (or the places below one parent) side by side for a year, sortable.
Every page has a ``.json`` twin. The logic is ``publish.scorecard``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from workreport.publish import charts
from workreport.publish.scorecard import SORT_KEYS, compare, scorecard
from workreport.rules.labels import Lang, status_label
from workreport.store.queries import source_name
from workreport.store.scorecard_queries import LEVELS, places_with_targets, years_of_place, years_with_targets

from .render import STATUS_LABELS, language, page

router = APIRouter(include_in_schema=False)

Place = Annotated[str, Path(min_length=1, max_length=64)]
Year = Annotated[int, Path(ge=1900, le=2200)]
LevelQuery = Annotated[str | None, Query(max_length=16)]
SortQuery = Annotated[str, Query(max_length=16)]
OrderQuery = Annotated[str, Query(pattern="^(asc|desc)$")]


def _named(data: Any) -> Any:
    """``data`` with each ``document`` (the path a report was ingested from) given as its
    source's name, as every answer of the server gives it: never a path on the server."""
    if isinstance(data, dict):
        return {k: source_name(v) if k == "document" and isinstance(v, str) else _named(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_named(v) for v in data]
    return data


def _mix(request: Request, counts: dict[str, int]) -> Markup:
    """The status mix of these counts (statuses with none left out), as wide as its legend needs
    and no wider, so that it stays legible when a phone scales it down."""
    lang: Lang = "en" if language(request) == "en" else "zh"
    shown = {s: n for s, n in counts.items() if n}
    if not shown:
        return Markup("")
    labels = {s: status_label(s, lang=lang) for s in STATUS_LABELS}
    legend = sum(30 + 12 * len(f"{labels[s]} {n}") for s, n in shown.items())
    return Markup(charts.status_mix(shown, labels=labels, width=max(320, legend)))


# --------------------------------------------------------------------------- the picker


@router.get("/scorecards", response_class=HTMLResponse)
def picker(
    request: Request,
    jurisdiction: Annotated[str | None, Query(max_length=64)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    """Places with targets and their years; a place and year given go to that scorecard."""
    if jurisdiction and year:
        return RedirectResponse(f"/scorecards/{quote(jurisdiction.strip(), safe='')}/{year}", status_code=303)
    db = request.app.state.db
    return page(
        request,
        "scorecards.html",
        places=places_with_targets(db),
        years=years_with_targets(db),
        levels=LEVELS,
        jurisdiction=jurisdiction or "",
        year=year or "",
    )


# --------------------------------------------------------------------------- comparison


@router.get("/scorecards/compare.json")
def comparison_json(
    request: Request,
    year: Annotated[int, Query(ge=1900, le=2200)],
    level: LevelQuery = None,
    parent: Annotated[str | None, Query(max_length=64)] = None,
    sort: SortQuery = "share",
    order: OrderQuery = "desc",
) -> JSONResponse:
    """The comparison as JSON: one object per place with its counts and share met."""
    found = compare(
        request.app.state.db, year, level=level or None, parent=parent or None, sort=sort, descending=order == "desc"
    )
    return JSONResponse(found.to_dict())


@router.get("/scorecards/compare", response_class=HTMLResponse)
def comparison(
    request: Request,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    level: LevelQuery = None,
    parent: Annotated[str | None, Query(max_length=64)] = None,
    sort: SortQuery = "share",
    order: OrderQuery = "desc",
) -> HTMLResponse:
    """Places of one level, or below one parent, side by side for a year; sortable by column."""
    db = request.app.state.db
    years = years_with_targets(db)
    year = year or (years[0] if years else None)
    if parent:
        level = None  # the places right below the parent, whatever their level
    elif not level:
        level = "province"
    found = (
        compare(db, year, level=level or None, parent=parent or None, sort=sort, descending=order == "desc")
        if year
        else None
    )
    base = {"year": year or "", "level": level or "", "parent": parent or ""}

    def sort_link(key: str) -> str:
        flip = "asc" if (found and found.sort == key and found.descending) else "desc"
        if key == "name" and not (found and found.sort == "name"):
            flip = "asc"
        return "/scorecards/compare?" + urlencode({**base, "sort": key, "order": flip})

    totals = {s: sum(r.counts.get(s, 0) for r in found.rows) for s in STATUS_LABELS} if found else {}
    return page(
        request,
        "scorecard_compare.html",
        found=found,
        year=year or "",
        years=years,
        level=level or "",
        parent=parent or "",
        levels=LEVELS,
        sort_keys=SORT_KEYS,
        sort_link=sort_link,
        mix=_mix(request, totals),
        json_link="/scorecards/compare.json?" + urlencode({**base, "sort": sort, "order": order}),
    )


# --------------------------------------------------------------------------- one place and year


@router.get("/scorecards/{jurisdiction}/{year}.json")
def scorecard_json(request: Request, jurisdiction: Place, year: Year) -> JSONResponse:
    """The scorecard as JSON: counts, share met, worst misses and best results with their
    evidence, and every target."""
    return JSONResponse(_named(scorecard(request.app.state.db, jurisdiction, year).to_dict()))


@router.get("/scorecards/{jurisdiction}/{year}", response_class=HTMLResponse)
def scorecard_page(request: Request, jurisdiction: Place, year: Year) -> HTMLResponse:
    """X of Y rated targets met, the status mix, the worst misses and the best results."""
    db = request.app.state.db
    card = scorecard(db, jurisdiction, year)
    return page(
        request,
        "scorecard.html",
        card=card,
        mix=_mix(request, card.counts),
        json_link=f"/scorecards/{quote(jurisdiction, safe='')}/{year}.json",
        tracker_link="/tracker?" + urlencode({"jurisdiction": card.jurisdiction, "period": year}),
        years=years_of_place(db, jurisdiction),
        year_link=lambda y: f"/scorecards/{quote(card.jurisdiction, safe='')}/{y}",
    )
