"""workreport: source-grounded facts from Chinese government work reports.

>>> import workreport
>>> doc = workreport.read("report.txt")          # any encoding; .html, .docx, .pdf too
>>> facts = workreport.extract(doc)               # FACTS.md facts with exact spans
>>> workreport.inspect(doc).metadata.jurisdiction
"""

from __future__ import annotations

from .core import Document, Fact, Metadata, Paragraph, Section, Span, Structure
from .digest import digest
from .errors import GoldError, NumeralError, ReadError, RulesError, WorkreportError
from .evaluate import GoldKey, Score, load_gold, score
from .extract import extract
from .numerals import parse_numeral
from .read import read, read_bytes
from .structure import structure as inspect
from .version import __version__

__all__ = [
    "Document",
    "Fact",
    "GoldError",
    "GoldKey",
    "Metadata",
    "NumeralError",
    "Paragraph",
    "ReadError",
    "RulesError",
    "Score",
    "Section",
    "Span",
    "Structure",
    "WorkreportError",
    "__version__",
    "digest",
    "extract",
    "inspect",
    "load_gold",
    "parse_numeral",
    "read",
    "read_bytes",
    "score",
]
