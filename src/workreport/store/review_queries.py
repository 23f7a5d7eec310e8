"""Read-side queries of the review queue: the words around a quoted span of a stored report."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select

from workreport.store import Database, DocumentRow

Span = tuple[int, int, int]  # (document id, start, end)

_STOP = re.compile(r"[。；！？\n]")


def contexts(db: Database, spans: Iterable[Span], *, before: int = 60, after: int = 40) -> dict[Span, tuple[str, str, str]]:
    """For each span, (the words before it in its sentence, its text, the words after it in its
    sentence), read from the stored text; spans of unknown documents or outside the text are left out."""
    out: dict[Span, tuple[str, str, str]] = {}
    wanted = sorted({s for s in spans if s[1] is not None and s[2] is not None and 0 <= s[1] <= s[2]})
    if not wanted:
        return out
    with db.read() as session:
        for doc, start, end in wanted:
            lo = max(0, start - before)
            piece = session.scalar(
                select(func.substr(DocumentRow.text, lo + 1, end + after - lo)).where(DocumentRow.id == doc)
            )
            if piece is None or len(piece) < end - lo:
                continue
            head, quote, tail = piece[: start - lo], piece[start - lo : end - lo], piece[end - lo :]
            stops = list(_STOP.finditer(head))
            if stops:
                head = head[stops[-1].end() :]
            stop = _STOP.search(tail)
            if stop:
                tail = tail[: stop.end()]
            out[(doc, start, end)] = (head.lstrip(), quote, tail.rstrip("\n"))
    return out
