"""Server-rendered pages: library, reader, targets, tracker, indicators, search, corrections.

Every form carries the session's CSRF token; every write needs a signed-in editor. Report
text is always escaped by the templates (Jinja2 autoescaping) or by :func:`markup.escape`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from workreport import registry, rules
from workreport.errors import InputError, NotFoundError
from workreport.model import CORRECTABLE, MEASURES, STATUSES, TASK_STATUSES
from workreport.publish import charts
from workreport.registry.users import (
    authenticate,
    clear_failures,
    end_session,
    record_failure,
    start_session,
    throttle_keys,
    throttled,
)
from workreport.rules.labels import Lang, kind_label, level_label, measure_label, status_label
from workreport.rules.numbers import fact_number_text, raw_number
from workreport.store import facets, queries
from workreport.store.facets import count_values
from workreport.track import track
from workreport.track.tracker import TrackRow

from .auth import SESSION_MAX_AGE, same_token
from .errors import ApiError
from .listings import MAX_PER_PAGE, FacetValue, Listing, check_format, facet, respond, twin_path, url_with
from .render import (
    STATUS_LABELS,
    Id,
    form_writer,
    language,
    page,
    render_error,
    set_session_cookie,
    templates,
    translate,
)
from .uploads import ingest_upload

router = APIRouter(include_in_schema=False)

__all__ = ["render_error", "router", "templates"]

# --------------------------------------------------------------------------- sign in


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str, Query(max_length=200)] = "/") -> HTMLResponse:
    """The sign-in form, returning to ``next`` (a local path only) afterwards."""
    return page(request, "login.html", next=_local(next), error=None)


def _local(target: str) -> str:
    """Only redirect within this site."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the CSRF token and password (throttled per account and per address; Argon2 off the
    event loop), start a server-side session and go to ``next``."""
    form = dict(await request.form())
    if not same_token(str(form.get("csrf_token", "")), request.state.csrf):
        raise ApiError(403, "csrf_failed", "the form has expired; reload the page")
    db = request.app.state.db
    username = str(form.get("username", ""))[:64]
    keys = throttle_keys(username, request.client.host if request.client else None)
    wait = await anyio.to_thread.run_sync(throttled, db, keys)
    response: Response
    if wait:
        response = page(
            request,
            "login.html",
            status=429,
            next=_local(str(form.get("next", "/"))),
            error=translate("尝试次数过多，请 %s 分钟后再试", language(request)) % math.ceil(wait / 60),
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = await anyio.to_thread.run_sync(authenticate, db, username, str(form.get("password", "")))
    if user is None:
        await anyio.to_thread.run_sync(record_failure, db, keys)
        return page(
            request,
            "login.html",
            status=401,
            next=_local(str(form.get("next", "/"))),
            error="用户名或密码不正确",
        )
    await anyio.to_thread.run_sync(clear_failures, db, username)
    if request.state.session_id:
        await anyio.to_thread.run_sync(end_session, db, request.state.session_id)
    sid, _ = await anyio.to_thread.run_sync(start_session, db, user, SESSION_MAX_AGE)
    response = RedirectResponse(_local(str(form.get("next", "/"))), status_code=303)
    set_session_cookie(request, response, request.app.state.sessions.signed_in(sid))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Check the CSRF token, end the session on the server and go to the library."""
    form = dict(await request.form())
    if not same_token(str(form.get("csrf_token", "")), request.state.csrf):
        raise ApiError(403, "csrf_failed", "the form has expired; reload the page")
    if request.state.session_id:
        await anyio.to_thread.run_sync(end_session, request.app.state.db, request.state.session_id)
    response = RedirectResponse("/", status_code=303)
    cookie, _ = request.app.state.sessions.anonymous()
    set_session_cookie(request, response, cookie)
    return response


# --------------------------------------------------------------------------- words and numbers


@cache
def vocabulary() -> dict[str, dict[str, Any]]:
    """The indicator vocabulary (rules/indicators.toml): id → names, English label, measure, unit."""
    return {k: v for k, v in rules.load("indicators").items() if k != "narrower"}


def indicator_label(indicator_id: str | None, written: str | None = None, lang: str = "zh") -> str:
    """What to call an indicator: as written (else the vocabulary's first name) in Chinese, the
    vocabulary's English label in English."""
    spec = vocabulary().get(indicator_id or "")
    if spec is None:
        return written or indicator_id or ""
    if lang == "en":
        return str(spec.get("en") or written or indicator_id)
    return written or str(spec["names"][0])


TYPE_LABELS = {"target": "数值目标", "task": "重点工作", "project": "为民实事"}
DOC_TYPE_LABELS = {"report": "报告", "press_reading": "解读"}

# the fact page's field names (English in locale/en/pages.toml)
FIELD_LABELS = {
    "quote": "原文",
    "value": "数值",
    "value_max": "上限",
    "unit": "单位",
    "measure": "度量",
    "comparator": "比较",
    "kind": "类型",
    "indicator": "指标（原文）",
    "indicator_id": "指标代码",
    "hedge": "措辞",
    "period": "年份",
    "scope": "范围",
    "classifier": "量词",
    "section": "章节",
    "start": "起点",
    "end": "终点",
    "sentence_start": "句子起点",
    "sentence_end": "句子终点",
}


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "zh"


def _label_fns(lang: str) -> dict[str, Callable[[Any], str]]:
    lg = _lang(lang)
    return {
        "status": lambda v: status_label(v, lang=lg),
        "level": lambda v: level_label(v, lang=lg),
        "measure": lambda v: measure_label(v, lang=lg),
        "type": lambda v: translate(TYPE_LABELS.get(v, v), lang),
        "indicator": lambda v: indicator_label(v, None, lang),
    }


ROLE_LABELS = {"viewer": "读者", "editor": "编辑", "admin": "管理员"}
FACET_TITLES = {
    "jurisdiction": "地区",
    "level": "层级",
    "year": "年份",
    "period": "年份",
    "status": "评价",
    "indicator": "指标",
    "measure": "度量",
    "type": "类型",
}
HISTORY_ACTIONS = {"correct": "更正", "upload": "上传", "assess": "评价", "delete": "删除"}


def lang_url(request: Request, lang: str) -> str:
    """This page's URL (path and query) in the interface language ``lang``."""
    return url_with(request, drop=["lang"], lang=lang, p=request.query_params.get("p"))


templates.env.globals.update(
    indicator_label=indicator_label,
    field_labels=FIELD_LABELS,
    type_labels=TYPE_LABELS,
    role_labels=ROLE_LABELS,
    facet_titles=FACET_TITLES,
    history_actions=HISTORY_ACTIONS,
    lang_url=lang_url,
)


def _per_page(per_page: int | None, default: int) -> int:
    return per_page or default


def _slice(items: list[Any], page_no: int, per_page: int) -> list[Any]:
    return items[(page_no - 1) * per_page : page_no * per_page]


def _pager(request: Request, page_no: int, per_page: int, total: int) -> dict[str, Any]:
    """What the pager needs: this page, the number of pages, and the URL to add ``p=N`` to."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "p"]
    return {
        "page": page_no,
        "pages": max(1, math.ceil(total / per_page)),
        "total": total,
        "base": request.url.path + "?" + (urlencode(query) + "&" if query else ""),
    }


def _listing_page(
    request: Request, fmt: str, template: str, listing: Listing, **context: Any
) -> Response:
    """The listing as its page, or as its JSON or CSV twin."""
    if check_format(fmt) != "html":
        return respond(request, listing, fmt)
    return page(
        request,
        template,
        listing=listing,
        pager=_pager(request, listing.page, listing.per_page, listing.total),
        # the twins of this very page: the same filters, page and page size
        json_url=url_with(request, twin_path(request, "json"), p=listing.page if listing.page > 1 else None),
        csv_url=url_with(request, twin_path(request, "csv"), p=listing.page if listing.page > 1 else None),
        **context,
    )


PER_PAGE = 100
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int | None, Query(ge=1, le=MAX_PER_PAGE)]
Place = Annotated[str | None, Query(max_length=64)]
Year = Annotated[int | None, Query(ge=1900, le=2200)]
Code = Annotated[str | None, Query(max_length=48, pattern=r"^[a-z0-9_]*$")]


# --------------------------------------------------------------------------- library

DOCUMENT_COLUMNS = (
    "id", "title", "jurisdiction", "level", "plan_year", "review_year", "delivered", "doc_type",
    "speaker", "source", "name", "format", "chars", "url",
)
LEVELS = ["national", "province", "prefecture", "county", "new_area", "zone"]


def _document_record(d: dict[str, Any]) -> dict[str, Any]:
    # the stored path's last part only: a server's folders are nobody's business
    name = str(d.get("path") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return {**d, "name": name.removeprefix("upload:"), "url": f"/documents/{d['id']}"}


@router.get("/", response_class=HTMLResponse)
@router.get("/library", response_class=HTMLResponse)
@router.get("/library.{fmt}", response_class=HTMLResponse)
def library(
    request: Request,
    jurisdiction: Place = None,
    level: Annotated[str | None, Query(max_length=16)] = None,
    year: Year = None,
    p: PageNo = 1,
    per_page: PageSize = None,
) -> Response:
    """The library: stored reports, filtered by jurisdiction, level and year, with facets."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    db = request.app.state.db
    size = _per_page(per_page, 50)
    docs = queries.documents(db, jurisdiction=jurisdiction or None, level=level or None, year=year, page=p, per_page=size)
    counts = facets.document_facets(db, jurisdiction=jurisdiction or None, level=level or None, year=year)
    labels = _label_fns(language(request))
    listing = Listing(
        "library",
        DOCUMENT_COLUMNS,
        [_document_record(d) for d in docs.items],
        p,
        size,
        docs.total,
        filters={"jurisdiction": jurisdiction, "level": level, "year": year},
        facets={
            "jurisdiction": facet(request, "jurisdiction", counts["jurisdiction"]),
            "level": facet(request, "level", counts["level"], labels["level"]),
            "year": facet(request, "year", counts["year"]),
        },
    )
    return _listing_page(
        request,
        fmt,
        "library.html",
        listing,
        docs=docs,
        jurisdiction=jurisdiction or "",
        level=level or "",
        year=year or "",
        levels=LEVELS,
        doc_type_labels=DOC_TYPE_LABELS,
    )


@router.post("/upload")
async def upload_form(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    """Store a report uploaded through the form and go to its reading page."""
    user, _ = await form_writer(request)
    found = await ingest_upload(request, file, user)
    return RedirectResponse(f"/documents/{found['id']}", status_code=303)


# --------------------------------------------------------------------------- reader


def marked_text(text: str, facts: list[dict[str, Any]]) -> Markup:
    """The report text, escaped, one <p id="p-OFFSET"> per line, with every fact wrapped in a
    <mark id="f-START-END"> carrying its id, kind and value."""
    by_span: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for f in facts:
        by_span[(f["start"], f["end"])].append(f)
    spans = sorted(by_span)
    out: list[str] = []
    k = 0
    for line in re.finditer(r"[^\r\n]+", text):
        lo, hi = line.start(), line.end()
        if not text[lo:hi].strip():
            continue
        parts = [f'<p id="p-{lo}">']
        pos = lo
        while k < len(spans) and spans[k][0] < hi:
            a, b = spans[k]
            k += 1
            if a < pos or b > hi:
                continue  # overlapping or crossing a line: left unmarked
            group = by_span[(a, b)]
            f = group[0]
            tip = "；".join(
                f"{kind_label(g['kind'])} {g['indicator'] or ''} {measure_label(g['measure'])} "
                f"{fact_number_text(g)}"
                for g in group
            )
            parts.append(str(escape(text[pos:a])))
            parts.append(
                f'<mark class="fact kind-{escape(f["kind"])}" id="f-{a}-{b}" data-fact-id="{f["id"]}" '
                f'data-fact-ids="{" ".join(str(g["id"]) for g in group)}" data-value="{raw_number(f["value"])}" '
                f'data-unit="{escape(f["unit"])}" data-kind="{escape(f["kind"])}" '
                f'data-measure="{escape(f["measure"])}" data-comparator="{escape(f["comparator"])}" '
                f'data-indicator="{escape(f["indicator"] or "")}" '
                f'data-indicator-id="{escape(f["indicator_id"] or "")}" data-period="{f["period"] or ""}" '
                f'title="{escape(tip)}" tabindex="0">{escape(text[a:b])}</mark>'
            )
            pos = b
        parts.append(str(escape(text[pos:hi])) + "</p>")
        out.append("".join(parts))
    return Markup("".join(out))


def _outline(sections: list[dict[str, Any]], depth: int = 0) -> list[dict[str, Any]]:
    out = []
    for s in sections:
        if s["level"] <= 3:
            out.append({"title": s["title"], "start": s["heading_start"], "role": s["role"], "depth": depth})
        out.extend(_outline(s["children"], depth + 1))
    return out


def all_facts(db: Any, document_id: int) -> list[dict[str, Any]]:
    """Every fact of a document, page by page."""
    first = queries.facts(db, document_id=document_id, per_page=500)
    facts = list(first.items)
    for n in range(2, first.pages + 1):
        facts.extend(queries.facts(db, document_id=document_id, per_page=500, page=n).items)
    return facts


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def reader(request: Request, document_id: Id) -> HTMLResponse:
    """A report's text with its facts marked, counted by kind."""
    db = request.app.state.db
    doc = queries.document(db, document_id)
    facts = all_facts(db, document_id)
    counts = Counter(f["kind"] for f in facts)
    return page(
        request,
        "document.html",
        doc=doc,
        text=marked_text(doc["text"], facts),
        counts=counts,
        outline=_outline(doc["structure"]["sections"]),
        n_facts=len(facts),
    )


@router.get("/documents/{document_id}/targets", response_class=HTMLResponse)
def targets(request: Request, document_id: Id) -> HTMLResponse:
    """A report's targets beside the previous year's targets and outcomes for the same place."""
    db = request.app.state.db
    doc = queries.document(db, document_id, text=False)
    own = (
        [
            r
            for r in track(db, jurisdiction=doc["jurisdiction"], period=doc["plan_year"])
            if r.target["document_id"] == document_id
        ]
        if doc["jurisdiction"] and doc["plan_year"]
        else []
    )
    previous = (
        track(db, jurisdiction=doc["jurisdiction"], period=doc["plan_year"] - 1)
        if doc["jurisdiction"] and doc["plan_year"]
        else []
    )
    prev_by = {(r.indicator_id or r.indicator, r.target["measure"]): r for r in previous}
    rows = [(r, prev_by.get((r.indicator_id or r.indicator, r.target["measure"]))) for r in own]
    lang = language(request)
    year = doc["plan_year"] or 1
    chart_list = measure_charts(
        rows,
        lambda rp: (rp[0].target["measure"], rp[0].target["unit"]),
        lambda rp: indicator_label(rp[0].indicator_id, rp[0].indicator, lang),
        {
            translate("%s 目标", lang) % year: lambda rp: rp[0].target["value"],
            translate("%s 目标", lang) % (year - 1): lambda rp: rp[1].target["value"] if rp[1] else None,
            translate("%s 结果", lang) % (year - 1): lambda rp: (
                rp[1].outcome["value"] if rp[1] and rp[1].outcome else None
            ),
        },
        "目标与上年对比",
        lang,
    )
    return page(request, "targets.html", doc=doc, rows=rows, charts=chart_list)


@router.get("/documents/{document_id}/digest", response_class=HTMLResponse)
def digest_page(
    request: Request, document_id: Id, format: Annotated[str, Query(pattern="^(html|md)$")] = "html"
) -> Response:
    """The 数读 reading of a stored report, beside last year's targets and outcomes in the registry."""
    from workreport.model import Document
    from workreport.publish.digest import digest

    db = request.app.state.db
    doc = queries.document(db, document_id)
    source = Document(
        text=doc["text"],
        path=doc["path"],
        format=doc["format"],
        encoding=doc["encoding"],
        sha256=doc["sha256"],
    )
    body = digest(source, fmt=format, db=db, facts=queries.document_facts(db, document_id))
    if format == "md":
        return Response(body, media_type="text/markdown; charset=utf-8")
    response = HTMLResponse(body)
    # a self-contained page with its own inline style and SVG, and nothing else
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"
    )
    return response


@router.get("/facts/{fact_id}", response_class=HTMLResponse)
def fact_page(request: Request, fact_id: Id) -> HTMLResponse:
    """One fact with its sentence in context and the form to correct it."""
    db = request.app.state.db
    fact = queries.fact(db, fact_id)
    doc = queries.document(db, fact["document_id"], text=True)
    a, b = fact["sentence_start"] or fact["start"], fact["sentence_end"] or fact["end"]
    sentence = Markup(
        f"{escape(doc['text'][a : fact['start']])}<mark>{escape(fact['quote'])}</mark>"
        f"{escape(doc['text'][fact['end'] : b])}"
    )
    return page(request, "fact.html", fact=fact, doc=doc, sentence=sentence, fields=CORRECTABLE)


@router.post("/facts/{fact_id}/correct")
async def correct_fact(request: Request, fact_id: Id) -> Response:
    """Apply a correction from the fact page's form and go back to the fact."""
    user, form = await form_writer(request)
    field = str(form.get("field", ""))
    value = str(form.get("value", ""))
    registry.correct(request.app.state.db, fact_id, {field: value}, who=user.username)
    return RedirectResponse(f"/facts/{fact_id}", status_code=303)


# --------------------------------------------------------------------------- charts

CHART_WIDTH = 960
CHART_UNITS = {"%": "%", "pp": "个百分点"}


def measure_charts(
    items: Sequence[Any],
    measure_of: Callable[[Any], tuple[str, str]],
    label_of: Callable[[Any], str],
    series: dict[str, Callable[[Any], float | None]],
    title: str,
    lang: str,
    limit: int = 20,
) -> list[Markup]:
    """Grouped bars, one chart per measure and unit (a growth rate never shares an axis with a
    share or a level); only rates and points are drawn, the first ``limit`` rows of each."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for item in items:
        measure, unit = measure_of(item)
        if unit in CHART_UNITS:
            groups[(measure, unit)].append(item)
    out = []
    for (measure, unit), rows in groups.items():
        rows = rows[:limit]
        unit_word = translate(CHART_UNITS[unit], lang)
        heading = f"{measure_label(measure, lang=_lang(lang))} · {translate(title, lang)} ({unit_word})"
        drawn: dict[str, Sequence[float | None]] = {
            translate(name, lang): [get(r) for r in rows] for name, get in series.items()
        }
        drawn = {name: values for name, values in drawn.items() if any(v is not None for v in values)}
        if not drawn:  # a series with no value at all takes no room
            continue
        svg = charts.bars(
            [label_of(r) for r in rows],
            drawn,
            title=heading,
            unit="%" if unit == "%" else "",
            width=CHART_WIDTH,
        )
        out.append(Markup(svg))
    return out


# --------------------------------------------------------------------------- tracker

TRACK_COLUMNS = (
    "commitment_id", "jurisdiction", "period", "indicator_id", "indicator", "indicator_label", "measure",
    "target", "target_value", "target_value_max", "unit", "comparator", "hedge", "target_quote",
    "target_document_id", "target_start", "target_end", "outcome", "outcome_value", "outcome_kind",
    "outcome_quote", "outcome_document_id", "outcome_start", "outcome_end", "status", "status_label",
    "provisional", "rater", "match", "rule", "url",
)


def track_record(r: TrackRow, lang: str) -> dict[str, Any]:
    """A rating as one flat record: the target, the outcome and the status, numbers as reports
    write them beside the stored values."""
    t, o = r.target, r.outcome or {}
    return {
        "commitment_id": r.commitment_id,
        "jurisdiction": r.jurisdiction,
        "period": r.period,
        "indicator_id": r.indicator_id,
        "indicator": r.indicator,
        "indicator_label": indicator_label(r.indicator_id, r.indicator, lang),
        "measure": t["measure"],
        "target": fact_number_text(t),
        "target_value": t["value"],
        "target_value_max": t["value_max"],
        "unit": t["unit"],
        "comparator": t["comparator"],
        "hedge": t["hedge"],
        "target_quote": t["quote"],
        "target_document_id": t["document_id"],
        "target_start": t["start"],
        "target_end": t["end"],
        "outcome": fact_number_text(o) if o else None,
        "outcome_value": o.get("value"),
        "outcome_kind": o.get("kind"),
        "outcome_quote": o.get("quote"),
        "outcome_document_id": o.get("document_id"),
        "outcome_start": o.get("start"),
        "outcome_end": o.get("end"),
        "status": r.status,
        "status_label": status_label(r.status, r.provisional, lang=_lang(lang)),
        "provisional": r.provisional,
        "rater": r.rater,
        "match": r.match,
        "rule": r.rule,
        "url": f"/commitments/{r.commitment_id}",
    }


def _track_facets(request: Request, rows: list[TrackRow], lang: str) -> dict[str, list[FacetValue]]:
    labels = _label_fns(lang)
    return {
        "status": facet(request, "status", count_values(rows, lambda r: r.status), labels["status"]),
        "jurisdiction": facet(request, "jurisdiction", count_values(rows, lambda r: r.jurisdiction)),
        "period": facet(request, "period", count_values(rows, lambda r: r.period)),
        "indicator": facet(request, "indicator", count_values(rows, lambda r: r.indicator_id), labels["indicator"]),
        "measure": facet(request, "measure", count_values(rows, lambda r: r.target["measure"]), labels["measure"]),
    }


def _keep(rows: list[TrackRow], status: str | None, indicator: str | None, measure: str | None) -> list[TrackRow]:
    # a value no row could have is a mistake to say, not an empty tracker to show
    if status and status not in STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    if measure and measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    return [
        r
        for r in rows
        if (not status or r.status == status)
        and (not indicator or r.indicator_id == indicator)
        and (not measure or r.target["measure"] == measure)
    ]


def _rating_charts(rows: list[TrackRow], lang: str) -> list[Markup]:
    rated = [r for r in rows if r.outcome is not None]
    return measure_charts(
        rated,
        lambda r: (r.target["measure"], r.target["unit"]),
        lambda r: f"{r.jurisdiction or ''} {indicator_label(r.indicator_id, r.indicator, lang)} {r.period or ''}",
        {
            "目标": lambda r: r.target["value"],
            "结果": lambda r: r.outcome["value"] if r.outcome else None,
        },
        "目标与结果",
        lang,
    )


@router.get("/tracker", response_class=HTMLResponse)
@router.get("/tracker.{fmt}", response_class=HTMLResponse)
def tracker(
    request: Request,
    jurisdiction: Place = None,
    period: Year = None,
    status: Code = None,
    indicator: Code = None,
    measure: Code = None,
    p: PageNo = 1,
    per_page: PageSize = None,
) -> Response:
    """The tracker: each target against its outcome, with facets and the mix of statuses; a
    page at a time."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    db = request.app.state.db
    lang = language(request)
    size = _per_page(per_page, PER_PAGE)
    every = _keep(track(db, jurisdiction=jurisdiction or None, period=period), status, indicator, measure)
    rows = _slice(every, p, size)
    listing = Listing(
        "tracker",
        TRACK_COLUMNS,
        [track_record(r, lang) for r in rows],
        p,
        size,
        len(every),
        filters={
            "jurisdiction": jurisdiction, "period": period, "status": status, "indicator": indicator,
            "measure": measure,
        },
        facets=_track_facets(request, every, lang),
    )
    if fmt != "html":
        return respond(request, listing, fmt)
    counts = {s: sum(r.status == s for r in every) for s in STATUS_LABELS}
    mix_labels = {s: status_label(s, lang=_lang(lang)) for s in STATUS_LABELS}
    projects = (
        facets.commitments(
            db, facets.CommitmentFilter(jurisdiction=jurisdiction, period=period, type="project"), per_page=200
        ).items
        if jurisdiction
        else []
    )
    return _listing_page(
        request,
        fmt,
        "tracker.html",
        listing,
        rows=rows,
        counts=counts,
        mix=Markup(charts.status_mix(counts, labels=mix_labels, width=CHART_WIDTH)) if rows else "",
        charts=_rating_charts(rows, lang),
        jurisdiction=jurisdiction or "",
        period=period or "",
        projects=projects,
    )


# --------------------------------------------------------------------------- commitments

COMMITMENT_COLUMNS = (
    "id", "type", "jurisdiction", "period", "indicator_id", "indicator", "indicator_label", "measure",
    "target", "value", "value_max", "unit", "comparator", "hedge", "text", "status", "status_label",
    "document_id", "start", "end", "url",
)


def commitment_record(c: dict[str, Any], lang: str) -> dict[str, Any]:
    """A commitment as one flat record, with its number as a report writes it."""
    return {
        **c,
        "indicator_label": indicator_label(c["indicator_id"], c["indicator"], lang) if c["type"] == "target" else None,
        "target": fact_number_text(c) if c["value"] is not None else None,
        "status_label": status_label(c["status"], lang=_lang(lang)) if c["status"] else None,
        "url": f"/commitments/{c['id']}",
    }


@router.get("/commitments", response_class=HTMLResponse)
@router.get("/commitments.{fmt}", response_class=HTMLResponse)
def commitments_page(
    request: Request,
    jurisdiction: Place = None,
    period: Year = None,
    type: Annotated[str | None, Query(pattern="^(target|task|project|)$")] = None,
    status: Code = None,
    indicator: Code = None,
    p: PageNo = 1,
    per_page: PageSize = None,
) -> Response:
    """Commitments (numeric targets, key tasks, 为民实事) with filters and facets."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    db = request.app.state.db
    lang = language(request)
    size = _per_page(per_page, PER_PAGE)
    chosen = facets.CommitmentFilter(
        jurisdiction=jurisdiction or None, period=period, type=type or None, status=status or None,
        indicator=indicator or None,
    )
    found = facets.commitments(db, chosen, page=p, per_page=size)
    counts = facets.commitment_facets(db, chosen)
    labels = _label_fns(lang)
    listing = Listing(
        "commitments",
        COMMITMENT_COLUMNS,
        [commitment_record(c, lang) for c in found.items],
        p,
        size,
        found.total,
        filters={"jurisdiction": jurisdiction, "period": period, "type": type, "status": status, "indicator": indicator},
        facets={
            name: facet(request, name, counts[name], labels.get(name, str))
            for name in ("type", "status", "jurisdiction", "period", "indicator")
        },
    )
    return _listing_page(
        request, fmt, "commitments.html", listing, jurisdiction=jurisdiction or "", period=period or "",
        type=type or "",
    )


def _evidence(db: Any, evidence: dict[str, Any] | None, texts: dict[int, str]) -> dict[str, Any]:
    """An assessment's evidence as a person reads it: the quoted span with a link to it, or the note."""
    ev = evidence or {}
    out: dict[str, Any] = {"note": ev.get("note"), "quote": None, "href": None}
    did, start, end = ev.get("document_id"), ev.get("start"), ev.get("end")
    if isinstance(did, int) and isinstance(start, int) and isinstance(end, int):
        if did not in texts:
            try:
                texts[did] = queries.document(db, did)["text"]
            except NotFoundError:
                texts[did] = ""
        out["quote"] = texts[did][start:end] or None
        out["href"] = f"/documents/{did}#f-{start}-{end}"
    return out


@router.get("/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(request: Request, commitment_id: Id) -> HTMLResponse:
    """A commitment with every assessment ever made of it (rules and people), newest last,
    each with its evidence quoted and linked."""
    db = request.app.state.db
    history = queries.assessments(db, commitment_id)
    c = queries.commitment(db, commitment_id)
    doc = queries.document(db, c["document_id"], text=False)
    texts: dict[int, str] = {}
    for a in history:
        a["evidence_view"] = _evidence(db, a["evidence"], texts)
    choices = STATUSES if c["type"] == "target" else TASK_STATUSES
    return page(request, "commitment.html", c=c, doc=doc, history=history, choices=choices)


@router.post("/commitments/{commitment_id}/assess")
async def assess(request: Request, commitment_id: Id) -> Response:
    """Record an assessment from a page's form and go back to that page. The status is the
    person's choice: an empty one is refused."""
    user, form = await form_writer(request)
    status = str(form.get("status", ""))
    if not status:
        raise ApiError(400, "invalid_request", "choose a status")
    registry.assess(
        request.app.state.db,
        commitment_id,
        status,
        who=user.username,
        note=str(form.get("note", "")) or None,
        evidence=str(form.get("evidence", "")) or None,
    )
    back = _local(str(form.get("next", "/tracker")))
    return RedirectResponse(back, status_code=303)


# --------------------------------------------------------------------------- indicators

INDICATOR_COLUMNS = ("id", "name", "en", "names", "measure", "unit", "better", "facts", "url")


@router.get("/indicators", response_class=HTMLResponse)
@router.get("/indicators.{fmt}", response_class=HTMLResponse)
def indicators(
    request: Request,
    measure: Code = None,
    p: PageNo = 1,
    per_page: PageSize = None,
) -> Response:
    """The indicator vocabulary: every id with its names, English label and stored facts."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    lang = language(request)
    size = _per_page(per_page, 200)
    counted = facets.indicator_fact_counts(request.app.state.db)
    every = [
        {
            "id": key,
            "name": str(spec["names"][0]) if spec["names"] else key,
            "en": spec.get("en"),
            "names": "、".join(spec["names"]),
            "measure": spec.get("measure"),
            "unit": spec.get("unit"),
            "better": spec.get("better"),
            "facts": counted.get(key, 0),
            "url": f"/indicators/{key}",
        }
        for key, spec in vocabulary().items()
    ]
    chosen = [r for r in every if not measure or r["measure"] == measure]
    listing = Listing(
        "indicators",
        INDICATOR_COLUMNS,
        _slice(chosen, p, size),
        p,
        size,
        len(chosen),
        filters={"measure": measure},
        facets={"measure": facet(request, "measure", count_values(chosen, lambda r: r["measure"]), _label_fns(lang)["measure"])},
    )
    return _listing_page(request, fmt, "indicators.html", listing)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
@router.get("/indicators/{indicator_id}.{fmt}", response_class=HTMLResponse)
def indicator(
    request: Request,
    indicator_id: Annotated[str, Path(max_length=48, pattern=r"^[a-z0-9_]+$")],
    jurisdiction: Place = None,
    period: Year = None,
    status: Code = None,
    measure: Code = None,
    p: PageNo = 1,
    per_page: PageSize = None,
) -> Response:
    """One indicator across places and years: its targets against outcomes (a page at a time,
    with facets), one chart per measure, its actual and estimated values by year."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    db = request.app.state.db
    lang = language(request)
    spec = vocabulary().get(indicator_id)
    if spec is None:
        raise ApiError(404, "not_found", f"no indicator {indicator_id!r}")
    every = [r for r in track(db, jurisdiction=jurisdiction or None, period=period) if r.indicator_id == indicator_id]
    every = _keep(every, status, None, measure)
    size = _per_page(per_page, PER_PAGE)
    rows = _slice(every, p, size)
    labels = _label_fns(lang)
    listing = Listing(
        f"indicator-{indicator_id}",
        TRACK_COLUMNS,
        [track_record(r, lang) for r in rows],
        p,
        size,
        len(every),
        filters={"jurisdiction": jurisdiction, "period": period, "status": status, "measure": measure},
        facets={
            "status": facet(request, "status", count_values(every, lambda r: r.status), labels["status"]),
            "jurisdiction": facet(request, "jurisdiction", count_values(every, lambda r: r.jurisdiction)),
            "period": facet(request, "period", count_values(every, lambda r: r.period)),
            "measure": facet(request, "measure", count_values(every, lambda r: r.target["measure"]), labels["measure"]),
        },
    )
    if fmt != "html":
        return respond(request, listing, fmt)
    facts = queries.facts(db, indicator=indicator_id, jurisdiction=jurisdiction or None, period=period, per_page=500).items
    actuals = [f for f in facts if f["kind"] in ("actual", "estimate") and f["period"]]
    chart_list = measure_charts(
        every,
        lambda r: (r.target["measure"], r.target["unit"]),
        lambda r: f"{r.jurisdiction or ''} {r.period or ''}",
        {"目标": lambda r: r.target["value"], "结果": lambda r: r.outcome["value"] if r.outcome else None},
        "目标与结果",
        lang,
    )
    return _listing_page(
        request,
        fmt,
        "indicator.html",
        listing,
        indicator_id=indicator_id,
        names=[str(n) for n in spec["names"]],
        en=spec.get("en"),
        rows=rows,
        actuals=sorted(actuals, key=lambda f: (f["period"], f["document_id"])),
        charts=chart_list,
    )


# --------------------------------------------------------------------------- search

SEARCH_COLUMNS = ("document_id", "title", "jurisdiction", "level", "plan_year", "snippets", "url")


@router.get("/search", response_class=HTMLResponse)
@router.get("/search.{fmt}", response_class=HTMLResponse)
def search(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    p: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> Response:
    """The search page, with hits when there is a query; its twins hold the same hits."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    size = _per_page(per_page, 20)
    hits = queries.search(request.app.state.db, q, page=p, per_page=size) if q.strip() else None
    records = [
        {
            "document_id": h.document["id"],
            "title": h.document["title"],
            "jurisdiction": h.document["jurisdiction"],
            "level": h.document["level"],
            "plan_year": h.document["plan_year"],
            "snippets": ["".join(s) for s in h.snippets],
            "url": f"/documents/{h.document['id']}",
        }
        for h in (hits.items if hits else [])
    ]
    listing = Listing("search", SEARCH_COLUMNS, records, p, size, hits.total if hits else 0, filters={"q": q})
    return _listing_page(request, fmt, "search.html", listing, q=q, hits=hits)
