"""The review queue: ratings of the rules a person should confirm, and their decisions.

A target rated by the rules lands in the queue when its rating is weak by construction
(TRACK.md leaves the judgement to a person):

- the rules could not choose its outcome: a weak phrase match, or two outcomes with different
  values that match about as well (the tracker's ``review``, with the candidates);
- its rating rests on an estimate (预计): provisional;
- its outcome comes from the same report as the target (a report restating its own plan);
- its indicator label is generic (at most two characters once noise words are set aside, or a
  generic head such as 投资 or 收入), so its outcome may belong to another indicator.

Targets not yet due, and unknown ones the rules had no candidate for, are not in it: there is
no rating to confirm. Each reason is a sentence in Chinese (``rules/review.toml``).

A person's decision, :func:`confirm` (the rules' status becomes the person's) or
:func:`override` (a status the person chooses), is an assessment by that person: the tracker
never lets a later rating of the rules overwrite it (``track.tracker.refresh`` takes a
person's latest assessment over the rules' one), and it is written to the audit log with the
rating before and after. A decided target leaves the queue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from workreport import rules
from workreport.errors import InputError, NotFoundError
from workreport.model import STATUSES
from workreport.registry.edits import audit
from workreport.store import AssessmentRow, CommitmentRow, Database
from workreport.store.review_queries import contexts
from workreport.track import TrackRow, track
from workreport.track.tracker import refresh

REASONS = ("competing", "weak", "estimate", "same_report", "generic")
# the tracker's review sentences (track.match.choose) → the queue's reason
_REVIEW_CODES = {"竞争": "competing", "较弱": "weak"}


@cache
def _spec() -> dict[str, Any]:
    return rules.load("review")


def reason_text(code: str) -> str:
    """The Chinese sentence of a reason code."""
    return str(_spec()["reasons"][code])


@cache
def _noise() -> tuple[re.Pattern[str], frozenset[str]]:
    phrase = rules.load("tracking")["phrase"]
    words = sorted(phrase["strip_words"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))), frozenset(phrase["strip_chars"])


def label_core(label: str | None) -> str:
    """An indicator label with the tracking rules' noise words (要, 再, 完成, 预期 …),
    punctuation and list markers set aside: what it says is measured."""
    if not label:
        return ""
    words, chars = _noise()
    text = words.sub("", unicodedata.normalize("NFKC", label))
    return "".join(c for c in text if c not in chars and (c.isalnum() or "\u4e00" <= c <= "\u9fff"))


def generic_label(label: str | None) -> bool:
    """Is this label too generic to say what is measured? At most ``max_chars`` characters once
    noise is set aside, or a generic head (投资, 收入 …) alone or with one character before it."""
    core = label_core(label)
    spec = _spec()["generic"]
    if len(core) <= int(spec["max_chars"]):
        return True
    return any(core.endswith(h) and len(core) <= len(h) + 1 for h in spec["heads"])


@dataclass(slots=True)
class Reason:
    """Why a person should look at a rating: a code and its Chinese sentence, with a detail
    (the generic label) where one helps."""

    code: str
    text: str
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The reason as JSON."""
        return {"code": self.code, "text": self.text, "detail": self.detail}


def reasons(row: TrackRow) -> list[Reason]:
    """Why the rules' rating of ``row`` should be confirmed by a person; empty when it need not
    be (or a person already decided it)."""
    if row.rater != "rules" or row.status == "not_yet_due":
        return []
    found: list[Reason] = []
    if row.review:
        code = next((c for k, c in _REVIEW_CODES.items() if k in row.review), "weak")
        found.append(Reason(code, reason_text(code)))
    if row.outcome is not None:
        if row.provisional or row.outcome.get("kind") == "estimate":
            found.append(Reason("estimate", reason_text("estimate")))
        if row.outcome.get("document_id") is not None and row.outcome["document_id"] == row.target.get("document_id"):
            found.append(Reason("same_report", reason_text("same_report")))
    if (row.outcome is not None or row.review) and generic_label(row.indicator):
        found.append(Reason("generic", reason_text("generic"), row.indicator or ""))
    return found


@dataclass(slots=True)
class Quote:
    """A quoted span of a report, with the words around it in its sentence."""

    role: str  # target | outcome | candidate
    document_id: int | None
    start: int | None
    end: int | None
    quote: str
    kind: str | None = None
    value_text: str = ""
    before: str = ""
    after: str = ""

    @property
    def href(self) -> str | None:
        """The reader at this span."""
        if self.document_id is None or self.start is None or self.end is None:
            return None
        return f"/documents/{self.document_id}#f-{self.start}-{self.end}"

    def to_dict(self) -> dict[str, Any]:
        """The quote as JSON, with its link."""
        return {
            "role": self.role,
            "document_id": self.document_id,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
            "href": self.href,
        }


@dataclass(slots=True)
class ReviewItem:
    """A rating to confirm: the tracker's row, why, and the quotes of both sides."""

    row: TrackRow
    reasons: list[Reason]
    target: Quote
    outcomes: list[Quote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON (what ``/review.json`` lists)."""
        return {
            "commitment_id": self.row.commitment_id,
            "jurisdiction": self.row.jurisdiction,
            "period": self.row.period,
            "indicator": self.row.indicator,
            "indicator_id": self.row.indicator_id,
            "status": self.row.status,
            "provisional": self.row.provisional,
            "rule": self.row.rule,
            "reasons": [r.to_dict() for r in self.reasons],
            "target": self.target.to_dict(),
            "outcomes": [q.to_dict() for q in self.outcomes],
        }


def _quotes(row: TrackRow) -> tuple[Quote, list[Quote]]:
    t = row.target
    target = Quote("target", t.get("document_id"), t.get("start"), t.get("end"), t.get("quote") or "", "target")
    if row.outcome is not None:
        o = row.outcome
        return target, [Quote("outcome", o.get("document_id"), o.get("start"), o.get("end"), o.get("quote") or "", o.get("kind"))]
    return target, [
        Quote("candidate", c.get("document_id"), c.get("start"), c.get("end"), c.get("quote") or "", c.get("kind"))
        for c in row.candidates[:3]
    ]


@dataclass(slots=True)
class Queue:
    """One page of the review queue, with how many items there are for each reason."""

    items: list[ReviewItem]
    page: int
    per_page: int
    total: int
    by_reason: dict[str, int]

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one)."""
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """The page as JSON, paginated as the API's lists are."""
        return {
            "items": [i.to_dict() for i in self.items],
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
            "by_reason": self.by_reason,
        }


def queue(
    db: Database,
    *,
    jurisdiction: str | None = None,
    period: int | None = None,
    reason: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Queue:
    """The ratings a person should confirm (optionally of one place, period or reason), one page
    of them with the words around their quotes; oldest period first."""
    if reason is not None and reason not in REASONS:
        raise InputError(f"unknown reason {reason!r}; use one of {', '.join(REASONS)}")
    if page < 1 or not 1 <= per_page <= 200:
        raise InputError("page must be >= 1 and per_page between 1 and 200")
    flagged = [(r, why) for r in track(db, jurisdiction=jurisdiction, period=period) if (why := reasons(r))]
    by_reason = {code: sum(any(w.code == code for w in why) for _, why in flagged) for code in REASONS}
    if reason is not None:
        flagged = [(r, why) for r, why in flagged if any(w.code == reason for w in why)]
    flagged.sort(key=lambda f: (f[0].period or 0, f[0].jurisdiction or "", f[0].commitment_id))
    chosen = flagged[(page - 1) * per_page : page * per_page]
    items = [ReviewItem(r, why, *_quotes(r)) for r, why in chosen]
    spans = [
        (q.document_id, q.start, q.end)
        for i in items
        for q in (i.target, *i.outcomes)
        if q.document_id is not None and q.start is not None and q.end is not None
    ]
    around = contexts(db, spans)
    for i in items:
        for q in (i.target, *i.outcomes):
            key = (q.document_id, q.start, q.end)
            if key in around:
                q.before, quoted, q.after = around[key]
                q.quote = q.quote or quoted
    return Queue(items, page, per_page, len(flagged), by_reason)


# --------------------------------------------------------------------------- decisions


def _state(c: CommitmentRow) -> dict[str, Any]:
    """A target's rating as the audit log keeps it."""
    return {
        "status": c.status,
        "provisional": c.provisional,
        "rater": c.rater,
        "rule": c.rule,
        "outcome": (
            {
                "document_id": c.outcome_document_id,
                "start": c.outcome_start,
                "end": c.outcome_end,
                "quote": c.outcome_quote,
                "value": c.outcome_value,
                "kind": c.outcome_kind,
            }
            if c.outcome_id is not None
            else None
        ),
    }


@dataclass(slots=True)
class Decision:
    """What a person decided about a rating: the commitment, the action, the status before
    and after, and whether anything changed."""

    commitment_id: int
    action: str  # confirm | override
    before: str | None
    after: str
    who: str
    changed: bool = True


def _decide(
    db: Database,
    commitment_id: int,
    action: str,
    status: str | None,
    *,
    who: str,
    note: str | None,
    expected: str | None,
) -> Decision:
    if note is not None and "\x00" in note:
        raise InputError("note: NUL characters are not allowed")
    with db.session() as session:
        c = session.get(CommitmentRow, commitment_id)
        if c is None or c.retired:
            raise NotFoundError(f"no commitment with id {commitment_id}")
        if c.type != "target":
            raise InputError(f"commitment {commitment_id} is a {c.type}, not a target: assess it instead")
        if c.rated_at is None:
            refresh(session, [c.id])
        if expected is not None and expected != c.status:
            raise InputError(
                f"the rating of commitment {commitment_id} is now {c.status!r}, not {expected!r}: reload the page"
            )
        before = _state(c)
        if action == "confirm":
            if c.rater not in (None, "rules"):  # decided already (a second click): nothing to do
                return Decision(c.id, action, c.status, c.status or "", who, changed=False)
            status = c.status or "not_yet_due"
        assert status is not None
        session.add(
            AssessmentRow(
                commitment_id=c.id,
                status=status,
                provisional=False,
                rule="confirmed" if action == "confirm" else "overridden",
                rater=who,
                evidence={
                    "action": action,
                    "rules_status": before["status"],
                    "document_id": c.outcome_document_id,
                    "start": c.outcome_start,
                    "end": c.outcome_end,
                    **({"note": note} if note else {}),
                },
                note=note,
            )
        )
        session.flush()
        refresh(session, [c.id])  # the person's decision now outranks the rules
        session.flush()
        audit(session, who, action, "commitment", str(c.id), before, {**_state(c), "note": note})
        return Decision(c.id, action, before["status"], status, who)


def confirm(
    db: Database, commitment_id: int, *, who: str, expected: str | None = None, note: str | None = None
) -> Decision:
    """A person confirms the rules' rating of a target: it becomes theirs, outranks every later
    rating of the rules and leaves the queue. ``expected`` (the status the person saw) guards
    against confirming a rating that changed meanwhile. Confirming a target a person already
    decided changes nothing."""
    return _decide(db, commitment_id, "confirm", None, who=who, note=note, expected=expected)


def override(
    db: Database, commitment_id: int, status: str, *, who: str, note: str | None = None
) -> Decision:
    """A person overrides the rules' rating of a target with ``status`` (one of STATUSES); it
    outranks every later rating of the rules and leaves the queue."""
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    return _decide(db, commitment_id, "override", status, who=who, note=note, expected=None)
