"""An index for the ingest's look-up of an earlier version of a report by place, year and type.

Revision ID: 0009_same_report_index
Revises: 0008_document_path_index
Create Date: 2026-12-01

Storing a report asks whether a file of the same name reports for the same place, plan year and
type (a changed version replaces it). With only the plan year indexed, SQLite read every stored
report of that year, and each row's place name lies after its text in the row: every look-up
walked the overflow pages of hundreds of whole texts, so an ingest of N reports cost O(N²)
reads. This index holds every column the look-up reads (a covering index): no row is read.
"""

from __future__ import annotations

from alembic import op

revision = "0009_same_report_index"
down_revision = "0008_document_path_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ix_documents_same_report."""
    op.create_index(
        "ix_documents_same_report", "documents", ["plan_year", "jurisdiction_name", "doc_type", "path"], unique=False
    )


def downgrade() -> None:
    """Drop ix_documents_same_report."""
    op.drop_index("ix_documents_same_report", table_name="documents")
