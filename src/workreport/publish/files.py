"""The one atomic file writer: a file is written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[str]]:
    """Open a hidden temporary file beside ``path`` and rename it over ``path`` when the block
    ends; if the block raises, ``path`` is untouched and the temporary file removed."""
    target = Path(path)
    tmp = _temporary(target)
    kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
    try:
        with _named_as(target), open(tmp, mode, **kwargs) as fh:  # type: ignore[call-overload]
            yield fh
        with _named_as(target):
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


@contextlib.contextmanager
def _named_as(target: Path) -> Iterator[None]:
    """An OSError about the temporary file named as the file the user asked for: a message
    naming ``out/.facts.csv.4711.tmp`` would send them looking for a file they never named."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None and Path(exc.filename).name.endswith(".tmp"):
            raise type(exc)(exc.errno, exc.strerror, str(target)) from exc
        raise


class FileSet:
    """Files that belong together (a data package) written all or none: :meth:`open` streams each
    to a temporary file beside its path; :meth:`commit` renames them over their paths, each path
    first checked to be no folder. Used as a context manager, it commits when the block ends and
    removes the temporary files in any case, so a failure touches no path."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    @contextlib.contextmanager
    def open(self, path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
        """A file to write ``path`` with, renamed over it on :meth:`commit`."""
        target = Path(path)
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
        tmp = _temporary(target)
        self._staged.append((tmp, target))
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with _named_as(target), open(tmp, mode, **kwargs) as fh:  # type: ignore[call-overload]
            yield fh

    def write(self, path: str | os.PathLike[str], data: str | bytes) -> None:
        """``data`` (text as UTF-8) for ``path``."""
        with self.open(path, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    def commit(self) -> None:
        """Rename every file written over its path."""
        for tmp, target in self._staged:
            with _named_as(target):
                os.replace(tmp, target)

    def __enter__(self) -> FileSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            for tmp, _target in self._staged:
                tmp.unlink(missing_ok=True)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all."""
    with atomic_open(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)  # type: ignore[arg-type]
