"""Progress of key tasks and 为民实事 (issue 16): the list with its data twins, one item's page
with its numbers and timeline, and the editor's assessment form.

``/progress?jurisdiction=…&year=…&type=…&status=…`` lists key tasks and 为民实事 with their
status and a progress bar (``/progress.json`` and ``/progress.csv`` hold the same rows);
``/tasks/{id}`` shows one with its numeric parts (each with its fact and rating), every fact
inside its span, and its timeline; editors add an assessment there (CSRF-checked, audited).
The logic is in :mod:`workreport.registry.progress`; this module only shows it.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from workreport.errors import InputError
from workreport.publish.progress import COLUMNS, progress_record
from workreport.registry.progress import (
    ITEM_TYPES,
    PROGRESS_STATUSES,
    Item,
    TaskView,
    assess_progress,
    parse_percent,
    progress,
    task,
)
from workreport.rules.labels import Lang, status_label
from workreport.store.facets import count_values

from .listings import MAX_PER_PAGE, Listing, check_format, facet, respond, twin_path, url_with
from .render import Id, form_writer, language, page

router = APIRouter(include_in_schema=False)

PER_PAGE = 100
TYPE_LABELS = {"task": "重点工作", "project": "为民实事"}
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int | None, Query(ge=1, le=MAX_PER_PAGE)]
Place = Annotated[str | None, Query(max_length=64)]
Year = Annotated[int | None, Query(ge=1900, le=2200)]
Code = Annotated[str | None, Query(max_length=16, pattern=r"^[a-z_]*$")]


def _lang(request: Request) -> Lang:
    return "en" if language(request) == "en" else "zh"


def _pager(request: Request, page_no: int, per_page: int, total: int) -> dict[str, Any]:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "p"]
    return {
        "page": page_no,
        "pages": max(1, math.ceil(total / per_page)),
        "total": total,
        "base": request.url.path + "?" + (urlencode(query) + "&" if query else ""),
    }


def _overall(items: list[Item]) -> int | None:
    """The mean percentage of the items that have one."""
    known = [i.percent for i in items if i.percent is not None]
    return round(sum(known) / len(known)) if known else None


@router.get("/progress", response_class=HTMLResponse)
@router.get("/progress.{fmt}", response_class=HTMLResponse)
def progress_page(
    request: Request,
    jurisdiction: Place = None,
    year: Year = None,
    type: Code = None,
    status: Code = None,
    p: PageNo = 1,
    per_page: PageSize = None,
) -> Response:
    """Key tasks and 为民实事 with status badges and progress bars, filterable; .json and .csv twins."""
    fmt = check_format(request.path_params.get("fmt", "html"))
    lang = _lang(request)
    if type and type not in ITEM_TYPES:
        raise InputError(f"unknown type {type!r}; use task or project")
    if status and status not in PROGRESS_STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(PROGRESS_STATUSES)}")
    db = request.app.state.db
    every = progress(db, jurisdiction=jurisdiction or None, year=year, type=type or None)
    chosen = [i for i in every if not status or i.status == status]
    size = per_page or PER_PAGE
    rows = chosen[(p - 1) * size : p * size]
    listing = Listing(
        "progress",
        COLUMNS,
        [progress_record(i, lang) for i in rows],
        p,
        size,
        len(chosen),
        filters={"jurisdiction": jurisdiction, "year": year, "type": type, "status": status},
        facets={
            # each facet counts what its link would list: a status link replaces the status
            # chosen, so it counts every status; the others keep it, so they count the rows shown
            "status": facet(
                request, "status", count_values(every, lambda i: i.status), lambda s: status_label(s, lang=lang)
            ),
            "type": facet(request, "type", count_values(chosen, lambda i: i.type), lambda t: TYPE_LABELS.get(t, t)),
            "jurisdiction": facet(request, "jurisdiction", count_values(chosen, lambda i: i.jurisdiction)),
            "year": facet(request, "year", count_values(chosen, lambda i: i.period)),
        },
    )
    if fmt != "html":
        return respond(request, listing, fmt)
    counts = {s: sum(i.status == s for i in every) for s in PROGRESS_STATUSES}
    return page(
        request,
        "progress.html",
        listing=listing,
        items=rows,
        counts=counts,
        overall=_overall(chosen),
        statuses=PROGRESS_STATUSES,
        type_labels=TYPE_LABELS,
        facet_titles={"status": "状态", "type": "类型", "jurisdiction": "地区", "year": "年份"},
        jurisdiction=jurisdiction or "",
        year=year or "",
        type=type or "",
        chosen_status=status or "",
        pager=_pager(request, p, size, len(chosen)),
        json_url=url_with(request, twin_path(request, "json")),
        csv_url=url_with(request, twin_path(request, "csv")),
    )


def _evidence_choices(view: TaskView) -> list[dict[str, Any]]:
    """Facts an editor may cite: the item's own numbers and the outcomes that answer them."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for f in view.facts:
        if f["id"] not in seen:
            seen.add(f["id"])
            out.append({"id": f["id"], "label": f["quote"], "kind": f["kind"]})
    for part in view.item.parts:
        fid = (part.outcome or {}).get("fact_id")
        if fid is not None and fid not in seen:
            seen.add(fid)
            out.append({"id": fid, "label": part.outcome["quote"] if part.outcome else "", "kind": "outcome"})
    return out


def _task_page(
    request: Request, view: TaskView, *, status: int = 200, error: str | None = None, form: dict[str, Any] | None = None
) -> HTMLResponse:
    item = view.item
    return page(
        request,
        "task.html",
        status=status,
        view=view,
        item=item,
        statuses=PROGRESS_STATUSES,
        type_labels=TYPE_LABELS,
        choices=_evidence_choices(view),
        error=error,
        form=form or {},
        back=f"/progress?{urlencode({k: v for k, v in (('jurisdiction', item.jurisdiction), ('year', item.period)) if v})}",
    )


@router.get("/tasks/{commitment_id}.json")
def task_json(request: Request, commitment_id: Id) -> JSONResponse:
    """The task page as JSON: the item (numbers, rules' verdict, timeline) and the facts in its span."""
    view = task(request.app.state.db, commitment_id)
    return JSONResponse(
        {**view.item.to_dict(), "span": list(view.item.span), "facts": view.facts, "document_title": view.document_title}
    )


@router.get("/tasks/{commitment_id}", response_class=HTMLResponse)
def task_page(request: Request, commitment_id: Id) -> Response:
    """A key task or 为民实事: its text, numbers with facts and ratings, timeline, and the form
    (a numeric target's id goes to its commitment page)."""
    try:
        view = task(request.app.state.db, commitment_id)
    except InputError:  # a numeric target: rated on the tracker
        return RedirectResponse(f"/commitments/{commitment_id}", status_code=303)
    return _task_page(request, view)


@router.post("/tasks/{commitment_id}/assess")
async def assess_task(request: Request, commitment_id: Id) -> Response:
    """An editor's assessment from the task page; on a mistake the page again, with the message."""
    user, form = await form_writer(request)
    db = request.app.state.db
    fact = str(form.get("fact_id", "")).strip()
    try:
        if not fact.isdigit() and fact:
            raise InputError("证据数字无效 (not a fact id)")
        await anyio.to_thread.run_sync(
            lambda: assess_progress(
                db,
                commitment_id,
                str(form.get("status", "")),
                who=user.username,
                percent=parse_percent(str(form.get("percent", ""))),
                note=str(form.get("note", "")) or None,
                evidence=str(form.get("evidence", "")) or None,
                evidence_url=str(form.get("evidence_url", "")) or None,
                fact_id=int(fact) if fact else None,
            )
        )
    except InputError as exc:
        view = await anyio.to_thread.run_sync(task, db, commitment_id)
        kept = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return _task_page(request, view, status=400, error=exc.message, form=kept)
    return RedirectResponse(f"/tasks/{commitment_id}#timeline", status_code=303)
