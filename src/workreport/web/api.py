"""The HTTP API: JSON under /api, paginated lists, one error shape (see app.error_body)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from workreport import registry
from workreport.model import Kind
from workreport.registry.users import User, end_sessions
from workreport.store import queries
from workreport.track import track

from .auth import same_token
from .errors import ApiError
from .models import ERROR_RESPONSES, FactPage
from .uploads import ingest_upload

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
Year = Annotated[int | None, Query(ge=1900, le=2200)]
Name = Annotated[str | None, Query(max_length=64)]


def reader(request: Request) -> User | None:
    """The signed-in user, or None; 401 when this server requires signing in to read."""
    if request.app.state.settings.read_requires_login and request.state.user is None:
        raise ApiError(401, "unauthorized", "this server requires signing in to read")
    user: User | None = request.state.user
    return user


def writer(role: str = "editor") -> Callable[[Request], Coroutine[Any, Any, User]]:
    """A dependency giving the signed-in user of role ``role`` or above; 401, or 403 for a lower role or a missing CSRF header."""
    async def dependency(request: Request) -> User:
        user: User | None = request.state.user
        if user is None:
            raise ApiError(401, "unauthorized", "sign in or send an API token to make changes")
        if not user.can(role):
            raise ApiError(403, "forbidden", f"this needs the {role} role; you are {user.role}")
        if not request.state.via_token and not same_token(
            request.headers.get("x-csrf-token"), request.state.csrf
        ):
            raise ApiError(403, "csrf_failed", "missing or wrong X-CSRF-Token header")
        return user

    return dependency


def page_json(p: queries.Page[Any], items: list[Any] | None = None) -> dict[str, Any]:
    """A Page as the API's paged JSON: items, page, per_page, total and pages."""
    return {
        "items": items if items is not None else p.items,
        "page": p.page,
        "per_page": p.per_page,
        "total": p.total,
        "pages": p.pages,
    }


class Paged(BaseModel):
    """The shape of every paged list the API returns."""
    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    pages: int


@router.get("/documents", response_model=Paged, summary="List reports")
def list_documents(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    jurisdiction: Name = None,
    level: Annotated[str | None, Query(max_length=16)] = None,
    year: Year = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """List reports, filtered by jurisdiction, level and year, the newest first (each named by
    its source: ``name``)."""
    db = request.app.state.db
    found = queries.documents(db, jurisdiction=jurisdiction, level=level, year=year, page=page, per_page=per_page)
    return json_response(page_json(found))


@router.post("/documents", status_code=201, summary="Upload and ingest a report")
async def upload_document(
    request: Request,
    user: Annotated[User, Depends(writer())],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    """Read, extract and store an uploaded report (in a process of its own, within the server's
    time and memory budget per document); the same file again changes nothing."""
    return await ingest_upload(request, file, user)


@router.get(
    "/documents/{document_id}",
    summary="One report, with its text and structure",
    response_model=dict[str, Any],
)
def get_document(
    request: Request, _: Annotated[User | None, Depends(reader)], document_id: Id, text: bool = True
) -> Response:
    """A report with its metadata (``name``: its source, a file name or URL as given) and,
    unless ``text=false``, its full text and structure."""
    return json_response(queries.document(request.app.state.db, document_id, text=text))


def json_response(body: Any) -> Response:
    """JSON written in one pass (a report's text and structure are plain JSON already: no
    walk over them to make them so)."""
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        media_type="application/json",
    )


@router.delete("/documents/{document_id}", status_code=204, summary="Delete a report and what came from it")
def delete_document(
    request: Request, user: Annotated[User, Depends(writer("admin"))], document_id: Id
) -> None:
    """Delete a report with its facts, commitments, observations, assessments and corrections
    (admin only); the audit log keeps all of it."""
    queries.delete_document(request.app.state.db, document_id, who=user.username)


@router.delete("/users/{username}/sessions", summary="End every session of a user (admin)")
def revoke_sessions(
    request: Request,
    user: Annotated[User, Depends(writer("admin"))],
    username: Annotated[str, Path(max_length=64)],
) -> dict[str, int]:
    """Sign a user out everywhere: every session of theirs ends now."""
    return {"ended": end_sessions(request.app.state.db, username, who=user.username)}


@router.get("/facts", response_model=FactPage, summary="Facts, filtered")
def list_facts(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    document_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    indicator: Annotated[str | None, Query(max_length=48)] = None,
    kind: Kind | None = None,
    jurisdiction: Name = None,
    period: Year = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """List facts, filtered by document, indicator, kind, jurisdiction and period."""
    db = request.app.state.db
    found = queries.facts(db, document_id=document_id, indicator=indicator, kind=kind, jurisdiction=jurisdiction, period=period, page=page, per_page=per_page)  # fmt: skip
    return page_json(found)


@router.get("/facts/{fact_id}", summary="One fact, with its correction history")
def get_fact(request: Request, _: Annotated[User | None, Depends(reader)], fact_id: Id) -> dict[str, Any]:
    """One fact, with its quote and where it stands in the report."""
    return queries.fact(request.app.state.db, fact_id)


class Correction(BaseModel):
    """Fields of a fact to change, each to a new value written as text."""
    changes: dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=2000)]] = Field(
        min_length=1, max_length=12, description="field → new value, as text"
    )


@router.patch("/facts/{fact_id}", summary="Correct a fact (kept across re-extraction)")
def correct_fact(
    request: Request, user: Annotated[User, Depends(writer())], fact_id: Id, body: Correction
) -> dict[str, Any]:
    """Correct fields of a fact; the correction is kept when the report is extracted again."""
    registry.correct(request.app.state.db, fact_id, body.changes, who=user.username)
    return queries.fact(request.app.state.db, fact_id)


@router.get("/commitments", response_model=Paged, summary="Commitments: targets, key tasks, 为民实事")
def list_commitments(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    jurisdiction: Name = None,
    period: Year = None,
    type: Literal["target", "task", "project"] | None = None,
    document_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """List current commitments, filtered by jurisdiction, period, type and document."""
    return page_json(
        queries.commitments(
            request.app.state.db,
            jurisdiction=jurisdiction,
            period=period,
            type=type,
            document_id=document_id,
            page=page,
            per_page=per_page,
        )
    )


@router.get("/commitments/{commitment_id}/assessments", summary="Assessments of a commitment, oldest first")
def list_assessments(
    request: Request, _: Annotated[User | None, Depends(reader)], commitment_id: Id
) -> list[dict[str, Any]]:
    """A commitment's assessments, oldest first."""
    return queries.assessments(request.app.state.db, commitment_id)


class NewAssessment(BaseModel):
    """A judgement of a commitment: its status, with optional evidence and note."""
    status: Literal[
        "met",
        "partly",
        "missed",
        "unknown",
        "not_yet_due",
        "planned",
        "in_progress",
        "done",
        "delayed",
        "dropped",
    ]
    note: str | None = Field(default=None, max_length=2000)
    evidence: str | None = Field(default=None, max_length=2000)


@router.post(
    "/commitments/{commitment_id}/assessments", status_code=201, summary="Assess a commitment by hand"
)
def add_assessment(
    request: Request, user: Annotated[User, Depends(writer())], commitment_id: Id, body: NewAssessment
) -> dict[str, Any]:
    """Record a judgement of whether a commitment was met."""
    row = registry.assess(
        request.app.state.db,
        commitment_id,
        body.status,
        who=user.username,
        note=body.note,
        evidence=body.evidence,
    )
    return queries.assessment_dict(row)


@router.get("/track", response_model=Paged, summary="Targets rated against outcomes")
def get_track(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    jurisdiction: Name = None,
    period: Year = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """Each target against what was later reported for it, with the status that follows (the
    stored ratings, a page at a time; documents named by their source)."""
    db = request.app.state.db
    if not getattr(request.app.state, "targets_rated", False):
        # once per server: rate what a database older than stored ratings left unrated
        track(db, page=1, per_page=1)
        request.app.state.targets_rated = True
    return json_response(
        page_json(queries.track_page(db, jurisdiction=jurisdiction, period=period, page=page, per_page=per_page))
    )


@router.get(
    "/jurisdictions", response_model=Paged, summary="Jurisdictions (GB/T 2260 codes where they exist)"
)
def list_jurisdictions(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    q: Annotated[str | None, Query(max_length=64)] = None,
    level: Annotated[str | None, Query(max_length=16)] = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """List jurisdictions, by name or alias and by level."""
    return page_json(
        queries.jurisdictions(request.app.state.db, q=q, level=level, page=page, per_page=per_page)
    )


@router.get("/search", response_model=Paged, summary="Full-text search over all reports")
def search(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    q: Annotated[str, Query(min_length=1, max_length=200)],
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Full-text search of the reports: one hit per document, most relevant first (BM25 of the
    query as a phrase), then the newest; each distinct passage around a match once."""
    p = queries.search(request.app.state.db, q, page=page, per_page=per_page)
    items = [
        {
            "document": h.document,
            "score": round(h.score, 6),
            "snippets": [{"before": a, "match": b, "after": c} for a, b, c in h.snippets],
        }
        for h in p.items
    ]
    return json_response(page_json(p, items))


@router.get("/exports/{table}.{fmt}", summary="Export a table as CSV or JSON Lines")
def export_table(
    request: Request,
    _: Annotated[User | None, Depends(reader)],
    table: Literal["documents", "facts", "commitments", "observations", "assessments", "jurisdictions"],
    fmt: Literal["csv", "jsonl"],
) -> StreamingResponse:
    """Stream a whole table as CSV or JSON Lines (documents named by their source, never by a
    path on the server)."""
    from workreport.publish.exports import stream_table

    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    chunks = stream_table(request.app.state.db, table, fmt)
    if table == "documents":
        chunks = _source_names(chunks, fmt)

    def body() -> Iterator[bytes]:
        for chunk in chunks:
            yield chunk.encode("utf-8")

    return StreamingResponse(
        body(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{table}.{fmt}"'}
    )


def _source_names(chunks: Iterator[str], fmt: str) -> Iterator[str]:
    """The documents export with its ``path`` column holding each document's source name.
    The exporter yields whole rows (lines of JSON, or CSV rows with their header first)."""
    if fmt == "jsonl":
        for chunk in chunks:
            for line in chunk.split("\n"):
                if line.strip():
                    row = json.loads(line)
                    row["path"] = queries.source_name(row.get("path"))
                    yield json.dumps(row, ensure_ascii=False) + "\n"
        return
    from workreport.publish.cells import FORMULA_START, formula_safe

    column: int | None = None
    for chunk in chunks:
        out = io.StringIO()
        writer = csv.writer(out)
        for cells in csv.reader(io.StringIO(chunk, newline="")):
            if column is None:
                column = cells.index("path") if "path" in cells else -1
            elif 0 <= column < len(cells):
                cell = cells[column]
                if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                    cell = cell[1:]  # as it was before the exporter made it formula-safe
                cells[column] = formula_safe(queries.source_name(cell))
            writer.writerow(cells)
        yield out.getvalue()

