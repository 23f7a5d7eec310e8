"""The one walker: the report files that a list of files, folders and globs names."""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from workreport.errors import InputError, ReadError
from workreport.pipeline.read import NOT_A_FILE, REPORT_SUFFIXES
from workreport.pipeline.tables import TABLE_SUFFIXES, Columns, check_table, is_table


def _has_magic(name: str) -> bool:
    return any(c in name for c in "*?[")


def _unreadable(folder: str | os.PathLike[str], exc: OSError) -> ReadError:
    """The error of a folder that cannot be listed: its reports would be passed over unseen."""
    return ReadError(f"cannot read this folder: {exc.strerror or exc}", path=os.fspath(folder) or os.curdir)


def _walk(folder: Path, suffixes: frozenset[str] = REPORT_SUFFIXES) -> Iterator[Path]:
    """Files under ``folder`` with one of ``suffixes``, depth first, each folder's entries sorted
    by name (the order of ``sorted(folder.rglob(...))``), one folder listing in memory at a time.
    A folder that cannot be listed (permission denied) is a ReadError naming it, never passed
    over: the reports in it would be missing from the run without a word."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        raise _unreadable(folder, exc) from exc
    for e in entries:
        if e.name.startswith("."):
            continue
        if e.is_dir(follow_symlinks=False):
            yield from _walk(Path(e.path), suffixes)
        elif os.path.splitext(e.name)[1].lower() in suffixes and _is_file(e):
            yield Path(e.path)


def _is_file(e: os.DirEntry[str]) -> bool:
    """Whether ``e`` is a file, or a link to one; a link whose target cannot be looked at
    (permission denied) counts as one, to fail naming itself when read rather than be passed over."""
    try:
        return e.is_file()
    except OSError:
        return True


def _glob(pattern: str) -> Iterator[str]:
    """The names ``glob.iglob(pattern, recursive=True)`` gives (``*``, ``?`` and ``[…]`` within
    a name, hidden names only to a pattern starting with a dot, ``**`` any depth of folders),
    found the same way, except that a folder it has to list and cannot (permission denied) is
    a ReadError naming it, where glob passes over it in silence. A folder that does not exist
    (``nomatch/*.txt``) lists as empty, as in glob."""
    dirname, basename = os.path.split(pattern)
    if not _has_magic(pattern):
        if (os.path.lexists(pattern) if basename else os.path.isdir(dirname)):
            yield pattern
        return
    dirs: Iterable[str]
    if dirname and dirname != pattern and _has_magic(dirname):
        dirs = (d for d in _glob(dirname) if os.path.isdir(d))
    else:
        dirs = [dirname]
    for folder in dirs:
        if basename == "**":
            names: Iterable[str] = _every_name(folder)
        elif _has_magic(basename):
            names = fnmatch.filter(_names(folder, hidden=basename.startswith(".")), basename)
        elif basename:
            names = [basename] if os.path.lexists(os.path.join(folder, basename)) else []
        else:  # "reports*/": folders only
            names = [basename] if os.path.isdir(folder) else []
        for name in names:
            yield os.path.join(folder, name) if folder else name


def _names(folder: str, *, hidden: bool = False) -> list[str]:
    """The names in ``folder`` (the working folder for ""), hidden ones only if ``hidden``; none for
    a folder that does not exist or a file, or past the end of a loop of links (``**`` follows
    links to folders, as glob does); a ReadError for a folder that cannot be listed."""
    try:
        with os.scandir(folder or os.curdir) as it:
            return [e.name for e in it if hidden or not e.name.startswith(".")]
    except OSError as exc:
        if exc.errno in _NOT_A_FOLDER:
            return []
        raise _unreadable(folder, exc) from exc


# what glob takes for "no folder here": none, a file, a path through a loop of links (each
# name of it a copy of what was seen already) or one grown too long by it
_NOT_A_FOLDER = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.ENAMETOOLONG})


def _every_name(folder: str) -> Iterator[str]:
    """What ``**`` matches in ``folder``: "" (the folder itself), then every name below it that
    is not hidden, at any depth, as paths relative to ``folder``."""
    yield ""
    for name in _names(folder):
        for below in _every_name(os.path.join(folder, name) if folder else name):
            yield os.path.join(name, below) if below else name


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
    reports are). A folder that cannot be listed (permission denied), one named or one a folder
    or a glob leads to, is a ReadError naming it: its reports are never passed over in silence."""
    suffixes = REPORT_SUFFIXES | TABLE_SUFFIXES if tables else REPORT_SUFFIXES
    seen: set[str] = set()
    for item in inputs:
        name = os.fspath(item)
        if not name:  # Path("") is ".": an unset variable would name the working folder
            raise InputError("an empty path names no file or folder")
        p = Path(name)
        try:
            mode: int | None = p.stat().st_mode
        except (OSError, ValueError):  # missing, behind a folder that cannot be searched, a NUL in
            mode = None  # the name: to fail when read, naming it
        found: Iterable[Path]
        if mode is not None and stat.S_ISDIR(mode):
            found = _walk(p, suffixes)
        elif mode is not None and not stat.S_ISREG(mode):  # a pipe or a device: reading it may never end
            raise InputError(NOT_A_FILE, path=name)
        elif mode is not None or not _has_magic(name):
            found = (p,)
        else:
            found = sorted(Path(m) for m in _glob(name) if os.path.isfile(m))
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
