"""Uploads: read and extracted in a process of their own within a time and memory budget,
stored off the event loop, and recorded in the audit log."""

from __future__ import annotations

import re
from typing import Any

import anyio
from fastapi import Request, UploadFile
from sqlalchemy.exc import IntegrityError

from workreport import registry
from workreport.batch.runner import Budget, parse_within
from workreport.errors import StoreError
from workreport.model import Document, Fact, Structure
from workreport.pipeline.extract import collector_paused
from workreport.pipeline.read import Limits
from workreport.registry.users import User
from workreport.store import AuditRow, Database, queries
from workreport.store.places import seed_jurisdictions

from .errors import ApiError

_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def safe_name(filename: str | None) -> str:
    """The last part of an uploaded file's name, with anything but letters, digits, . - _ replaced."""
    name = (filename or "upload.txt").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return _SAFE_NAME.sub("_", name)[:120] or "upload.txt"


async def ingest_upload(request: Request, file: UploadFile, user: User) -> dict[str, Any]:
    """Check, read, extract, store and audit an uploaded report; its stored row with ``status``."""
    settings = request.app.state.settings
    name = safe_name(file.filename)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in settings.upload_suffixes:
        raise ApiError(415, "unsupported_type", f"{name}: upload one of {', '.join(settings.upload_suffixes)}")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ApiError(413, "too_large", f"{name}: larger than {settings.max_upload_bytes // (1024 * 1024)} MB")
    label = f"upload:{name}"  # nothing from the request names a path on disk
    budget = Budget(settings.doc_seconds, settings.doc_memory_mb).checked()
    limits = Limits(max_bytes=settings.max_upload_bytes)
    async with request.app.state.parse_slots:  # a few at a time; the others wait their turn
        doc, st, facts = await anyio.to_thread.run_sync(
            lambda: parse_within(label, data, budget, suffix, limits)
        )
    db = request.app.state.db
    return await anyio.to_thread.run_sync(store_upload, db, doc, st, facts, user, len(data))


def store_upload(
    db: Database, doc: Document, st: Structure, facts: list[Fact], user: User, size: int
) -> dict[str, Any]:
    """Store an extracted upload and log who uploaded what; the stored document with ``status``."""
    status = "unchanged"
    for attempt in range(2):
        try:
            # the rows of a large upload are many objects and no cycles: a full collection
            # over them would hold up every other request (as unpickling them did)
            with collector_paused(), db.session() as session:
                seed_jurisdictions(session)
                status = registry.store_document(session, doc, st, facts)
                session.add(
                    AuditRow(
                        who=user.username,
                        action="upload",
                        entity="document",
                        entity_key=(doc.sha256 or "")[:80],
                        before=None,
                        after={"name": doc.path, "bytes": size, "status": status, "facts": len(facts)},
                    )
                )
            break
        except StoreError as exc:  # another process stored the same file first: look again
            if attempt == 1 or not isinstance(exc.__cause__, IntegrityError):
                raise
    out = queries.document_by_hash(db, doc.sha256 or "")
    out["status"] = status
    return out
