"""The review queue: ratings a person should confirm or override (issue 16).

``/review`` lists the ratings of the rules a person should look at (``registry.review``), each
with its reasons in Chinese, the target's and the outcome's quotes linked to the reader, and,
for editors, one-click 确认 (confirm) and 改判 (override with a status they choose) as
CSRF-checked forms. ``/review.json`` is the same list as JSON.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from workreport.model import STATUSES
from workreport.registry import review

from .errors import ApiError
from .render import Id, form_writer, page

router = APIRouter(include_in_schema=False)

PER_PAGE = 20
Place = Annotated[str | None, Query(max_length=64)]
Period = Annotated[int | None, Query(ge=1900, le=2200)]
ReasonQuery = Annotated[str | None, Query(max_length=16)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]


def _filters(jurisdiction: str | None, period: int | None, reason: str | None) -> dict[str, str]:
    return {
        k: str(v)
        for k, v in (("jurisdiction", jurisdiction), ("period", period), ("reason", reason))
        if v not in (None, "")
    }


@router.get("/review.json")
def queue_json(
    request: Request,
    jurisdiction: Place = None,
    period: Period = None,
    reason: ReasonQuery = None,
    p: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = PER_PAGE,
) -> JSONResponse:
    """The queue as JSON: items with reasons and quotes, paginated, with counts per reason."""
    found = review.queue(
        request.app.state.db,
        jurisdiction=jurisdiction or None,
        period=period,
        reason=reason or None,
        page=p,
        per_page=per_page,
    )
    return JSONResponse(found.to_dict())


@router.get("/review", response_class=HTMLResponse)
def queue_page(
    request: Request,
    jurisdiction: Place = None,
    period: Period = None,
    reason: ReasonQuery = None,
    p: PageNo = 1,
    done: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    did: Annotated[str | None, Query(pattern="^(confirm|override)$")] = None,
) -> HTMLResponse:
    """The ratings to confirm, a page at a time, filtered by place, period and reason."""
    found = review.queue(
        request.app.state.db,
        jurisdiction=jurisdiction or None,
        period=period,
        reason=reason or None,
        page=p,
        per_page=PER_PAGE,
    )
    filters = _filters(jurisdiction, period, reason)
    here = "/review" + ("?" + urlencode({**filters, **({"p": str(p)} if p > 1 else {})}) if filters or p > 1 else "")
    return page(
        request,
        "review.html",
        queue=found,
        reasons={code: review.reason_text(code) for code in review.REASONS},
        filters=filters,
        jurisdiction=jurisdiction or "",
        period=period or "",
        reason=reason or "",
        here=here,
        choices=STATUSES,
        done=done,
        did=did,
        reason_links={code: "/review?" + urlencode({**filters, "reason": code}) for code in review.REASONS},
        all_link="/review?" + urlencode({k: v for k, v in filters.items() if k != "reason"}),
        pager={
            "page": found.page,
            "pages": found.pages,
            "total": found.total,
            "base": "/review?" + (urlencode(filters) + "&" if filters else ""),
        },
        json_link="/review.json" + ("?" + urlencode(filters) if filters else ""),
    )


def _back(form: dict[str, object], commitment_id: int, action: str) -> str:
    """Where to go after a decision: the queue page the form was on, saying what was done."""
    target = str(form.get("next", "/review"))
    if not target.startswith("/review") or target.startswith("//"):
        target = "/review"
    return f"{target}{'&' if '?' in target else '?'}done={commitment_id}&did={action}"


@router.post("/review/{commitment_id}/confirm")
async def confirm(request: Request, commitment_id: Id) -> Response:
    """确认: the rules' rating becomes the editor's own (it must still be the one they saw)."""
    user, form = await form_writer(request)
    expected = str(form.get("expected", "")) or None
    note = str(form.get("note", ""))[:500] or None
    await anyio.to_thread.run_sync(
        lambda: review.confirm(
            request.app.state.db, commitment_id, who=user.username, expected=expected, note=note
        )
    )
    return RedirectResponse(_back(form, commitment_id, "confirm"), status_code=303)


@router.post("/review/{commitment_id}/override")
async def override(request: Request, commitment_id: Id) -> Response:
    """改判: the editor's chosen status replaces the rules' rating; no status is refused."""
    user, form = await form_writer(request)
    status = str(form.get("status", ""))
    if not status:
        raise ApiError(400, "invalid_request", "choose a status to override the rating with")
    note = str(form.get("note", ""))[:500] or None
    await anyio.to_thread.run_sync(
        lambda: review.override(request.app.state.db, commitment_id, status, who=user.username, note=note)
    )
    return RedirectResponse(_back(form, commitment_id, "override"), status_code=303)
