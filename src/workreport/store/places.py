"""Jurisdictions in the database: seeded from the shipped gazetteer, looked up by name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from workreport.errors import NotFoundError, WorkreportError
from workreport.pipeline.places import Jurisdiction
from workreport.pipeline.places import load as load_jurisdictions
from workreport.pipeline.structure import level_of
from workreport.store import (
    JurisdictionRow,
)

# --------------------------------------------------------------------------- jurisdictions



def seed_jurisdictions(session: Session) -> None:
    """Load the shipped registry of jurisdictions into an empty table, parents first, in one go."""
    if session.scalar(select(func.count()).select_from(JurisdictionRow)):
        return
    if session.get_bind().dialect.name == "postgresql":
        # two first ingests must not both seed: the second waits here, then finds the rows
        session.execute(text("SELECT pg_advisory_xact_lock(727273)"))
        if session.scalar(select(func.count()).select_from(JurisdictionRow)):
            return
    registry = load_jurisdictions()
    ids: dict[Jurisdiction, int] = {}
    rows: list[dict[str, Any]] = []
    pending = list(registry)
    while pending:
        rest = []
        for j in pending:
            parent = registry.parent(j)
            if parent is not None and parent not in ids:
                rest.append(j)
                continue
            ids[j] = len(ids) + 1
            rows.append(
                {
                    "id": ids[j],
                    "code": j.code,
                    "name": j.name,
                    "level": j.level,
                    "parent_id": ids[parent] if parent is not None else None,
                    "aliases": "|".join(j.aliases),
                }
            )
        if len(rest) == len(pending):
            raise WorkreportError(f"jurisdictions without a known parent: {[j.name for j in rest[:5]]}")
        pending = rest
    session.execute(insert(JurisdictionRow), rows)
    if session.get_bind().dialect.name == "postgresql":
        # ids were given explicitly: move the sequence past them for zones registered later
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('jurisdictions', 'id'), :n)"), {"n": len(rows)}
        )


_CODES = "_workreport_jurisdiction_codes"  # an engine's cache: GB/T 2260 code → row id


def _code_ids(session: Session) -> dict[str, int]:
    """The ids of the seeded jurisdictions by code, read once per engine. Seeded rows never
    change (zones a report names are added without a code), so the map stays true."""
    bind: Any = session.get_bind()
    engine = getattr(bind, "engine", bind)
    cached: dict[str, int] | None = getattr(engine, _CODES, None)
    if cached is None:
        cached = {
            str(code): jid
            for jid, code in session.execute(
                select(JurisdictionRow.id, JurisdictionRow.code).where(JurisdictionRow.code.is_not(None))
            )
        }
        if not cached:
            return cached  # not seeded yet: look again next time
        setattr(engine, _CODES, cached)
    return cached


def _id_for(session: Session, j: Jurisdiction) -> int | None:
    """The stored id of a jurisdiction of the shipped registry (no row is loaded for it)."""
    if j.code:
        return _code_ids(session).get(j.code)
    return session.scalar(select(JurisdictionRow.id).where(JurisdictionRow.name == j.name).limit(1))


def _row_for(session: Session, j: Jurisdiction) -> JurisdictionRow | None:
    if j.code:
        jid = _code_ids(session).get(j.code)
        return session.get(JurisdictionRow, jid) if jid is not None else None
    return session.scalar(select(JurisdictionRow).where(JurisdictionRow.name == j.name).limit(1))


def jurisdiction_id(session: Session, name: str | None, context: JurisdictionRow | None = None) -> int | None:
    """The id of the jurisdiction ``name`` names, seen from ``context`` (the report's own).

    A name the shipped registry does not know (a zone such as 兰州高新区) is registered under
    the report's jurisdiction, so its facts still have a place to belong to."""
    if not name:
        return context.id if context is not None else None
    registry = load_jurisdictions()
    j = registry.resolve(name, context=context.name if context is not None else None)
    if j is None and context is not None:
        j = registry.resolve(name)
    if j is not None:
        found = _id_for(session, j)
        if found is not None:
            return found
    existing = session.scalar(
        select(JurisdictionRow.id).where(
            JurisdictionRow.name == name,
            JurisdictionRow.parent_id == (context.id if context is not None else None),
        )
    )
    if existing is not None:
        return existing
    if context is None and level_of(name) is None:
        return None  # not a place's name (a misread title): no row for it
    # a report's own place the shipped registry does not know (a fictional or a new one) gets a
    # row of its own, so that its targets are never mixed with another unknown place's
    row = JurisdictionRow(
        code=None,
        name=name,
        level=level_of(name) or "zone",
        parent_id=context.id if context is not None else None,
        aliases="",
    )
    session.add(row)
    session.flush()
    return row.id


def find_jurisdiction(session: Session, name: str) -> JurisdictionRow:
    """The stored jurisdiction ``name`` resolves to (a name or alias), else of that exact name; NotFoundError if none."""
    registry = load_jurisdictions()
    j = registry.resolve(name)
    row = _row_for(session, j) if j is not None else None
    if row is None:
        row = session.scalar(select(JurisdictionRow).where(JurisdictionRow.name == name).limit(1))
    if row is None:
        raise NotFoundError(f"no jurisdiction called {name!r}")
    return row


