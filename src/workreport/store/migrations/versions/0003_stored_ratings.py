"""Ratings stored with their commitments; classifiers on commitments and observations.

Revision ID: 0003_stored_ratings
Revises: 0002_users_and_search
Create Date: 2026-12-01

Each target's current rating (status, provisional, rule, who rated it, how its outcome was
matched) and its outcome (the observation, its document, span, quote, value and kind) live
on the commitment row, updated whenever something they rest on changes, so that `track`
and every export read them instead of computing them. A match a person should confirm keeps
its reason and the candidates.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_stored_ratings"
down_revision = "0002_users_and_search"
branch_labels = None
depends_on = None

RATING_COLUMNS = (
    ("classifier", sa.String(length=16)),
    ("provisional", sa.Boolean()),
    ("rule", sa.Text()),
    ("rater", sa.String(length=64)),
    ("match", sa.String(length=16)),
    ("review", sa.Text()),
    ("candidates", sa.JSON()),
    ("outcome_id", sa.Integer()),
    ("outcome_document_id", sa.Integer()),
    ("outcome_start", sa.Integer()),
    ("outcome_end", sa.Integer()),
    ("outcome_quote", sa.Text()),
    ("outcome_value", sa.Float()),
    ("outcome_value_max", sa.Float()),
    ("outcome_kind", sa.String(length=12)),
    ("outcome_source", sa.String(length=16)),
    ("rated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        for name, type_ in RATING_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index("ix_commitments_status", ["status"], unique=False)
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("classifier", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_column("classifier")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_status")
        for name, _ in reversed(RATING_COLUMNS):
            batch_op.drop_column(name)
