"""Fast lists: each document's length kept beside it, and indexes for the tracker and library.

Revision ID: 0007_fast_lists
Revises: 0005_task_progress
Create Date: 2026-12-01

A list of reports shows each one's length. Computing it from ``documents.text`` reads every
listed text (on SQLite a row's later columns and its text lie in a chain of overflow pages;
on PostgreSQL the text is TOASTed), so a page of 50 reports cost tens of milliseconds. The
length now lives in a small table of its own, written by the database itself (triggers on
insert and on a change of the text), so every write path (one ingest, a batch, an upload, a
replaced version, a bulk insert or COPY) keeps it true without knowing of it. Rows go with
their document (ON DELETE CASCADE).

Indexes serve the lists' filters and order from the index alone: the targets of the tracker
(type, retired, place, period, id: a page of all targets, or of one place, and their count,
without reading the commitments), the library by level and year, and on SQLite the columns a
list of documents shows (ix_documents_list: a row's columns after its text lie behind the
text's overflow pages there).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_fast_lists"
down_revision = "0005_task_progress"
branch_labels = None
depends_on = None

# the columns a list of documents shows (store.queries.LIST_COLUMNS when this was written)
LIST_COLUMNS = (
    "sha256",
    "path",
    "format",
    "encoding",
    "title",
    "jurisdiction_name",
    "jurisdiction_id",
    "level",
    "delivered",
    "plan_year",
    "review_year",
    "speaker",
    "source",
    "doc_type",
    "extractor_version",
    "ingested_at",
)


def upgrade() -> None:
    """Add document_lengths (filled, and kept filled by triggers) and the two indexes."""
    op.create_table(
        "document_lengths",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("INSERT INTO document_lengths(document_id, chars) SELECT id, length(text) FROM documents")
        op.execute(
            "CREATE TRIGGER document_lengths_insert AFTER INSERT ON documents BEGIN "
            "INSERT OR REPLACE INTO document_lengths(document_id, chars) VALUES (new.id, length(new.text)); END"
        )
        op.execute(
            "CREATE TRIGGER document_lengths_update AFTER UPDATE OF text ON documents BEGIN "
            "INSERT OR REPLACE INTO document_lengths(document_id, chars) VALUES (new.id, length(new.text)); END"
        )
        # without foreign keys switched on, the cascade would not run
        op.execute(
            "CREATE TRIGGER document_lengths_delete AFTER DELETE ON documents BEGIN "
            "DELETE FROM document_lengths WHERE document_id = old.id; END"
        )
    elif dialect == "postgresql":
        op.execute(
            "INSERT INTO document_lengths(document_id, chars) SELECT id, char_length(text) FROM documents"
        )
        op.execute(
            "CREATE FUNCTION document_lengths_set() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO document_lengths(document_id, chars) VALUES (NEW.id, char_length(NEW.text)) "
            "ON CONFLICT (document_id) DO UPDATE SET chars = EXCLUDED.chars; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER document_lengths_set AFTER INSERT OR UPDATE OF text ON documents "
            "FOR EACH ROW EXECUTE FUNCTION document_lengths_set()"
        )
    else:  # pragma: no cover - the two engines the project runs on
        raise NotImplementedError(f"document_lengths: no triggers for {dialect}")
    op.create_index(
        "ix_commitments_targets", "commitments", ["type", "retired", "jurisdiction_id", "period", "id"]
    )
    op.create_index("ix_documents_level_year", "documents", ["level", "plan_year"])
    if dialect == "sqlite":
        # a list's columns without the row: on SQLite they lie after the text, behind its chain
        # of overflow pages (PostgreSQL keeps a long text apart, and limits an index entry's size)
        op.create_index("ix_documents_list", "documents", ["id", *LIST_COLUMNS])


def downgrade() -> None:
    """Drop the indexes, the triggers and the table."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.drop_index("ix_documents_list", table_name="documents")
    op.drop_index("ix_documents_level_year", table_name="documents")
    op.drop_index("ix_commitments_targets", table_name="commitments")
    if dialect == "sqlite":
        for trigger in ("document_lengths_insert", "document_lengths_update", "document_lengths_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS document_lengths_set ON documents")
        op.execute("DROP FUNCTION IF EXISTS document_lengths_set()")
    op.drop_table("document_lengths")
