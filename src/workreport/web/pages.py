"""Server-rendered pages: library, reader, targets, tracker, indicators, search, corrections.

Every form carries the session's CSRF token; every write needs a signed-in editor. Report
text is always escaped by the templates (Jinja2 autoescaping) or by :func:`markup.escape`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from workreport import registry
from workreport.model import CORRECTABLE
from workreport.pipeline.extract import indicator_names
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
from workreport.rules.labels import (
    kind_label,
    measure_label,
)
from workreport.rules.numbers import fact_number_text, raw_number
from workreport.store import queries
from workreport.track import track

from .auth import SESSION_MAX_AGE, same_token
from .errors import ApiError
from .render import STATUS_LABELS, Id, form_writer, page, render_error, set_session_cookie, templates
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
            error=f"尝试次数过多，请 {math.ceil(wait / 60)} 分钟后再试 (too many failed sign-ins; try again later)",
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
            error="用户名或密码不正确 (wrong username or password)",
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


def _pager(request: Request, page_no: int, per_page: int, total: int) -> dict[str, Any]:
    """What the pager needs: this page, the number of pages, and the URL to add ``p=N`` to."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "p"]
    return {
        "page": page_no,
        "pages": max(1, math.ceil(total / per_page)),
        "total": total,
        "base": request.url.path + "?" + (urlencode(query) + "&" if query else ""),
    }


PER_PAGE = 100


# --------------------------------------------------------------------------- library


@router.get("/", response_class=HTMLResponse)
def library(
    request: Request,
    jurisdiction: Annotated[str | None, Query(max_length=64)] = None,
    level: Annotated[str | None, Query(max_length=16)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    p: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The library: stored reports, filtered by jurisdiction, level and year."""
    db = request.app.state.db
    try:
        docs = queries.documents(
            db, jurisdiction=jurisdiction or None, level=level or None, year=year, page=p, per_page=50
        )
    except ApiError:
        raise
    return page(
        request,
        "library.html",
        docs=docs,
        jurisdiction=jurisdiction or "",
        level=level or "",
        year=year or "",
        levels=["national", "province", "prefecture", "county", "new_area", "zone"],
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
    labels = [(r.indicator or r.indicator_id or "")[:10] for r, _ in rows if r.target["unit"] == "%"]
    chart = (
        charts.bars(
            labels,
            {
                f"{doc['plan_year']}年目标": [r.target["value"] for r, _ in rows if r.target["unit"] == "%"],
                f"{(doc['plan_year'] or 1) - 1}年目标": [
                    p.target["value"] if p else None for r, p in rows if r.target["unit"] == "%"
                ],
                f"{(doc['plan_year'] or 1) - 1}年结果": [
                    p.outcome["value"] if p and p.outcome else None
                    for r, p in rows
                    if r.target["unit"] == "%"
                ],
            },
            title="增速与比率目标 (%)",
            unit="%",
        )
        if labels
        else ""
    )
    return page(request, "targets.html", doc=doc, rows=rows, chart=Markup(chart))


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
    body = digest(source, fmt=format, db=db)
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
    return page(
        request, "fact.html", fact=fact, doc=doc, sentence=sentence, fields=CORRECTABLE
    )


@router.post("/facts/{fact_id}/correct")
async def correct_fact(request: Request, fact_id: Id) -> Response:
    """Apply a correction from the fact page's form and go back to the fact."""
    user, form = await form_writer(request)
    field = str(form.get("field", ""))
    value = str(form.get("value", ""))
    registry.correct(request.app.state.db, fact_id, {field: value}, who=user.username)
    return RedirectResponse(f"/facts/{fact_id}", status_code=303)


# --------------------------------------------------------------------------- tracker


@router.get("/tracker", response_class=HTMLResponse)
def tracker(
    request: Request,
    jurisdiction: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    p: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The tracker: each target against its outcome, with the mix of statuses; a page at a time."""
    db = request.app.state.db
    every = track(db, jurisdiction=jurisdiction or None, period=period)
    rows = every[(p - 1) * PER_PAGE : p * PER_PAGE]
    counts = {s: sum(r.status == s for r in every) for s in STATUS_LABELS}
    mix = charts.status_mix(counts, labels=STATUS_LABELS) if rows else ""
    rated = [r for r in rows if r.outcome is not None and r.target["unit"] == "%"][:20]
    chart = (
        charts.bars(
            [f"{(r.indicator or '')[:8]} {r.period}" for r in rated],
            {
                "目标": [r.target["value"] for r in rated],
                "结果": [r.outcome["value"] for r in rated if r.outcome is not None],
            },
            title="目标与结果 (%)",
            unit="%",
        )
        if rated
        else ""
    )
    tasks = (
        queries.commitments(
            db, jurisdiction=jurisdiction or None, period=period, type="project", per_page=200
        ).items
        if jurisdiction
        else []
    )
    return page(
        request,
        "tracker.html",
        rows=rows,
        counts=counts,
        mix=Markup(mix),
        chart=Markup(chart),
        jurisdiction=jurisdiction or "",
        period=period or "",
        projects=tasks,
        pager=_pager(request, p, PER_PAGE, len(every)),
    )


@router.get("/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(request: Request, commitment_id: Id) -> HTMLResponse:
    """A commitment with every assessment ever made of it (rules and people), newest last."""
    db = request.app.state.db
    history = queries.assessments(db, commitment_id)
    c = queries.commitment(db, commitment_id)
    doc = queries.document(db, c["document_id"], text=False)
    return page(request, "commitment.html", c=c, doc=doc, history=history)


@router.post("/commitments/{commitment_id}/assess")
async def assess(request: Request, commitment_id: Id) -> Response:
    """Record an assessment from a page's form and go back to that page."""
    user, form = await form_writer(request)
    registry.assess(
        request.app.state.db,
        commitment_id,
        str(form.get("status", "")),
        who=user.username,
        note=str(form.get("note", "")) or None,
        evidence=str(form.get("evidence", "")) or None,
    )
    back = _local(str(form.get("next", "/tracker")))
    return RedirectResponse(back, status_code=303)


# --------------------------------------------------------------------------- indicators


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request) -> HTMLResponse:
    """The indicator vocabulary: every id with its name."""
    names = indicator_names()
    return page(request, "indicators.html", indicators=sorted(names.items()))


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator(
    request: Request,
    indicator_id: Annotated[str, Path(max_length=48, pattern=r"^[a-z0-9_]+$")],
    p: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """One indicator across places and years: targets against outcomes (a page at a time), a
    growth chart, values by year."""
    db = request.app.state.db
    names = indicator_names()
    if indicator_id not in names:
        raise ApiError(404, "not_found", f"no indicator {indicator_id!r}")
    rows = [r for r in track(db) if r.indicator_id == indicator_id]
    facts = queries.facts(db, indicator=indicator_id, per_page=500).items
    actuals = [f for f in facts if f["kind"] in ("actual", "estimate") and f["period"]]
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in actuals:
        by_year[f["period"]].append(f)
    growth = [r for r in rows if r.target["measure"] == "growth"]
    chart = (
        charts.bars(
            [f"{r.jurisdiction or ''} {r.period}" for r in growth[:20]],
            {
                "目标": [r.target["value"] for r in growth[:20]],
                "结果": [r.outcome["value"] if r.outcome else None for r in growth[:20]],
            },
            title="增速目标与结果 (%)",
            unit="%",
        )
        if growth
        else ""
    )
    return page(
        request,
        "indicator.html",
        indicator_id=indicator_id,
        names=names[indicator_id],
        rows=rows[(p - 1) * PER_PAGE : p * PER_PAGE],
        pager=_pager(request, p, PER_PAGE, len(rows)),
        actuals=sorted(actuals, key=lambda f: (f["period"], f["document_id"])),
        chart=Markup(chart),
    )


# --------------------------------------------------------------------------- search


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    p: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The search page, with hits when there is a query."""
    hits = queries.search(request.app.state.db, q, page=p) if q.strip() else None
    return page(request, "search.html", q=q, hits=hits)
