"""Progress of key tasks and 为民实事: the percentage an assessment gives.

Revision ID: 0005_task_progress
Revises: 0004_sessions_and_throttling
Create Date: 2026-12-01

An assessment of a key task or a 为民实事 (the append-only ``assessments`` table) may say how
far along the item is, 0–100. The percentage lives in a table of its own, one row per
assessment, deleted with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_task_progress"
down_revision = "0004_sessions_and_throttling"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the assessment_progress table."""
    op.create_table(
        "assessment_progress",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_progress_percent"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id"),
    )
    with op.batch_alter_table("assessment_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_progress_commitment_id"), ["commitment_id"], unique=False
        )


def downgrade() -> None:
    """Drop the assessment_progress table."""
    with op.batch_alter_table("assessment_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_progress_commitment_id"))
    op.drop_table("assessment_progress")
