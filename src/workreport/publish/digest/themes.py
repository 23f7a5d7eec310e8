"""Which theme (经济运行, 科技创新 …) a number of the report belongs to, by the rules in rules/themes.toml."""

from __future__ import annotations

from functools import cache

from workreport import rules
from workreport.model import Fact, Structure

from .source import Source


@cache
def themes() -> tuple[tuple[str, str, str], ...]:
    """(key, Chinese name, English name) of every theme, in the order a reading shows them."""
    return tuple((str(t["key"]), str(t["zh"]), str(t["en"])) for t in rules.load("themes")["theme"])


@cache
def theme_names() -> dict[str, str]:
    """theme key → its Chinese name."""
    return {key: zh for key, zh, _ in themes()}


@cache
def _theme_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(w["theme"]), tuple(str(w["words"]).split())) for w in rules.load("themes")["words"])


def theme_of_text(text: str) -> str | None:
    """The first theme (in priority order) with one of its words in a short text."""
    for key, words in _theme_words():
        if any(w in text for w in words):
            return key
    return None


def nearest_theme(text: str, at: int) -> str | None:
    """In a long text, the theme of the word nearest before ``at`` (else nearest after)."""
    best: tuple[int, int, str] | None = None
    for rank, (key, words) in enumerate(_theme_words()):
        for w in words:
            i = text.rfind(w, 0, at)
            if i >= 0:
                d = at - (i + len(w))
            else:
                i = text.find(w, at)
                if i < 0:
                    continue
                d = 10_000 + i - at
            if best is None or (d, rank) < best[:2]:
                best = (d, rank, key)
    return best[2] if best else None


def theme_of(f: Fact, src: Source, st: Structure) -> str:
    """The theme of a fact: by its indicator id, else by the words of its name, clause, sentence
    and headings (rules/themes.toml); ``other`` when nothing says."""
    by_id: dict[str, str] = rules.load("themes")["indicator"]
    if f.indicator_id in by_id:
        return by_id[f.indicator_id]
    found = theme_of_text(f.indicator)
    ss, se = src.sentence(f)
    if found is None:
        found = theme_of_text(src.clause(f.start, f.end, ss, se).plain)
    if found is None:
        found = nearest_theme(src.text[ss:se], f.start - ss)
    if found is None:
        for s in reversed(st.path_at(f.start)):
            found = theme_of_text(s.title)
            if found:
                break
    return found or "other"
