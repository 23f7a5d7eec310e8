"""Server-side sessions and failed sign-ins.

Revision ID: 0004_sessions_and_throttling
Revises: 0003_stored_ratings
Create Date: 2026-12-01

A signed-in browser holds only a random session id; the session (user, CSRF token, expiry)
lives here, so signing out ends it and an admin can end every session of a user. Failed
sign-ins are kept for a while, by account and by address, to throttle password guessing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sessions_and_throttling"
down_revision = "0003_stored_ratings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the sessions and login_failures tables."""
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_key"), ["key"], unique=False)


def downgrade() -> None:
    """Drop the sessions and login_failures tables."""
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_key"))
    op.drop_table("login_failures")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_user_id"))
    op.drop_table("sessions")
