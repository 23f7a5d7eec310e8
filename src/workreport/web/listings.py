"""Listing pages and their data twins, Datasette-style.

Every listing page (``/``, ``/tracker``, ``/commitments``, ``/indicators``,
``/indicators/{id}``, ``/search``) is built as one :class:`Listing`: the rows of this page
as flat records, the paging, the filters and the facets (each value with its count and the
URL that toggles it). The HTML page shows it; the same listing is served as JSON by
``<path>.json`` and as CSV by ``<path>.csv`` with the same query, so the three always hold
the same rows. ``p`` is the page and ``per_page`` its size (up to 500); the JSON carries
``next_url`` while there are more pages, and a CSV response a ``Link: <…>; rel="next"``
header. CSV cells are formula-safe (publish.cells); numbers are written in full, never with
an exponent or a trailing ``.0`` (rules.numbers).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from workreport.publish.cells import csv_row
from workreport.rules.numbers import raw_number
from workreport.store.facets import Count

from .errors import ApiError

FORMATS = ("html", "json", "csv")
MAX_PER_PAGE = 500


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet as a page shows it: label, count and the URL that toggles it."""

    value: Any
    label: str
    count: int
    selected: bool
    url: str


@dataclass(slots=True)
class Listing:
    """One page of a listing: flat rows (the JSON and CSV records), paging, filters, facets."""

    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    filters: dict[str, Any] = field(default_factory=dict)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the rows fill (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def check_format(fmt: str) -> str:
    """``fmt`` if it is html, json or csv; else a 404 (``/tracker.xml`` is no page)."""
    if fmt not in FORMATS:
        raise ApiError(404, "not_found", f"no {fmt!r} form of this page; there are .json and .csv")
    return fmt


def _query(request: Request, drop: Iterable[str] = (), **put: Any) -> list[tuple[str, str]]:
    skip = {"p", "fmt", *drop, *put}
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in skip and v != ""]
    pairs += [(k, str(v)) for k, v in put.items() if v is not None]
    return pairs


def url_with(request: Request, path: str | None = None, drop: Iterable[str] = (), **put: Any) -> str:
    """This request's URL (or ``path`` with its query) without the page number, without the
    ``drop`` parameters and with ``put`` set."""
    query = urlencode(_query(request, drop, **put))
    return (path or request.url.path) + ("?" + query if query else "")


def twin_path(request: Request, fmt: str) -> str:
    """The path of this listing in ``fmt``: /tracker → /tracker.json, / → /library.json."""
    path = request.url.path
    for suffix in (".json", ".csv"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    if path in ("/", ""):
        path = "/library"
    return path if fmt == "html" else f"{path}.{fmt}"


def facet(
    request: Request, param: str, counts: Sequence[Count], label: Callable[[Any], str] = str
) -> list[FacetValue]:
    """A facet's values with their counts; each links to this listing with ``param`` set to
    it, or without ``param`` when it is the value already chosen."""
    chosen = request.query_params.get(param)
    out = []
    for c in counts:
        selected = chosen is not None and str(c.value) == chosen
        url = url_with(request, drop=[param]) if selected else url_with(request, **{param: c.value})
        out.append(FacetValue(c.value, label(c.value), c.count, selected, url))
    return out


def json_value(value: Any) -> Any:
    """A value as JSON shows it: a whole float as an integer (no ``.0``, no exponent)."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    return value


def cell(value: Any) -> Any:
    """A value as a CSV cell: booleans as true/false, numbers as numbers (a whole float as an
    integer, so never ``.0``; a negative number stays a number, not text with an apostrophe)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value != int(value):
        shown = raw_number(value)  # in full: never 1e-05
        return float(shown) if len(shown) < 17 else shown
    return json_value(value)


def body(request: Request, listing: Listing) -> dict[str, Any]:
    """The JSON form of a listing: rows, columns, paging with ``next_url``, filters and facets."""
    path = twin_path(request, "json")
    next_url = url_with(request, path, p=listing.page + 1) if listing.page < listing.pages else None
    return {
        "rows": [{k: json_value(r.get(k)) for k in listing.columns} for r in listing.rows],
        "columns": list(listing.columns),
        "page": listing.page,
        "per_page": listing.per_page,
        "total": listing.total,
        "pages": listing.pages,
        "next_url": next_url,
        "filters": {k: v for k, v in listing.filters.items() if v not in (None, "")},
        "facets": {
            name: [
                {
                    "value": json_value(v.value),
                    "label": v.label,
                    "count": v.count,
                    "selected": v.selected,
                    "url": twin_path_of(v.url, "json"),
                }
                for v in values
            ]
            for name, values in listing.facets.items()
        },
    }


def twin_path_of(url: str, fmt: str) -> str:
    """A page URL (path and query) with its path in ``fmt``."""
    path, _, query = url.partition("?")
    for suffix in (".json", ".csv"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    if path in ("/", ""):
        path = "/library"
    path = path if fmt == "html" else f"{path}.{fmt}"
    return path + ("?" + query if query else "")


def csv_text(listing: Listing) -> str:
    """The rows of a listing as CSV text: a header of its columns, formula-safe cells."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(listing.columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in listing.rows:
        writer.writerow(csv_row({k: cell(r.get(k)) for k in listing.columns}))
    return out.getvalue()


def respond(request: Request, listing: Listing, fmt: str) -> Response:
    """The listing as JSON or CSV (``fmt``); the CSV names its next page in a Link header."""
    if fmt == "json":
        return JSONResponse(body(request, listing))
    response = Response(
        "\ufeff" + csv_text(listing),  # a BOM: spreadsheets then read the Chinese as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'inline; filename="{listing.name}.csv"'},
    )
    if listing.page < listing.pages:
        response.headers["link"] = f'<{url_with(request, twin_path(request, "csv"), p=listing.page + 1)}>; rel="next"'
    return response
