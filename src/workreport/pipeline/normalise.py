"""Length-preserving normalisation of report text for extraction.

Every mapping is one code point to one code point, so offset ``i`` in ``normalise(t)`` is
offset ``i`` in ``t``: extractors match on the normalised string and report spans into
``Document.text`` with no offset map. What it does:

- full-width ASCII forms (U+FF01–U+FF5E) → ASCII, except ``，`` (U+FF0C), which stays the
  Chinese sentence comma, save between full-width digits in groups of three (``３，９８９亿斤``
  → ``3,989亿斤``: a thousands separator, as older reports write), and ``．`` (U+FF0E),
  which becomes ``.`` only between digits (``８．５`` → ``8.5``, not a list item's ``1．``);
- Unicode spaces (U+3000, U+00A0, U+2000–U+200A …) → ``' '``; line breaks are untouched;
- traditional → simplified characters from ``rules/t2s.tsv`` (see ``tools/make_t2s.py``).

Debris such as the literal ``<U+00A0>`` tokens of some saved pages is left alone: it is
the structure stage's business.
"""

from __future__ import annotations

import re
import sys
from array import array
from functools import cache
from importlib import resources
from typing import Final

from workreport.errors import RulesError

_FULLWIDTH: Final = range(0xFF01, 0xFF5F)
_FULLWIDTH_KEEP: Final = {0xFF0C, 0xFF0E}  # ， stays Chinese; ． is handled by context below
_SPACES: Final = (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)
_FULLWIDTH_POINT: Final = re.compile(r"([0-9] {0,2})．(?= {0,2}[0-9])")
# ３，９８９ and ２７，２０３，３１９，０００: full-width digits grouped by threes with ``，``
_FULLWIDTH_THOUSANDS: Final = re.compile(r"(?<![０-９．])[０-９]{1,3}(?:，[０-９]{3})+(?![０-９])")
# what every such group holds: searched first, since a pattern opening with a lookbehind is
# tried at every character and few reports write full-width digits at all
_FULLWIDTH_DIGIT_COMMA: Final = re.compile(r"[０-９]，[０-９]")

# Han ideographs, including 〇 (written in years such as 二〇二四) and compatibility forms.
_CJK_RANGES: Final = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FFFF),
    (0x30000, 0x323AF),
)
# runs, not single ideographs: counting by run lengths makes one string a run, not one a character
_CJK_RUN: Final = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _CJK_RANGES) + "]+")


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` (one character) is a Han ideograph."""
    return any(a <= ord(ch) <= b for a, b in _CJK_RANGES)


def cjk_count(text: str) -> int:
    """How many Han ideographs ``text`` holds."""
    return sum(map(len, _CJK_RUN.findall(text)))


def _load_t2s() -> dict[int, int]:
    source = resources.files("workreport") / "rules" / "t2s.tsv"
    table: dict[int, int] = {}
    for lineno, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2 or len(cols[0]) != 1 or len(cols[1]) != 1:
            raise RulesError(
                "expected 'traditional<TAB>simplified', one character each", path="rules/t2s.tsv", line=lineno
            )
        table[ord(cols[0])] = ord(cols[1])
    return table


@cache
def translation_table() -> dict[int, int]:
    """The ``str.translate`` table behind :func:`normalise`, built once."""
    table = _load_t2s()
    table.update({cp: cp - 0xFEE0 for cp in _FULLWIDTH if cp not in _FULLWIDTH_KEEP})
    table.update(dict.fromkeys(_SPACES, 0x20))
    return table


@cache
def _translation_string() -> str:
    """:func:`translation_table` as a string indexed by code point, up to the highest one it
    maps: ``str.translate`` finds every character in it without the KeyError (raised and
    cleared) that a dict costs for each character it does not map, the most of a report's;
    about twice as fast. Characters above it are left as they are, as the dict leaves them."""
    table = translation_table()
    points = array("I", range(max(table) + 1))  # made as UTF-32 code units: a fifth of a join of chr()s
    for cp, to in table.items():
        points[cp] = to
    return points.tobytes().decode(f"utf-32-{sys.byteorder[0]}e", "surrogatepass")


# Spaces that web scrapers wrote out as text (`<U+00A0>`, `&nbsp;`): each becomes as many
# plain spaces as it has characters, so offsets still line up.
_ESCAPED_SPACE: Final = re.compile(r"<U\+00A0>|&nbsp;|&#160;")


@cache
def _folded_chars() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for every character :func:`translation_table` maps (and any character beyond
    the Basic Multilingual Plane, so that the class is a bitmap, not a list of 3,000 ranges
    searched one by one), and each such character's folded form (itself if unmapped)."""
    table = translation_table()
    bmp = "".join(re.escape(chr(cp)) for cp in sorted(table) if cp <= 0xFFFF)
    folds = {chr(cp): chr(to) for cp, to in table.items()}
    return re.compile(f"[{bmp}]|[\U00010000-\U0010FFFF]"), folds


_SAMPLE: Final = 2000  # characters: a page of a report is about 1,000


def _fold(text: str) -> str:
    """``text.translate(translation_table())``, by the faster of two ways. ``str.translate``
    looks every character up (about 50 ns each), while a report in simplified characters
    holds a mapped one (：, （, ％, a space) in every 200 or so: replacing only those, found
    by one scan in C, is 4–6 times faster. A text dense with them (traditional characters)
    is translated whole, since one replacement costs as much as five or six lookups: the
    text's first :data:`_SAMPLE` characters tell which it is."""
    pattern, folds = _folded_chars()
    if len(pattern.findall(text, 0, _SAMPLE)) * 8 > min(len(text), _SAMPLE):
        return text.translate(_translation_string())
    get = folds.get
    return pattern.sub(lambda m: get(m[0], m[0]), text)


def normalise(text: str) -> str:
    """``text`` folded for matching; always exactly as long as ``text``."""
    out = _fold(text)
    if "，" in text and _FULLWIDTH_DIGIT_COMMA.search(text):
        grouped = [m.span() for m in _FULLWIDTH_THOUSANDS.finditer(text)]
        if grouped:
            out = _thousands(out, grouped)
    if "．" in out:
        out = _FULLWIDTH_POINT.sub(r"\1.", out)
    if "<U+00A0>" in out or "&nbsp;" in out or "&#160;" in out:
        out = _ESCAPED_SPACE.sub(lambda m: " " * len(m.group(0)), out)
    return out


def _thousands(out: str, spans: list[tuple[int, int]]) -> str:
    """``out`` with the ``，`` inside each of ``spans`` written ``,``."""
    parts: list[str] = []
    at = 0
    for a, b in spans:
        parts.append(out[at:a])
        parts.append(out[a:b].replace("，", ","))
        at = b
    parts.append(out[at:])
    return "".join(parts)


def fold_char(ch: str) -> str:
    """One character as :func:`normalise` folds it out of context (``．`` stays ``．``)."""
    return ch.translate(translation_table())
