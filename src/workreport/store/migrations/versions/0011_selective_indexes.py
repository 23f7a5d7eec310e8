"""Indexes that narrow what the busiest queries read, as the registry grows.

Revision ID: 0011_selective_indexes
Revises: 0010_lighter_writes
Create Date: 2026-12-02

Measured on a registry of 10,000 reports (2 million facts, 1 million observations):

- ``facts.kind`` holds one of four values, so its index finds a quarter or more of all facts.
  Asked for one document's targets (``/api/facts?document_id=&kind=target``), SQLite without
  statistics preferred it, being fully matched, to the unique index that starts with
  ``document_id``: the request read half a million index entries, 1.4 s instead of under a
  millisecond. Every query that filters on kind also filters on a column that narrows
  (document, indicator), and every fact written updated it: dropped.
- Rating after an ingest asks for the outcomes of given places in a period. With an index on
  the place and one on the period, SQLite read every observation of the period nationwide:
  ``(jurisdiction_id, period)`` finds just those, and replaces the place's own index (its
  first column serves every query that used it).
- The same asks for the latest year each place's reports review. ``review_year`` lies after a
  report's text in its row, so reading it walked the whole text: ``(jurisdiction_id,
  review_year)`` answers from the index alone, and replaces the place's own index.
- The same asks for the targets still waiting (``status`` not yet due) up to a review's year
  in the places below the report's: the targets index found the place and period but read
  each target's row for its status. With ``status`` in the index, before ``id``, it answers
  from the index alone (26 ms → 8 ms for a province's 542 places).
- Every ingest starts by reading which reports are stored, by content hash and extractor
  version: the version lies after the text too, so SQLite read every report's text (63 s from
  a cold disk, 0.7 s warm; the list index holds both columns, but the planner cannot tell
  that a row is wider than its declared columns). ``(sha256, extractor_version)`` answers it
  in 7 ms.

:meth:`Database.finish_bulk_load` now also gives SQLite's planner statistics after an ingest.
"""

from __future__ import annotations

from alembic import op

revision = "0011_selective_indexes"
down_revision = "0010_lighter_writes"
branch_labels = None
depends_on = None

TARGETS_INDEX = ("type", "retired", "jurisdiction_id", "period", "id")  # as revision 0007 made it


def upgrade() -> None:
    """Drop the kind index; two-column place indexes for observations and documents; the
    targets index with the status; the stored reports' hashes and versions."""
    op.drop_index("ix_facts_kind", table_name="facts")
    op.create_index("ix_observations_place_period", "observations", ["jurisdiction_id", "period"])
    op.drop_index("ix_observations_jurisdiction_id", table_name="observations")
    op.create_index("ix_documents_place_review", "documents", ["jurisdiction_id", "review_year"])
    op.drop_index("ix_documents_jurisdiction_id", table_name="documents")
    op.drop_index("ix_commitments_targets", table_name="commitments")
    op.create_index("ix_commitments_targets", "commitments", [*TARGETS_INDEX[:-1], "status", "id"])
    op.create_index("ix_documents_stored", "documents", ["sha256", "extractor_version"])


def downgrade() -> None:
    """The indexes of revision 0010."""
    op.drop_index("ix_documents_stored", table_name="documents")
    op.drop_index("ix_commitments_targets", table_name="commitments")
    op.create_index("ix_commitments_targets", "commitments", list(TARGETS_INDEX))
    op.create_index("ix_documents_jurisdiction_id", "documents", ["jurisdiction_id"], unique=False)
    op.drop_index("ix_documents_place_review", table_name="documents")
    op.create_index("ix_observations_jurisdiction_id", "observations", ["jurisdiction_id"], unique=False)
    op.drop_index("ix_observations_place_period", table_name="observations")
    op.create_index("ix_facts_kind", "facts", ["kind"], unique=False)
