"""Last year's targets for a place, rated, from the registry (:func:`load_history`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import ExternalNumber, PastTarget
from .source import sentence_around, window

if TYPE_CHECKING:
    from workreport.store import Database


def _quoted(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence around ``[start, end)``, cut to at most ~120 code points; and where it starts."""
    s, e = sentence_around(text, start, end)
    return window(text, s, e, start, end)


def load_history(db: Database, jurisdiction: str, period: int) -> list[PastTarget]:
    """Targets the registry holds for ``jurisdiction`` and ``period``, rated, with their sources.

    Reads only: the ratings are not recorded as assessments."""
    from workreport.errors import NotFoundError
    from workreport.store import DocumentRow
    from workreport.track import track

    try:
        rows = track(db, jurisdiction=jurisdiction, period=period)
    except NotFoundError:
        return []
    texts: dict[int, tuple[str, str, str]] = {}

    def ext(d: dict[str, Any] | None, kind: str | None) -> ExternalNumber | None:
        if d is None:
            return None
        doc_id = d.get("document_id")
        sentence: str | None = None
        sentence_start: int | None = None
        sha: str | None = None
        if doc_id is not None and d.get("start") is not None:
            if doc_id not in texts:
                with db.session() as session:
                    row = session.get(DocumentRow, doc_id)
                    texts[doc_id] = (row.text, row.sha256, row.path) if row is not None else ("", "", "")
            text, sha, _ = texts[doc_id]
            if text:
                sentence, sentence_start = _quoted(text, int(d["start"]), int(d["end"]))
        return ExternalNumber(
            value=float(d["value"]),
            unit=str(d.get("unit") or ""),
            measure=str(d.get("measure") or ""),
            comparator=str(d.get("comparator") or "="),
            value_max=d.get("value_max"),
            quote=d.get("quote"),
            kind=kind or d.get("kind"),
            source=d.get("source"),
            document=d.get("document"),
            document_id=doc_id,
            sha256=sha,
            start=d.get("start"),
            end=d.get("end"),
            sentence=sentence,
            sentence_start=sentence_start,
        )

    out: list[PastTarget] = []
    for r in rows:
        target = ext(r.target, "target")
        if target is None or r.target.get("value") is None:
            continue
        out.append(
            PastTarget(
                indicator_id=r.indicator_id,
                indicator=r.indicator,
                measure=str(r.target.get("measure") or ""),
                target=target,
                outcome=ext(r.outcome, None),
                status=r.status,
                provisional=r.provisional,
            )
        )
    return out
