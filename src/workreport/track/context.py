"""The words before an outcome's number that may name what it measures: one pure function,
shared by every path that rates targets (the registry's tracker and the dataset analysis of
``workreport.batch.analysis``), so that both give an outcome the same context.

An outcome such as ``增长6.7%`` often has a short or empty indicator phrase of its own; the
words before it (``规模以上工业增加值``) say what grew. The context is at most
:data:`CONTEXT` characters before the number, within its sentence, and within its item of a
list (after the last of :data:`ITEM_BREAKS`).
"""

from __future__ import annotations

import re

CONTEXT = 40  # characters before an outcome's number that may name what it measures
ITEM_BREAKS = "，,、；;：:。！？!?"  # where the words naming one figure of a list begin
_UP_TO_LAST_BREAK = re.compile(f".*[{re.escape(ITEM_BREAKS)}]", re.DOTALL)


def window_start(start: int) -> int:
    """Where the text read for the context of a number at ``start`` begins."""
    return start - CONTEXT if start > CONTEXT else 0


def item_context(window: str, start: int, sentence_start: int | None) -> str:
    """The context of a number at ``start`` from ``window``, the text from
    :func:`window_start` up to ``start``: within its sentence (when ``sentence_start`` is
    known), then within its item of a list."""
    text = window or ""
    if sentence_start is not None:
        text = text[max(0, len(text) - (start - sentence_start)) :]
    head = _UP_TO_LAST_BREAK.match(text)  # up to the last break, if any
    return text[head.end() :] if head else text


def context_in(text: str, start: int, sentence_start: int | None) -> str:
    """The context of a number at ``start`` of a document whose whole text is ``text``."""
    return item_context(text[window_start(start) : start], start, sentence_start)
