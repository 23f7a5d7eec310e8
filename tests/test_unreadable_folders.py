"""A folder that cannot be read is an error naming it, never passed over: its reports would be
missing from the run without a word (and an unreadable folder is not an empty one).

The folders are made unreadable with chmod 000. Root reads them all the same, so as root the
commands run under `setpriv` without the capabilities that let root pass over permissions
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH); without either way, the tests are skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

EXAMPLES = Path(str(resources.files("workreport").joinpath("examples")))
DROP_CAPS = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def _unreadable_for(prefix: list[str], folder: Path) -> bool:
    """Whether a process started with ``prefix`` is refused the listing of ``folder``."""
    try:
        proc = subprocess.run(
            [*prefix, sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", str(folder)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except OSError:  # no setpriv
        return False
    return proc.returncode != 0 and "PermissionError" in proc.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """``tmp_path`` holding outer/ (a report) with outer/inner/ (another report, mode 000) and
    locked/ (a report, mode 000); and the prefix that runs a command unable to read them."""
    outer = tmp_path / "outer"
    (outer / "inner").mkdir(parents=True)
    shutil.copy(EXAMPLES / "example_city_2023.txt", outer / "city.txt")
    shutil.copy(EXAMPLES / "example_newarea_2022.txt", outer / "inner" / "newarea.txt")
    (tmp_path / "locked").mkdir()
    shutil.copy(EXAMPLES / "example_city_2023.txt", tmp_path / "locked" / "city.txt")
    folders = [outer / "inner", tmp_path / "locked"]
    for folder in folders:
        folder.chmod(0)
    try:
        if os.geteuid() != 0 and _unreadable_for([], folders[0]):
            prefix: list[str] = []
        elif shutil.which("setpriv") and _unreadable_for(DROP_CAPS, folders[0]):
            prefix = DROP_CAPS
        else:
            pytest.skip(
                "cannot make a folder unreadable here: running as root, and setpriv cannot drop "
                "CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH"
            )
        yield tmp_path, prefix
    finally:
        for folder in folders:
            folder.chmod(0o755)


def run(prefix: list[str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(cwd / "xdg")}
    env.pop("WORKREPORT_DATABASE_URL", None)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "workreport.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def refused(proc: subprocess.CompletedProcess[str], folder: str) -> bool:
    """One line on stderr naming ``folder`` and why it cannot be read, and exit status 1."""
    line = f"workreport: error: {folder}: cannot read this folder: Permission denied\n"
    return proc.returncode == 1 and proc.stderr.endswith(line) and "Traceback" not in proc.stderr


def test_extract_of_a_folder_holding_an_unreadable_one_fails_naming_it(tree: tuple[Path, list[str]]) -> None:
    tmp, prefix = tree
    proc = run(prefix, tmp, "extract", "outer", "--format", "jsonl")
    assert refused(proc, os.path.join("outer", "inner")), (proc.returncode, proc.stderr)
    assert proc.stdout == ""  # not the readable report's facts as if they were all


def test_an_unreadable_folder_named_is_not_said_to_hold_no_report(tree: tuple[Path, list[str]]) -> None:
    tmp, prefix = tree
    proc = run(prefix, tmp, "extract", "locked")
    assert refused(proc, "locked"), (proc.returncode, proc.stderr)
    assert "no report file" not in proc.stderr


def test_a_glob_through_an_unreadable_folder_fails_naming_it(tree: tuple[Path, list[str]]) -> None:
    tmp, prefix = tree
    for pattern in ("outer/**/*.txt", "outer/*/*.txt", "locked/*.txt"):
        proc = run(prefix, tmp, "extract", pattern, "--format", "jsonl")
        folder = "locked" if pattern.startswith("locked") else os.path.join("outer", "inner")
        assert refused(proc, folder), (pattern, proc.returncode, proc.stderr)
        assert proc.stdout == ""
    # a glob that does not lead into it is not refused
    proc = run(prefix, tmp, "extract", "outer/*.txt", "--format", "jsonl")
    assert proc.returncode == 0 and proc.stdout, proc.stderr


def test_ingest_and_a_corpus_run_fail_before_making_anything(tree: tuple[Path, list[str]]) -> None:
    tmp, prefix = tree
    proc = run(prefix, tmp, "ingest", "outer", "--workers", "1", "--db", "registry.sqlite")
    assert refused(proc, os.path.join("outer", "inner")), (proc.returncode, proc.stderr)
    assert not (tmp / "registry.sqlite").exists()
    proc = run(prefix, tmp, "extract", "outer", "--workers", "1", "--format", "jsonl", "-o", "facts")
    assert refused(proc, os.path.join("outer", "inner")), (proc.returncode, proc.stderr)
    assert not (tmp / "facts").exists()
