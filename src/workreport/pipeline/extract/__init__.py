"""Extract: every number that measures something, normalised, with its exact span.

The contract is FACTS.md. The pipeline per sentence:

1. *mentions*: numerals with their unit and the comparator words that touch them
   (``20%以上``, ``超过90亿元``), plus word forms (``翻一番``, ``零增长``, ``首位``);
   numbers that are names, ordinals, dates or labels are dropped here;
2. *reading*: for each mention, the phrase before it in its clause gives the verb (sign and
   measure) and the indicator; elided subjects (``生产总值3420亿元、增长1.5%``) inherit;
3. *distribution*: ``A、B均增长…`` gives one fact per subject, ``A、B分别…X、Y`` pairs them;
4. *context*: kind, hedge, period and scope from the paragraph's role and the cue words.

Matching runs on the normalised text, which has the same length as the original, so every
offset found is an offset of the original; quotes are cut from the original.

Modules, in pipeline order: ``vocabulary`` (rules loaded once), ``mentions`` (1),
``reading`` (2), ``facts`` (3 and 4, and the scope of a sentence).
"""

from __future__ import annotations

import contextlib
import gc
import re
import threading
from collections.abc import Iterator
from typing import Final

from workreport.model import Document, Fact, Span, Structure, as_document
from workreport.pipeline.extract.facts import add_sentence_facts, sentence_zone
from workreport.pipeline.extract.mentions import FIGURE_CHARS
from workreport.pipeline.extract.vocabulary import SENTENCE_END, indicator_names
from workreport.pipeline.normalise import normalise
from workreport.pipeline.structure import structure as structure_of

__all__ = ["extract", "indicator_names", "sentences"]

_SENTENCE_END: Final = re.compile("[" + re.escape("".join(sorted(SENTENCE_END))) + "]")
_FIGURE: Final = re.compile(FIGURE_CHARS)


def sentences(text: str, lo: int, hi: int) -> list[Span]:
    """The sentences of ``text[lo:hi]``, each ending at its sentence-final punctuation
    (``reading.sentence_spans``, with one regex scan instead of a loop per character)."""
    out: list[Span] = []
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, hi):
        end = m.end()
        out.append(Span(start, end))
        start = end
    if start < hi:
        out.append(Span(start, hi))
    return out


def extract(doc: Document | str, structure: Structure | None = None, *, normalised: str | None = None) -> list[Fact]:
    """Every fact in ``doc`` (FACTS.md), in text order, with spans into ``doc.text``; ``doc``
    may be the text itself (a str), the spans then indexing it.
    ``normalised``: ``normalise(doc.text)`` when the caller has it already (it structured the
    document from it): folding a report's text is 5% of reading it.

    A sentence without a digit, a numeral or a word a figure is written with (翻番, 倍增, 首位)
    holds no figure: it is passed over, and the zone it names (the paragraph's topic) is read
    only when a later sentence of the paragraph has figures."""
    doc = as_document(doc)
    with collector_paused():
        return _extract(doc, structure, normalise(doc.text) if normalised is None else normalised)


def _extract(doc: Document, structure: Structure | None, norm: str) -> list[Fact]:
    st = structure if structure is not None else structure_of(doc, norm)
    own = st.metadata.jurisdiction
    facts: list[Fact] = []
    figure = _FIGURE.search
    for para in st.paragraphs:
        topic: str | None = None
        spans = sentences(norm, para.span.start, para.span.end)
        zoned = 0  # the zones of spans[:zoned] are read into topic
        zone: str | None = None
        for n, sentence in enumerate(spans):
            if figure(norm, sentence.start, sentence.end) is None:
                continue
            while zoned <= n:
                zone = sentence_zone(norm, spans[zoned], own)
                if zone is not None and (zoned < 2 or topic is not None):
                    topic = zone
                zoned += 1
            # quotes and hedge words as written: 預計, not the folded 预计
            add_sentence_facts(facts, norm, doc.text, sentence, para, st, zone or topic)
    return facts


# The extractor makes many small objects (mentions, readings, facts: one per ten characters of a
# dense list) and no reference cycles among them: the cyclic collector's passes over them free
# nothing and took 9% of the time on a normal report, 17% on a long list (its passes grow with
# what is alive). So it is paused while a document is extracted, and resumed after; reference
# counting still frees everything as usual. Threads extracting at once share one pause: the
# collector is resumed when the last of them is done, and only if it was running before.
_PAUSE_LOCK: Final = threading.Lock()
_pause = [0, False]  # extractions under way; whether the collector ran before the first


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (see above)."""
    with _PAUSE_LOCK:
        if _pause[0] == 0:
            _pause[1] = gc.isenabled()
            gc.disable()
        _pause[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pause[0] -= 1
            if _pause[0] == 0 and _pause[1]:
                gc.enable()
