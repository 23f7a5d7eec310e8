"""The other build for the benchmarks: a compiled (or pure) copy of this checkout's package.

    from compiled import compiled_src, other_build
    src, note = compiled_src()   # the copy's src folder (None: why not, in one line)

``compiled_src()`` returns the ``src`` folder of a copy of this checkout's package whose
extractor modules (``workreport.buildinfo.COMPILED_MODULES``) mypyc has compiled, building it
first if need be (setup.py with ``WORKREPORT_COMPILE=1``, as ``make compiled``, but never in
``src/``). A benchmark runs a subprocess with that folder first on ``PYTHONPATH``.

The copies live in ``$TMPDIR/workreport-bench/compiled/`` (``tempfile.gettempdir()``), one
folder per digest of what the build depends on: every file of ``src/workreport`` (build
products and caches left out), ``setup.py``, ``pyproject.toml``, and the versions of Python
and mypy. An unchanged tree reuses its copy at once; a changed one builds a new copy, and
mypyc's C files (``WORKREPORT_COMPILE_DIR``) and gcc's objects are kept in that folder across
builds, so a rebuild compiles only what changed (the first build takes about 3 CPU-minutes,
most of it gcc on one C file; a rebuild mostly mypy's type check). The 3 most recently used
copies are kept. Every copy, new or reused, is checked in a fresh process: it must import
from the copy and ``workreport.buildinfo.build_kind()`` must say ``compiled``.

Nothing here raises for a missing mypy, a missing C compiler or a failed build: the caller
gets ``None`` and a one-line reason to print, and the benchmark goes on without the figure
(the full build log is kept in the cache folder). ``pure_src()`` does the same for a pure
copy (the sources without extension modules), for a run whose imported build is compiled.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "workreport-bench"
KEEP = 3  # copies kept per kind (the most recently used)
BUILD_PRODUCTS = (".so", ".pyd", ".pyc", ".o", ".c")
COMPILED = "compiled"
PURE = "pure Python"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _source_files(root: Path) -> Iterator[Path]:
    package = root / "src" / "workreport"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(BUILD_PRODUCTS):
            yield path
    for name in ("setup.py", "pyproject.toml"):
        yield root / name


def _mypy_version() -> str | None:
    try:
        return importlib.metadata.version("mypy")
    except importlib.metadata.PackageNotFoundError:
        return None


def digest(root: Path = ROOT) -> str:
    """What a build depends on: the package's files, setup.py, pyproject.toml, Python, mypy."""
    h = hashlib.sha256()
    h.update(f"{sys.version}|{platform.machine()}|mypy {_mypy_version()}".encode())
    for path in _source_files(root):
        h.update(b"\0" + str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def env_with(src: Path) -> dict[str, str]:
    """This environment with ``src`` first on ``PYTHONPATH`` (before the editable install)."""
    rest = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(src) + (os.pathsep + rest if rest else "")}


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Two benchmarks at once build and prune in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def copy_sources(root: Path, dest: Path) -> None:
    shutil.copytree(
        root / "src",
        dest / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.egg-info"),
    )
    for name in ("setup.py", "pyproject.toml", "README.md"):  # README.md: pyproject's readme
        shutil.copy2(root / name, dest / name)


def _prune(folder: Path, keep: Path) -> None:
    copies = sorted(
        (p for p in folder.iterdir() if p.is_dir() and p.name.startswith("copy-") and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in copies[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def verify(src: Path, want: str) -> str | None:
    """None when a fresh process with ``src`` first on PYTHONPATH imports workreport from there
    and its build is ``want``; else why not, in one line."""
    code = (
        "import json, workreport; from workreport import buildinfo; "
        "print(json.dumps({'file': workreport.__file__, 'kind': buildinfo.build_kind(), "
        "'describe': buildinfo.describe()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=src.parent, env=env_with(src), capture_output=True, text=True
    )
    if done.returncode != 0:
        return f"the copy does not import: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
    info = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(info["file"]).resolve().is_relative_to(src.resolve()):
        return f"workreport was imported from {info['file']}, not from the copy in {src}"
    if info["kind"] != want or info["describe"] != want:
        return f"the copy in {src} imports as {info['describe']!r}, not {want!r}"
    return None


def build_in_place(copy: Path, cache: Path) -> str | None:
    """Compile ``copy`` in place; None, or why it failed (one line; the log is kept)."""
    env = {
        **os.environ,
        "WORKREPORT_COMPILE": "1",
        "WORKREPORT_COMPILE_DIR": str(cache / "c"),  # mypyc rewrites a C file only if it changed
        "PYTHONPATH": "",
    }
    command = [
        sys.executable,
        "setup.py",
        "--quiet",
        "build_ext",
        "--inplace",
        "--build-temp",
        str(cache / "temp"),  # gcc skips objects newer than their C file
        "--build-lib",
        str(cache / "lib"),
    ]
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
    (copy / "build.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode == 0:
        return None
    shutil.copy2(copy / "build.log", cache / "failed-build.log")
    lines = [s.strip() for s in (done.stdout + done.stderr).splitlines() if s.strip()]
    errors = [s for s in lines if "error" in s.lower()]
    last = (errors or lines or ["no output"])[-1][:200]
    return f"the compiled build failed (exit {done.returncode}): {last} (log: {cache / 'failed-build.log'})"


def compiled_src(root: Path = ROOT) -> tuple[Path | None, str]:
    """The ``src`` folder of a compiled copy of ``root``'s package (built if need be), and a
    note on it; or None and why there is none (one line)."""
    if _mypy_version() is None:
        return None, "mypy (which ships mypyc) is not installed: pip install -e '.[test]'"
    cache = CACHE / "compiled"
    key = digest(root)
    copy = cache / f"copy-{key}"
    with locked(cache):
        started = time.perf_counter()
        if not (copy / "src").is_dir():
            log("compiling the extractor with mypyc (about 3 CPU-minutes the first time) …")
            work = cache / f"building-{key}"
            shutil.rmtree(work, ignore_errors=True)
            copy_sources(root, work)
            failed = build_in_place(work, cache)
            if failed:
                shutil.rmtree(work, ignore_errors=True)
                return None, failed
            work.rename(copy)
            built = f"built in {time.perf_counter() - started:.0f} s"
        else:
            built = "reused (unchanged sources)"
        os.utime(copy)  # most recently used: kept by _prune
        _prune(cache, copy)
        wrong = verify(copy / "src", COMPILED)
        if wrong:
            return None, wrong
    return copy / "src", f"compiled copy {built}: {copy / 'src'}"


def pure_src(root: Path = ROOT) -> tuple[Path | None, str]:
    """The ``src`` folder of a pure copy of ``root``'s package (its sources without extension
    modules), and a note; or None and why not."""
    cache = CACHE / "pure"
    copy = cache / f"copy-{digest(root)}"
    with locked(cache):
        if not (copy / "src").is_dir():
            work = cache / f"building-{copy.name}"
            shutil.rmtree(work, ignore_errors=True)
            copy_sources(root, work)
            work.rename(copy)
        os.utime(copy)
        _prune(cache, copy)
        wrong = verify(copy / "src", PURE)
        if wrong:
            return None, wrong
    return copy / "src", f"pure copy (no extension modules): {copy / 'src'}"


def other_build(imported: str) -> tuple[str, Path | None, str]:
    """For a run whose imported build is ``imported`` (``buildinfo.build_kind()``): the other
    build's kind, its copy's ``src`` (None: there is none) and the note on it. A mixed build
    counts as not compiled, so the other one is the compiled build."""
    if imported == COMPILED:
        return PURE, *pure_src()
    return COMPILED, *compiled_src()


if __name__ == "__main__":  # python bench/compiled.py: build (or find) the copy, say where
    found, note = compiled_src()
    print(found or f"no compiled copy: {note}")
    log(note)
    sys.exit(0 if found else 1)
