"""Whole corpora in batches (workreport.batch): one process, two, and a Dask LocalCluster give
the same facts; a batch killed part way finishes without redoing what it did, and its output
is that of an uninterrupted run; the parallel ingest stores what the serial one stores."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import bench_module, shared_or_skip
from workreport import registry
from workreport.batch import BatchResult, extract_corpus, ingest_corpus, iter_sources, read_dataset
from workreport.batch.corpus import FAILURES, MANIFEST
from workreport.batch.runner import DIED, Job, Runner, parse_plain
from workreport.errors import InputError, StoreError
from workreport.model import FACT_FIELDS
from workreport.publish.datasets import DATASETS
from workreport.store import Database, fulltext
from workreport.track import track

pytest.importorskip("pyarrow")

N_REPORTS = 40
SEED = 7


def _make_corpus_module() -> ModuleType:
    return bench_module("make_corpus")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 synthetic reports (txt in UTF-8, GB18030 and UTF-16, HTML, DOCX), two files that
    cannot be read, and a copy of one report under another name."""
    folder = tmp_path_factory.mktemp("batch") / "reports"
    _make_corpus_module().make_corpus(N_REPORTS, folder, SEED)
    broken = folder / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_bytes(b"")
    (broken / "binary.txt").write_bytes(bytes(range(256)) * 8)
    first = sorted((folder / "000").iterdir())[0]
    shutil.copy(first, folder / "zz-copy.txt")
    return folder


BROKEN = {"broken/empty.txt", "broken/binary.txt"}


@pytest.fixture(scope="module")
def one_process(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchResult]:
    out = tmp_path_factory.mktemp("w1") / "out"
    return out, extract_corpus([corpus], out, workers=1)


@pytest.fixture(scope="module")
def two_processes(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchResult]:
    out = tmp_path_factory.mktemp("w2") / "out"
    return out, extract_corpus([corpus], out, workers=2)


def sorted_jsonl(out: Path, name: str) -> bytes:
    """Dataset ``name`` as JSON Lines, sorted (sha256, start, end, indicator for facts)."""
    rows = read_dataset(out, name).to_pylist()
    if name == "facts":
        rows.sort(key=lambda r: (r["sha256"], r["start"], r["end"], r["indicator"]))
    else:
        rows.sort(key=lambda r: (r["sha256"], r["path"]))
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode()


def part_files(out: Path) -> dict[str, bytes]:
    """Every part file of both datasets, by path under ``out``, with its bytes."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for name in DATASETS
        for p in sorted((out / name).rglob("*"))
        if p.is_file()
    }


def manifest_entries(out: Path) -> list[dict[str, Any]]:
    entries = []
    for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by the kill
    return entries


def assert_same_output(a: Path, b: Path) -> None:
    for name in DATASETS:
        assert sorted_jsonl(a, name) == sorted_jsonl(b, name), name
    assert (a / FAILURES).read_bytes() == (b / FAILURES).read_bytes()


def relative(corpus: Path, failed: list[tuple[str, str]]) -> dict[str, str]:
    return {Path(p).relative_to(corpus).as_posix(): reason for p, reason in failed}


# --------------------------------------------------------------------------- what a batch writes


def test_corpus_mixes_formats_and_encodings(one_process: tuple[Path, BatchResult]) -> None:
    out, _ = one_process
    docs = read_dataset(out, "documents").to_pylist()
    assert {d["format"] for d in docs} == {"txt", "html", "docx"}
    assert {"utf-8", "gb18030", "utf-16"} <= {d["encoding"] for d in docs}
    assert {"province", "prefecture", "county", "new_area"} <= {d["level"] for d in docs}


def test_one_batch_writes_partitioned_datasets_with_schemas(
    corpus: Path, one_process: tuple[Path, BatchResult]
) -> None:
    out, result = one_process
    assert result.done == N_REPORTS and result.skipped == 1  # the copy: same content, one document
    assert relative(corpus, result.failed) == {
        "broken/empty.txt": "is empty (0 bytes)",
        "broken/binary.txt": "looks like a binary file, not text (NUL bytes)",
    }
    failures = [json.loads(line) for line in (out / FAILURES).read_text(encoding="utf-8").splitlines()]
    assert {Path(f["path"]).relative_to(corpus).as_posix() for f in failures} == BROKEN

    docs = read_dataset(out, "documents").to_pylist()
    facts = read_dataset(out, "facts").to_pylist()
    assert len(docs) == N_REPORTS and len(facts) == result.facts > 0
    by_sha = {d["sha256"]: d for d in docs}
    for d in docs:
        assert d["year"] == d["plan_year"] and 1990 <= d["year"] <= 2026
        assert d["sha256"] == hashlib.sha256(Path(d["path"]).read_bytes()).hexdigest()
        part = out / "documents" / f"year={d['year']}" / f"level={d['level']}" / f"part-{d['sha256']}.parquet"
        assert part.is_file()
    assert Counter(f["sha256"] for f in facts) == {s: d["n_facts"] for s, d in by_sha.items() if d["n_facts"]}
    for f in facts:
        d = by_sha[f["sha256"]]
        assert (f["path"], f["jurisdiction"], f["level"], f["year"]) == (
            d["path"],
            d["jurisdiction"],
            d["level"],
            d["year"],
        )
        assert isinstance(json.loads(f["section"]), list)

    for name, columns in DATASETS.items():
        schema = json.loads((out / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        table = read_dataset(out, name)
        assert list(schema["properties"]) == table.column_names == [c.name for c in columns]
        for row in table.to_pylist()[:200]:
            for key in schema["required"]:
                assert row[key] is not None, (name, key)
            for key, prop in schema["properties"].items():
                allowed = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
                kind = {str: "string", int: "integer", float: "number", type(None): "null"}[type(row[key])]
                assert kind in allowed or (kind == "integer" and "number" in allowed), (name, key)


def test_each_row_of_the_facts_dataset_is_the_fact_extraction_gives(one_process: tuple[Path, BatchResult]) -> None:
    """The rows are built column by column (``fact_columns``), each section's JSON made once per
    document: each row is still its fact as FACTS.md's JSON object, in the document's order,
    with its section as JSON text."""
    out, _ = one_process
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in read_dataset(out, "facts").to_pylist():
        rows.setdefault(row["path"], []).append(row)
    checked = 0
    for path in sorted(rows)[:10]:
        _doc, _st, facts = parse_plain(path, Path(path).read_bytes())
        want = [{**f.to_dict(), "section": json.dumps(f.section, ensure_ascii=False)} for f in facts]
        assert [{k: r[k] for k in FACT_FIELDS} for r in rows[path]] == want, path
        checked += len({tuple(f.section) for f in facts}) > 1  # sections of its own and shared ones
    assert checked >= 5


def test_two_processes_give_the_same_facts_as_one(
    one_process: tuple[Path, BatchResult], two_processes: tuple[Path, BatchResult]
) -> None:
    (a, ra), (b, rb) = one_process, two_processes
    assert (ra.done, ra.skipped, ra.failed, ra.facts) == (rb.done, rb.skipped, rb.failed, rb.facts)
    assert_same_output(a, b)
    assert part_files(a) == part_files(b)  # byte for byte, file for file


def test_a_dask_local_cluster_gives_the_same_facts_as_one_process(
    corpus: Path, one_process: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    if importlib.util.find_spec("distributed") is None:
        if os.environ.get("CI"):
            pytest.fail("distributed is not installed: CI must install workreport[dask]")
        pytest.skip("distributed is not installed (pip install 'dask[distributed]')")
    out = tmp_path / "dask"
    environ = dict(os.environ)
    result = extract_corpus([corpus], out, workers=2, dask="local")
    assert dict(os.environ) == environ  # the cluster's OMP_NUM_THREADS=1 … do not stay behind
    a, ra = one_process
    assert (result.done, result.skipped, result.failed, result.facts) == (
        ra.done,
        ra.skipped,
        ra.failed,
        ra.facts,
    )
    assert_same_output(a, out)
    assert part_files(a) == part_files(out)

    # a cluster given by its scheduler's address
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        out = tmp_path / "address"
        result = extract_corpus([corpus], out, dask=cluster.scheduler_address)
    assert (result.done, result.skipped, result.failed) == (ra.done, ra.skipped, ra.failed)
    assert part_files(a) == part_files(out)
    os.environ.clear()
    os.environ.update(environ)


def test_json_lines_hold_the_same_rows_as_parquet(
    corpus: Path, one_process: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    out = tmp_path / "jsonl"
    extract_corpus([corpus], out, workers=2, fmt="jsonl")
    assert_same_output(one_process[0], out)
    assert all(p.endswith(".jsonl") for p in part_files(out))


def test_a_second_run_skips_everything_and_changes_nothing(
    corpus: Path, one_process: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    out = tmp_path / "again"
    shutil.copytree(one_process[0], out)
    # the manifest names the paths as given: same inputs, same names
    before = part_files(out)
    seen: list[tuple[int, int, int]] = []
    result = extract_corpus([corpus], out, workers=2, progress=lambda *a: seen.append(a))
    assert (result.done, result.skipped) == (0, N_REPORTS + 1)
    assert relative(corpus, result.failed).keys() == BROKEN  # failures are tried again
    assert part_files(out) == before
    assert_same_output(one_process[0], out)
    total = N_REPORTS + 1 + len(BROKEN)
    assert [s[0] for s in seen] == list(range(1, total + 1)) and {s[1] for s in seen} == {total}


def test_progress_reports_documents_and_bytes(two_processes: tuple[Path, BatchResult], corpus: Path) -> None:
    seen: list[tuple[int, int, int]] = []
    out = two_processes[0].parent / "progress"
    result = extract_corpus([corpus], out, workers=2, progress=lambda *a: seen.append(a))
    files = list(iter_sources([corpus]))
    assert seen[-1] == (len(files), len(files), sum(p.stat().st_size for p in files))
    assert [s[0] for s in seen] == list(range(1, len(files) + 1))
    assert all(b1 <= b2 for (_, _, b1), (_, _, b2) in itertools.pairwise(seen))
    assert result.bytes == sum(Path(p).stat().st_size for p in files if p.name != "zz-copy.txt") - sum(
        (corpus / b).stat().st_size for b in BROKEN
    )


def test_a_batch_killed_part_way_finishes_without_redoing_work(
    corpus: Path, one_process: tuple[Path, BatchResult], tmp_path: Path
) -> None:
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "workreport.cli", "extract", str(corpus), "--format", "parquet", "-o", str(out)]
    cmd += ["--workers", "2"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done_before: set[str] = set()
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if (out / MANIFEST).exists():
                done_before = {e["sha256"] for e in manifest_entries(out) if e["status"] == "done"}
                if 0 < len(done_before) < N_REPORTS:
                    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its worker processes
                    break
            if proc.poll() is not None:
                pytest.fail("the batch finished before it could be killed")
            time.sleep(0.005)
        else:
            pytest.fail("the batch wrote no manifest entries in 180 s")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    done_before = {e["sha256"] for e in manifest_entries(out) if e["status"] == "done"}
    assert 0 < len(done_before) < N_REPORTS

    result = extract_corpus([corpus], out, workers=2)
    assert result.done == N_REPORTS - len(done_before)
    assert result.skipped == len(done_before) + 1  # … and the copy
    done_lines = Counter(e["sha256"] for e in manifest_entries(out) if e["status"] == "done")
    assert len(done_lines) == N_REPORTS and set(done_lines.values()) == {1}  # nothing extracted twice
    assert_same_output(one_process[0], out)
    assert part_files(one_process[0]) == part_files(out)  # and nothing left over


def test_an_interrupted_extract_says_how_many_it_wrote_and_the_same_run_again_does_the_rest(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "interrupted"

    def interrupt_at_the_fifth(done: int, _total: int, _bytes: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        extract_corpus([corpus], out, workers=1, progress=interrupt_at_the_fifth)
    assert not isinstance(caught.value, Exception)
    (note,) = caught.value.__notes__
    written = int(note.split(" ", 1)[0])
    assert note == (
        f"{written} document(s) written to {out} before it (each file whole: written aside, then "
        "renamed); the same command again skips them and extracts the rest"
    )
    done_before = {e["sha256"] for e in manifest_entries(out) if e["status"] == "done"}
    assert 0 < written == len(done_before) <= 5
    result = extract_corpus([corpus], out, workers=1)
    assert result.done == N_REPORTS - written and not result.failed[2:]


def test_ctrl_c_stops_an_ingest_with_a_line_that_says_what_it_stored(tmp_path: Path) -> None:
    """As a user meets it: SIGINT to the command's process group (what Ctrl-C sends) while it
    runs. One line says what was stored, no traceback, exit status 130, the database holds
    exactly that, and the same command again stores the rest."""
    reports = tmp_path / "reports"  # enough for a few batches: the signal comes after the first
    _make_corpus_module().make_corpus(200, reports, SEED)
    n_reports = sum(1 for p in reports.rglob("*") if p.is_file() and not p.name.startswith("_"))
    db = tmp_path / "interrupted.sqlite"
    cmd = [sys.executable, "-m", "workreport.cli", "ingest", str(reports), "--db", str(db), "--workers", "1"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        os.set_blocking(proc.stderr.fileno(), False)
        err = b""
        deadline = time.monotonic() + 120
        while not err and time.monotonic() < deadline and proc.poll() is None:
            err += proc.stderr.read() or b""  # the progress line: a batch is stored, more to come
            time.sleep(0.005)
        if proc.poll() is not None:
            pytest.fail("the ingest finished before it could be interrupted")
        os.killpg(proc.pid, signal.SIGINT)
        out, rest = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
    lines = (err + rest).decode().replace("\r", "\n").splitlines()
    assert proc.returncode == 130, lines
    assert "Traceback" not in "\n".join(lines) and out == b""
    (said,) = [line for line in lines if line.startswith("workreport: interrupted")]
    stored = int(said.split(": ", 2)[2].split(" ", 1)[0])
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == stored
    finally:
        conn.close()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"added {n_reports - stored}," in again.stdout


def test_a_changed_file_is_extracted_again_and_its_old_rows_go(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((corpus / "000").glob("*.txt"))[:3]:
        shutil.copy(p, folder / p.name)
    out = tmp_path / "out"
    extract_corpus([folder], out, workers=1)
    before = {d["path"]: d["sha256"] for d in read_dataset(out, "documents").to_pylist()}
    changed = sorted(folder.iterdir())[1]
    changed.write_bytes(changed.read_bytes().replace(b"\n", b"\r\n", 1))  # other bytes, same report
    result = extract_corpus([folder], out, workers=1)
    assert (result.done, result.skipped) == (1, 2)
    after = {d["path"]: d["sha256"] for d in read_dataset(out, "documents").to_pylist()}
    assert after.keys() == before.keys() and after[str(changed)] != before[str(changed)]
    assert {k: v for k, v in after.items() if k != str(changed)} == {
        k: v for k, v in before.items() if k != str(changed)
    }
    assert not [p for p in part_files(out) if before[str(changed)] in p]  # the old parts are gone
    assert set(read_dataset(out, "facts").column("sha256").to_pylist()) == set(after.values())


def test_bad_requests_are_refused(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="workers must be 1 or more"):
        extract_corpus([corpus], tmp_path / "a", workers=0)
    with pytest.raises(InputError, match="unknown format"):
        extract_corpus([corpus], tmp_path / "a", fmt="csv")
    extract_corpus([tmp_path / "none.txt"], tmp_path / "b", workers=1, fmt="jsonl")
    with pytest.raises(InputError, match="holds a jsonl dataset"):
        extract_corpus([corpus], tmp_path / "b", workers=1)


def crash_on(name: str, data: bytes) -> str:
    """A task for the worker processes: the one given b"crash" kills its process."""
    if data == b"crash":
        os._exit(3)
    return name


@pytest.mark.parametrize("ordered", [False, True])
def test_a_worker_process_that_dies_fails_its_own_document_only(ordered: bool) -> None:
    jobs = [Job(f"d{i:02d}", 1, 0, f"{i:064x}", b"crash" if i == 5 else b"ok") for i in range(12)]
    with Runner[str](2, None, None) as runner:
        out = list(
            runner.run(
                crash_on, jobs, lambda j: (j.path, j.data), lambda j, why: f"broken: {why}", ordered=ordered
            )
        )
    expected = [(j.path, "broken: " + DIED if j.path == "d05" else j.path) for j in jobs]
    got = [(j.path, r) for j, r in out]
    assert (got if ordered else sorted(got)) == expected


def test_sources_from_files_folders_and_globs(tmp_path: Path) -> None:
    for name in ("b/2.txt", "b/1.html", "a.txt", "a/3.docx", "c/.hidden.txt", "c/notes.md", "c/x.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    rel = lambda ps: [p.relative_to(tmp_path).as_posix() for p in ps]  # noqa: E731
    assert rel(iter_sources([tmp_path])) == ["a/3.docx", "a.txt", "b/1.html", "b/2.txt", "c/x.pdf"]
    assert rel(iter_sources([f"{tmp_path}/**/*.txt"])) == ["a.txt", "b/2.txt"]
    # a file named twice comes once; a file named outright comes whatever its suffix
    named = [tmp_path / "c/notes.md", tmp_path / "b", f"{tmp_path}/b/*"]
    assert rel(iter_sources(named)) == ["c/notes.md", "b/1.html", "b/2.txt"]
    missing = tmp_path / "missing.txt"
    assert list(iter_sources([missing])) == [missing]


def test_a_folder_without_reports_or_a_glob_matching_nothing_is_an_error_not_an_empty_run(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "reports.csv").write_text("title,full_text\n")
    with pytest.raises(InputError, match=r"empty: no report file in this folder \(\.docx, .*\.txt"):
        list(iter_sources([tmp_path / "empty"]))
    with pytest.raises(InputError, match=r"tables: no report file .* holds tables of reports, read only when asked"):
        list(iter_sources([tmp_path / "tables"]))
    assert list(iter_sources([tmp_path / "tables"], tables=True)) == [tmp_path / "tables" / "reports.csv"]
    with pytest.raises(InputError, match=r"nothing\*\.txt: no file matches"):
        list(iter_sources([f"{tmp_path}/nothing*.txt"]))
    # "" is Path("."): `extract "$UNSET"` went through the whole working folder
    with pytest.raises(InputError, match=r"^an empty path names no file or folder$"):
        list(iter_sources([""]))
    for run in (
        lambda: extract_corpus([tmp_path / "empty"], tmp_path / "out", workers=1),
        lambda: ingest_corpus(f"sqlite:///{tmp_path / 'db.sqlite'}", [tmp_path / "empty"], workers=1),
    ):
        with pytest.raises(InputError, match="no report file in this folder"):
            run()
    assert not (tmp_path / "out").exists() and not (tmp_path / "db.sqlite").exists()  # nothing made


def test_a_missing_file_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    result = extract_corpus([tmp_path / "missing.txt"], tmp_path / "out", workers=1)
    assert result.failed == [(str(tmp_path / "missing.txt"), "no such file")]
    assert not result.ok and result.done == 0


# --------------------------------------------------------------------------- ingest


def dump(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of the registry's tables, in id order, without the timestamps."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in ("documents", "facts", "commitments", "observations", "jurisdictions"):
            cols = [r[1] for r in conn.execute(f"pragma table_info({table})")]
            cols = [c for c in cols if c not in ("ingested_at", "created_at", "rated_at")]
            quoted = ", ".join('"' + c + '"' for c in cols)
            sql = f"select {quoted} from {table} order by id"
            out[table] = [dict(zip(cols, r, strict=True)) for r in conn.execute(sql)]
        return out
    finally:
        conn.close()


def test_parallel_ingest_stores_what_the_serial_ingest_stores(corpus: Path, tmp_path: Path) -> None:
    serial_db = Database(f"sqlite:///{tmp_path / 'serial.sqlite'}")
    serial = registry.ingest(serial_db, [corpus])
    serial_db.close()
    seen: list[tuple[int, int, int]] = []
    parallel = ingest_corpus(
        f"sqlite:///{tmp_path / 'parallel.sqlite'}",
        [corpus],
        workers=2,
        batch_size=7,
        progress=lambda *a: seen.append(a),
    )
    assert parallel.added == serial.added and len(parallel.added) == N_REPORTS
    assert parallel.unchanged == serial.unchanged and len(parallel.unchanged) == 1
    assert sorted(parallel.failed) == sorted(serial.failed) and len(parallel.failed) == 2
    assert seen[-1][:2] == (N_REPORTS + 3, N_REPORTS + 3)
    a, b = dump(tmp_path / "serial.sqlite"), dump(tmp_path / "parallel.sqlite")
    for table in a:
        assert a[table] == b[table], table  # the same rows, the same ids

    again = ingest_corpus(f"sqlite:///{tmp_path / 'parallel.sqlite'}", [corpus], workers=2)
    assert (len(again.added), len(again.unchanged), len(again.failed)) == (0, N_REPORTS + 1, 2)
    assert dump(tmp_path / "parallel.sqlite") == b


def test_a_document_that_fails_to_store_leaves_nothing_and_the_batch_goes_on(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = sorted((corpus / "000").iterdir())[5]
    import workreport.registry.documents as documents

    real = documents._store_extraction

    def flaky(session: Any, row: Any, doc: Any, st: Any, facts: Any) -> None:
        real(session, row, doc, st, facts)  # everything written, then a failure
        if doc.path == str(victim):
            raise StoreError("refused")

    monkeypatch.setattr(documents, "_store_extraction", flaky)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    result = ingest_corpus(url, [corpus / "000"], workers=2, batch_size=50)
    assert result.failed == [(str(victim), "refused")]
    assert len(result.added) == N_REPORTS - 1
    rows = dump(tmp_path / "db.sqlite")
    assert str(victim) not in {r["path"] for r in rows["documents"]}
    assert len(rows["documents"]) == N_REPORTS - 1
    doc_ids = {r["id"] for r in rows["documents"]}
    for table in ("facts", "commitments", "observations"):
        assert rows[table] and {r["document_id"] for r in rows[table]} <= doc_ids, table

    monkeypatch.setattr(documents, "_store_extraction", real)
    resumed = ingest_corpus(url, [corpus / "000"], workers=2)
    assert resumed.added == [str(victim)] and len(resumed.unchanged) == N_REPORTS - 1


def test_national_reports_ingest_in_parallel_and_track(db_url: str) -> None:
    folder = shared_or_skip("corpus", "national")
    files = sorted(folder.glob("*.txt"))
    if not files:
        pytest.skip(f"reports not present in {folder}")
    result = ingest_corpus(db_url, [str(p) for p in files], workers=2)
    assert result.failed == [] and len(result.added) == len(files)
    db = Database(db_url)
    try:
        rows = track(db, jurisdiction="中国")
    finally:
        db.close()
    rated = Counter(r.status for r in rows if r.status in ("met", "partly", "missed"))
    assert sum(rated.values()) >= 10 and rated["met"] >= 5 and rated["missed"] >= 1, rated
    have = {int(p.stem) for p in files if p.stem.isdigit()}
    for r in rows:
        if r.status in ("met", "partly", "missed"):  # rated only where the next year's report is there
            assert r.period is not None and (r.period + 1) in have
    gdp_2017 = [r for r in rows if r.period == 2017 and r.indicator_id == "gdp" and r.outcome]
    if 2017 in have and 2018 in have:
        assert [(r.target["value"], r.outcome["value"], r.status) for r in gdp_2017] == [(6.5, 6.9, "met")]


def _automerge(conn: Any) -> int:
    row = conn.execute("SELECT v FROM documents_fts_config WHERE k = 'automerge'").fetchone()
    return 4 if row is None else int(row[0])  # FTS5's default when never set


def test_a_batch_ingest_defers_the_full_text_merges_and_puts_them_back_however_it_ends(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workreport.registry.documents as documents

    path = tmp_path / "db.sqlite"
    seen: list[int] = []
    real = documents.store_documents

    def watched(session: Any, items: Any) -> Any:
        seen.append(_automerge(session.connection().connection.dbapi_connection))
        return real(session, items)

    monkeypatch.setattr(documents, "store_documents", watched)
    result = ingest_corpus(f"sqlite:///{path}", [corpus / "000"], workers=1, batch_size=3)
    assert len(seen) >= 3 and set(seen) == {0}  # every batch written with the merges deferred
    conn = sqlite3.connect(path)
    assert _automerge(conn) == 4
    # every report found by its text, though the index was written as many unmerged segments
    for added in result.added[:5]:
        text = conn.execute("SELECT text FROM documents WHERE path = ?", (added,)).fetchone()[0]
        phrase = text[len(text) // 2 : len(text) // 2 + 12]
        found = {r[0] for r in conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", (fulltext.phrase(phrase),))}
        like = {r[0] for r in conn.execute("SELECT id FROM documents WHERE instr(text, ?) > 0", (phrase,))}
        assert found == like and found
    conn.close()

    def broken(session: Any, items: Any) -> Any:
        raise StoreError("refused")

    monkeypatch.setattr(documents, "store_documents", broken)
    more = tmp_path / "more"
    more.mkdir()
    (more / "new.txt").write_text("某市2025年政府工作报告\n\n全市地区生产总值增长5.5%左右。\n", encoding="utf-8")
    with pytest.raises(StoreError, match="refused"):
        ingest_corpus(f"sqlite:///{path}", [more], workers=1)
    conn = sqlite3.connect(path)
    assert _automerge(conn) == 4  # put back after a failed run too
    conn.close()
