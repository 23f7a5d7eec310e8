"""The one walker: the report files that a list of files, folders and globs names."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from workreport.errors import InputError
from workreport.pipeline.read import NOT_A_FILE, REPORT_SUFFIXES
from workreport.pipeline.tables import TABLE_SUFFIXES, Columns, check_table, is_table


def _has_magic(name: str) -> bool:
    return any(c in name for c in "*?[")


def _walk(folder: Path, suffixes: frozenset[str] = REPORT_SUFFIXES) -> Iterator[Path]:
    """Files under ``folder`` with one of ``suffixes``, depth first, each folder's entries sorted
    by name (the order of ``sorted(folder.rglob(...))``), one folder listing in memory at a time."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        if e.is_dir(follow_symlinks=False):
            yield from _walk(Path(e.path), suffixes)
        elif e.is_file() and os.path.splitext(e.name)[1].lower() in suffixes:
            yield Path(e.path)


def iter_sources(inputs: Iterable[str | os.PathLike[str]], *, tables: bool = False) -> Iterator[Path]:
    """The report files ``inputs`` name, in order: a file as it is; a folder's report files
    (.txt .text .html .htm .docx .pdf, recursively, hidden names left out) sorted, and its
    tables of reports (.csv .tsv .parquet .jsonl .ndjson) only if ``tables``; a glob
    (``corpus/**/*.txt``, ``**`` spans folders) its matching files sorted. A path named twice
    comes once. A name that is neither (a missing file) comes as it is, to fail when read.
    A table named as a file or matched by a glob comes as it is: the caller reads its rows.
    A folder without a report file, or a glob that matches no file, is an InputError: a run
    over nothing is a mistyped name far more often than what was meant. So is a pipe or a
    device named (in folders and globs they are passed over, as other files that are not
    reports are)."""
    suffixes = REPORT_SUFFIXES | TABLE_SUFFIXES if tables else REPORT_SUFFIXES
    seen: set[str] = set()
    for item in inputs:
        name = os.fspath(item)
        if not name:  # Path("") is ".": an unset variable would name the working folder
            raise InputError("an empty path names no file or folder")
        p = Path(name)
        found: Iterable[Path]
        if p.is_dir():
            found = _walk(p, suffixes)
        elif p.exists() and not p.is_file():  # a pipe or a device: reading it may never end
            raise InputError(NOT_A_FILE, path=name)
        elif p.exists() or not _has_magic(name):
            found = (p,)
        else:
            found = sorted(Path(m) for m in glob.iglob(name, recursive=True) if os.path.isfile(m))
        empty = True
        for path in found:
            empty = False
            key = os.path.abspath(path)
            if key in seen:
                continue
            seen.add(key)
            yield path
        if empty:
            raise InputError(_nothing_in(p, tables), path=name)


def _nothing_in(p: Path, tables: bool) -> str:
    if not p.is_dir():
        return "no file matches"
    wanted = ", ".join(sorted(REPORT_SUFFIXES | TABLE_SUFFIXES if tables else REPORT_SUFFIXES))
    if not tables and next(_walk(p, TABLE_SUFFIXES), None) is not None:
        return f"no report file in this folder ({wanted}); it holds tables of reports, read only when asked (--tables)"
    return f"no report file in this folder ({wanted})"


def checked_sources(
    inputs: Iterable[str | os.PathLike[str]], *, tables: bool = False, columns: Columns | None = None
) -> tuple[list[str], int]:
    """The report files and tables ``inputs`` names (:func:`iter_sources`) and the documents
    they hold, a table one per row: what a run checks before it makes or opens anything (a
    table without its text column, or a column ``columns`` names, is an InputError)."""
    paths = [os.fspath(p) for p in iter_sources(inputs, tables=tables)]
    return paths, sum(check_table(p, columns) if is_table(p) else 1 for p in paths)
