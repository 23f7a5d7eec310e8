"""A database that is not there is refused, not made: only `ingest` and `demo` make one. And a
command refused for its inputs or options (an empty folder, a glob matching nothing, workers
below 1, a corpus run asked for CSV) makes nothing: no database, no output."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workreport.cli import main

EXAMPLES = Path(str(resources.files("workreport").joinpath("examples")))
CITY = EXAMPLES / "example_city_2023.txt"
NO_DATABASE = "no database at"
PASSWORD = "a long new secret\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of the commands run here: the default database under tmp_path/xdg (not made
    yet), none named by WORKREPORT_DATABASE_URL; the working folder tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("WORKREPORT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return dict(os.environ)


def invoke(*args: str) -> Result:
    """The command run in this process (stdin holds a password, for the commands that ask one)."""
    return CliRunner().invoke(main, list(args), input=PASSWORD)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "workreport.cli", *args], capture_output=True, text=True, env=env, timeout=900
    )


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corp"
    folder.mkdir()
    for name in ("example_city_2023.txt", "example_newarea_2022.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


# every command that reads, or changes, what a registry holds: none may make a database
STORED = [
    ["info"],
    ["documents"],
    ["facts"],
    ["commitments"],
    ["track"],
    ["export", "-o", "exported"],
    ["panel", "--year", "2023"],
    ["panel", "--year", "2023", "--format", "json", "-o", "panel.json"],
    ["diff", "1", "2"],
    ["audit"],
    ["progress"],
    ["progress", "show", "1"],
    ["progress", "assess", "1", "--status", "planned"],
    ["correct", "1", "value=2"],
    ["assess", "1", "--status", "met"],
    ["import", "observations", "rows.csv"],
    ["import", "observations", "rows.csv", "--dry-run"],
    ["import", "assessments", "rows.csv"],
    ["digest", str(CITY), "-o", "digest.md"],
    ["user", "list"],
    ["token", "list"],
    ["token", "add", "bob"],
    ["serve", "--port", "PORT"],
]


@pytest.mark.parametrize("form", ["path in a missing folder", "sqlite URL"])
def test_every_command_on_a_database_that_is_not_there_refuses_and_makes_nothing(
    form: str, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: served.append(a))  # never serve in a test
    (tmp_path / "rows.csv").write_text(
        "jurisdiction,indicator_id,period,measure,unit,value\n兰州市,gdp,2022,growth,%,5\n", encoding="utf-8"
    )
    if form == "sqlite URL":
        missing = tmp_path / "typo.sqlite"
        db = f"sqlite:///{missing}"
    else:
        missing = tmp_path / "no" / "such" / "folder" / "registry.sqlite"
        db = str(missing)
    before = files_under(tmp_path)
    for command in STORED:
        args = [str(free_port()) if a == "PORT" else a for a in command]
        out = invoke(*args, "--db", db)
        assert out.exit_code == 1, (command, out.output)
        assert f"{NO_DATABASE} {missing}: run `workreport ingest` first, or check --db" in out.output, (
            command,
            out.output,
        )
        assert files_under(tmp_path) == before, (command, "made something")
    assert not served


def test_the_default_database_not_there_is_refused_not_made(env: dict[str, str], tmp_path: Path) -> None:
    default = tmp_path / "xdg" / "workreport" / "workreport.sqlite"
    for command in (["info"], ["documents"], ["track", "--format", "json"], ["audit"]):
        out = invoke(*command)
        assert out.exit_code == 1, (command, out.output)
        assert f"{NO_DATABASE} {default}: run `workreport ingest` first, or give --db" in out.output
    assert not (tmp_path / "xdg").exists()


def test_a_database_named_by_the_environment_and_not_there_is_refused(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKREPORT_DATABASE_URL", str(tmp_path / "env.sqlite"))
    out = invoke("documents")
    assert out.exit_code == 1
    assert f"{NO_DATABASE} {tmp_path / 'env.sqlite'}" in out.output and "WORKREPORT_DATABASE_URL" in out.output
    assert files_under(tmp_path) == []


def test_ingest_and_demo_make_the_database_and_a_mistyped_name_finds_none(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = corpus(tmp_path)
    registry = tmp_path / "new" / "folder" / "registry.sqlite"
    made = run(env, "ingest", str(folder), "--workers", "1", "--db", str(registry))
    assert made.returncode == 0, made.stderr
    assert registry.is_file() and "added 2" in made.stdout
    listed = run(env, "documents", "--db", str(registry))
    assert listed.returncode == 0 and "(2 reports" in listed.stdout, listed.stderr
    typo = run(env, "documents", "--db", str(registry.with_name("registry.sqllite")))
    assert typo.returncode == 1 and NO_DATABASE in typo.stderr and "(0 reports" not in typo.stdout
    assert not registry.with_name("registry.sqllite").exists()

    demo = run(env, "demo")  # the default database: made by demo, as before
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "xdg" / "workreport" / "workreport.sqlite").is_file()
    info = run(env, "info")
    assert info.returncode == 0 and "documents" in info.stdout, info.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["empty"], "no report file in this folder"),
        (["nomatch/*.txt"], "no file matches"),
        (["corp", "--workers", "0"], "workers must be 1 or more, not 0"),
    ],
)
@pytest.mark.parametrize("where", ["--db", "default"])
def test_a_refused_ingest_leaves_no_database(
    args: list[str], message: str, where: str, env: dict[str, str], tmp_path: Path
) -> None:
    corpus(tmp_path)
    (tmp_path / "empty").mkdir()
    before = files_under(tmp_path)
    db = ["--db", str(tmp_path / "out" / "registry.sqlite")] if where == "--db" else []
    out = invoke("ingest", *args, *db)
    assert out.exit_code == 1, out.output
    assert message in out.output
    assert files_under(tmp_path) == before  # no database, no lock file, no folder for them


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_corpus_run_refuses_a_format_it_does_not_write(fmt: str, env: dict[str, str], tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    before = files_under(tmp_path)
    for parallel in (["--workers", "2"], ["--dask", "local"]):
        out = invoke("extract", str(folder), *parallel, "--format", fmt, "-o", f"facts.{fmt}")
        assert out.exit_code == 1, out.output
        assert f"--format {fmt}" in out.output and "--workers/--dask" in out.output
        assert "jsonl" in out.output  # says what a corpus run does write
        assert files_under(tmp_path) == before


def test_workers_below_one_are_refused_as_such(env: dict[str, str], tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    for args in ([str(CITY)], [str(folder), "-o", "facts"], [str(folder), "--format", "jsonl", "-o", "facts"]):
        out = invoke("extract", *args, "--workers", "0")
        assert out.exit_code == 1, out.output
        assert "workers must be 1 or more, not 0" in out.output and "give -o DIR" not in out.output
    assert not (tmp_path / "facts").exists()
    # what a corpus run does write: datasets in the folder -o names
    done = run(env, "extract", str(folder), "--workers", "1", "--format", "jsonl", "-o", "facts")
    assert done.returncode == 0, done.stderr
    assert "extracted 2 documents" in done.stdout
    assert list((tmp_path / "facts" / "facts").rglob("*.jsonl"))


def test_user_add_sets_up_a_new_database_for_a_server(env: dict[str, str], tmp_path: Path) -> None:
    # the first step of putting a server up with nothing ingested yet (reports come by upload)
    db = tmp_path / "server" / "registry.sqlite"
    out = invoke("user", "add", "alice", "--role", "editor", "--password-stdin", "--db", str(db))
    assert out.exit_code == 0, out.output
    assert db.exists()
    listed = invoke("user", "list", "--db", str(db))
    assert listed.exit_code == 0 and "alice" in listed.output


@pytest.mark.parametrize(
    "command",
    [["documents", "--year", "99999"], ["track", "--period", "1776"], ["progress", "--year", "99999"],
     ["commitments", "--period", "3000"], ["facts", "--period", "12"]],
)
def test_a_year_no_report_could_be_about_is_a_usage_error(command: list[str], env: dict[str, str]) -> None:
    out = invoke(*command)
    assert out.exit_code == 2 and "is not in the range 1949<=x<=2100" in out.output, out.output
