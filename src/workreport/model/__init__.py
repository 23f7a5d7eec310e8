"""The data model: plain dataclasses every layer shares, and the one schema of a fact.

``document``: :class:`Span`, :class:`Document`, :class:`Section`, :class:`Metadata`,
:class:`Paragraph`, :class:`Structure`; ``fact``: :class:`Fact` and its schema;
``commitment``: :class:`Commitment`, :class:`Observation`; ``labels``: the Chinese words
for statuses, kinds, levels and changes.
"""

from __future__ import annotations

from workreport.model.commitment import STATUSES, TASK_STATUSES, Commitment, Observation
from workreport.model.document import (
    Document,
    Metadata,
    Paragraph,
    Role,
    Section,
    Span,
    Structure,
    as_document,
)
from workreport.model.fact import (
    COMPARATORS,
    CORRECTABLE,
    FACT_FIELDS,
    FACT_SCHEMA,
    KINDS,
    MEASURES,
    Comparator,
    Fact,
    FieldSpec,
    Kind,
    Measure,
    coerce_field,
)

__all__ = [
    "COMPARATORS",
    "CORRECTABLE",
    "FACT_FIELDS",
    "FACT_SCHEMA",
    "KINDS",
    "MEASURES",
    "STATUSES",
    "TASK_STATUSES",
    "Commitment",
    "Comparator",
    "Document",
    "Fact",
    "FieldSpec",
    "Kind",
    "Measure",
    "Metadata",
    "Observation",
    "Paragraph",
    "Role",
    "Section",
    "Span",
    "Structure",
    "as_document",
    "coerce_field",
]
