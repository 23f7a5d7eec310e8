"""Progress of key tasks and 为民实事, in the spirit of Decidim's accountability module.

Every key task and 为民实事 (a commitment of type ``task`` or ``project``) has a **status**
(未开始 ``planned``, 推进中 ``in_progress``, 已完成 ``done``, 未完成 ``missed``, and the older codes
延期 ``delayed``, 已取消 ``dropped``), a **percentage** (0–100) and a **timeline** of assessments:
who, when, status, percentage, note and evidence (a quote, a link, or a fact of a report).

Its **numeric parts** are the numeric targets inside its span (a 为民实事's item, a key task's
whole section): ``建设智慧安防小区300个`` is a target fact, tracked like every other target and
rated against the next review (``建成智慧安防小区312个`` → met). Those ratings give the item a
status made by the rules, marked as such: every part met → 已完成; any part short
(partly or missed) → 未完成; some met and the rest without an outcome → 推进中. Its percentage is
the mean of its parts' (met: 100; short: the outcome as a share of the target, for counts; no
outcome: 0).

**Which status is current.** The newest entry of the timeline: the rules' entry dates from
when the ratings of its parts last changed (a review ingested, a correction), so a person's
assessment stands until new evidence changes those ratings, and a person's later assessment
outranks the rules again. Where a person's status stands against a different rules' status,
the item says so (``rules_differ``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workreport.errors import InputError, NotFoundError
from workreport.rules.labels import Lang, status_label
from workreport.rules.numbers import fact_number_text
from workreport.store import AssessmentRow, CommitmentRow, Database, FactRow
from workreport.store import progress_rows as rows
from workreport.store.places import find_jurisdiction

from .edits import MAX_TEXT, audit

# the four statuses of a supervision office's ledger first, then the older task codes
PROGRESS_STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "missed", "delayed", "dropped")
ITEM_TYPES = rows.ITEM_TYPES
FINAL = ("done", "missed")  # a verdict that needs evidence
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(slots=True)
class Evidence:
    """What an assessment rests on: a quote, a link, and/or a fact of a stored report."""

    quote: str | None = None
    url: str | None = None
    fact_id: int | None = None  # the fact's current id (ids change on re-extraction; its key does not)
    fact_quote: str | None = None
    fact_document_id: int | None = None
    fact_start: int | None = None
    fact_end: int | None = None

    def __bool__(self) -> bool:
        return bool(self.quote or self.url or self.fact_document_id is not None)

    def to_dict(self) -> dict[str, Any]:
        """The evidence as JSON."""
        return {
            "quote": self.quote,
            "url": self.url,
            "fact_id": self.fact_id,
            "fact_quote": self.fact_quote,
            "fact_document_id": self.fact_document_id,
            "fact_start": self.fact_start,
            "fact_end": self.fact_end,
        }


@dataclass(slots=True)
class Entry:
    """One entry of an item's timeline: a person's assessment, or the rules' verdict."""

    at: datetime | None
    rater: str  # "rules" or a person
    status: str
    percent: int | None
    note: str | None = None
    evidence: Evidence = field(default_factory=Evidence)
    rule: str | None = None
    provisional: bool = False
    assessment_id: int | None = None

    @property
    def by_rules(self) -> bool:
        """Made by the rules from the ratings of the item's numbers."""
        return self.rater == "rules"

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON."""
        return {
            "at": self.at.isoformat(timespec="seconds") if self.at else None,
            "rater": self.rater,
            "by_rules": self.by_rules,
            "status": self.status,
            "status_label": status_label(self.status),
            "percent": self.percent,
            "provisional": self.provisional,
            "note": self.note,
            "rule": self.rule,
            "evidence": self.evidence.to_dict(),
            "assessment_id": self.assessment_id,
        }


@dataclass(slots=True)
class Part:
    """A numeric target inside an item's span, with its stored rating and outcome."""

    commitment_id: int
    fact_id: int | None
    quote: str | None
    indicator: str | None
    indicator_id: str | None
    measure: str | None
    comparator: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    classifier: str | None
    document_id: int
    start: int
    end: int
    period: int | None
    status: str
    provisional: bool
    rater: str
    outcome: dict[str, Any] | None
    changed_at: datetime | None = None

    @property
    def target_text(self) -> str:
        """The target as a report writes it (2000个, 增长6%以上)."""
        return fact_number_text(self) if self.value is not None else ""

    @property
    def percent(self) -> int | None:
        """How far the outcome got: 100 when met; for a count or amount, the outcome as a share of
        the target (at most 99 when not met); otherwise unknown."""
        if self.status == "met":
            return 100
        if self.status not in ("partly", "missed") or self.outcome is None:
            return None
        got, goal = self.outcome.get("value"), self.value
        if (
            self.measure in ("level", "change")
            and self.comparator in ("=", ">=", "~", "range")
            and goal is not None
            and goal > 0
            and got is not None
            and got >= 0
        ):
            return min(99, int(got / goal * 100))
        return None

    def to_dict(self) -> dict[str, Any]:
        """The part as JSON."""
        return {
            "commitment_id": self.commitment_id,
            "fact_id": self.fact_id,
            "quote": self.quote,
            "indicator": self.indicator,
            "indicator_id": self.indicator_id,
            "measure": self.measure,
            "comparator": self.comparator,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "target": self.target_text,
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "status_label": status_label(self.status, self.provisional),
            "provisional": self.provisional,
            "rater": self.rater,
            "percent": self.percent,
            "outcome": self.outcome,
        }


@dataclass(slots=True)
class Item:
    """A key task or 为民实事 with its current status, percentage, numbers and timeline."""

    commitment_id: int
    type: str  # task | project
    text: str
    jurisdiction: str | None
    period: int | None
    document_id: int
    document: str | None
    start: int
    end: int
    span: tuple[int, int]  # what its numbers are looked for in: the item, or a key task's section
    status: str = "planned"
    percent: int | None = None
    source: str = "none"  # rules | person | none
    rater: str | None = None
    updated_at: datetime | None = None
    provisional: bool = False
    rules: Entry | None = None
    rules_counts: dict[str, int] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    timeline: list[Entry] = field(default_factory=list)  # newest first

    @property
    def rules_differ(self) -> bool:
        """A person's status stands against a different status of the rules."""
        return self.source == "person" and self.rules is not None and self.rules.status != self.status

    def rule_text(self, lang: Lang = "zh") -> str:
        """What the rules saw: 8个数字：6个完成、1个部分完成、1个未完成."""
        return rule_text(self.rules_counts, lang)

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON: what /progress.json and `workreport progress --format json` give."""
        return {
            "commitment_id": self.commitment_id,
            "type": self.type,
            "text": self.text,
            "jurisdiction": self.jurisdiction,
            "period": self.period,
            "status": self.status,
            "status_label": status_label(self.status),
            "percent": self.percent,
            "source": self.source,
            "rater": self.rater,
            "updated_at": self.updated_at.isoformat(timespec="seconds") if self.updated_at else None,
            "provisional": self.provisional,
            "rules": self.rules.to_dict() if self.rules else None,
            "rules_differ": self.rules_differ,
            "document_id": self.document_id,
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "parts": [p.to_dict() for p in self.parts],
            "timeline": [e.to_dict() for e in self.timeline],
        }


@dataclass(slots=True)
class TaskView:
    """One item for its page: the item, every fact inside its span, and its report."""

    item: Item
    facts: list[dict[str, Any]]
    document_title: str | None


# --------------------------------------------------------------------------- the rules' verdict


def rule_text(counts: dict[str, int], lang: Lang = "zh") -> str:
    """8个数字：6个完成、1个部分完成 (how many numbers, and how the rules rated them)."""
    total = sum(counts.values())
    if not total:
        return ""
    order = ("met", "partly", "missed", "unknown", "not_yet_due")
    if lang == "zh":
        mix = "、".join(f"{counts[s]}个{status_label(s)}" for s in order if counts.get(s))
        return f"{total}个数字：{mix}"
    mix = ", ".join(f"{counts[s]} {status_label(s, lang=lang)}" for s in order if counts.get(s))
    return f"{total} number{'s' if total != 1 else ''}: {mix}"


def rules_verdict(parts: list[Part]) -> tuple[Entry | None, dict[str, int]]:
    """The status the rules give an item from the ratings of its numeric parts (None while none is
    due or none has an outcome), with how many parts have each rating."""
    counts = dict(Counter(p.status for p in parts))
    rated = [p for p in parts if p.status in ("met", "partly", "missed", "unknown")]
    answered = [p for p in rated if p.status != "unknown"]
    if not answered:
        return None, counts
    if any(p.status in ("partly", "missed") for p in answered):
        status = "missed"
    elif len(answered) == len(rated):
        status = "done"
    else:
        status = "in_progress"
    # what is known to be reached: a number without an outcome counts as nothing reached yet
    shares = [p.percent or 0 for p in rated if p.percent is not None or p.status == "unknown"]
    percent = round(sum(shares) / len(shares)) if shares else None
    if status == "done":
        percent = 100
    elif percent is not None:
        percent = min(percent, 99)
    times = [p.changed_at for p in rated if p.changed_at is not None]
    entry = Entry(
        at=max(times) if times else None,
        rater="rules",
        status=status,
        percent=percent,
        rule=rule_text(counts),
        provisional=any(p.provisional for p in answered),
    )
    return entry, counts


def _changed_at(history: list[Any], status: str) -> datetime | None:
    """When a target's rating took its current value: the first of the newest run of
    assessments with that status (a person's, if any, else the rules'), so that the rules
    making the same rating again (a report re-ingested) does not count as news."""
    manual = [a for a in history if a.rater != "rules"]
    sequence = manual or [a for a in history if a.rater == "rules"]
    at = None
    for a in reversed(sequence):
        if a.status != status:
            break
        at = a.created_at
    return at


# --------------------------------------------------------------------------- building items


def _section_spans(structure: dict[str, Any]) -> dict[int, tuple[int, int]]:
    """Each section's span by the start of its heading (a key task is keyed by its heading)."""
    out: dict[int, tuple[int, int]] = {}
    todo = list(structure.get("sections", []))
    while todo:
        s = todo.pop()
        if s.get("heading_start") is not None:
            out.setdefault(int(s["heading_start"]), (int(s["start"]), int(s["end"])))
        todo.extend(s.get("children", []))
    return out


def _evidence(raw: dict[str, Any] | None, facts: dict[tuple[int, str], FactRow]) -> Evidence:
    raw = raw or {}
    quote, url = raw.get("quote"), raw.get("url")
    if not quote and not url and raw.get("note"):  # `workreport assess --evidence`: one text
        text = str(raw["note"])
        url, quote = (text, None) if _URL.match(text) else (None, text)
    ev = Evidence(quote=quote, url=url)
    fact = raw.get("fact")
    if isinstance(fact, dict) and fact.get("document_id") is not None:
        ev.fact_document_id = int(fact["document_id"])
        ev.fact_quote = fact.get("quote")
        ev.fact_start, ev.fact_end = fact.get("start"), fact.get("end")
        row = facts.get((ev.fact_document_id, str(fact.get("key"))))
        if row is not None:
            ev.fact_id, ev.fact_quote, ev.fact_start, ev.fact_end = row.id, row.quote, row.start, row.end
    return ev


def _person_percent(status: str, percent: int | None, has_row: bool) -> int | None:
    if has_row:
        return percent
    return {"done": 100, "planned": 0}.get(status)  # assessments made before percentages were kept


def _build(session: Session, found: list[Any]) -> list[Item]:
    """Items (rows of ``progress_rows.items``) with their parts, rules' verdict, timeline and
    current status."""
    if not found:
        return []
    doc_ids = {c.document_id for c in found}
    labels = rows.document_labels(session, doc_ids)
    task_docs = {c.document_id for c in found if c.type == "task"}
    sections = {did: _section_spans(tree) for did, tree in rows.structures(session, task_docs).items()}
    items: list[Item] = []
    for c in found:
        span = (c.start, c.end)
        if c.type == "task":
            span = sections.get(c.document_id, {}).get(c.start, span)
        path = labels.get(c.document_id, ("", None, None))[0]
        items.append(
            Item(
                commitment_id=c.id,
                type=c.type,
                text=(c.text or "").strip(),
                jurisdiction=c.place,
                period=c.period,
                document_id=c.document_id,
                document=path.rsplit("/", 1)[-1] if path else None,
                start=c.start,
                end=c.end,
                span=span,
            )
        )
    # each document's targets by start, so that an item finds its numbers by bisection
    by_doc: dict[int, list[Any]] = {}
    for t in rows.targets(session, doc_ids):
        by_doc.setdefault(t.document_id, []).append(t)
    starts = {did: [t.start for t in ts] for did, ts in by_doc.items()}
    inside: dict[int, list[Any]] = {}
    for item in items:
        lo, hi = item.span
        ts = by_doc.get(item.document_id, [])
        k = bisect_left(starts.get(item.document_id, []), lo)
        inside[item.commitment_id] = []
        while k < len(ts) and ts[k].start < hi:
            if ts[k].end <= hi:
                inside[item.commitment_id].append(ts[k])
            k += 1
    part_ids = {t.id for ts in inside.values() for t in ts}
    history: dict[int, list[Any]] = {}
    for a in rows.assessments(session, part_ids | {i.commitment_id for i in items}):
        history.setdefault(a.commitment_id, []).append(a)
    evidence_facts = rows.fact_ids(
        session,
        {
            (int(f["document_id"]), str(f.get("key")))
            for i in items
            for a in history.get(i.commitment_id, [])
            if isinstance(f := (a.evidence or {}).get("fact"), dict) and f.get("document_id") is not None
        },
    )
    for item in items:
        item.parts = [_part(t, history.get(t.id, [])) for t in inside[item.commitment_id]]
        _settle(item, history.get(item.commitment_id, []), evidence_facts)
    return items


def _part(t: Any, history: list[Any]) -> Part:
    """A part from a row of ``progress_rows.targets`` and its assessments."""
    status = t.status or "not_yet_due"
    outcome = None
    if t.outcome_id is not None:
        outcome = {
            "quote": t.outcome_quote,
            "value": t.outcome_value,
            "value_max": t.outcome_value_max,
            "unit": t.unit,
            "measure": t.measure,
            "kind": t.outcome_kind,
            "document_id": t.outcome_document_id,
            "start": t.outcome_start,
            "end": t.outcome_end,
            "source": t.outcome_source,
        }
    return Part(
        commitment_id=t.id,
        fact_id=t.fact_id,
        quote=t.quote or t.text,
        indicator=t.indicator,
        indicator_id=t.indicator_id,
        measure=t.measure,
        comparator=t.comparator,
        value=t.value,
        value_max=t.value_max,
        unit=t.unit,
        classifier=t.classifier,
        document_id=t.document_id,
        start=t.start,
        end=t.end,
        period=t.period,
        status=status,
        provisional=bool(t.provisional),
        rater=t.rater or "rules",
        outcome=outcome,
        changed_at=_changed_at(history, status),
    )


def _settle(
    item: Item,
    own: list[Any],
    facts: dict[tuple[int, str], FactRow],
) -> None:
    """The timeline (newest first) and the current status: the newest of a person's latest
    assessment and the rules' verdict."""
    people = [
        Entry(
            at=a.created_at,
            rater=a.rater,
            status=a.status,
            percent=_person_percent(a.status, a.percent, a.has_progress),
            note=a.note,
            evidence=_evidence(a.evidence, facts),
            rule=a.rule,
            assessment_id=a.id,
        )
        for a in own
        if a.rater != "rules"
    ]
    item.rules, item.rules_counts = rules_verdict(item.parts)
    timeline = list(people)
    if item.rules is not None:
        timeline.append(item.rules)
    # newest first; the rules' entry goes after a person's made at the same moment
    timeline.sort(key=lambda e: (e.at is not None, e.at or datetime.min, not e.by_rules), reverse=True)
    item.timeline = timeline
    person = people[-1] if people else None
    current: Entry | None
    if person is not None and item.rules is not None:
        rules_newer = (
            item.rules.at is not None and person.at is not None and _naive(item.rules.at) > _naive(person.at)
        )
        current = item.rules if rules_newer else person
    else:
        current = person or item.rules
    if current is None:
        item.status, item.percent, item.source = "planned", 0, "none"
        return
    item.status, item.percent, item.provisional = current.status, current.percent, current.provisional
    item.source = "rules" if current.by_rules else "person"
    item.rater, item.updated_at = current.rater, current.at


def _naive(at: datetime) -> datetime:
    return at.replace(tzinfo=None) if at.tzinfo is not None else at


# --------------------------------------------------------------------------- reading


def _check_filters(type: str | None, status: str | None) -> None:
    if type is not None and type not in ITEM_TYPES:
        raise InputError(f"unknown type {type!r}; use task or project")
    if status is not None and status not in PROGRESS_STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(PROGRESS_STATUSES)}")


def progress(
    db: Database,
    *,
    jurisdiction: str | None = None,
    year: int | None = None,
    type: str | None = None,
    status: str | None = None,
) -> list[Item]:
    """Key tasks and 为民实事 with their current status and percentage, filtered by place (name or
    alias), year (the plan year they are for), type (task, project) and current status."""
    _check_filters(type, status)
    with db.read() as session:
        jid = find_jurisdiction(session, jurisdiction).id if jurisdiction else None
        found = rows.items(
            session, jurisdiction_id=jid, period=year, types=(type,) if type else ITEM_TYPES
        )
        out = _build(session, found)
    return [i for i in out if status is None or i.status == status]


def status_counts(items: list[Item]) -> dict[str, int]:
    """How many items have each status, in the order of :data:`PROGRESS_STATUSES`."""
    counts = Counter(i.status for i in items)
    return {s: counts.get(s, 0) for s in PROGRESS_STATUSES}


def _one(session: Session, commitment_id: int) -> tuple[CommitmentRow, Item]:
    c = session.get(CommitmentRow, commitment_id)
    if c is None:
        raise NotFoundError(f"no commitment with id {commitment_id}")
    if c.type not in ITEM_TYPES:
        raise InputError(
            f"commitment {commitment_id} is a numeric target, not a key task or 为民实事: "
            "rate it with `workreport assess` or on /tracker"
        )
    # one retired by a re-extraction is still shown, with its history
    found = rows.items(session, ids=[commitment_id], types=ITEM_TYPES, retired=True)
    return c, _build(session, found)[0]


def task(db: Database, commitment_id: int) -> TaskView:
    """One key task or 为民实事 with its numbers, every fact inside its span, and its timeline."""
    with db.read() as session:
        _, item = _one(session, commitment_id)
        parts = {(p.document_id, p.start, p.end): p for p in item.parts}
        spans = [
            (o["document_id"], o["start"], o["end"])
            for p in item.parts
            if (o := p.outcome) is not None and o.get("document_id") is not None and o.get("start") is not None
        ]
        found = rows.facts_at(session, spans)
        for p in item.parts:
            if p.outcome is not None:
                p.outcome["fact_id"] = found.get((p.outcome["document_id"], p.outcome["start"], p.outcome["end"]))
        facts = []
        for f in rows.facts_between(session, item.document_id, *item.span):
            part = parts.get((f.document_id, f.start, f.end))
            facts.append(
                {
                    "id": f.id,
                    "quote": f.quote,
                    "start": f.start,
                    "end": f.end,
                    "kind": f.kind,
                    "indicator": f.indicator,
                    "indicator_id": f.indicator_id,
                    "measure": f.measure,
                    "comparator": f.comparator,
                    "value": f.value,
                    "value_max": f.value_max,
                    "unit": f.unit,
                    "classifier": f.classifier,
                    "period": f.period,
                    "part": part.commitment_id if part else None,
                }
            )
        doc = rows.documents(session, [item.document_id]).get(item.document_id)
        title = None
        if doc is not None:
            title = " ".join(x for x in (doc.jurisdiction_name, str(doc.plan_year or ""), doc.title) if x)
        return TaskView(item, facts, title)


# --------------------------------------------------------------------------- writing


def _clean(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if "\x00" in value:
        raise InputError(f"{what}: NUL characters are not allowed")
    if len(value) > MAX_TEXT:
        raise InputError(f"{what}: at most {MAX_TEXT} characters")
    return value or None


def parse_percent(raw: str | int | None) -> int | None:
    """A percentage 0–100 from a form or the command line ("40", "40%", 40); None when empty."""
    if raw is None:
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip().rstrip("%％").strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError as exc:
            raise InputError(f"percent must be a whole number from 0 to 100, not {raw!r}") from exc
        if not math.isfinite(number) or number != int(number):  # nan, 1e999
            raise InputError(f"percent must be a whole number from 0 to 100, not {raw!r}")
        value = int(number)
    if not 0 <= value <= 100:
        raise InputError(f"percent must be from 0 to 100, not {value}")
    return value


def assess_progress(
    db: Database,
    commitment_id: int,
    status: str,
    *,
    who: str,
    percent: int | None = None,
    note: str | None = None,
    evidence: str | None = None,
    evidence_url: str | None = None,
    fact_id: int | None = None,
) -> Entry:
    """A person's assessment of a key task or 为民实事: status, percentage, note and evidence (a
    quote, or a link when ``evidence`` is one; ``evidence_url``; a fact by id). 已完成 is 100%;
    with no percentage, 已完成 gives 100, 未开始 0, anything else keeps the current one. 已完成 and
    未完成 need evidence. Audited; it outranks the rules until new evidence changes their rating."""
    if status not in PROGRESS_STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(PROGRESS_STATUSES)}")
    percent = parse_percent(percent)
    if status == "done" and percent not in (None, 100):
        raise InputError(f"已完成即100% (done means 100%, not {percent}%)")
    note = _clean(note, "note")
    quote = _clean(evidence, "evidence")
    url = _clean(evidence_url, "evidence link")
    if quote and not url and _URL.match(quote):
        url, quote = quote, None
    if url and not _URL.match(url):
        raise InputError("证据链接须以 http:// 或 https:// 开头 (an evidence link must be an http(s) URL)")
    with db.session() as session:
        c, item = _one(session, commitment_id)
        raw: dict[str, Any] = {k: v for k, v in (("quote", quote), ("url", url)) if v}
        if fact_id is not None:
            # an id past what the database holds (a 64-bit integer) names no fact either
            f = rows.fact_by_id(session, fact_id) if 0 < fact_id < 2**63 else None
            if f is None:
                raise NotFoundError(f"no fact with id {fact_id}")
            raw["fact"] = {"document_id": f.document_id, "key": f.key, "quote": f.quote, "start": f.start, "end": f.end}
        if status in FINAL and not raw:
            raise InputError(
                "已完成、未完成须附证据：引文、链接或报告中的数字 "
                "(done and missed need evidence: a quote, a link or a fact)"
            )
        if percent is None:
            percent = {"done": 100, "planned": 0}.get(status, item.percent)
        row = rows.add_assessment(
            session,
            c,
            AssessmentRow(
                commitment_id=c.id, status=status, provisional=False, rule="manual", rater=who, evidence=raw, note=note
            ),
            percent,
        )
        c.status = status  # for tasks and projects, the status a person set
        audit(
            session,
            who,
            "assess",
            "commitment",
            str(c.id),
            {"status": item.status, "percent": item.percent, "source": item.source},
            {"status": status, "percent": percent, "note": note, "evidence": raw},
        )
        session.flush()
        return Entry(
            at=row.created_at,
            rater=who,
            status=status,
            percent=percent,
            note=note,
            evidence=_evidence(raw, {}),
            rule="manual",
            assessment_id=row.id,
        )
