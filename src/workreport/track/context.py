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
from functools import cache

from workreport import rules

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


TOPIC = 160  # characters back to its sentence's start at most, to read the sentence's topic


def context_in(text: str, start: int, sentence_start: int | None) -> str:
    """The context of a number at ``start`` of a document whose whole text is ``text``: its
    item's (:func:`item_context`), and where that names no subject (覆盖面扩大到), the first item
    of its sentence before it (the topic the sentence opened with)."""
    item = item_context(text[window_start(start) : start], start, sentence_start)
    if sentence_start is None or start - sentence_start > TOPIC or not _bare(item):
        return item
    sentence = text[sentence_start:start]
    first = _FIRST_ITEM.match(sentence)
    if first is None or first.end() >= len(sentence) - len(item):
        return item  # the item is the sentence's first
    return f"{first[1]}…{item}"


# the sentence's first clause (a 、 may list places inside it: 2343个县（市、区）开展…试点)
_FIRST_ITEM = re.compile(r"([^，,；;：:]+)[，,；;：:]")


@cache
def _topic_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    spec = rules.load("tracking")["context"]
    return tuple(spec["topic_nouns"]), tuple(sorted(spec["topic_verbs"], key=len, reverse=True))


def _bare(item: str) -> bool:
    """Whether an item's words are only a word of how much is covered and a verb (覆盖面扩大到)."""
    nouns, verbs = _topic_words()
    words = item.strip()
    for verb in verbs:
        if words.endswith(verb):
            words = words[: -len(verb)]
            break
    return words in nouns
