"""People in the loop: corrections of facts and assessments of commitments, each audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from workreport.errors import InputError, NotFoundError
from workreport.model import CORRECTABLE, STATUSES, TASK_STATUSES, coerce_field
from workreport.store import (
    AssessmentRow,
    AuditRow,
    CommitmentRow,
    CorrectionRow,
    Database,
    FactRow,
)

# --------------------------------------------------------------------------- people in the loop



def audit(session: Session, who: str, action: str, entity: str, key: str, before: Any, after: Any) -> None:
    """Add a row to the audit log: who did what to which entity, with its before and after."""
    session.add(AuditRow(who=who, action=action, entity=entity, entity_key=key, before=before, after=after))


def _no_nul(value: str | None, what: str) -> None:
    if value is not None and "\x00" in value:
        raise InputError(f"{what}: NUL characters are not allowed")


def _coerce(field_name: str, raw: str) -> Any:
    if field_name not in CORRECTABLE:
        raise InputError(f"cannot correct {field_name!r}; correctable fields: {', '.join(CORRECTABLE)}")
    return coerce_field(field_name, None if raw.lower() in ("null", "none") else raw)


def correct(db: Database, fact_id: int, changes: dict[str, str], *, who: str) -> FactRow:
    """Change fields of a fact; the change is kept across re-ingestion and re-extraction."""
    values = {k: _coerce(k, v) for k, v in changes.items()}
    with db.session() as session:
        fact = session.get(FactRow, fact_id)
        if fact is None:
            raise NotFoundError(f"no fact with id {fact_id}")
        before = {k: getattr(fact, k) for k in values}
        for k, v in values.items():
            session.add(
                CorrectionRow(document_id=fact.document_id, fact_key=fact.key, field=k, value=v, author=who)
            )
            setattr(fact, k, v)
        fact.corrected = True
        audit(session, who, "correct", "fact", f"{fact.document_id}/{fact.key}", before, values)
        session.flush()
        session.expunge(fact)
        return fact


def assess(
    db: Database,
    commitment_id: int,
    status: str,
    *,
    who: str,
    note: str | None = None,
    evidence: str | None = None,
) -> AssessmentRow:
    """A person's assessment of a commitment; it outranks the rules' rating and is never overwritten."""
    allowed = STATUSES + TASK_STATUSES
    _no_nul(note, "note")
    _no_nul(evidence, "evidence")
    if status not in allowed:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(allowed)}")
    with db.session() as session:
        c = session.get(CommitmentRow, commitment_id)
        if c is None:
            raise NotFoundError(f"no commitment with id {commitment_id}")
        row = AssessmentRow(
            commitment_id=c.id,
            status=status,
            provisional=False,
            rule="manual",
            rater=who,
            evidence={"note": evidence} if evidence else {},
            note=note,
        )
        session.add(row)
        before = c.status
        if c.type != "target":
            c.status = status
        audit(
            session,
            who,
            "assess",
            "commitment",
            str(c.id),
            {"status": before},
            {"status": status, "note": note},
        )
        session.flush()
        session.expunge(row)
        return row


