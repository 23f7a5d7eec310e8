"""What every command shares: the command group, clean errors, aligned tables, the database option."""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import unicodedata
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from workreport.errors import WorkreportError
from workreport.model import Fact
from workreport.model.fact import YEARS
from workreport.rules.numbers import fact_number_text, number_text
from workreport.version import __version__

F = TypeVar("F", bound=Callable[..., Any])

FACT_FIELDS = tuple(f.name for f in dataclasses.fields(Fact))

__all__ = ["FACT_FIELDS", "clip", "emit", "fact_number_text", "fails_cleanly", "main", "number_text", "run", "table", "wrap"]

INTERRUPTED_EXIT = 130  # 128 + SIGINT, as a shell reports a command Ctrl-C stopped


def fails_cleanly(fn: F) -> F:
    """Wrap a command so a WorkreportError, or a file it cannot read or write, prints one line and
    exits 1, a closed pipe exits 0, and Ctrl-C prints what the interrupted work kept (the notes
    the library added) and exits 130."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorkreportError as exc:
            click.echo(f"workreport: error: {exc}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            sys.exit(0)
        except OSError as exc:  # a file or folder the command cannot read or write
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"workreport: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:
            kept = "; ".join(getattr(exc, "__notes__", ()))
            click.echo(f"workreport: interrupted{': ' + kept if kept else ''}", err=True)
            sys.exit(INTERRUPTED_EXIT)

    return wrapper  # type: ignore[return-value]

def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from workreport.buildinfo import describe  # imports the extractor: only when asked

    click.echo(f"workreport, version {__version__} ({describe()})")
    ctx.exit()


@click.group()
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and the build (pure Python, or compiled: README) and exit.",
)
def main() -> None:
    """Facts, targets and outcomes from Chinese government work reports (政府工作报告)."""

def run() -> None:
    """The ``workreport`` command (and ``python -m workreport.cli``): :func:`main`, after which
    Ctrl-C no longer interrupts the exit. The command has said all it has to say; a Ctrl-C
    during the clean-up at exit (multiprocessing joining its helper processes) would only
    print a traceback."""
    try:
        main()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))

def clip(s: str, width: int) -> str:
    """``s`` cut to ``width`` display columns, ending in … when cut (CJK characters count two)."""
    out, used = "", 0
    for c in s:
        w = _width(c)
        if used + w > width - 1 and _width(s) > width:
            return out + "…"
        out, used = out + c, used + w
    return out

def wrap(s: str, width: int) -> list[str]:
    """``s`` cut into lines of at most ``width`` display columns (CJK characters count two),
    nothing lost: a long cell continues on the next line instead of ending in …."""
    lines, line, used = [], "", 0
    for c in s:
        w = _width(c)
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0
        line, used = line + c, used + w
    lines.append(line)
    return lines

def table(rows: Sequence[Sequence[str]], header: Sequence[str], limits: Sequence[int] | None = None) -> str:
    """A plain-text table whose columns stay aligned with Chinese (double-width) text.

    ``limits`` are column widths: a longer cell is wrapped onto continuation lines, never cut."""
    cells = [list(header)] + [[str(c).replace("\n", " ") for c in r] for r in rows]
    if limits:
        widths = [
            min(limits[i], max(_width(r[i]) for r in cells)) if i < len(limits) else max(_width(r[i]) for r in cells)
            for i in range(len(header))
        ]
        widths = [max(w, _width(header[i]), 2) for i, w in enumerate(widths)]
    else:
        widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for r in cells:
        parts = [wrap(c, widths[i]) for i, c in enumerate(r)]
        for k in range(max(len(p) for p in parts)):
            row = [p[k] if k < len(p) else "" for p in parts]
            lines.append("  ".join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

def emit(text: str, output: Path | None) -> None:
    """Write ``text`` to stdout, or whole to ``output`` (through a .part file) and say so."""
    if output is None:
        click.echo(text, nl=False)
        return
    from workreport.publish.files import write_atomic

    write_atomic(output, text)  # whole or nothing: no half-written output
    click.echo(f"wrote {output}", err=True)

DB_OPTION = click.option(
    "--db",
    envvar="WORKREPORT_DATABASE_URL",
    default=None,
    help="Database URL or SQLite path (default: WORKREPORT_DATABASE_URL, else the file `workreport info` shows).",
)
WHO_OPTION = click.option(
    "--who",
    default=lambda: os.environ.get("USER") or "cli",
    show_default="$USER",
    help="Who makes the change (kept in the audit log).",
)

# a year an option takes: one a fact may be about
YEAR = click.IntRange(YEARS.start, YEARS.stop - 1)


def open_db(db: str | None, *, create: bool = False) -> Any:
    """The Database at ``db`` (a URL or SQLite path; None for the default), imported only when needed.

    Only a command that brings reports of its own (``ingest``, ``demo``) passes ``create``: it
    may make a new SQLite file (and its folder). Every other command, reading or changing what
    is stored, refuses an SQLite file that does not exist, creating nothing: a mistyped
    ``--db`` would otherwise be a new, empty database that answers with nothing found."""
    from workreport.store import Database

    if not create:
        missing = _missing_sqlite_file(db)
        if missing is not None:
            from workreport.errors import StoreError

            ctx = click.get_current_context(silent=True)
            from_env = ctx is not None and ctx.get_parameter_source("db") is click.core.ParameterSource.ENVIRONMENT
            where = "give --db" if not db else "check WORKREPORT_DATABASE_URL" if from_env else "check --db"
            raise StoreError(f"no database at {missing}: run `workreport ingest` first, or {where}")
    return Database(db)


def _missing_sqlite_file(db: str | None) -> str | None:
    """The file of the SQLite database ``db`` names (as :class:`~workreport.store.Database`
    resolves it) if that file does not exist; None if it does, or for a database that is not
    an SQLite file (a server's URL, one in memory, a malformed URL: opening it says what is
    wrong)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from workreport.store import resolve_url

    try:
        url = make_url(resolve_url(db))
    except ArgumentError:
        return None
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:" or url.query.get("mode") == "memory":
        return None
    if str(url.query.get("uri", "")).lower() in ("true", "1") and name.startswith("file:"):
        name = name.removeprefix("file:")  # sqlite:///file:registry.sqlite?mode=ro&uri=true
    return None if os.path.exists(name) else name
