"""The tracker: every numeric target rated against the outcome reported for it, stored.

:func:`refresh` rates targets and stores each one's current rating on its commitment row
(status, provisional, rule, who rated it, how the outcome was matched, the outcome with its
document and span), appending an assessment whenever the rules' rating changes. The registry
calls it in the same transaction as every change a rating rests on: an ingest, a correction,
an assessment, an import. :func:`track` only reads what is stored, a page at a time.

Matching (``track.match``): the same jurisdiction (a city report's review of its new area
counts for the new area), period, measure, unit and counting word, and the same indicator id
or phrase. Outcome precedence (TRACK.md §1): a person's import over a report's figure, an
actual over an estimate, the newest report, then the first statement in it. A person's
assessment outranks the rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Executable, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from workreport.store import (
    AssessmentRow,
    CommitmentRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
    now,
)
from workreport.store.database import insert_rows_for, update_rows
from workreport.store.places import find_jurisdiction
from workreport.store.rows import table
from workreport.track.context import context_in
from workreport.track.match import Side, choose, verdict
from workreport.track.rules import Bound

CHUNK = 500  # ids per IN (…) clause
_TEXTS_AT_ONCE = 50  # documents whose whole text is held at once


@dataclass(slots=True)
class TrackRow:
    """One target with its stored rating and the evidence on both sides."""

    commitment_id: int
    jurisdiction: str | None
    indicator_id: str | None
    indicator: str | None
    period: int | None
    target: dict[str, Any]
    outcome: dict[str, Any] | None
    status: str
    provisional: bool
    rule: str
    rater: str
    match: str | None = None
    review: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON (what `workreport track --format json` and /api/track give)."""
        return {
            "commitment_id": self.commitment_id,
            "jurisdiction": self.jurisdiction,
            "indicator_id": self.indicator_id,
            "indicator": self.indicator,
            "period": self.period,
            "target": self.target,
            "outcome": self.outcome,
            "status": self.status,
            "provisional": self.provisional,
            "rule": self.rule,
            "rater": self.rater,
            "match": self.match,
            "review": self.review,
            "candidates": self.candidates,
        }


# --------------------------------------------------------------------------- rating


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


# The statements of rating are built once, their values bound when they run: building a
# statement, and its IN list of 500 values, costs SQLAlchemy more than SQLite's look-ups, and an
# ingest runs dozens of them a batch. An IN list is the expanding parameter "values" (_rows).
_VALUES: BindParameter[Any] = bindparam("values", expanding=True)


def _rows(session: Session, statement: Executable, values: Iterable[Any], **bound: Any) -> list[Any]:
    """The rows of ``statement`` for ``values`` (its IN list, :data:`CHUNK` at a time) and the
    other parameters ``bound``, each chunk's fetched at once (not row by row)."""
    return [
        row
        for chunk in _chunks(sorted(set(values)))
        for row in session.execute(statement, {"values": chunk, **bound}).all()
    ]


_JURISDICTIONS = table(JurisdictionRow)
_PARENTS = select(_JURISDICTIONS.c.id, _JURISDICTIONS.c.parent_id).where(_JURISDICTIONS.c.id.in_(_VALUES))


def _ancestry(session: Session, places: set[int]) -> dict[int, int | None]:
    """Parent of every jurisdiction in ``places`` and of their ancestors (a few small queries)."""
    parents: dict[int, int | None] = {}
    todo = set(places)
    while todo:
        level, todo = todo, set()
        for jid, parent in _rows(session, _PARENTS, level):
            parents[jid] = parent
            if parent is not None and parent not in parents:
                todo.add(parent)
    return parents


@dataclass(slots=True)
class _Outcome:
    row: Any  # a row of the observations table (read-only)
    side: Side
    preference: tuple[object, ...]
    start: int | None = None
    end: int | None = None
    quote: str | None = None


_OBSERVATIONS = table(ObservationRow)
_COMMITMENTS = table(CommitmentRow)
_ASSESSMENTS = table(AssessmentRow)
# what rating reads of each (not the timestamps, notes or stored ratings: fewer to convert)
_OUTCOME_COLUMNS = tuple(c for c in _OBSERVATIONS.c if c.name not in ("note", "created_at"))


class _Target(NamedTuple):
    """A target as rating reads it: a plain tuple, whose fields cost a tenth of a SQLAlchemy
    row's attributes to read (a refresh reads each a dozen times)."""

    id: int
    jurisdiction_id: int | None
    period: int | None
    measure: str | None
    unit: str | None
    value: float | None
    value_max: float | None
    comparator: str | None
    classifier: str | None
    indicator_id: str | None
    indicator: str | None


_TARGET_COLUMNS = tuple(_COMMITMENTS.c[name] for name in _Target._fields)  # what rating reads of a target
# what refresh writes of an assessment: its commitment, then what _rate_one gives (evidence as JSON text)
_NEW_ASSESSMENT_COLUMNS = ("commitment_id", "status", "provisional", "rule", "rater", "note", "evidence", "created_at")
_ASSESSMENT_COLUMNS = tuple(
    _ASSESSMENTS.c[name] for name in ("commitment_id", "status", "provisional", "rater", "evidence", "note")
)


# the outcomes that may answer a target: of its place and period, and of its measure and unit
# (match.same_kind_of_number: no other is ever chosen)
_Kind = tuple[int, int, str, str]  # (place, period, measure, unit)


def _kind_of_target(c: _Target) -> _Kind:
    return (c.jurisdiction_id or 0, c.period or 0, c.measure or "level", c.unit or "")


_OUTCOMES_OF_PERIOD = select(*_OUTCOME_COLUMNS).where(
    _OBSERVATIONS.c.jurisdiction_id.in_(_VALUES), _OBSERVATIONS.c.period == bindparam("period")
)
_DOCUMENTS = table(DocumentRow)
_TEXTS = select(_DOCUMENTS.c.id, _DOCUMENTS.c.delivered, _DOCUMENTS.c.text).where(_DOCUMENTS.c.id.in_(_VALUES))
_FACTS = table(FactRow)
_SPANS = select(
    *(_FACTS.c[name] for name in ("document_id", "key", "start", "end", "quote", "sentence_start"))
).where(_FACTS.c.document_id.in_(_VALUES), _FACTS.c.key.in_(bindparam("keys", expanding=True)))


def _outcomes(session: Session, kinds: set[_Kind]) -> dict[_Kind, list[_Outcome]]:
    """Observations of these kinds (place, period, measure and unit), with the span, quote and
    sentence context of the facts they come from (plain rows: nothing here is changed)."""
    by_period: dict[int, set[int]] = {}
    for place, period, _, _ in kinds:
        by_period.setdefault(period, set()).add(place)
    # the pairs asked for, not every place's every period asked for: that cross product grows
    # with the database, and an ingest asks for many places and periods in each batch
    rows = [
        o
        for period, places in sorted(by_period.items())
        for o in _rows(session, _OUTCOMES_OF_PERIOD, places, period=period)
        # no target asks for another measure or unit: its facts and text need not be read
        if (o.jurisdiction_id, o.period, o.measure, o.unit) in kinds
    ]
    keys_of: dict[int, set[str]] = {}
    for o in rows:
        if o.document_id is not None:
            wanted = keys_of.setdefault(o.document_id, set())
            if o.fact_key:
                wanted.add(o.fact_key)
    delivered: dict[int, str] = {}
    facts: dict[tuple[int, str], tuple[int, int, str, str]] = {}
    docs = sorted(keys_of)
    # each document's text read once (a substring per fact would read the whole text again
    # for every fact: SQLite and PostgreSQL keep a long text out of line, whole)
    for n in range(0, len(docs), _TEXTS_AT_ONCE):
        chunk = docs[n : n + _TEXTS_AT_ONCE]
        texts: dict[int, str] = {}
        for did, date, text in session.execute(_TEXTS, {"values": chunk}):
            delivered[did] = date or ""
            texts[did] = text or ""
        keys = sorted(set().union(*(keys_of[d] for d in chunk)))
        if not keys:
            continue
        for did, key, start, end, quote, sentence_start in session.execute(
            _SPANS, {"values": chunk, "keys": keys}
        ):
            if key in keys_of[did]:
                facts[(did, key)] = (start, end, quote, context_in(texts[did], start, sentence_start))
    out: dict[_Kind, list[_Outcome]] = {}
    for o in rows:
        span = facts.get((o.document_id, o.fact_key)) if o.document_id and o.fact_key else None
        side = Side(
            o.measure, o.unit, o.value, o.classifier, o.indicator_id, o.indicator, span[3] if span else None
        )
        preference = (
            o.source != "fact",
            o.kind == "actual",
            delivered.get(o.document_id or -1, ""),
            -(span[0] if span else 0),
            -o.id,
        )
        item = _Outcome(o, side, preference, *(span[:3] if span else (None, None, None)))
        out.setdefault((o.jurisdiction_id, o.period, o.measure, o.unit), []).append(item)
    return out


_LATEST_REVIEWS = (
    select(_DOCUMENTS.c.jurisdiction_id, func.max(_DOCUMENTS.c.review_year))
    .where(_DOCUMENTS.c.jurisdiction_id.in_(_VALUES))
    .group_by(_DOCUMENTS.c.jurisdiction_id)
)


def _reviewed(session: Session, places: set[int]) -> dict[int, int]:
    """The latest year a report of each of these places reviews."""
    return {
        jid: year
        for jid, year in _rows(session, _LATEST_REVIEWS, places)
        if jid is not None and year is not None
    }


def _due(c: _Target, parents: dict[int, int | None], reviewed: dict[int, int]) -> bool:
    """Has a report reviewing the target's period been ingested for its place or one above?"""
    jid, seen = c.jurisdiction_id, 0
    while c.period is not None and jid is not None and seen < 12:
        if reviewed.get(jid, -1) >= c.period:
            return True
        jid, seen = parents.get(jid), seen + 1
    return False


# by id alone, the type and retired checked in Python: asked for them too, SQLite walks every
# target of the registry (the targets index begins with them) instead of looking up the ids
_TARGETS = select(*_TARGET_COLUMNS, _COMMITMENTS.c.type, _COMMITMENTS.c.retired).where(
    _COMMITMENTS.c.id.in_(_VALUES)
)
_ASSESSMENTS_OF = (
    select(*_ASSESSMENT_COLUMNS).where(_ASSESSMENTS.c.commitment_id.in_(_VALUES)).order_by(_ASSESSMENTS.c.id)
)


def refresh(session: Session, commitment_ids: Iterable[int]) -> int:
    """Rate these commitments (targets; others are left alone) and store their ratings, in the
    caller's transaction. Returns how many ratings changed.

    Set-based: the targets, outcomes and assessments are read as plain rows, the ratings and the
    new assessments written in bulk (the targets rated alike together: :func:`update_rows`,
    :func:`insert_rows_for`), not through ORM objects; commitment objects the session already
    holds are expired, so that they read the new rating."""
    ids = sorted(set(commitment_ids))
    if not ids:
        return 0
    session.flush()  # what the caller changed through the ORM is what gets rated
    targets = [_Target(*c[:-2]) for c in _rows(session, _TARGETS, ids) if c.type == "target" and not c.retired]
    if not targets:
        return 0
    places = {c.jurisdiction_id for c in targets if c.jurisdiction_id is not None}
    kinds = {_kind_of_target(c) for c in targets if c.jurisdiction_id is not None and c.period is not None}
    parents = _ancestry(session, places)
    reviewed = _reviewed(session, set(parents))
    outcomes = _outcomes(session, kinds) if kinds else {}
    manual: dict[int, Any] = {}
    last_rules: dict[int, Any] = {}
    for a in _rows(session, _ASSESSMENTS_OF, [c.id for c in targets]):
        (last_rules if a.rater == "rules" else manual)[a.commitment_id] = a
    # the targets rated alike (most: those no outcome answers) are written together, and so
    # are their assessments; a column's values are of one type (and rated_at one datetime), so
    # equal values are stored alike
    ids_rated: dict[tuple[Any, ...], list[int]] = {}
    ids_assessed: dict[tuple[Any, ...], list[int]] = {}
    rated_at = now()
    for c in targets:
        pool = outcomes.get(_kind_of_target(c))
        due = _due(c, parents, reviewed)
        # most targets: nothing of their kind reported (yet), the same rating for all of them
        rules = _judge(c, pool, due) if pool else _UNANSWERED[due]
        rating, assessment = _rate_one(c, rules, manual.get(c.id), last_rules.get(c.id), rated_at)
        ids_rated.setdefault(rating, []).append(c.id)
        if assessment is not None:
            ids_assessed.setdefault(assessment, []).append(c.id)
    # plain tuples through the driver (JSON as text: candidates none as SQL NULL, as the ORM
    # writes None, not the JSON text null a bound None would be)
    conn = session.connection()
    update_rows(conn, _COMMITMENTS, _RATING_COLUMNS, list(ids_rated.items()), encoded=frozenset({"candidates"}))
    insert_rows_for(
        conn,
        _ASSESSMENTS,
        _NEW_ASSESSMENT_COLUMNS,
        list(ids_assessed.items()),
        parent=_COMMITMENTS,
        encoded=frozenset({"evidence"}),
    )
    # objects of these rows the session holds read the new rating: one pass over what it holds
    # (in an ingest next to nothing), not a look-up per target
    rated = {c.id for c in targets}
    for key in list(session.identity_map.keys()):  # (class, primary key, token)
        if key[0] is CommitmentRow and key[1][0] in rated:
            held = session.identity_map.get(key)  # None if no longer referenced
            if held is not None:
                session.expire(held)
    return sum(len(ids) for ids in ids_assessed.values())


@dataclass(frozen=True, slots=True)
class _RulesRating:
    """What the rules make of a target: the verdict, the evidence an assessment of it records,
    and the columns of its rating that come with the outcome (read only: shared)."""

    status: str
    rule: str
    provisional: bool
    evidence: dict[str, Any]
    evidence_json: str  # as the assessment stores it
    match: str | None  # how the outcome was found
    review: str | None  # why a person should decide, when no outcome was chosen
    candidates_json: str | None  # the outcomes a person may choose from, as JSON text
    outcome: tuple[Any, ...]  # the values of _OUTCOME_RATING_COLUMNS


def _judge(c: _Target, pool: list[_Outcome], due: bool) -> _RulesRating:
    """The rules' rating of target ``c`` against the outcomes of its kind, ``pool``."""
    target = Side(c.measure or "level", c.unit or "", c.value or 0.0, c.classifier, c.indicator_id, c.indicator)
    choice = choose(target, [o.side for o in pool], [o.preference for o in pool])
    best = pool[choice.index] if choice.index is not None else None
    o = best.row if best is not None else None
    status, rule, provisional = verdict(
        Bound(c.value or 0.0, c.comparator or "=", c.value_max, c.measure or "level", c.indicator_id),
        Bound(o.value, o.comparator, o.value_max, o.measure, o.indicator_id) if o is not None else None,
        estimate=o is not None and o.kind == "estimate",
        review=choice.review,
        due=due,
    )
    match = choice.how if best else None
    candidates = [_candidate(pool[i], score) for i, score in choice.candidates[:5]] if choice.review else None
    evidence = _evidence(best, match)
    return _RulesRating(
        status,
        rule,
        provisional,
        evidence,
        json.dumps(evidence),
        match,
        choice.review if best is None else None,
        None if candidates is None else json.dumps(candidates),
        _outcome_values(best),
    )


def _unanswered(due: bool) -> _RulesRating:
    """The rules' rating of a target that no outcome of its kind answers: unknown once a report
    reviewed its period (``due``), else not yet due; the same for every such target."""
    status, rule, provisional = verdict(Bound(0.0), None, due=due)  # its own numbers play no part
    evidence = _evidence(None, None)
    return _RulesRating(
        status, rule, provisional, evidence, json.dumps(evidence), None, None, None, _outcome_values(None)
    )


def _rate_one(
    c: _Target,
    rules: _RulesRating,
    manual: Any,  # the latest assessment by a person, if any
    last: Any,  # the latest assessment by the rules, if any
    rated_at: datetime,
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    """The rating of target ``c`` (the values of _RATING_COLUMNS) and, if the rules' rating
    changed, the assessment to append (the values of _NEW_ASSESSMENT_COLUMNS but the first, its
    commitment)."""
    assessment = None
    what_an_assessment_records = (rules.status, rules.provisional, rules.evidence)
    if last is None or (last.status, last.provisional, last.evidence) != what_an_assessment_records:
        assessment = (rules.status, rules.provisional, rules.rule, "rules", None, rules.evidence_json, rated_at)
    if manual is None:
        verdict_columns = (rules.status, rules.provisional, rules.rule, "rules", rules.match, rules.review)
    else:  # a person outranks the rules
        rule = f"manual assessment by {manual.rater}" + (f": {manual.note}" if manual.note else "")
        verdict_columns = (manual.status, False, rule, manual.rater, "person", None)
    return (*verdict_columns, *rules.outcome, rated_at, rules.candidates_json), assessment


def _evidence(best: _Outcome | None, match: str | None) -> dict[str, Any]:
    """What an assessment by the rules records of the outcome chosen, if any."""
    return {
        "observation_id": best.row.id if best else None,
        "document_id": best.row.document_id if best else None,
        "start": best.start if best else None,
        "end": best.end if best else None,
        "match": match,
    }


def _candidate(o: _Outcome, score: float) -> dict[str, Any]:
    return {
        "observation_id": o.row.id,
        "document_id": o.row.document_id,
        "start": o.start,
        "end": o.end,
        "quote": o.quote,
        "value": o.row.value,
        "kind": o.row.kind,
        "indicator": o.row.indicator,
        "score": score,
    }


# the outcome columns a rating sets
_OUTCOME_RATING_COLUMNS = (
    "outcome_id",
    "outcome_document_id",
    "outcome_start",
    "outcome_end",
    "outcome_quote",
    "outcome_value",
    "outcome_value_max",
    "outcome_kind",
    "outcome_source",
)


def _outcome_values(best: _Outcome | None) -> tuple[Any, ...]:
    """The values of _OUTCOME_RATING_COLUMNS for the outcome chosen, if any."""
    if best is None:
        return (None,) * len(_OUTCOME_RATING_COLUMNS)
    o = best.row
    return (o.id, o.document_id, best.start, best.end, best.quote, o.value, o.value_max, o.kind, o.source)


_UNANSWERED = {due: _unanswered(due) for due in (False, True)}
# what refresh writes of a target's rating, in the order _rate_one gives it
_RATING_COLUMNS = (
    "status",
    "provisional",
    "rule",
    "rater",
    "match",
    "review",
    *_OUTCOME_RATING_COLUMNS,
    "rated_at",
    "candidates",
)


# --------------------------------------------------------------------------- what to rate again


# (plain rows, not through the ORM, as rating reads: the callers' changes are flushed first)
# a document's commitments by document alone, the type checked in Python: asked for the type
# too, SQLite walks every target of the registry (the targets index begins with the type)
_COMMITMENTS_OF_DOCUMENTS = select(_COMMITMENTS.c.id, _COMMITMENTS.c.type).where(
    _COMMITMENTS.c.document_id.in_(_VALUES)
)
_OUTCOME_PLACES_OF_DOCUMENTS = (
    select(_OBSERVATIONS.c.jurisdiction_id, _OBSERVATIONS.c.period)
    .where(_OBSERVATIONS.c.document_id.in_(_VALUES))
    .distinct()
)
_DOCUMENT_PLACES = select(_DOCUMENTS.c.jurisdiction_id, _DOCUMENTS.c.review_year).where(
    _DOCUMENTS.c.id.in_(_VALUES)
)
# the targets index (type, retired, place, period, status, id) answers these from its entries
# alone; without the retired, SQLite walks every target of the registry
_WAITING_TARGETS = select(_COMMITMENTS.c.id).where(
    _COMMITMENTS.c.type == "target",
    _COMMITMENTS.c.retired.is_(False),
    or_(_COMMITMENTS.c.status == "not_yet_due", _COMMITMENTS.c.status.is_(None)),
    _COMMITMENTS.c.period <= bindparam("latest"),
    _COMMITMENTS.c.jurisdiction_id.in_(_VALUES),
)
_TARGETS_OF_PERIOD = select(_COMMITMENTS.c.id).where(
    _COMMITMENTS.c.type == "target",
    _COMMITMENTS.c.retired.is_(False),
    _COMMITMENTS.c.period == bindparam("period"),
    _COMMITMENTS.c.jurisdiction_id.in_(_VALUES),
)
_TREE = select(_JURISDICTIONS.c.id, _JURISDICTIONS.c.parent_id)


def targets_of_documents(session: Session, document_ids: Iterable[int]) -> set[int]:
    """Targets a change to these documents may re-rate: their own, those their outcomes may
    answer (same place and period), and those a review of their years may make due. Retired
    targets may be left out: :func:`refresh` leaves them alone."""
    docs = set(document_ids)
    if not docs:
        return set()
    session.flush()  # what the caller changed through the ORM counts
    ids = {cid for cid, kind in _rows(session, _COMMITMENTS_OF_DOCUMENTS, docs) if kind == "target"}
    keys = {(j, p) for j, p in _rows(session, _OUTCOME_PLACES_OF_DOCUMENTS, docs) if j is not None}
    places = _rows(session, _DOCUMENT_PLACES, docs)
    ids |= targets_of_places(session, keys)
    # a review of year Y makes the waiting targets of its place, and of places below it, of
    # periods up to Y due: asked year by year, not up to the latest year of the batch for every
    # place in it (with 10,000 reports that re-rated ten times the targets that could change)
    reviewing: dict[int, set[int]] = {}
    for place, review_year in places:
        if place is not None and review_year:
            reviewing.setdefault(review_year, set()).add(place)
    if reviewing:
        children = _children(session)
        for year, own in reviewing.items():
            ids |= {cid for cid, in _rows(session, _WAITING_TARGETS, _descendants(children, own), latest=year)}
    return ids


def _children(session: Session) -> dict[int | None, list[int]]:
    """The jurisdictions below each (None: the top ones). The tree is read whole, once (a few
    thousand rows): a query per level scanned the whole table each time (parent_id has no
    index)."""
    children: dict[int | None, list[int]] = {}
    for jid, parent in session.execute(_TREE):
        children.setdefault(parent, []).append(jid)
    return children


def _descendants(children: dict[int | None, list[int]], places: set[int]) -> set[int]:
    """These jurisdictions and every one below them in the tree ``children``."""
    found, level = set(places), set(places)
    while level:
        level = {child for parent in level for child in children.get(parent, ())} - found
        found |= level
    return found


def targets_of_places(session: Session, keys: Iterable[tuple[int, int]]) -> set[int]:
    """Targets of these (jurisdiction id, period) pairs, but not retired ones (what
    :func:`refresh` rates)."""
    session.flush()  # what the caller changed through the ORM counts
    by_period: dict[int, list[int]] = {}
    for jid, period in keys:
        by_period.setdefault(period, []).append(jid)
    return {
        cid
        for period, places in by_period.items()
        for cid, in _rows(session, _TARGETS_OF_PERIOD, places, period=period)
    }


# --------------------------------------------------------------------------- reading


def _targets_query(session: Session, jurisdiction: str | None, period: int | None) -> Any:
    q = select(CommitmentRow).where(CommitmentRow.type == "target", CommitmentRow.retired.is_(False))
    if jurisdiction is not None:
        q = q.where(CommitmentRow.jurisdiction_id == find_jurisdiction(session, jurisdiction).id)
    if period is not None:
        q = q.where(CommitmentRow.period == period)
    return q


def track(
    db: Database,
    *,
    jurisdiction: str | None = None,
    period: int | None = None,
    page: int | None = None,
    per_page: int = 100,
) -> list[TrackRow]:
    """The stored ratings of numeric targets (optionally of one jurisdiction and period, one page
    of them). Targets stored before ratings were (an older database) are rated first."""
    with db.read() as session:
        unrated = list(
            session.scalars(
                _targets_query(session, jurisdiction, period)
                .where(CommitmentRow.rated_at.is_(None))
                .with_only_columns(CommitmentRow.id)
            )
        )
    if unrated:
        with db.session() as session:
            refresh(session, unrated)
    with db.read() as session:
        q = _targets_query(session, jurisdiction, period).order_by(
            CommitmentRow.jurisdiction_id, CommitmentRow.period, CommitmentRow.id
        )
        if page is not None:
            q = q.limit(per_page).offset((page - 1) * per_page)
        target_doc, outcome_doc = aliased(DocumentRow), aliased(DocumentRow)
        # plain rows, not ORM objects: a whole registry's ratings read in one pass
        columns = CommitmentRow.__table__.columns
        rows = session.execute(
            q.with_only_columns(
                *columns,
                JurisdictionRow.name,
                FactRow.quote,
                FactRow.hedge,
                target_doc.path,
                outcome_doc.path,
            )
            .outerjoin(JurisdictionRow, JurisdictionRow.id == CommitmentRow.jurisdiction_id)
            .outerjoin(
                FactRow,
                (FactRow.document_id == CommitmentRow.document_id) & (FactRow.key == CommitmentRow.fact_key),
            )
            .outerjoin(target_doc, target_doc.id == CommitmentRow.document_id)
            .outerjoin(outcome_doc, outcome_doc.id == CommitmentRow.outcome_document_id)
        )
        width = len(columns)
        return [_row(r, *r[width:]) for r in rows]


def _row(
    c: Any,  # a row of the commitments table
    place: str | None,
    quote: str | None,
    hedge: str | None,
    target_path: str | None,
    outcome_path: str | None,
) -> TrackRow:
    target = {
        "value": c.value,
        "value_max": c.value_max,
        "unit": c.unit,
        "measure": c.measure,
        "comparator": c.comparator,
        "hedge": hedge if hedge is not None else c.hedge,
        "classifier": c.classifier,  # the counting word: 12所, not 12个
        "quote": quote,
        "document": target_path,
        "document_id": c.document_id,
        "start": c.start,
        "end": c.end,
    }
    outcome = None
    if c.outcome_id is not None:
        outcome = {
            "value": c.outcome_value,
            "value_max": c.outcome_value_max,
            "unit": c.unit,
            "measure": c.measure,
            "quote": c.outcome_quote,
            "document": outcome_path,
            "document_id": c.outcome_document_id,
            "start": c.outcome_start,
            "end": c.outcome_end,
            "kind": c.outcome_kind,
            "source": c.outcome_source,
        }
    return TrackRow(
        commitment_id=c.id,
        jurisdiction=place,
        indicator_id=c.indicator_id,
        indicator=c.indicator,
        period=c.period,
        target=target,
        outcome=outcome,
        status=c.status or "not_yet_due",
        provisional=bool(c.provisional),
        rule=c.rule or "",
        rater=c.rater or "rules",
        match=c.match,
        review=c.review,
        candidates=list(c.candidates or []),
    )


def count_targets(db: Database, *, jurisdiction: str | None = None, period: int | None = None) -> int:
    """How many targets :func:`track` would list."""
    with db.read() as session:
        q = _targets_query(session, jurisdiction, period)
        return int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)
