"""The registry: reports in, facts, commitments and observations stored, people's edits kept.

Every operation takes an open :class:`~workreport.store.Database`. ``ingest``: one
transaction per document, idempotent by content hash, one write path
(:func:`store_document`) for single, batch and web ingest; ``edits``: corrections and
assessments, re-applied after any re-extraction, each written to the audit log;
``documents``: ingest; ``imports``: observations and assessments from CSV, all rows or none; ``users``: people and
API tokens; ``info``: what the database holds.
"""

from __future__ import annotations

from workreport.registry.documents import IngestResult, ingest, ingest_document, store_document
from workreport.registry.edits import assess, audit, correct
from workreport.registry.imports import ImportResult, import_assessments, import_observations
from workreport.registry.info import info
from workreport.store.places import find_jurisdiction, jurisdiction_id, seed_jurisdictions

__all__ = [
    "ImportResult",
    "IngestResult",
    "assess",
    "audit",
    "correct",
    "find_jurisdiction",
    "import_assessments",
    "import_observations",
    "info",
    "ingest",
    "ingest_document",
    "jurisdiction_id",
    "seed_jurisdictions",
    "store_document",
]
