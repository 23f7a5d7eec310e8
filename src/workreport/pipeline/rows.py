"""``prepare``: the rows an extracted document is stored as, made where it was extracted.

What storing a document needs that depends on the document alone (its fact keys and rows, its
resolved commitments and observations) is made here, in a batch worker, so that the one
database writer only writes. Pure: no database, nothing of the store imported, so that a worker
starts without loading SQLAlchemy (half a second a worker)."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, fields
from typing import Any

from workreport.model import FACT_FIELDS, Commitment, Document, Fact, Observation, Structure
from workreport.pipeline.resolve import resolve

# the order of a fact row's values (every Fact field but its section, stored as JSON text) and
# of an observation row's (every field but its scope, which is kept last, to be placed)
FACT_VALUES: tuple[str, ...] = tuple(name for name in FACT_FIELDS if name != "section")
SCOPE_AT = FACT_VALUES.index("scope")
OBSERVATION_VALUES: tuple[str, ...] = tuple(f.name for f in fields(Observation) if f.name != "scope")
# one C call a row instead of a dict built field by field (dataclasses.asdict also deep-copied
# every value: a fifth of a worker's time on a document went to preparing its rows)
# a commitment row's values after its document and key (every field but its scope, which is
# placed, and its key; retired last), and the fields read off a Commitment for it
COMMITMENT_VALUES: tuple[str, ...] = (
    "type", "fact_key", "indicator_id", "indicator", "period", "measure", "comparator", "value",
    "value_max", "unit", "hedge", "classifier", "text", "start", "end", "retired",
)  # fmt: skip
_COMMITMENT_FIELDS = ("key", "scope", *COMMITMENT_VALUES[:-1])
_fact_values = operator.attrgetter(*FACT_VALUES)
_observation_values = operator.attrgetter(*OBSERVATION_VALUES, "scope")


@dataclass(slots=True)
class Prepared:
    """A document's rows, valid while no correction changes a fact (so for a document not
    stored before). Rows are plain tuples in the order the inserts take them (a fact's:
    :data:`FACT_VALUES`; an observation's: :data:`OBSERVATION_VALUES`, then its scope): from a
    worker they reach the writer in a smaller pickle, quicker to load than a dict a row, and
    the facts themselves need not travel too (:func:`facts_of`)."""

    keys: list[str]
    facts: list[tuple[Any, ...]]
    sections: list[str]  # each fact's section as the JSON text stored
    observations: list[tuple[Any, ...]]
    commitments: list[dict[str, Any]]  # by column name, ``scope`` not yet a place


def prepare(doc: Document, st: Structure, facts: list[Fact]) -> Prepared:
    """The :class:`Prepared` rows of an extracted document, without corrections."""
    resolution = resolve(doc, st, facts)
    return Prepared(
        keys=resolution.keys,
        facts=[_fact_values(f) for f in facts],
        sections=[json.dumps(f.section) for f in facts],  # as SQLAlchemy's JSON type writes it
        observations=[_observation_values(o) for o in resolution.observations],
        commitments=[commitment_values(c) for c in resolution.commitments],
    )


def facts_of(prepared: Prepared) -> list[Fact]:
    """The facts ``prepared`` was made from: its rows hold every field."""
    return [
        Fact(**dict(zip(FACT_VALUES, values, strict=True)), section=json.loads(section))
        for values, section in zip(prepared.facts, prepared.sections, strict=True)
    ]


def commitment_values(c: Commitment) -> dict[str, Any]:
    """A commitment's row by column name (``retired`` False), its scope still a name."""
    values = {name: getattr(c, name) for name in _COMMITMENT_FIELDS}
    values["retired"] = False
    return values
