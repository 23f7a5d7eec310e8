"""The optional compiled build (setup.py with ``WORKREPORT_COMPILE=1``) extracts exactly the facts
of the pure Python package, and really is compiled.

The package's sources are copied to a temporary folder (never built in ``src/``), and compiled
there, as the benchmarks do it (``bench/compiled.py``: ``copy_sources``, ``build_in_place``). A fresh
process with that copy first on ``sys.path`` extracts every report of the fact baseline
(tests/make_fact_baseline.py: ``tests/data/reports``, and the shared corpus and seeds when
present): the pure facts. Then mypyc compiles the copy's ``workreport.buildinfo.COMPILED_MODULES``
in place, and another fresh process extracts the same reports again: every module of the
list must have been loaded from an extension module, and every report's facts (every field,
spans included) must be identical.

mypyc's C files and gcc's objects are kept in ``$WORKREPORT_COMPILE_CACHE`` (default
``<tempdir>/workreport-compiled-build``): the first build takes a few minutes of CPU, a
rebuild of unchanged sources mostly mypy's type check. The in-tree build is checked too:
extension modules left in ``src/`` by ``make compiled`` must not be older than their source.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MISSING, ROOT, bench_module

CACHE = Path(
    os.environ.get("WORKREPORT_COMPILE_CACHE", Path(tempfile.gettempdir()) / "workreport-compiled-build")
)

# run in the copy: every report of the baseline's sources → its facts as FACTS.md's JSON
EXTRACT = r"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("make_fact_baseline", sys.argv[1])
baseline = importlib.util.module_from_spec(spec)
spec.loader.exec_module(baseline)
import workreport
from workreport import buildinfo
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write(json.dumps({"workreport": workreport.__file__, "kind": buildinfo.build_kind(),
                          "modules": buildinfo.module_files()}) + "\n")
    for key, path in baseline.report_files():
        out.write(json.dumps({"report": key, "facts": baseline.facts_of(path)}, ensure_ascii=False) + "\n")
"""


@dataclass
class Run:
    """One extraction of every report in a process importing the copy."""

    info: dict[str, Any]
    facts: dict[str, list[dict[str, Any]]]


@dataclass
class Builds:
    """The copy, the pure run before the compile, the compiled run after it."""

    copy: Path
    pure: Run
    compiled: Run
    build_log: str


def _extract(copy: Path, out: Path) -> Run:
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    subprocess.run(
        [sys.executable, "-c", EXTRACT, str(ROOT / "tests" / "make_fact_baseline.py"), str(out)],
        cwd=copy,
        env=env,
        check=True,
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    info = json.loads(lines[0])
    facts = {row["report"]: row["facts"] for row in map(json.loads, lines[1:])}
    return Run(info, facts)


def _bench_compiled() -> Any:
    return bench_module("compiled")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    pytest.importorskip("mypyc.build", reason=f"mypyc {MISSING} (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("compiled")
    copy = work / "workreport"
    copy.mkdir()
    building = _bench_compiled()  # the one way to copy and compile the package: bench/compiled.py
    building.copy_sources(ROOT, copy)
    pure = _extract(copy, work / "pure.jsonl")

    with building.locked(CACHE):  # two runs at once share the cache in turn
        failed = building.build_in_place(copy, CACHE)
    log = (copy / "build.log").read_text(encoding="utf-8")
    if failed:
        pytest.fail(f"{failed}:\n{log[-4000:]}")
    compiled = _extract(copy, work / "compiled.jsonl")
    yield Builds(copy, pure, compiled, log)


def test_the_copy_is_imported_and_pure_before_the_build(builds: Builds) -> None:
    assert builds.pure.info["workreport"].startswith(str(builds.copy / "src"))
    assert builds.pure.info["kind"] == "pure Python"
    assert all(path.endswith(".py") for path in builds.pure.info["modules"].values())


def test_every_listed_module_is_loaded_compiled(builds: Builds) -> None:
    from workreport.buildinfo import COMPILED_MODULES

    info = builds.compiled.info
    assert info["workreport"].startswith(str(builds.copy / "src"))
    assert sorted(info["modules"]) == sorted(COMPILED_MODULES)
    not_compiled = {m: p for m, p in info["modules"].items() if not p.endswith(".so")}
    assert not not_compiled, f"loaded from source, not compiled: {not_compiled}"
    for path in info["modules"].values():
        assert Path(path).is_relative_to(builds.copy / "src")
    assert info["kind"] == "compiled"
    # nothing was built in the repository's own tree
    assert not [p for p in (ROOT / "src").rglob("*.so") if p.stat().st_mtime > builds.copy.stat().st_mtime]


def _compare(builds: Builds, prefixes: tuple[str, ...]) -> int:
    from tests.test_fact_baseline import baseline  # first_differences: what a mismatch shows

    keys = sorted(k for k in builds.pure.facts if k.startswith(prefixes))
    assert sorted(k for k in builds.compiled.facts if k.startswith(prefixes)) == keys
    differ = []
    for key in keys:
        old, new = builds.pure.facts[key], builds.compiled.facts[key]
        if old != new:
            lines = "\n    ".join(baseline.first_differences(old, new))
            differ.append(f"{key}:\n    {lines}")
    assert not differ, "compiled facts differ from the pure ones (pure -> compiled):\n" + "\n".join(differ)
    return len(keys)


def test_same_facts_on_the_projects_own_reports(builds: Builds) -> None:
    n = _compare(builds, ("reports/",))
    assert n >= 2
    assert sum(len(builds.compiled.facts[k]) for k in builds.compiled.facts if k.startswith("reports/")) > 0


def test_same_facts_on_the_shared_corpus_and_seeds(builds: Builds) -> None:
    from tests.test_fact_baseline import STORED

    shared = [k for k in STORED if not k.startswith("reports/")]
    present = [k for k in shared if k in builds.pure.facts]
    if not present:
        pytest.skip(
            f"shared material {MISSING}: the corpus and seeds of the fact baseline (set WORKREPORT_SHARED)"
        )
    assert set(shared) <= set(builds.pure.facts), (
        "run python tests/make_fact_baseline.py: reports are missing"
    )
    _compare(builds, ("corpus/", "seeds/"))


def test_no_stale_compiled_modules_in_the_tree() -> None:
    """``make compiled`` builds in src/; after an edit the old extension module would still be
    imported in preference to the edited source, and the suite would test the old code."""
    from workreport import buildinfo

    assert buildinfo.stale_modules() == [], (
        f"stale in-place build ({buildinfo.describe()}): run make compiled again, or make pure"
    )
    assert buildinfo.build_kind() != buildinfo.MIXED, buildinfo.describe()


def test_an_incremental_build_is_dated_by_its_shared_library(tmp_path: Path) -> None:
    """mypyc keeps every module's code in one shared library beside the package and gives each
    module a small loader that an incremental build leaves untouched: a module counts as built
    when the newer of the two was, so an edit rebuilt is not called stale, and an edit not yet
    rebuilt still is."""
    from workreport import buildinfo

    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    folder = tmp_path / "src" / "workreport" / "pipeline" / "extract"
    folder.mkdir(parents=True)
    loader, package_loader = folder / f"mentions{suffix}", folder / f"__init__{suffix}"
    shared = tmp_path / "src" / f"workreport__mypyc{suffix}"
    for f, when in ((loader, 1000), (package_loader, 1000), (shared, 5000)):
        f.write_bytes(b"")
        os.utime(f, (when, when))
    assert buildinfo._built_at(str(loader), "workreport.pipeline.extract.mentions") == 5000
    assert buildinfo._built_at(str(package_loader), "workreport.pipeline.extract") == 5000
    shared.unlink()  # a build without one (each module its own library): the module's own date
    assert buildinfo._built_at(str(loader), "workreport.pipeline.extract.mentions") == 1000
