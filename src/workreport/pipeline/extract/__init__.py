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

from workreport.model import Document, Fact, Structure
from workreport.pipeline.extract.facts import hedged_sentence_facts, sentence_zone
from workreport.pipeline.extract.reading import sentence_spans
from workreport.pipeline.extract.vocabulary import indicator_names
from workreport.pipeline.normalise import normalise
from workreport.pipeline.structure import structure as structure_of

__all__ = ["extract", "indicator_names"]


def extract(doc: Document, structure: Structure | None = None) -> list[Fact]:
    """Every fact in ``doc`` (FACTS.md), in text order, with spans into ``doc.text``."""
    norm = normalise(doc.text)
    st = structure if structure is not None else structure_of(doc, norm)
    own = st.metadata.jurisdiction
    facts: list[Fact] = []
    for para in st.paragraphs:
        topic: str | None = None
        for n, sentence in enumerate(sentence_spans(norm, para.span.start, para.span.end)):
            zone = sentence_zone(norm, sentence, own)
            if zone is not None and (n < 2 or topic is not None):
                topic = zone
            sentence_scope = zone or topic
            for f, at in hedged_sentence_facts(norm, sentence, para, st, sentence_scope):
                f.quote = doc.text[f.start : f.end]
                if f.hedge is not None and at >= 0:  # as written: 預計, not the folded 预计
                    f.hedge = doc.text[at : at + len(f.hedge)]
                facts.append(f)
    return facts
