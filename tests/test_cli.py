"""The command line, run as a user would: real files, real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPORTS

CITY = REPORTS / "city_2024.txt"


def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "workreport.cli", *args], capture_output=True, text=True)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def empty_registry(path: Path) -> str:
    """An empty database at ``path`` (commands other than ingest and demo refuse one not there)."""
    from workreport.store import Database

    Database(str(path)).close()
    return str(path)


def test_extract_jsonl_has_the_facts_fields() -> None:
    lines = run("extract", str(CITY), "--format", "jsonl").stdout.splitlines()
    assert lines
    text = CITY.read_text(encoding="utf-8")
    for line in lines:
        fact = json.loads(line)
        for field in (
            "start",
            "end",
            "quote",
            "value",
            "value_max",
            "unit",
            "measure",
            "comparator",
            "kind",
            "indicator",
            "indicator_id",
        ):
            assert field in fact
        assert text[fact["start"] : fact["end"]] == fact["quote"]


def test_extract_json_has_metadata_sections_and_facts() -> None:
    data = json.loads(run("extract", str(CITY), "--format", "json").stdout)
    assert data["metadata"]["plan_year"] == 2024
    assert data["sections"] and data["facts"]


def test_extract_csv_and_table() -> None:
    rows = list(csv.DictReader(io.StringIO(run("extract", str(CITY), "--format", "csv").stdout)))
    assert rows and rows[0]["unit"]
    table = run("extract", str(CITY)).stdout.splitlines()
    # Chinese columns stay aligned: the separator line is as wide as the header
    assert table[0].startswith("位置") and set(table[1]) <= {"-", " "}


def test_extract_many_files_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "facts.jsonl"
    proc = run("extract", str(REPORTS), "--format", "jsonl", "-o", str(out))
    docs = {json.loads(line)["document"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert len(docs) >= 3
    assert "[1/" in proc.stderr  # progress for many files


def test_inspect_shows_metadata_and_tree() -> None:
    out = run("inspect", str(CITY)).stdout
    assert "plan" in out and "review" in out
    data = json.loads(run("inspect", str(CITY), "--json").stdout)
    assert data["metadata"]["doc_type"] == "report"


def test_bad_input_is_one_line_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (tmp_path / "missing.txt", empty, binary):
        proc = run("extract", str(path), ok=False)
        assert proc.returncode != 0
        assert str(path) in proc.stderr
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_eval_prints_the_figures() -> None:
    out = run("eval", str(REPORTS / "city_2024.txt.gold.json"), "--show", "3").stdout
    assert "precision" in out and "strict F1" in out


def test_demo_runs_on_the_bundled_examples() -> None:
    out = run("demo").stdout
    assert "facts" in out


def test_ctrl_c_in_any_command_is_one_line_and_exit_status_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A command interrupted with nothing to say about what it kept: one line, no traceback, 130
    (what a shell reports for a command Ctrl-C stopped), not Click's `Aborted!` and 1."""
    from click.testing import CliRunner

    import workreport.registry
    from workreport.cli import main

    def interrupted(_db: object) -> dict[str, object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(workreport.registry, "info", interrupted)
    result = CliRunner().invoke(main, ["info", "--db", empty_registry(tmp_path / "registry.sqlite")])
    assert (result.exit_code, result.output) == (130, "workreport: interrupted\n")


def test_an_in_memory_database_is_refused_in_one_line() -> None:
    # its readers and writer would each see a database of their own: a traceback before
    proc = run("info", "--db", "sqlite://", ok=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("workreport: error: cannot open the database sqlite://: an in-memory SQLite")


def test_a_database_url_without_its_slashes_is_refused_not_made_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "sqlite:registry.sqlite" used to become a file of that very name in the working folder
    from click.testing import CliRunner

    from workreport.cli import main

    monkeypatch.chdir(tmp_path)
    for url in ("sqlite:registry.sqlite", "postgresql:user@host/db", "SQLite+pysqlite:r.sqlite"):
        result = CliRunner().invoke(main, ["info", "--db", url])
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"workreport: error: cannot open the database {url}: a database URL needs '//'")
    assert list(tmp_path.iterdir()) == []
    # a plain path is still a path, whatever its name holds: refused while it is not there (not
    # made), opened once it is
    result = CliRunner().invoke(main, ["info", "--db", "reports:2025.sqlite"])
    assert result.exit_code == 1 and f"no database at {tmp_path / 'reports:2025.sqlite'}:" in result.output
    assert list(tmp_path.iterdir()) == []
    empty_registry(tmp_path / "reports:2025.sqlite")
    assert CliRunner().invoke(main, ["info", "--db", "reports:2025.sqlite"]).exit_code == 0


def test_a_pipe_named_is_one_line_and_a_pipe_in_a_folder_is_passed_over(tmp_path: Path) -> None:
    # an extract or ingest of a named pipe waited for a writer for ever
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "city.txt").write_bytes(CITY.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    db = empty_registry(tmp_path / "registry.sqlite")
    pipe = str(folder / "pipe.txt")
    for args in (
        ("extract", pipe),
        ("ingest", pipe, "--db", db),
        ("import", "observations", pipe, "--db", db),
        ("eval", pipe),
    ):
        proc = subprocess.run([sys.executable, "-m", "workreport.cli", *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, args
        assert proc.stderr == f"workreport: error: {pipe}: is not a regular file (a pipe, device or socket): only files are read\n"
    proc = subprocess.run(
        [sys.executable, "-m", "workreport.cli", "extract", str(folder), "--format", "jsonl"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == run("extract", str(folder / "city.txt"), "--format", "jsonl").stdout.splitlines()


def test_an_output_folder_that_cannot_be_made_is_one_line_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    db = empty_registry(tmp_path / "registry.sqlite")
    for args in (
        ("extract", str(CITY), "--format", "parquet", "-o", str(blocker / "out")),
        ("export", "--db", db, "-o", str(blocker / "out")),
    ):
        proc = run(*args, ok=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        said = proc.stderr.splitlines()
        assert len(said) == 1 and said[0].startswith(f"workreport: error: {blocker / 'out'}"), said
        assert said[0].endswith(": Not a directory"), said


def test_serve_starts_and_refuses_a_taken_port_or_an_unknown_host_in_one_line(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    db = empty_registry(tmp_path / "registry.sqlite")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # 192.0.2.1 (TEST-NET-1): an address no interface here has, refused without a DNS query
        for host, why in (("127.0.0.1", "Address already in use"), ("192.0.2.1", "Cannot assign requested address")):
            proc = subprocess.run(
                [sys.executable, "-m", "workreport.cli", "serve", "--host", host, "--port", str(port), "--db", db],
                capture_output=True, text=True, timeout=60,
            )
            # uvicorn's own report was a log line among its start-up lines, and exit status 3
            assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
            assert proc.stderr.startswith(f"workreport: error: cannot listen on {host}:{port}: {why}")
    # the port now free, the same command serves
    server = subprocess.Popen(
        [sys.executable, "-m", "workreport.cli", "serve", "--port", str(port), "--db", db],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/documents", timeout=5) as r:
                    assert r.status == 200 and json.load(r)["total"] == 0
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_port_out_of_range_in_one_line() -> None:
    proc = run("serve", "--port", "99999", ok=False)  # a traceback from the socket's bind before
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Invalid value for '--port': 99999 is not in the range 1<=x<=65535." in proc.stderr


def test_facts_limit_beyond_a_page_is_refused_in_the_option_s_own_words(tmp_path: Path) -> None:
    from workreport.store.queries import MAX_PER_PAGE

    db = empty_registry(tmp_path / "registry.sqlite")
    too_many = run("facts", "--db", db, "--limit", str(MAX_PER_PAGE + 1), ok=False)
    assert too_many.returncode == 2 and "Traceback" not in too_many.stderr
    assert f"'--limit': {MAX_PER_PAGE + 1} is not in the range 1<=x<={MAX_PER_PAGE}" in too_many.stderr
    run("facts", "--db", db, "--limit", str(MAX_PER_PAGE))  # the largest page is allowed


def test_facts_cut_at_the_limit_says_how_many_there_are(tmp_path: Path) -> None:
    db = str(tmp_path / "registry.sqlite")
    run("ingest", str(REPORTS / "city_2024.txt"), "--db", db)
    whole = run("facts", "--db", db, "--limit", "500").stdout
    total = int(re.search(r"\((\d+) facts\)", whole).group(1))  # type: ignore[union-attr]
    assert total > 3
    cut = run("facts", "--db", db, "--limit", "3").stdout
    assert f"(3 of {total} facts: narrow with" in cut
