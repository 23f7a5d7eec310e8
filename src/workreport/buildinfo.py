"""Which build of workreport is imported: the pure Python package (the default) or the optional
compiled one (``WORKREPORT_COMPILE=1 pip install .`` or ``make compiled``: mypyc turns the
extractor's hot modules into C extension modules, with the same output).

``COMPILED_MODULES`` is the one list of those modules: setup.py compiles these, and
``build_kind()`` looks at them. No imports of the package here, so setup.py can read it
without installing anything.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os

# the extractor's hot modules (the profile of bench/run.py), in the order they matter
COMPILED_MODULES = (
    "workreport.pipeline.extract.mentions",
    "workreport.pipeline.extract.facts",
    "workreport.pipeline.extract.reading",
    "workreport.pipeline.extract.labels",
    "workreport.pipeline.extract.vocabulary",
    "workreport.pipeline.extract",
    "workreport.pipeline.numerals",
    "workreport.pipeline.normalise",
    "workreport.pipeline.structure",
    "workreport.pipeline.places",
    "workreport.pipeline.tasks",
    "workreport.pipeline.resolve",
)

COMPILED = "compiled"
PURE = "pure Python"
MIXED = "mixed"


def module_files() -> dict[str, str]:
    """Each of ``COMPILED_MODULES`` (imported) → the file it was loaded from."""
    return {name: importlib.import_module(name).__file__ or "" for name in COMPILED_MODULES}


_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def _is_extension(path: str) -> bool:
    return path.endswith(_SUFFIXES)


def build_kind() -> str:
    """``compiled`` when every module of ``COMPILED_MODULES`` was loaded from an extension
    module, ``pure Python`` when none was, ``mixed`` otherwise (a broken or partial build)."""
    flags = [_is_extension(path) for path in module_files().values()]
    if all(flags):
        return COMPILED
    return MIXED if any(flags) else PURE


def stale_modules() -> list[str]:
    """Compiled modules whose ``.py`` beside them changed after they were built (an in-place
    build that no longer matches the source: ``make compiled`` again, or ``make pure``).

    Python imports the extension module in preference to the ``.py``, so an edit of a
    compiled module has no effect until it is rebuilt."""
    out = []
    for name, path in module_files().items():
        if not _is_extension(path):
            continue
        source = os.path.join(os.path.dirname(path), os.path.basename(path).split(".", 1)[0] + ".py")
        # 2 s of slack: an installed wheel writes both files within the same moment
        if os.path.exists(source) and os.path.getmtime(source) > _built_at(path, name) + 2:
            out.append(name)
    return out


def _built_at(path: str, name: str) -> float:
    """When the code of compiled module ``name`` (loaded from ``path``) was built: mypyc puts
    every module's code in one shared library beside the package (``workreport__mypyc…``) and
    gives each module a small extension that only loads it, which an incremental build (kept C
    files: ``WORKREPORT_COMPILE_DIR``) leaves as it was, so the newer of the two counts."""
    root = os.path.dirname(path)
    for _ in range(name.count(".") + os.path.basename(path).startswith("__init__.")):  # up to the package's folder
        root = os.path.dirname(root)
    shared = [os.path.join(root, "workreport__mypyc" + s) for s in _SUFFIXES]
    return max([os.path.getmtime(path), *(os.path.getmtime(f) for f in shared if os.path.exists(f))])


def describe() -> str:
    """One line for ``workreport --version`` and test headers: the build, and a stale warning."""
    kind = build_kind()
    if kind == MIXED:
        files = module_files()
        compiled = [n for n, p in files.items() if _is_extension(p)]
        kind = (
            f"mixed: {len(compiled)} of {len(files)} extractor modules compiled (make compiled, or make pure)"
        )
    stale = stale_modules()
    if stale:
        kind += f"; STALE, source changed after the build: {', '.join(stale)} (make compiled, or make pure)"
    return kind
