"""Ingestion under stress, run as a user would: the ``workreport ingest`` command killed in the
middle of a run, and two of them writing into one database at once, on SQLite and PostgreSQL.

What must hold: one transaction per document (a stored document has all of its facts,
commitments and observations, or it is not stored at all), idempotence by content hash (a
rerun adds what is missing and leaves the rest unchanged, never a duplicate), and a clean
failure when a run cannot go on (one ``workreport: error:`` line, no traceback).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tests.corpus_maker import Expected, expected, make_corpus

N = 200
SUMMARY = re.compile(r"added (\d+), updated (\d+), unchanged (\d+), failed (\d+)")


# --------------------------------------------------------------------------- running the command


@dataclass
class Run:
    proc: subprocess.Popen[bytes]
    out: Path
    err: Path
    started: float

    @property
    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 300) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def describe(self) -> str:
        return f"exit {self.proc.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-5000:]}"


def start_ingest(url: str, folders: Iterable[Path], logs: Path, name: str) -> Run:
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / f"{name}.out", logs / f"{name}.err"
    env = {k: v for k, v in os.environ.items() if k != "WORKREPORT_DATABASE_URL"}
    with out.open("wb") as fo, err.open("wb") as fe:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workreport.cli", "ingest", *map(str, folders), "--db", url],
            stdout=fo,
            stderr=fe,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    return Run(proc, out, err, time.monotonic())


def summary(run: Run) -> dict[str, int]:
    m = SUMMARY.search(run.stdout)
    assert m, f"no summary line\n{run.describe()}"
    return dict(zip(("added", "updated", "unchanged", "failed"), map(int, m.groups()), strict=True))


def assert_ok_or_clean_failure(run: Run) -> bool:
    """True if the run succeeded; a failure must be one ``workreport: error:`` line, no traceback."""
    assert "Traceback" not in run.stderr, f"traceback from a concurrent ingest\n{run.describe()}"
    if run.proc.returncode == 0:
        assert summary(run)["failed"] == 0, run.describe()
        return True
    errors = [line for line in run.stderr.splitlines() if line.startswith("workreport: error:")]
    assert len(errors) == 1, f"failed without one `workreport: error:` line\n{run.describe()}"
    return False


# --------------------------------------------------------------------------- reading the database


def engine_for(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def count_documents(engine: Engine) -> int | None:
    """The number of stored documents; None while there is no schema (or it is being made)."""
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one())
    except DBAPIError:
        return None


def _rows(conn: Any, sql: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(sql))]


def _key(row: tuple[Any, ...]) -> str:
    return repr(row)


def snapshot(url: str) -> dict[str, Any]:
    """Everything ingestion stored, with ids replaced by what they point at (sha256 of the
    document, name path of the jurisdiction), so that two databases can be compared."""
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            jrows = {r["id"]: r for r in _rows(conn, "SELECT id, name, level, parent_id FROM jurisdictions")}

            def juris(jid: int | None) -> tuple[str, ...] | None:
                names: list[str] = []
                while jid is not None:
                    names.append(jrows[jid]["name"])
                    jid = jrows[jid]["parent_id"]
                return tuple(reversed(names)) if names else None

            docs = _rows(
                conn,
                "SELECT id, sha256, path, format, encoding, text, title, jurisdiction_name, jurisdiction_id, "
                "level, delivered, plan_year, review_year, speaker, source, doc_type, extractor_version "
                "FROM documents",
            )
            sha = {d["id"]: d["sha256"] for d in docs}
            facts = _rows(
                conn,
                'SELECT document_id, key, start, "end", quote, value, value_max, unit, measure, comparator, '
                "kind, indicator, indicator_id, hedge, period, scope, jurisdiction_id, classifier, "
                "sentence_start, sentence_end, corrected FROM facts",
            )
            commitments = _rows(
                conn,
                "SELECT document_id, key, type, fact_key, jurisdiction_id, indicator_id, indicator, period, "
                'measure, comparator, value, value_max, unit, hedge, text, start, "end", status, retired '
                "FROM commitments",
            )
            observations = _rows(
                conn,
                "SELECT document_id, jurisdiction_id, indicator_id, indicator, period, measure, unit, value, "
                "value_max, comparator, kind, fact_key, source, note FROM observations",
            )
    finally:
        engine.dispose()

    out: dict[str, Any] = {
        "jurisdictions": sorted(Counter(juris(j) for j in jrows).items(), key=repr),
        "documents": {},
    }
    for d in docs:
        fields = {k: v for k, v in d.items() if k not in ("id", "jurisdiction_id")}
        fields["jurisdiction"] = juris(d["jurisdiction_id"])
        out["documents"][d["sha256"]] = {
            "document": fields,
            "facts": [],
            "commitments": [],
            "observations": [],
        }
    for f in facts:
        out["documents"][sha[f["document_id"]]]["facts"].append(
            (
                # the fields named in the brief first, then the rest
                f["start"], f["end"], f["value"], f["unit"], f["measure"], f["kind"], f["indicator_id"],
                f["period"], f["key"], f["quote"], f["value_max"], f["comparator"], f["indicator"],
                f["hedge"], f["scope"], juris(f["jurisdiction_id"]), f["classifier"],
                f["sentence_start"], f["sentence_end"], bool(f["corrected"]),
            )
        )  # fmt: skip
    for c in commitments:
        values = {k: v for k, v in c.items() if k not in ("document_id", "jurisdiction_id")}
        values["jurisdiction"] = juris(c["jurisdiction_id"])
        values["retired"] = bool(values["retired"])
        out["documents"][sha[c["document_id"]]]["commitments"].append(tuple(sorted(values.items())))
    for o in observations:
        values = {k: v for k, v in o.items() if k not in ("document_id", "jurisdiction_id")}
        values["jurisdiction"] = juris(o["jurisdiction_id"])
        assert o["document_id"] is not None, o
        out["documents"][sha[o["document_id"]]]["observations"].append(tuple(sorted(values.items())))
    for doc in out["documents"].values():
        for part in ("facts", "commitments", "observations"):
            doc[part].sort(key=_key)
    return out


def assert_complete(url: str, want: dict[str, Expected]) -> int:
    """Every stored document is one of ``want`` and complete: all its facts, commitments and
    fact observations, as many as the library extracts from its file. The number stored."""
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            docs = _rows(conn, "SELECT id, sha256 FROM documents")
            counts = {
                table: dict(
                    conn.execute(
                        text(f"SELECT document_id, count(*) FROM {table} {where} GROUP BY document_id")
                    ).all()
                )
                for table, where in (
                    ("facts", ""),
                    ("commitments", ""),
                    ("observations", "WHERE source = 'fact'"),
                )
            }
            jurisdictions = conn.execute(text("SELECT name, parent_id FROM jurisdictions")).all()
    finally:
        engine.dispose()
    shas = Counter(d["sha256"] for d in docs)
    assert not [s for s, n in shas.items() if n > 1], f"duplicate documents: {shas.most_common(3)}"
    dup_j = [j for j, n in Counter(map(tuple, jurisdictions)).items() if n > 1]
    assert not dup_j, f"jurisdictions registered twice: {dup_j}"
    problems = []
    for d in docs:
        if d["sha256"] not in want:
            problems.append(f"document {d['id']}: unknown sha256 {d['sha256']}")
            continue
        exp = want[d["sha256"]]
        got = Expected(
            exp.name,
            counts["facts"].get(d["id"], 0),
            counts["commitments"].get(d["id"], 0),
            counts["observations"].get(d["id"], 0),
        )
        if got != exp:
            problems.append(f"document {d['id']} ({exp.name}) is partial: stored {got}, extracted {exp}")
        if got.facts == 0 and exp.facts:
            problems.append(f"document {d['id']} ({exp.name}) has no facts")
    assert not problems, "\n".join(problems[:20])
    return len(docs)


def expectations(paths: Iterable[Path]) -> dict[str, Expected]:
    return dict(expected(p) for p in paths)


# --------------------------------------------------------------------------- 1. kill and rerun


KILL_AT = 25  # documents stored before the kill: far enough in that the kill hits a busy run


def test_killed_ingest_leaves_whole_documents_and_a_rerun_completes(db_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    paths = make_corpus(corpus, range(N))
    want = expectations(paths)  # computed once per session and kept: ~6 s the first time
    assert len(want) == N, "the corpus must have N different files"
    logs = tmp_path / "logs"

    engine = engine_for(db_url)
    sqlite_file = Path(db_url.split("///", 1)[1]) if db_url.startswith("sqlite") else None
    run = start_ingest(db_url, [corpus], logs, "killed")
    stored_at_kill: int | None = None
    try:
        while run.proc.poll() is None:
            n = count_documents(engine) if sqlite_file is None or sqlite_file.exists() else None
            if n is not None and n >= KILL_AT:
                os.killpg(run.proc.pid, signal.SIGKILL)
                stored_at_kill = n
                break
            time.sleep(0.05)
            assert time.monotonic() - run.started < 90, "the ingest stored nothing in 90 s"
    finally:
        run.kill()
    assert stored_at_kill is not None, f"the ingest finished before it could be killed\n{run.describe()}"
    assert run.proc.returncode == -signal.SIGKILL
    after_kill = count_documents(engine)
    engine.dispose()
    assert after_kill is not None
    assert 1 <= after_kill <= N - 1, f"{after_kill} documents stored when killed: the kill missed the run"
    assert "Traceback" not in run.stderr

    # every document the killed run stored is whole
    assert assert_complete(db_url, want) == after_kill

    # a rerun adds the rest and leaves the others alone; a clean database gets the same in one go
    clean_url = clean_database_like(db_url, tmp_path)
    rerun = start_ingest(db_url, [corpus], logs, "rerun")
    reference = start_ingest(clean_url, [corpus], logs, "reference")
    assert rerun.wait() == 0, rerun.describe()
    assert reference.wait() == 0, reference.describe()
    assert "Traceback" not in rerun.stderr + reference.stderr
    assert summary(rerun) == {"added": N - after_kill, "updated": 0, "unchanged": after_kill, "failed": 0}
    assert summary(reference) == {"added": N, "updated": 0, "unchanged": 0, "failed": 0}

    assert assert_complete(db_url, want) == N
    assert assert_complete(clean_url, want) == N
    ours, theirs = snapshot(db_url), snapshot(clean_url)
    assert set(ours["documents"]) == set(theirs["documents"]) == set(want)
    for sha, doc in ours["documents"].items():
        other = theirs["documents"][sha]
        for part in ("document", "facts", "commitments", "observations"):
            assert doc[part] == other[part], (
                f"{want[sha].name}: {part} differ between the killed+rerun database and a clean one"
            )
    assert ours["jurisdictions"] == theirs["jurisdictions"]


def clean_database_like(url: str, tmp_path: Path) -> str:
    """A second empty database of the same kind as ``url``, dropped when the test ends."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'reference.sqlite'}"
    return _pg_database(url)


_PG_EXTRA: list[tuple[str, str]] = []


def _pg_database(url: str) -> str:
    from tests.conftest import PG_URL, _fresh_pg_database

    assert PG_URL
    new_url, name = _fresh_pg_database(PG_URL)
    _PG_EXTRA.append((PG_URL, name))
    return new_url


@pytest.fixture(autouse=True)
def _drop_extra_pg_databases() -> Any:
    yield
    from tests.conftest import _drop_pg_database

    while _PG_EXTRA:
        _drop_pg_database(*_PG_EXTRA.pop())


# --------------------------------------------------------------------------- 2. two ingests at once


def _waits_on(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has the SQLite file open, or its migration lock file (where a
    second process waits while the first holds it and waits on the database)."""
    targets = {str(path.resolve()), str(path.resolve()) + ".lock"}
    try:
        return any(os.path.realpath(fd) in targets for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # gone, or no /proc: do not wait on it
        return True


def start_together(url: str, jobs: list[tuple[list[Path], str]], logs: Path) -> list[Run]:
    """Start one ingest per job while the test holds the database's write lock (SQLite) or an
    exclusive lock on the jurisdictions table (PostgreSQL), and let go once every run waits on
    it: the runs then begin writing at the same moment, the worst case for each other."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        holder = sqlite3.connect(path, isolation_level=None, timeout=60)
        try:
            holder.execute("BEGIN IMMEDIATE")
            runs = [start_ingest(url, folders, logs, name) for folders, name in jobs]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not all(_waits_on(r.proc.pid, path) for r in runs):
                time.sleep(0.05)
            time.sleep(0.3)  # from opening the file to waiting for the lock
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return runs
    engine = engine_for(url)
    waiting = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = 'jurisdictions' AND NOT l.granted "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    try:
        with engine.connect() as holder, engine.connect() as watcher:
            holder.execute(text("LOCK TABLE jurisdictions IN ACCESS EXCLUSIVE MODE"))
            runs = [start_ingest(url, folders, logs, name) for folders, name in jobs]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and all(r.proc.poll() is None for r in runs):
                if watcher.execute(waiting).scalar_one() >= len(runs):
                    break
                watcher.rollback()
                time.sleep(0.05)
            holder.rollback()
    finally:
        engine.dispose()
    return runs


def test_two_overlapping_ingests_at_once(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> None:
    from workreport.store import Database

    first, second = tmp_path / "first", tmp_path / "second"
    first_paths = make_corpus(first, range(120))
    second_paths = make_corpus(second, range(80, N))
    want = expectations(first_paths + second_paths)
    assert len(want) == N
    Database(db_url).close()  # the schema exists; the database holds nothing yet
    logs = tmp_path / "logs"

    a, b = start_together(db_url, [([first], "a"), ([second], "b")], logs)
    a.wait()
    b.wait()
    ok = [assert_ok_or_clean_failure(r) for r in (a, b)]

    stored = assert_complete(db_url, want)
    if all(ok):
        assert stored == N
        # the 40 shared files were added by one run and found unchanged by the other
        sa, sb = summary(a), summary(b)
        assert sa["added"] + sb["added"] == N, (sa, sb)
        assert sa["unchanged"] + sb["unchanged"] == 40, (sa, sb)

    # 240 files: the 40 shared ones are in both folders
    third = start_ingest(db_url, [first, second], logs, "third")
    assert third.wait() == 0, third.describe()
    files, missing = len(first_paths) + len(second_paths), N - stored
    assert summary(third) == {"added": missing, "updated": 0, "unchanged": files - missing, "failed": 0}
    assert assert_complete(db_url, want) == N


ROUNDS = 3  # the first-run race depends on timing: a few rounds make missing it unlikely


def test_two_first_ingests_into_a_database_without_schema(
    request: pytest.FixtureRequest, db_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first_paths = make_corpus(first, range(8))
    second_paths = make_corpus(second, range(4, 12))
    want = expectations(first_paths + second_paths)
    files = len(first_paths) + len(second_paths)
    head = ScriptDirectory(str(resources.files("workreport.store").joinpath("migrations"))).get_current_head()

    for n in range(ROUNDS):
        if db_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'round{n}' / 'new.sqlite'}"  # neither file nor folder exists
        else:
            url = db_url if n == 0 else _pg_database(db_url)  # an empty database: no tables
        logs = tmp_path / f"logs{n}"
        a = start_ingest(url, [first], logs, "a")
        b = start_ingest(url, [second], logs, "b")
        a.wait()
        b.wait()
        ok = [assert_ok_or_clean_failure(r) for r in (a, b)]
        assert any(ok), f"both first ingests failed\n{a.describe()}\n{b.describe()}"

        engine = engine_for(url)
        try:
            with engine.connect() as conn:
                versions = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
        finally:
            engine.dispose()
        assert versions == [head]

        stored = assert_complete(url, want)
        if all(ok):
            assert stored == len(want)
        third = start_ingest(url, [first, second], logs, "third")
        assert third.wait() == 0, third.describe()
        missing = len(want) - stored
        assert summary(third) == {"added": missing, "updated": 0, "unchanged": files - missing, "failed": 0}
        assert assert_complete(url, want) == len(want)
