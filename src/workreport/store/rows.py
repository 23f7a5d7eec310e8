"""The database's tables as SQLAlchemy 2 rows.

Layers, each pointing at the one before:
Document → Fact → Commitment → Observation → Assessment (append-only),
plus corrections (human edits of facts, kept apart so that re-extraction never loses them)
and an audit log of every change a person makes. The schema is created and changed only by
the named Alembic migrations in ``store/migrations/``.
"""


from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    """The current time in UTC: the default of every timestamp column."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The declarative base of every table."""
    pass


class JurisdictionRow(Base):
    """A place that issues reports, with its code, level, aliases and parent."""
    __tablename__ = "jurisdictions"
    __table_args__ = (UniqueConstraint("name", "parent_id", name="uq_jurisdiction_name_parent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    aliases: Mapped[str] = mapped_column(Text, default="")  # |-separated


class DocumentRow(Base):
    """A stored report: its text, hash, metadata and the extractor version that read it."""
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    jurisdiction_name: Mapped[str | None] = mapped_column(String(64))  # as written
    # indexed with review_year (ix_documents_place_review, migration 0011_selective_indexes)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    level: Mapped[str | None] = mapped_column(String(16))
    delivered: Mapped[str | None] = mapped_column(String(10))
    plan_year: Mapped[int | None] = mapped_column(Integer, index=True)
    review_year: Mapped[int | None] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(128))
    doc_type: Mapped[str] = mapped_column(String(16))
    structure: Mapped[dict[str, Any]] = mapped_column(JSON)
    extractor_version: Mapped[str] = mapped_column(String(32))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class FactRow(Base):
    """One extracted fact, keyed within its document so corrections survive re-extraction."""
    __tablename__ = "facts"
    __table_args__ = (UniqueConstraint("document_id", "key", name="uq_fact_document_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # indexed by uq_fact_document_key, whose first column it is
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))  # start-end-n: stable across re-extraction
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(24))
    measure: Mapped[str] = mapped_column(String(16))
    comparator: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))  # four values: no index (migration 0011_selective_indexes)
    indicator: Mapped[str] = mapped_column(Text)
    indicator_id: Mapped[str | None] = mapped_column(String(48), index=True)
    hedge: Mapped[str | None] = mapped_column(String(16))
    period: Mapped[int | None] = mapped_column(Integer, index=True)
    scope: Mapped[str | None] = mapped_column(String(64))
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    classifier: Mapped[str | None] = mapped_column(String(16))
    section: Mapped[list[str]] = mapped_column(JSON)
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)
    extractor_version: Mapped[str] = mapped_column(String(32))
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)


class CommitmentRow(Base):
    """A target a report sets for a period; retired, not deleted, when re-extraction drops it."""
    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("document_id", "key", name="uq_commitment_document_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # indexed by uq_commitment_document_key, whose first column it is
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(12))  # target | task | project
    fact_key: Mapped[str | None] = mapped_column(String(40))
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    indicator_id: Mapped[str | None] = mapped_column(String(48), index=True)
    indicator: Mapped[str | None] = mapped_column(Text)
    period: Mapped[int | None] = mapped_column(Integer, index=True)
    measure: Mapped[str | None] = mapped_column(String(16))
    comparator: Mapped[str | None] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(24))
    hedge: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    classifier: Mapped[str | None] = mapped_column(String(16))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # gone after re-extraction
    # the current rating, kept up to date by track.refresh (a person's assessment outranks the
    # rules'); for tasks and projects the status a person set
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    provisional: Mapped[bool | None] = mapped_column(Boolean)
    rule: Mapped[str | None] = mapped_column(Text)
    rater: Mapped[str | None] = mapped_column(String(64))
    match: Mapped[str | None] = mapped_column(String(16))  # id | phrase | person: how the outcome was found
    review: Mapped[str | None] = mapped_column(Text)  # why a person should look at it, if they should
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # the outcome the rating rests on
    outcome_id: Mapped[int | None] = mapped_column(Integer)
    outcome_document_id: Mapped[int | None] = mapped_column(Integer)
    outcome_start: Mapped[int | None] = mapped_column(Integer)
    outcome_end: Mapped[int | None] = mapped_column(Integer)
    outcome_quote: Mapped[str | None] = mapped_column(Text)
    outcome_value: Mapped[float | None] = mapped_column(Float)
    outcome_value_max: Mapped[float | None] = mapped_column(Float)
    outcome_kind: Mapped[str | None] = mapped_column(String(12))
    outcome_source: Mapped[str | None] = mapped_column(String(16))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ObservationRow(Base):
    """An outcome for a place, indicator and period: from a fact, entered by hand, or imported from CSV."""
    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # indexed with period (ix_observations_place_period, migration 0011_selective_indexes)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    indicator_id: Mapped[str | None] = mapped_column(String(48), index=True)
    indicator: Mapped[str | None] = mapped_column(Text)
    period: Mapped[int] = mapped_column(Integer, index=True)
    measure: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(24))
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    comparator: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))  # actual | estimate
    classifier: Mapped[str | None] = mapped_column(String(16))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    fact_key: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16))  # fact | manual | csv
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AssessmentRow(Base):
    """A person's judgement of whether a commitment was met, with the evidence."""
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[str] = mapped_column(Text)
    rater: Mapped[str] = mapped_column(String(64))  # "rules" or a person
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class CorrectionRow(Base):
    """A person's change to one field of a fact, re-applied after every re-extraction."""
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    fact_key: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(24))
    value: Mapped[Any] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AuditRow(Base):
    """One change made by a person or import: who, when, what, before and after."""
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    who: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(80))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


class UserRow(Base):
    """A person who can sign in: username, password hash and role."""
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # viewer | editor | admin
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ApiTokenRow(Base):
    """An API token of a user, stored as its SHA-256."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class SessionRow(Base):
    """A signed-in browser session: its id's SHA-256, user, CSRF token and expiry."""
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailureRow(Base):
    """A failed sign-in, by key ("user:NAME" or "addr:IP"), kept to throttle guessing."""
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


def table(row: type[Base]) -> Table:
    """The Core table of a row class: for multi-row INSERTs that make no ORM objects."""
    t = row.__table__
    assert isinstance(t, Table)
    return t
