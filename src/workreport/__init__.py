"""workreport: source-grounded facts from Chinese government work reports.

>>> import workreport
>>> doc = workreport.read("report.txt")          # any encoding; .html, .docx, .pdf too
>>> facts = workreport.extract(doc)               # FACTS.md facts with exact spans
>>> workreport.inspect(doc).metadata.jurisdiction

The public names load lazily, so ``import workreport`` stays light: the database, the web
app and the 数读 reading are imported only when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from workreport.errors import (
    GoldError,
    InputError,
    NotFoundError,
    NumeralError,
    ReadError,
    RulesError,
    StoreError,
    WorkreportError,
)
from workreport.version import __version__

if TYPE_CHECKING:
    from workreport.model import Document, Fact, Metadata, Paragraph, Section, Span, Structure
    from workreport.pipeline.evaluate import GoldKey, Score, load_gold, score
    from workreport.pipeline.extract import extract
    from workreport.pipeline.numerals import parse_numeral
    from workreport.pipeline.read import read, read_bytes
    from workreport.pipeline.structure import structure as inspect
    from workreport.publish.digest import digest

# public name → (module, attribute)
_LAZY = {
    "Document": ("workreport.model", "Document"),
    "Fact": ("workreport.model", "Fact"),
    "Metadata": ("workreport.model", "Metadata"),
    "Paragraph": ("workreport.model", "Paragraph"),
    "Section": ("workreport.model", "Section"),
    "Span": ("workreport.model", "Span"),
    "Structure": ("workreport.model", "Structure"),
    "GoldKey": ("workreport.pipeline.evaluate", "GoldKey"),
    "Score": ("workreport.pipeline.evaluate", "Score"),
    "load_gold": ("workreport.pipeline.evaluate", "load_gold"),
    "score": ("workreport.pipeline.evaluate", "score"),
    "extract": ("workreport.pipeline.extract", "extract"),
    "parse_numeral": ("workreport.pipeline.numerals", "parse_numeral"),
    "read": ("workreport.pipeline.read", "read"),
    "read_bytes": ("workreport.pipeline.read", "read_bytes"),
    "inspect": ("workreport.pipeline.structure", "structure"),
    "digest": ("workreport.publish.digest", "digest"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'workreport' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Document",
    "Fact",
    "GoldError",
    "GoldKey",
    "InputError",
    "Metadata",
    "NotFoundError",
    "NumeralError",
    "Paragraph",
    "ReadError",
    "RulesError",
    "Score",
    "Section",
    "Span",
    "StoreError",
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
