"""Store stage: the database of reports, facts, commitments, observations and assessments.

SQLAlchemy 2 models; the schema is created and changed only by the named Alembic
migrations in ``migrations/``, so SQLite and PostgreSQL run the same schema. The default
database is a SQLite file (``default_url()``); any other comes from ``--db URL`` or
``WORKREPORT_DATABASE_URL``.

Layers, each pointing at the one before:
Document → Fact → Commitment → Observation → Assessment (append-only),
plus corrections (human edits of facts, kept apart so that re-extraction never loses them)
and an audit log of every change a person makes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from .errors import StoreError

ENV_URL = "WORKREPORT_DATABASE_URL"


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class JurisdictionRow(Base):
    __tablename__ = "jurisdictions"
    __table_args__ = (UniqueConstraint("name", "parent_id", name="uq_jurisdiction_name_parent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    aliases: Mapped[str] = mapped_column(Text, default="")  # |-separated


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    jurisdiction_name: Mapped[str | None] = mapped_column(String(64))  # as written
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
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
    __tablename__ = "facts"
    __table_args__ = (UniqueConstraint("document_id", "key", name="uq_fact_document_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # start-end-n: stable across re-extraction
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(24))
    measure: Mapped[str] = mapped_column(String(16))
    comparator: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12), index=True)
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
    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("document_id", "key", name="uq_commitment_document_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
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
    status: Mapped[str | None] = mapped_column(String(16))  # set by a person for tasks and projects
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # gone after re-extraction


class ObservationRow(Base):
    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    indicator_id: Mapped[str | None] = mapped_column(String(48), index=True)
    indicator: Mapped[str | None] = mapped_column(Text)
    period: Mapped[int] = mapped_column(Integer, index=True)
    measure: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(24))
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    comparator: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))  # actual | estimate
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    fact_key: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(16))  # fact | manual | csv
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AssessmentRow(Base):
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
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    fact_key: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(24))
    value: Mapped[Any] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AuditRow(Base):
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
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # viewer | editor | admin
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


# --------------------------------------------------------------------------- connecting


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "workreport" / "workreport.sqlite"


def default_url() -> str:
    return f"sqlite:///{default_path()}"


def resolve_url(url: str | None = None) -> str:
    """``url``, else WORKREPORT_DATABASE_URL, else the default SQLite file. A bare path means SQLite."""
    url = url or os.environ.get(ENV_URL) or default_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN IMMEDIATE itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, *, writer: bool = True) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; ask for it at the start so that a
        # document's transaction takes the write lock before it reads, and waits instead of failing
        # a writer's transaction takes the write lock at once (and waits for it) instead of failing
        # half-way on upgrade; a reader's begins as a plain deferred BEGIN so that readers never queue
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    return create_engine(url, pool_pre_ping=True)


@contextlib.contextmanager
def _migration_lock(engine: Engine, url: str) -> Iterator[None]:
    """Only one process runs migrations at a time (two first ingests may start together)."""
    if url.startswith("sqlite") and "///" in url and not url.endswith(":memory:"):
        lock_path = url.split("///", 1)[1] + ".lock"
        with open(lock_path, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(727272)"))
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(727272)"))
                conn.commit()
    else:
        yield


def upgrade(engine: Engine, url: str) -> None:
    """Bring the schema to the newest named migration."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workreport").joinpath("migrations")))
    with _migration_lock(engine, url), engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()


class Database:
    """An open database: an engine with the schema at head and the jurisdictions loaded."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        try:
            self.engine = make_engine(self.url)
            upgrade(self.engine, self.url)
        except StoreError:
            raise
        except Exception as exc:  # driver errors name the problem; keep the URL without password
            raise StoreError(f"cannot open the database {self.safe_url}: {_one_line(exc)}") from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine = (
            make_engine(self.url, writer=False) if self.url.startswith("sqlite") else self.engine
        )
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def safe_url(self) -> str:
        if "@" in self.url and "://" in self.url:
            scheme, rest = self.url.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else self.url
        return self.url

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction: on SQLite it does not take the write lock."""
        with self.read_sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
