"""数读: a one-page reading of a work report, in Markdown or as one self-contained HTML file.

The reading is built in two steps. :func:`build_reading` (build.py) is pure: from a
document, its structure and its facts (and, optionally, last year's targets and outcomes
from the registry, :func:`load_history` in history.py) it makes a :class:`Reading`, plain
dataclasses (model.py) that both renderers use. :func:`render_markdown` (markdown.py) and
:func:`render_html` (html.py, with style.css and the charts of figures.py) turn a reading
into text.

Numbers are never made up. Every number a reading shows is a fact of the report (a
:class:`Number`, with its span), a fact of another report in the registry (an
:class:`ExternalNumber`, with its document and span), or, inside a verbatim excerpt of the
report, a digit that is not a fact (a :class:`Lit`, with its span: the 5 of 5G, the year
in a heading). In HTML a fact is a link to its span in the 原文 section at the end of the
page; in Markdown it carries a footnote quoting its sentence. The only numbers the
reading computes itself are the axis ticks of its charts.

>>> from workreport.publish.digest import digest
>>> html_page = digest(workreport.read("report.txt"), fmt="html")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workreport.errors import InputError
from workreport.model import Document, Fact
from workreport.pipeline.extract import extract
from workreport.pipeline.structure import structure as structure_of

from .build import build_reading
from .history import load_history
from .html import render_html
from .markdown import render_markdown
from .model import (
    Excerpt,
    ExternalNumber,
    Header,
    Highlight,
    Item,
    Lit,
    Number,
    PastTarget,
    Reading,
    TargetRow,
)

if TYPE_CHECKING:
    from workreport.store import Database

FORMATS = ("md", "html")

__all__ = [
    "FORMATS",
    "Excerpt",
    "ExternalNumber",
    "Header",
    "Highlight",
    "Item",
    "Lit",
    "Number",
    "PastTarget",
    "Reading",
    "TargetRow",
    "build_reading",
    "digest",
    "load_history",
    "render_html",
    "render_markdown",
]


def digest(
    doc: Document, *, fmt: str = "md", db: Database | None = None, facts: Sequence[Fact] | None = None
) -> str:
    """A 数读 reading of ``doc`` as Markdown (``fmt="md"``) or one self-contained HTML page.

    With ``db``, the targets table also shows last year's targets for the same place and
    how they were met, as the registry rates them (nothing is written to the database).
    ``facts``: the report's facts as stored, corrections included (a stored report's reading
    says what its pages say); else they are extracted from the text."""
    if fmt not in FORMATS:
        raise InputError(f"unknown digest format {fmt!r}: choose md or html")
    st = structure_of(doc)
    facts = list(facts) if facts is not None else extract(doc, st)
    history: list[PastTarget] | None = None
    meta = st.metadata
    if db is not None and meta.jurisdiction and meta.plan_year:
        history = load_history(db, meta.jurisdiction, meta.plan_year - 1)
    reading = build_reading(doc, st, facts, history)
    return render_html(reading) if fmt == "html" else render_markdown(reading)
