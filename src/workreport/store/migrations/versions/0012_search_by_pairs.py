"""SQLite's full-text index by pairs of characters instead of by trigram.

Revision ID: 0012_search_by_pairs
Revises: 0011_selective_indexes
Create Date: 2026-12-03

The trigram index was half of the writer's work in a batch ingest: FTS5's cost follows the
(term, document) pairs it records, about 15,000 a report. The new index is contentless, with
a token for every two adjacent characters and one for the last character with an end mark
(:mod:`workreport.store.fulltext`): a third fewer such pairs, the same substring matches by
phrase, as fast, and a smaller index; queries of one and two characters, which scanned every
text, are answered by it too. Rebuilt here from every stored text; the triggers
that keep it in step with ``documents`` give it each text through the SQL function that every
connection of the store has (an ``INSERT``, ``UPDATE`` or ``DELETE`` of a document on a
connection without it fails, naming the function, instead of leaving the index wrong).
PostgreSQL's pg_trgm index is unchanged.
"""

from __future__ import annotations

import sys

from alembic import op

from workreport.store.fulltext import TOKENS_FUNCTION

revision = "0012_search_by_pairs"
down_revision = "0011_selective_indexes"
branch_labels = None
depends_on = None

FTS_HASH_BYTES = 16 * 1024 * 1024  # as 0010 set it for the trigram index
NOTICE_FROM = 1000  # reports stored from which the rebuild says what it does (about 10 s a 1,000)
TRIGGERS = ("documents_fts_insert", "documents_fts_delete", "documents_fts_update")


def _drop() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS documents_fts")


def upgrade() -> None:
    """Replace the trigram index with the contentless one of pairs, built from every text."""
    if op.get_bind().dialect.name != "sqlite":
        return
    stored = op.get_bind().exec_driver_sql("SELECT count(*) FROM documents").scalar() or 0
    if stored >= NOTICE_FROM:  # the first command after an upgrade would otherwise seem to hang
        print(f"workreport: rebuilding the search index of {stored:,} reports (once) …", file=sys.stderr, flush=True)
    _drop()
    tokens = f"{TOKENS_FUNCTION}(%s.text)"
    op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(text, content='', tokenize='ascii')")
    op.execute(f"INSERT INTO documents_fts(documents_fts, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")
    op.execute(f"INSERT INTO documents_fts(rowid, text) SELECT id, {TOKENS_FUNCTION}(text) FROM documents")
    op.execute(
        "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
        f"INSERT INTO documents_fts(rowid, text) VALUES (new.id, {tokens % 'new'}); END"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
        f"INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.id, {tokens % 'old'}); END"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_update AFTER UPDATE OF text ON documents BEGIN "
        f"INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.id, {tokens % 'old'}); "
        f"INSERT INTO documents_fts(rowid, text) VALUES (new.id, {tokens % 'new'}); END"
    )


def downgrade() -> None:
    """The trigram index of 0002 (with 0010's hashsize), built again from every text."""
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop()
    op.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5(text, content='documents', content_rowid='id', "
        "tokenize='trigram')"
    )
    op.execute(f"INSERT INTO documents_fts(documents_fts, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")
    op.execute("INSERT INTO documents_fts(rowid, text) SELECT id, text FROM documents")
    op.execute(
        "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
        "INSERT INTO documents_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
        "INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER documents_fts_update AFTER UPDATE OF text ON documents BEGIN "
        "INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO documents_fts(rowid, text) VALUES (new.id, new.text); END"
    )
