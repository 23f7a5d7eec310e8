"""What SQLite's full-text index holds: every two adjacent characters of a text as a token.

A search is a substring search (Chinese has no spaces between words), so FTS5 must find a phrase
wherever it stands. A phrase of two characters or more is a chain of overlapping pairs, so an
index of every pair (``增长 长5 5.``…) finds it by a phrase query of its pairs, exactly where
it is a substring. FTS5's cost when it indexes follows the pairs of (distinct term, document) it
records: with FTS5's ``trigram`` tokenizer, every three characters, a 20,000-character report
adds about 15,000 of them; with pairs, a third fewer. Measured on 140 real-size reports (2.8
million characters, bench/README "The search index by pairs of characters"): 1.05 s of CPU
against 1.5 s into a bare FTS5 table, and over the texts of 10,000 reports an index of 609 MB
against 777 MB, the same matches, and phrase queries as fast (one character a token would cost
0.2 s to index, but a query then reads the positions of common characters in nearly every
report: 20 to 30 times slower).

The index is contentless: the writer gives it :func:`search_tokens` of a text (a SQL function of
every SQLite connection the store opens, :func:`register`; the triggers that keep the index in
step with ``documents`` call it), and a query is :func:`phrase` of the words asked for. FTS5's
``ascii`` tokenizer splits on spaces and folds ASCII case; every character outside ASCII is a
token character to it, so the ASCII characters it would drop (spaces, punctuation, control
characters) are first mapped to characters of a private-use plane, one for one. The last
character of a text is paired with an end mark, so that every character starts one token: a
query of one character is the prefix query of that character (``"县" *``), which FTS5 answers
from the pairs that start with it (0.06-0.31 s over 10,000 reports, against 5-11 s for a scan
of every text)."""

from __future__ import annotations

import sys
from array import array
from typing import Any

TOKENS_FUNCTION = "workreport_search_tokens"  # the SQL name of search_tokens()

# ASCII characters that the ascii tokenizer treats as separators, each to a character of
# Supplementary Private Use Area-B (U+100000 + code point), which no report's text uses
_MARKS = {chr(c): chr(0x100000 + c) for c in range(128) if not chr(c).isalnum()}
# code points as 32-bit machine integers: the pairs are laid out by slice assignment, in C
_CODE_POINT = next(t for t in "IL" if array(t).itemsize == 4)
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_SPACE = array(_CODE_POINT, [ord(" ")])
_END = chr(0x10FFFD)  # pairs with a text's last character (the last code point of that plane)


def search_tokens(text: str | None) -> str | None:
    """``text`` as the index holds it: case folded, each pair of adjacent characters a token and
    the last character paired with an end mark, tokens parted by a space. A phrase of the pairs
    of ``q`` (:func:`phrase`) matches exactly where the case-folded ``q`` is a substring of the
    case-folded text."""
    if text is None:
        return None
    folded = _folded(text)
    if not folded:
        return ""
    last = folded[-1] + _END
    return f"{_pairs(folded)} {last}" if len(folded) > 1 else last


def _folded(text: str) -> str:
    # about 1% of a report's characters are ASCII separators, of a dozen kinds: a replace() for
    # each kind the text holds (a scan in C each) takes half the time of a regular expression
    # calling back for every one of them, and a tenth of str.translate's look-up of every
    # character (140 reports: 0.10 s against 0.19 s)
    folded = text.casefold()
    for separator, mark in _MARKS.items():
        if separator in folded:
            folded = folded.replace(separator, mark)
    return folded


def _pairs(folded: str) -> str:
    """"abcd" → "ab bc cd" (two characters or more): three code points a pair, the first two
    from the text, then a space, laid out by slice assignment (4× faster than joining the pairs
    as strings)."""
    n = len(folded)
    points = array(_CODE_POINT)
    points.frombytes(folded.encode(_UTF32))
    out = _SPACE * (3 * (n - 1))
    out[0::3] = points[:-1]
    out[1::3] = points[1:]
    return out.tobytes().decode(_UTF32)[:-1]


def phrase(q: str) -> str:
    """The FTS5 query that finds ``q`` (not empty) as a substring: the phrase of its pairs, or
    for one character the prefix query of the tokens it starts. No double quote can remain
    inside: it is ASCII punctuation, and so mapped."""
    folded = _folded(q)
    if not folded:
        raise ValueError("an empty query finds nothing")
    return f'"{_pairs(folded)}"' if len(folded) > 1 else f'"{folded}" *'


def register(dbapi_conn: Any) -> None:
    """Make :func:`search_tokens` a SQL function of this sqlite3 connection."""
    dbapi_conn.create_function(TOKENS_FUNCTION, 1, search_tokens, deterministic=True)
