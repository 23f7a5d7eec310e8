"""Connecting to the database: SQLite by default, PostgreSQL or any other by URL.

The schema is created and changed only by the named Alembic migrations in
``store/migrations/``, so SQLite and PostgreSQL run the same schema. The default database is
a SQLite file (``default_url()``); any other comes from ``--db URL`` or
``WORKREPORT_DATABASE_URL``. Writers and readers use separate sessions: on SQLite a reader
never takes the write lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    Float,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from workreport.errors import StoreError
from workreport.store import fulltext
from workreport.store.rows import Base

ENV_URL = "WORKREPORT_DATABASE_URL"


def default_path() -> Path:
    """The default SQLite file, under $XDG_DATA_HOME (else ~/.local/share)/workreport."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "workreport" / "workreport.sqlite"


def default_url() -> str:
    """The SQLAlchemy URL of the default SQLite file."""
    return f"sqlite:///{default_path()}"


# a database scheme (with or without a driver) and a colon: the start of a URL, not of a path
_HALF_URL = re.compile(r"(?i)(sqlite|postgres|postgresql|mysql|mariadb|oracle|mssql|duckdb)(\+\w+)?:")


def resolve_url(url: str | None = None) -> str:
    """``url``, else WORKREPORT_DATABASE_URL, else the default SQLite file. A bare path means SQLite."""
    url = url or os.environ.get(ENV_URL) or default_url()
    if "://" not in url:
        if _HALF_URL.match(url):  # "sqlite:registry.sqlite" is a slip, not a file of that name
            raise StoreError(
                f"cannot open the database {url}: a database URL needs '//' after the scheme "
                "(sqlite:///registry.sqlite, postgresql://user@host/db), or give a plain path"
            )
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    fulltext.register(dbapi_conn)  # the full-text index's triggers call it
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN IMMEDIATE itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # a batch of an ingest writes tens of MB of pages (texts, their full-text index, facts and
    # indexes): a bigger page cache keeps them from spilling and being read again before the
    # commit, and a longer WAL copies each hot page into the database file once per checkpoint
    # instead of once per batch (both together: about 15% less CPU in the writer). SQLite takes
    # cache pages only as a transaction needs them.
    cur.execute(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
    cur.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cur.close()


WRITE_CACHE_KIB = 128 * 1024  # a writer's page cache at most
WAL_CHECKPOINT_PAGES = 20_000  # pages (80 MB of 4 KB pages) in the WAL before it is checkpointed


# a reader maps the file into memory (up to SQLite's own limit, 2 GB in common builds): a page
# is then read where it lies instead of copied by a system call, which is what a search's
# reports and their overflow pages cost most (about half of it)
READ_MMAP_BYTES = 1 << 31


# readers' connections kept open (SQLAlchemy keeps 5 by default): the web app serves requests
# from a pool of 40 threads, and a connection opened for one request and closed after it maps
# and unmaps the file again (its pages fault in anew) and reads the schema again
READ_POOL = 40


def _sqlite_reader_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA mmap_size={READ_MMAP_BYTES}")
    cur.close()


def make_engine(url: str, *, writer: bool = True) -> Engine:
    """An engine for ``url``; for SQLite its folder made, a 60 s lock wait, and BEGIN IMMEDIATE if ``writer``."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pool: dict[str, Any] = {} if writer else {"pool_size": READ_POOL, "max_overflow": READ_POOL}
        engine = create_engine(url, connect_args={"timeout": 60}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; ask for it at the start so that a
        # document's transaction takes the write lock before it reads, and waits instead of failing
        # a writer's transaction takes the write lock at once (and waits for it) instead of failing
        # half-way on upgrade; a reader's begins as a plain deferred BEGIN so that readers never queue
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        if not writer:
            event.listen(engine, "connect", _sqlite_reader_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _in_memory(url: str) -> bool:
    """True for an SQLite URL of a database in memory (``sqlite://``, ``sqlite:///:memory:``,
    ``mode=memory``)."""
    if not url.startswith("sqlite"):
        return False
    path = url.split("://", 1)[1]
    return path in ("", "/", "/:memory:") or path.startswith("/:memory:?") or "mode=memory" in path


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


# index entries SQLite's ANALYZE samples per index (about 20 ms for all the tables of a
# 10,000-report database; unlimited, it reads every entry)
ANALYSIS_ROWS = 1000
FTS_AUTOMERGE = 4  # FTS5's default: a level's segments are merged once it holds this many

# the newest migration (tests/test_store.py checks it against alembic's head): a database
# already at it is opened without importing alembic and reading every migration script, half
# a second of every command that opens one
HEAD_REVISION = "0013_texts_in_lz4"


def upgrade(engine: Engine, url: str) -> None:
    """Bring the schema to the newest named migration."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workreport.store").joinpath("migrations")))
    with _migration_lock(engine, url), engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()


def _at_head(engine: Engine) -> bool:
    """Whether the database's schema is at :data:`HEAD_REVISION` (False for a new one)."""
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION)
    except SQLAlchemyError:  # no alembic_version table yet: a new database
        return False


class Database:
    """An open database: an engine with the schema at head and the jurisdictions loaded."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        if _in_memory(self.url):
            # each connection would get a database of its own: readers would not see the writer's
            raise StoreError(
                f"cannot open the database {self.url}: an in-memory SQLite database cannot hold a "
                "registry (its readers and its writer are separate connections); give a file, "
                "e.g. registry.sqlite"
            )
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
        """The URL with any password masked, fit for messages and logs."""
        if "@" in self.url and "://" in self.url:
            scheme, rest = self.url.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else self.url
        return self.url

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        A database error leaves as :class:`StoreError` (its cause kept), never as SQLAlchemy's."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"database: {_one_line(getattr(exc, 'orig', None) or exc)}") from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction: on SQLite it does not take the write lock."""
        try:
            with self.read_sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"database: {_one_line(getattr(exc, 'orig', None) or exc)}") from exc

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """The span of a bulk load (a batch ingest). On SQLite the full-text index does not merge
        its segments after each commit meanwhile (FTS5 ``automerge`` 0): it merges a level only
        once it holds 16 segments (FTS5's ``crisismerge``), so each indexed term is written
        again about half as often. Merging after every batch of 50 reports, four segments of a
        level at a time, was up to a third of the one writer's CPU with 10,000 reports stored
        (140 more reports: 5.4–6.7 s with it, 3.9–4.3 s without; the writer wrote 458 MB, then
        184 MB), and building those 10,000 took 392 s with it, 362 s without (bench/README).
        Searches read more segments meanwhile (at most 15 a level). Afterwards, however it ends,
        the index merges as FTS5 does by default (``automerge`` 4) again."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        self._automerge(0)
        try:
            yield
        except BaseException:
            with contextlib.suppress(StoreError):  # what stopped the run is what it reports
                self._automerge(FTS_AUTOMERGE)
            raise
        self._automerge(FTS_AUTOMERGE)

    def _automerge(self, segments: int) -> None:
        with self.session() as session:
            session.execute(text(f"INSERT INTO documents_fts(documents_fts, rank) VALUES ('automerge', {int(segments)})"))

    def finish_bulk_load(self) -> None:
        """After a bulk load, what lets the next queries find their rows quickly. PostgreSQL:
        merge what the trigram index holds in its pending list (up to 64 MB,
        :class:`SearchIndexBatch`) into the index, so that searches do not scan it (its own
        autovacuum keeps the planner's statistics). SQLite: statistics for the planner
        (``ANALYZE``, each index sampled, the tables of this schema only: the full-text index's
        own tables would be read whole, seconds for nothing). Without them SQLite picks an
        index by its shape alone, and a query on two indexed columns can take the wrong one:
        a thousand times slower with 10,000 reports (migration 0011_selective_indexes)."""
        with self.session() as session:
            if self.engine.dialect.name == "postgresql":
                session.execute(text("SELECT gin_clean_pending_list('ix_documents_text_trgm'::regclass)"))
            elif self.engine.dialect.name == "sqlite":
                session.execute(text(f"PRAGMA analysis_limit = {ANALYSIS_ROWS}"))
                for name in Base.metadata.tables:
                    session.execute(text(f'ANALYZE "{name}"'))

    def close(self) -> None:
        """Release the engines' connections."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


# PostgreSQL's deadlock and serialization failures: the transaction was rolled back whole and
# may simply be run again
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


def is_transient(exc: StoreError) -> bool:
    """True if the transaction ``exc`` ended was rolled back by the database for a deadlock or
    a serialization failure with another transaction: running it again is the remedy."""
    orig = getattr(exc.__cause__, "orig", None)
    return getattr(orig, "sqlstate", None) in _TRANSIENT_SQLSTATES


def _one_line(exc: BaseException) -> str:
    # SQLAlchemy ends its messages with a link to its error page: no help to our users
    said = str(exc).split("(Background on this error at:", 1)[0]
    return " ".join(said.split())[:300]


# --------------------------------------------------------------------------- full-text index in batches

_FTS_INSERT_TRIGGER = "documents_fts_insert"
PENDING_LIST_KB = 64 * 1024  # PostgreSQL: a batch transaction's GIN pending list, at most


class SearchIndexBatch:
    """The full-text index of the documents one transaction inserts, written in one statement
    at its end instead of by the per-row trigger.

    On SQLite the FTS5 trigger flushes the index to disk at every savepoint (one savepoint per
    document in a batch), which makes many small segments to merge. Inside the writer's
    transaction the insert trigger is set aside (``DROP TRIGGER``: transactional, invisible to
    every other connection, which cannot write until this transaction ends anyway), the ids of
    the documents stored are collected with :meth:`add`, and :meth:`finish` indexes them in one
    ``INSERT … SELECT`` and puts the trigger back as it was. Should the transaction roll back,
    so does all of it. PostgreSQL's trigram index is an ordinary index: there only its pending
    list is let grow (see :meth:`start`). Call :meth:`start` before the first savepoint and
    :meth:`finish` after the last."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[int] = []
        self._early: set[int] = set()
        self._trigger: str | None = None

    def start(self) -> SearchIndexBatch:
        """Set the per-row insert trigger aside for this transaction (SQLite with FTS5); on
        PostgreSQL let the trigram index's pending list grow to 64 MB in this transaction."""
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            # a GIN index merges its pending list when it outgrows the limit (4 MB by default:
            # every few reports, thousands of trigrams each); fewer, larger merges cost the
            # server about 30 ms less a report (47 → 16 ms, plus 15 ms in the merge that
            # Database.finish_bulk_load asks for at the end of a batch ingest)
            self.session.execute(text(f"SET LOCAL gin_pending_list_limit = {PENDING_LIST_KB}"))
            return self
        if dialect != "sqlite":
            return self
        self._trigger = self.session.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"), {"n": _FTS_INSERT_TRIGGER}
        ).scalar()
        if self._trigger:
            self.session.execute(text(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}"))
        return self

    @property
    def active(self) -> bool:
        """True while inserted documents wait for :meth:`flush`."""
        return self._trigger is not None

    def add(self, document_id: int) -> None:
        """A document this transaction inserted (call it once its savepoint is released)."""
        if self._trigger is not None:
            self.pending.append(document_id)

    def before_text_change(self, document_id: int) -> None:
        """About to change the text of ``document_id`` (in a document's savepoint): if it is
        still waiting, index it now, so that the update trigger finds what it deletes.
        :meth:`kept` or :meth:`dropped` then says whether that savepoint held."""
        if self._trigger is not None and document_id in self.pending:
            self._index([document_id])
            self._early.add(document_id)

    def kept(self) -> None:
        """The current document's savepoint was released: what it indexed early stays indexed."""
        if self._early:
            self.pending = [i for i in self.pending if i not in self._early]
            self._early.clear()

    def dropped(self) -> None:
        """The current document's savepoint was rolled back, and with it what it indexed early."""
        self._early.clear()

    def _index(self, ids: list[int]) -> None:
        for n in range(0, len(ids), 500):
            chunk = ids[n : n + 500]
            self.session.execute(
                text(
                    f"INSERT INTO documents_fts(rowid, text) SELECT id, {fulltext.TOKENS_FUNCTION}(text) FROM documents "
                    f"WHERE id IN ({', '.join(str(int(i)) for i in chunk)})"
                )
            )

    def finish(self) -> None:
        """Index what is pending and put the trigger back, in the same transaction."""
        if self._trigger is None:
            return
        self._index(sorted(set(self.pending)))
        self.pending = []
        self.session.execute(text(self._trigger))
        self._trigger = None


# --------------------------------------------------------------------------- bulk inserts


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    encoded: frozenset[str] = frozenset(),
) -> None:
    """Insert many ``rows`` (values in ``columns`` order) into ``table`` in the open transaction
    of ``conn``, without SQLAlchemy's per-row parameter handling: PostgreSQL gets one ``COPY``,
    SQLite one prepared ``INSERT`` run by the driver's ``executemany`` with the columns' own bind
    conversions (SQLAlchemy's, so that what is stored is what a Core insert would store). The
    JSON columns named in ``encoded`` hold JSON text already (serialised where the row was
    made: a batch worker), as SQLAlchemy's ``json.dumps`` would write it (``None`` as ``null``);
    every JSON column given must be among them. Any other database gets a Core insert."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name == "postgresql":
        raw: Any = conn.connection.dbapi_connection
        names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    if dialect.name != "sqlite":
        decode = [c in encoded for c in columns]
        conn.execute(
            insert(table),
            [
                {c: (json.loads(v) if d and v is not None else v) for c, v, d in zip(columns, row, decode, strict=True)}
                for row in rows
            ],
        )
        return
    rows = _sqlite_values(dialect, table, columns, rows, encoded)
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} "
        f"({', '.join(dialect.identifier_preparer.quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    conn.exec_driver_sql(sql, rows)


def update_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    updates: list[tuple[tuple[Any, ...], list[int]]],
    *,
    encoded: frozenset[str] = frozenset(),
) -> None:
    """Set ``columns`` of many rows of ``table`` in the open transaction of ``conn``: each of
    ``updates`` is the new values, in ``columns`` order, and the ids of the rows that get them.
    JSON columns as :func:`insert_rows` takes them (in ``encoded``: JSON text, ``None`` stored as
    SQL NULL). On SQLite prepared ``UPDATE`` statements without SQLAlchemy's per-row parameter
    handling: one for every 500 rows that get the same values (a statement per row costs SQLite
    more than the row it writes), the driver's ``executemany`` for the others. On PostgreSQL
    every row is locked first, in the order of their ids (two writers rating the same rows wait
    for each other instead of deadlocking), then the rows that get the same values are set by one
    statement (``id = ANY(…)``), the others by a Core ``executemany``: a review that makes
    thousands of targets due sets them in a few statements, not a round trip each."""
    if not updates:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        # JSON given as text is cast by the database (NULL stays NULL, not JSON null)
        names = [f"_new_{c}" for c in columns]
        assigned = {
            c: cast(bindparam(n, type_=String()), table.c[c].type) if c in encoded else bindparam(n, type_=table.c[c].type)
            for c, n in zip(columns, names, strict=True)
        }
        if dialect.name == "postgresql":
            every = sorted(row_id for _, ids in updates for row_id in ids)
            locked = select(table.c.id).where(table.c.id == any_(_ids())).order_by(table.c.id).with_for_update()
            conn.execute(select(func.count()).select_from(locked.subquery()), {"_ids": every})
            shared = update(table).where(table.c.id == any_(_ids())).values(assigned)
            for values, ids in updates:
                if len(ids) > 1:
                    conn.execute(shared, {"_ids": ids, **dict(zip(names, values, strict=True))})
            updates = [(values, ids) for values, ids in updates if len(ids) == 1]  # the rest: one by one
        rows = sorted(((row_id, values) for values, ids in updates for row_id in ids), key=lambda r: r[0])
        if rows:
            conn.execute(
                update(table).where(table.c.id == bindparam("_row_id")).values(assigned),
                [{"_row_id": row_id, **dict(zip(names, values, strict=True))} for row_id, values in rows],
            )
        return
    quote = dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(c)} = ?" for c in columns)
    converted = _sqlite_values(dialect, table, columns, [values for values, _ in updates], encoded)
    alone: list[tuple[Any, ...]] = []
    for values, (_, ids) in zip(converted, updates, strict=True):
        if len(ids) == 1:
            alone.append((*values, ids[0]))
            continue
        for n in range(0, len(ids), _IDS_AT_ONCE):
            chunk = ids[n : n + _IDS_AT_ONCE]
            conn.exec_driver_sql(
                f"UPDATE {quote(table.name)} SET {assignments} WHERE id IN ({', '.join('?' for _ in chunk)})",
                (*values, *chunk),
            )
    if alone:
        conn.exec_driver_sql(f"UPDATE {quote(table.name)} SET {assignments} WHERE id = ?", alone)


_IDS_AT_ONCE = 500  # ids in one IN (…) list


def _ids() -> Any:
    """A parameter ``_ids``: a list of row ids, bound as one PostgreSQL array."""
    return bindparam("_ids", type_=ARRAY(Integer))


def insert_rows_for(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    inserts: list[tuple[tuple[Any, ...], list[int]]],
    *,
    parent: Table,
    encoded: frozenset[str] = frozenset(),
) -> None:
    """Insert into ``table`` rows for many rows of ``parent`` (the first of ``columns`` holds
    their id): each of ``inserts`` is the values of the other columns, in ``columns`` order, and
    the ids of the rows of ``parent`` (which exist) that get a row with them, inserted in the
    order of those ids. On SQLite one ``INSERT … SELECT`` for every 500 ids, its values bound
    and converted once (row by row, that cost twice the inserting); elsewhere
    :func:`insert_rows`."""
    if not inserts:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        rows = [(parent_id, *values) for values, ids in inserts for parent_id in sorted(ids)]
        insert_rows(conn, table, columns, rows, encoded=encoded)
        return
    quote = dialect.identifier_preparer.quote
    converted = _sqlite_values(dialect, table, columns[1:], [values for values, _ in inserts], encoded)
    for values, (_, ids) in zip(converted, inserts, strict=True):
        ids = sorted(ids)
        for n in range(0, len(ids), _IDS_AT_ONCE):
            chunk = ids[n : n + _IDS_AT_ONCE]
            conn.exec_driver_sql(
                f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT id, {', '.join('?' for _ in values)} FROM {quote(parent.name)} "
                f"WHERE id IN ({', '.join('?' for _ in chunk)}) ORDER BY id",
                (*values, *chunk),
            )


def _sqlite_values(
    dialect: Any, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]], encoded: frozenset[str]
) -> list[tuple[Any, ...]]:
    """``rows`` with SQLAlchemy's conversions applied where SQLite would store something else:
    not for floats (a REAL column stores an integer as a real) nor booleans (an int already),
    nor JSON given as text."""
    convert = {
        i: f
        for i, c in enumerate(columns)
        if c not in encoded
        and not isinstance(table.c[c].type, Float | Boolean)
        and (f := table.c[c].type._cached_bind_processor(dialect)) is not None
    }
    return [_converted(row, convert) for row in rows] if convert else rows


def _converted(row: tuple[Any, ...], convert: dict[int, Any]) -> tuple[Any, ...]:
    values = list(row)
    for i, f in convert.items():
        values[i] = f(values[i])
    return tuple(values)
