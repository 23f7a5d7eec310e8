"""The optional compiled build: ``WORKREPORT_COMPILE=1 pip install .`` (or ``make compiled``).

Everything about the package is in pyproject.toml; this file only adds extension modules, and
only when ``WORKREPORT_COMPILE=1`` is set: then mypyc compiles the extractor's hot modules
(``workreport.buildinfo.COMPILED_MODULES``) to C extension modules. Without the variable (the
default) the build is the pure Python package. The compiled modules give the same facts as
the pure ones (tests/test_compiled_build.py); ``workreport --version`` says which build is
imported (``workreport.buildinfo.build_kind()``).

``WORKREPORT_COMPILE_DIR`` sets where mypyc writes its C files (default ``build/mypyc``): a
kept folder makes a rebuild compile only what changed.
"""

from __future__ import annotations

import os
import runpy
import sys

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
# the one list of compiled modules is workreport.buildinfo.COMPILED_MODULES (read, not imported:
# the package's dependencies need not be installed to build it)
_INFO = runpy.run_path(os.path.join(HERE, "src", "workreport", "buildinfo.py"))


def _path(module: str) -> str:
    base = os.path.join("src", *module.split("."))
    return os.path.join(base, "__init__.py") if os.path.isdir(os.path.join(HERE, base)) else base + ".py"


COMPILED = [_path(m) for m in _INFO["COMPILED_MODULES"]]
MYPY_REQUIREMENT = "mypy>=1.10"  # mypyc ships with mypy


def _wanted() -> bool:
    value = os.environ.get("WORKREPORT_COMPILE", "").strip().lower()
    if value in ("", "0", "no", "false"):
        return False
    if value in ("1", "yes", "true"):
        return True
    sys.exit(f"WORKREPORT_COMPILE={value!r}: use 1 (compiled build) or 0 / unset (pure Python)")


# the commands that compile; the others (pip's metadata steps: egg_info, dist_info) only need
# to know that the build wants mypy, and are not made to wait for a compile
_BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}


def _extensions() -> list[object]:
    if not _BUILDS & set(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        # pip's isolated build installs setup_requires (below) before it builds; anywhere
        # else a missing mypy must not quietly give a pure build
        sys.exit(f"WORKREPORT_COMPILE=1 needs mypyc: pip install '{MYPY_REQUIREMENT}'")
    return list(
        mypycify(
            COMPILED,
            opt_level="3",
            target_dir=os.environ.get("WORKREPORT_COMPILE_DIR", os.path.join("build", "mypyc")),
            group_name="workreport",
        )
    )


if _wanted():
    setup(ext_modules=_extensions(), setup_requires=[MYPY_REQUIREMENT])
else:
    setup()
