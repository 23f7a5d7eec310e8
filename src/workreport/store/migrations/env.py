"""Alembic environment: migrations run on the connection workreport.store hands over."""

from __future__ import annotations

from alembic import context

from workreport.store import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only store.upgrade() runs migrations
    raise RuntimeError("run migrations through workreport.store.upgrade()")

context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
