"""People in the loop: corrections of facts and assessments of commitments, each audited."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workreport.errors import InputError, NotFoundError
from workreport.model import CORRECTABLE, STATUSES, coerce_field
from workreport.pipeline.extract.vocabulary import extractor_rules, indicator_ids, unit_ids
from workreport.store import (
    AssessmentRow,
    AuditRow,
    CommitmentRow,
    CorrectionRow,
    Database,
    FactRow,
    ObservationRow,
)
from workreport.track.tracker import refresh, targets_of_places

# --------------------------------------------------------------------------- people in the loop



MAX_TEXT = 2000  # characters of a note or a piece of evidence


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


# a unit outside the table keeps its written form (FACTS.md §4: 立方米, 微克/立方米); a
# counting word is written in Chinese too
_WRITTEN_UNIT = re.compile(r"[\u3400-\u9fff]{1,6}(?:/[\u3400-\u9fff]{1,6})?")
_CLASSIFIER = re.compile(r"[\u3400-\u9fff]{1,4}")


def check_values(values: dict[str, Any]) -> None:
    """Refuse a value that FACTS.md does not allow in its field: an indicator id outside the
    vocabulary (every page that groups by indicator would then fail on it), a unit that is
    neither a canonical id nor a written Chinese unit, a hedge that is not a commitment word."""
    indicator = values.get("indicator_id")
    if indicator is not None and indicator not in indicator_ids():
        raise InputError(f"indicator_id={indicator!r}: not an id of the indicator vocabulary (see /indicators)")
    unit = values.get("unit")
    if unit is not None and unit not in unit_ids() and not _WRITTEN_UNIT.fullmatch(unit):
        raise InputError(
            f"unit={unit!r}: neither a unit id ({', '.join(sorted(unit_ids()))}) nor a unit written in Chinese"
        )
    hedge = values.get("hedge")
    hedges = extractor_rules().words("hedge", "words")
    if hedge is not None and hedge not in hedges:
        raise InputError(f"hedge={hedge!r}: must be one of {', '.join(hedges)} (or null)")
    classifier = values.get("classifier")
    if classifier is not None and not _CLASSIFIER.fullmatch(classifier):
        raise InputError(f"classifier={classifier!r}: a counting word in Chinese (个, 家, 所 …)")


def _follow_range(values: dict[str, Any], comparator: str) -> None:
    """One field at a time (the fact page's form) must be able to make a range and unmake one:
    an upper end given alone makes the comparator ``range``; another comparator given alone
    drops the upper end. Both become corrections of their own."""
    if values.get("value_max") is not None and "comparator" not in values:
        values["comparator"] = "range"
    elif values.get("comparator", "range") != "range" and "value_max" not in values and comparator == "range":
        values["value_max"] = None


def check_range(comparator: str, value_max: float | None) -> None:
    """A range has its upper end, and only a range has one (FACTS.md §2)."""
    if comparator == "range" and value_max is None:
        raise InputError(
            "comparator=range needs value_max, the upper end of the range (giving value_max alone makes it a range)"
        )
    if comparator != "range" and value_max is not None:
        raise InputError(f"value_max is the upper end of a range: with comparator={comparator!r} it must be null")


def correct(db: Database, fact_id: int, changes: dict[str, str], *, who: str) -> FactRow:
    """Change fields of a fact; the change is kept across re-ingestion and re-extraction, and
    flows through: the commitment or observation made from the fact follows it, and every
    rating resting on either is made again. A value FACTS.md does not allow, alone or with the
    fact's other fields, is refused (:class:`InputError`) and nothing is changed."""
    values = {k: _coerce(k, v) for k, v in changes.items()}
    check_values(values)
    with db.session() as session:
        fact = session.get(FactRow, fact_id)
        if fact is None:
            raise NotFoundError(f"no fact with id {fact_id}")
        _follow_range(values, fact.comparator)
        before = {k: getattr(fact, k) for k in values}
        for k, v in values.items():
            session.add(
                CorrectionRow(document_id=fact.document_id, fact_key=fact.key, field=k, value=v, author=who)
            )
            setattr(fact, k, v)
        check_range(fact.comparator, fact.value_max)  # raised inside the transaction: it is rolled back whole
        fact.corrected = True
        audit(session, who, "correct", "fact", f"{fact.document_id}/{fact.key}", before, values)
        refresh(session, follow_fact(session, fact))
        session.flush()
        session.expunge(fact)
        return fact


def follow_fact(session: Session, fact: FactRow) -> set[int]:
    """Make the commitment or observation of ``fact`` agree with it again (a target with a
    period is a commitment; an actual or estimate with one an observation; anything else
    neither), and return the targets whose rating may have changed."""
    commitment = session.scalar(
        select(CommitmentRow).where(
            CommitmentRow.document_id == fact.document_id, CommitmentRow.fact_key == fact.key
        )
    )
    observation = session.scalar(
        select(ObservationRow).where(
            ObservationRow.document_id == fact.document_id,
            ObservationRow.fact_key == fact.key,
            ObservationRow.source == "fact",
        )
    )
    places: set[tuple[int, int]] = set()
    if observation is not None and observation.jurisdiction_id is not None:
        places.add((observation.jurisdiction_id, observation.period))
    shared = {name: getattr(fact, name) for name in _SHARED}
    affected: set[int] = set()
    if fact.kind == "target" and fact.period is not None:
        if commitment is None:
            commitment = CommitmentRow(
                document_id=fact.document_id,
                key=fact.key,
                type="target",
                fact_key=fact.key,
                start=fact.start,
                end=fact.end,
                text=fact.quote,
            )
            session.add(commitment)
        for name, value in shared.items():
            setattr(commitment, name, value)
        commitment.hedge, commitment.jurisdiction_id, commitment.retired = fact.hedge, fact.jurisdiction_id, False
    elif commitment is not None:
        commitment.retired = True
    if fact.kind in ("actual", "estimate") and fact.period is not None:
        if observation is None:
            observation = ObservationRow(document_id=fact.document_id, fact_key=fact.key, source="fact")
            session.add(observation)
        for name, value in shared.items():
            setattr(observation, name, value)
        observation.kind, observation.jurisdiction_id = fact.kind, fact.jurisdiction_id
        if fact.jurisdiction_id is not None:
            places.add((fact.jurisdiction_id, fact.period))
    elif observation is not None:
        session.delete(observation)
    session.flush()
    if commitment is not None:
        affected.add(commitment.id)
    return affected | targets_of_places(session, places)


# the fields a commitment and an observation copy from their fact
_SHARED = ("indicator_id", "indicator", "period", "measure", "comparator", "value", "value_max", "unit", "classifier")


def manual_assessment(
    commitment_id: int, status: str, who: str, note: str | None, evidence: str | None
) -> AssessmentRow:
    """A person's assessment as stored: the rule ``manual``, the evidence as a note."""
    return AssessmentRow(
        commitment_id=commitment_id,
        status=status,
        provisional=False,
        rule="manual",
        rater=who,
        evidence={"note": evidence} if evidence else {},
        note=note,
    )


def assess(
    db: Database,
    commitment_id: int,
    status: str,
    *,
    who: str,
    note: str | None = None,
    evidence: str | None = None,
) -> AssessmentRow:
    """A person's assessment of a commitment; it outranks the rules' rating and is never
    overwritten. A numeric target takes a rating (met, partly, missed, unknown, not_yet_due); a
    key task or 为民实事 a progress status, through the one path of
    :func:`workreport.registry.progress.assess_progress` (已完成 and 未完成 need evidence, 已完成 is
    100%), so the command line, the API and every form hold to the same rules."""
    _no_nul(note, "note")
    _no_nul(evidence, "evidence")
    for value, what in ((note, "note"), (evidence, "evidence")):
        if value is not None and len(value) > MAX_TEXT:
            raise InputError(f"{what}: at most {MAX_TEXT} characters")
    with db.read() as session:
        kind = session.scalar(select(CommitmentRow.type).where(CommitmentRow.id == commitment_id))
    if kind is None:
        raise NotFoundError(f"no commitment with id {commitment_id}")
    if kind != "target":
        from workreport.registry.progress import assess_progress  # it builds on this module

        entry = assess_progress(db, commitment_id, status, who=who, note=note, evidence=evidence)
        with db.read() as session:
            made = session.get_one(AssessmentRow, entry.assessment_id)
            session.expunge(made)
            return made
    if status not in STATUSES:
        raise InputError(
            f"unknown status {status!r} for commitment {commitment_id}, a numeric target: "
            f"use one of {', '.join(STATUSES)}"
        )
    with db.session() as session:
        c = session.get_one(CommitmentRow, commitment_id)
        row = manual_assessment(c.id, status, who, note, evidence)
        session.add(row)
        before = c.status
        session.flush()
        refresh(session, [c.id])  # a person's rating outranks the rules' from now on
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
