"""PostgreSQL: reports' texts and structures compressed with LZ4 instead of pglz.

Revision ID: 0013_texts_in_lz4
Revises: 0012_search_by_pairs
Create Date: 2026-12-03

A report's text (about 60 KB) is stored compressed, and every statement that reads it
decompresses it: a search reads every text that holds the query (``LIKE``, then ``replace()``
to count the occurrences), the reader page and the API read it whole. PostgreSQL's default
compression, pglz, decompresses a few hundred MB a second; LZ4 several GB, for a table about
4% larger. Measured on 3,000 of bench/web.py's reports copied into PostgreSQL, the first search
of a common phrase (every report holds it) took 1.0-1.4 s with pglz and 0.3-0.6 s with LZ4.

Texts written from now on (new reports, changed versions) are compressed with LZ4; those
stored before keep pglz until they are written again (rewriting every text here would redo
every index entry of every report). A server built without LZ4 keeps pglz. SQLite is
unchanged.
"""

from __future__ import annotations

from alembic import op

revision = "0013_texts_in_lz4"
down_revision = "0012_search_by_pairs"
branch_labels = None
depends_on = None

COLUMNS = ("text", "structure")


def _compression(method: str) -> None:
    for column in COLUMNS:
        # feature_not_supported: the server was built without LZ4, and pglz stays
        op.execute(
            f"DO $$ BEGIN ALTER TABLE documents ALTER COLUMN {column} SET COMPRESSION {method}; "
            "EXCEPTION WHEN feature_not_supported THEN NULL; END $$"
        )


def upgrade() -> None:
    """New values of the documents' texts and structures compressed with LZ4."""
    if op.get_bind().dialect.name == "postgresql":
        _compression("lz4")


def downgrade() -> None:
    """New values with pglz again (those stored meanwhile stay LZ4, which every server that
    stored them reads)."""
    if op.get_bind().dialect.name == "postgresql":
        _compression("pglz")
