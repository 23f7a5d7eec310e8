"""The one mapping between a :class:`~workreport.model.Fact` and its database row."""

from __future__ import annotations

from typing import Any

from workreport.model import FACT_FIELDS, Fact

# what a fact row adds to the Fact fields: where it is stored and who last changed it
ROW_FIELDS: tuple[str, ...] = ("id", "document_id", "key", *FACT_FIELDS, "jurisdiction_id", "extractor_version", "corrected")


def fact_columns(f: Fact) -> dict[str, Any]:
    """The row columns of fact ``f``: every Fact field, by the schema's names."""
    return {name: (list(v) if isinstance(v := getattr(f, name), list) else v) for name in FACT_FIELDS}
