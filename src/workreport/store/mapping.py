"""The one mapping between a :class:`~workreport.model.Fact` and its database row: its columns."""

from __future__ import annotations

from typing import Any

from workreport.model import FACT_FIELDS, Fact

# what a fact row adds to the Fact fields: where it is stored and who last changed it
ROW_FIELDS: tuple[str, ...] = ("id", "document_id", "key", *FACT_FIELDS, "jurisdiction_id", "extractor_version", "corrected")



def fact_of(row: Any) -> Fact:
    """The :class:`Fact` a stored row holds, corrections included."""
    return Fact(**{name: getattr(row, name) for name in FACT_FIELDS})
