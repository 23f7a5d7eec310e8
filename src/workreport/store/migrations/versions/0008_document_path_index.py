"""An index on documents.path: the ingest's look-up of an earlier version of a report.

Revision ID: 0008_document_path_index
Revises: 0007_fast_lists
Create Date: 2026-12-01

Storing a report first asks whether a report from the same source (its path) is stored already
(a changed version replaces it). Without an index that question reads every stored document's
path, so an ingest of N reports cost O(N²); with it, a look-up.
"""

from __future__ import annotations

from alembic import op

revision = "0008_document_path_index"
down_revision = "0007_fast_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ix_documents_path."""
    op.create_index("ix_documents_path", "documents", ["path"], unique=False)


def downgrade() -> None:
    """Drop ix_documents_path."""
    op.drop_index("ix_documents_path", table_name="documents")
