"""Fewer full-text merges as the registry grows.

Revision ID: 0012_fewer_index_merges
Revises: 0011_selective_indexes
Create Date: 2026-12-02

On SQLite, FTS5 writes each batch's trigrams as a new segment and merges segments of a level
once ``automerge`` of them are there (4 by default): every trigram is written again at each
level, and the levels grow with the registry, so the merges are the part of indexing that grows
with it. With 8, a trigram is rewritten about two thirds as often (log 8 against log 4 of the
number of batches). Indexing the texts of the registry of 10,000 reports of bench/web.py, 50
reports a transaction: 10% less CPU over the first 3,000 reports (two rounds each), 20% less
over the first 6,000; a phrase search took 3.3–4.2 ms either way (a few more segments to look
in). The setting is stored in the index's own config table.
"""

from __future__ import annotations

from alembic import op

revision = "0012_fewer_index_merges"
down_revision = "0011_selective_indexes"
branch_labels = None
depends_on = None

FTS_AUTOMERGE = 8  # segments of a level FTS5 merges into one (default 4, at most 16)


def upgrade() -> None:
    """On SQLite, let the full-text index merge its segments eight at a time."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO documents_fts(documents_fts, rank) VALUES ('automerge', {FTS_AUTOMERGE})")


def downgrade() -> None:
    """FTS5's default: four at a time."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM documents_fts_config WHERE k = 'automerge'")
