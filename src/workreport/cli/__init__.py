"""The ``workreport`` command: a thin front end over the library.

Every command parses its input, calls the library and turns a WorkreportError into one line
on stderr and a non-zero exit, never a traceback. ``common``: the group, errors, tables;
``extract``, ``registry``, ``serve``: the commands.
"""

from __future__ import annotations

from workreport.cli import extract, panel, progress, registry, serve  # noqa: F401  (each registers its commands)
from workreport.cli.common import main, run

__all__ = ["main", "run"]
