"""Numerals as Chinese government work reports write them, read into exact Decimals.

Forms understood: Arabic (``3420``, ``1,234.5``), Chinese (``三千五百``, ``一万零五十``,
``两万``, abbreviated ``三千五``/``一万二``), digit by digit (``二〇二二``), a Chinese point
(``三点五``, ``一点二万亿``), mixed (``1.2万亿``, ``1亿3千万``), percent words (``百分之六点五``,
returned as 6.5) and fractions (``三分之一``, ``1/3``).

Text is assumed already normalised to half-width ASCII digits and punctuation and to
simplified characters; nothing here folds full-width or traditional forms.

Decisions a reader may trip over:

* 零 must mark exactly the places a reading skips (``一千零五十``; ``一千五十`` and
  ``一亿三千`` are rejected): without it ``一亿三千`` could be a clipped ``一亿三千万``.
* ``万万`` and ``亿亿`` are rejected: reports write 亿, and 万万 in prose is the adverb
  (万万不可). ``万亿`` is 10**12, read as (一万)亿, so ``一万零五百亿`` works too.
* A bare leading unit means one of it (``十``, ``百亿``, ``万亿``), but only at the start:
  ``一百十五`` is rejected.
* No sign, no whitespace, no 兆, 成, 倍 or 番; ``多``/``余`` are left to the caller.
* Approximate numerals, two neighbouring digits in one place (``五六十`` 50–60, ``十五六``
  15–16, ``三四百万``, ``一两``, ``两三千``), are ranges: ``parse_approximate`` reads them and
  ``read_numeral`` reads either kind; ``parse_numeral`` rejects them, except that a bare
  pair such as ``三四`` reads digit by digit there (34) and as a range (3–4) in
  ``read_numeral``.
* Results are canonical: integers have exponent 0 (``Decimal('1200000000000')``), other
  values carry no trailing zeros (``0.50`` → ``Decimal('0.5')``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Final

from workreport.errors import NumeralError

__all__ = [
    "NUMERAL_PATTERN",
    "NUMERAL_STARTS",
    "find_numerals",
    "parse_approximate",
    "parse_numeral",
    "read_numeral",
    "to_chinese",
    "to_mixed",
]

# Sums and products of finite decimals are exact given enough digits; trapping Inexact
# turns any silent rounding into a loud bug instead of a wrong number.
_EXACT: Final = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
# Only fractions can be inexact. 28 digits is Decimal's default, so 三分之一 equals
# Decimal(1) / Decimal(3) whatever context the caller happens to be running under.
_FRACTION: Final = Context(prec=28)

_DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8,
    "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL: Final[dict[str, int]] = {"十": 1, "拾": 1, "百": 2, "佰": 2, "千": 3, "仟": 3}
_BIG: Final[dict[str, int]] = {"万": 4, "亿": 8}
_MULTIPLIERS: Final[dict[str, int]] = {"": 0, "万": 4, "亿": 8, "万亿": 12}

_D: Final = "".join(_DIGITS)
_UB: Final = "".join(_SMALL) + "".join(_BIG)
# [0-9], not \d: \d would also take Arabic-Indic and full-width digits, which Decimal() reads.
_ARABIC: Final = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
# Every repetition below alternates disjoint character classes, so each text has one way
# to match and the engine cannot backtrack more than a constant per character.
_MIXED: Final = rf"{_ARABIC}(?:[{_UB}]+(?:[0-9]+[{_UB}]+)*)?"
_ZH_TAIL: Final = rf"[{_D}{_UB}]*(?:点[{_D}]+[万亿]*)?"
# A bare 百/千 opens a numeral only before 万/亿 (百亿, 千万) or 余/多 (百余个, 千多人); a bare
# 万 only before 余 (万余人); a bare 亿 never does.
_ZH: Final = rf"(?:[{_D}十拾]|[百千佰仟](?=[万亿余多])|万(?=余)){_ZH_TAIL}"
_NUM: Final = rf"(?:{_MIXED}|{_ZH})"

NUMERAL_PATTERN: Final[str] = (
    rf"百分之(?:{_MIXED}|[{_D}十拾百佰千仟]{_ZH_TAIL})"
    rf"|[千仟万亿]分之{_NUM}"
    rf"|{_ARABIC}/{_ARABIC}"
    rf"|{_NUM}(?:分之{_NUM})?"
)
"""A maximal candidate numeral in running text; ``find_numerals`` keeps those that parse."""

NUMERAL_STARTS: Final[frozenset[str]] = frozenset(_D + "十拾百佰千仟万亿")
"""Besides the ASCII digits, every character a match of ``NUMERAL_PATTERN`` can start with."""

_NUMERAL_RE: Final = re.compile(NUMERAL_PATTERN)
_ARABIC_RE: Final = re.compile(_ARABIC)
# Most numerals of a report are Arabic, alone or before one magnitude (12, 5.3, 1,234, 406万,
# 1.5亿): the parser reads any such run as the number times the magnitude, which is computed
# here at once instead of a token and a grammar step per character.
_ARABIC_BIG_RE: Final = re.compile(rf"({_ARABIC})(万亿|万|亿)?")
_POINT_TAIL_RE: Final = re.compile(rf"([{_D}]+)([万亿]*)")
_HAS_ASCII_DIGIT_RE: Final = re.compile(r"[0-9]")


class _Reject(Exception):
    """Raised deep in the parser; parse_numeral turns it into one NumeralError."""


def _p10(k: int) -> Decimal:
    return Decimal((0, (1,), k))


# The powers the parser multiplies by (places 1-3, 万 and 亿 levels, 万亿), made once: a
# Decimal built from a tuple at every place read.
_POWERS: Final[tuple[Decimal, ...]] = tuple(_p10(k) for k in range(13))


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "num", "unit" (十百千) or "big" (万亿)
    value: Decimal = Decimal(0)
    place: int = 0  # a unit's power of ten
    digit: int | None = None  # set for one-digit numbers, the only ones a unit may follow
    zero: bool = False  # 零/〇: as the only digit it is 0, elsewhere it marks skipped places


# One shared token per Chinese character (tokens are frozen): building a new one per
# character was half the time of reading a numeral.
_CHAR_TOKENS: Final[dict[str, _Tok]] = {
    **{c: _Tok("num", Decimal(d), digit=d, zero=d == 0) for c, d in _DIGITS.items()},
    **{c: _Tok("unit", place=p) for c, p in _SMALL.items()},
    **{c: _Tok("big", place=p) for c, p in _BIG.items()},
}


def _tokens(s: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    while i < len(s):
        tok = _CHAR_TOKENS.get(s[i])
        if tok is not None:
            out.append(tok)
            i += 1
            continue
        m = _ARABIC_RE.match(s, i)
        if m is None:
            raise _Reject
        text = m[0]
        digit = int(text) if len(text) == 1 else None
        out.append(_Tok("num", Decimal(text.replace(",", "")), digit=digit))
        i = m.end()
    return out


class _Parser:
    """Recursive descent over (coefficient)亿(remainder), each side (coefficient)万(remainder).

    Levels are 8 (亿), 4 (万) and 0 (a section below 10**4 made of 千百十 terms).
    """

    def __init__(self, tokens: list[_Tok], *, allow_abbrev: bool = True, levels: bool = True) -> None:
        self.toks = tokens
        self.i = 0
        self.allow_abbrev = allow_abbrev
        self.levels = levels  # False: no 万 or 亿 among the tokens

    def number(self) -> Decimal:
        # without a 万 or 亿 both levels hand the section's reading through unchanged: it is read alone
        got = self._level(8, at_start=True) if self.levels else self._section(at_start=True)
        if got is None or self.i != len(self.toks):
            raise _Reject
        return got[0]

    def _peek(self, k: int = 0) -> _Tok | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def _take_zero(self) -> bool:
        tok = self._peek()
        if tok is not None and tok.zero:
            self.i += 1
            return True
        return False

    def _at_end(self) -> bool:
        return self.i == len(self.toks)

    def _level(self, lvl: int, *, at_start: bool) -> tuple[Decimal, bool] | None:
        """(value, bare) or None if nothing was read; bare means a plain number, no unit."""
        if lvl == 0:
            return self._section(at_start=at_start)
        lower = lvl - 4
        coef = self._level(lower, at_start=at_start)
        tok = self._peek()
        if tok is None or tok.kind != "big" or tok.place != lvl:
            return coef
        if coef is None and not at_start:
            raise _Reject
        after_big = self.i > 0 and self.toks[self.i - 1].kind == "big"  # the 万 of 万亿
        self.i += 1
        coef_value = Decimal(1) if coef is None else coef[0]
        value = coef_value * _POWERS[lvl]
        zero = self._take_zero()
        nxt = self._peek()
        if nxt is None or nxt.kind == "big":
            if zero:
                raise _Reject
            return value, False
        if coef_value != coef_value.to_integral_value():
            raise _Reject  # 1.5万3千 means nothing
        if not zero and self.allow_abbrev and not after_big and nxt.digit and self.i + 1 == len(self.toks):
            self.i += 1  # 一万二 = 12000: a lone final digit counts in the next place down
            return value + nxt.digit * _POWERS[lvl - 1], False
        rem = self._level(lower, at_start=False)
        if rem is None:
            raise _Reject
        rem_value, rem_bare = rem
        if rem_value == 0 or rem_value != rem_value.to_integral_value() or (rem_bare and not zero):
            raise _Reject
        if zero != (rem_value < _POWERS[lvl - 1]) or rem_value >= _POWERS[lvl]:
            raise _Reject
        return value + rem_value, False

    def _section(self, *, at_start: bool) -> tuple[Decimal, bool] | None:  # noqa: C901  (one left-to-right read of a section below 万; each branch is one rule of the numeral grammar)
        # the tokens and the position in locals (_peek and _take_zero inlined): this loop is most
        # of the work of reading a Chinese numeral; a _Reject ends the whole reading, so self.i
        # is written back only where the section returns
        toks, n, i = self.toks, len(self.toks), self.i
        total = Decimal(0)
        prev: int | None = None  # place of the last unit read
        while True:
            zero = prev is not None and i < n and toks[i].zero
            if zero:
                i += 1
            tok = toks[i] if i < n else None
            if tok is None or tok.kind == "big":
                if zero:
                    raise _Reject
                self.i = i
                return None if prev is None else (total, False)
            if tok.kind == "unit":
                if prev is not None or not at_start:
                    raise _Reject
                i += 1  # a leading 十/百/千 means one of it
                total, prev = _POWERS[tok.place], tok.place
                continue
            unit = toks[i + 1] if i + 1 < n else None
            if unit is not None and unit.kind == "unit":
                if not tok.digit:
                    raise _Reject
                if prev is not None and (unit.place >= prev or zero != (prev - unit.place > 1)):
                    raise _Reject
                i += 2
                total += tok.digit * _POWERS[unit.place]
                prev = unit.place
                continue
            i += 1
            self.i = i
            if prev is None:
                if tok.zero and not (at_start and n == 1):
                    raise _Reject
                return tok.value, True
            if not tok.digit:
                raise _Reject
            if zero:
                if prev < 2:
                    raise _Reject  # 二十零五: after 十 no place was skipped
                return total + tok.digit, False
            if prev == 1:
                return total + tok.digit, False
            if not self.allow_abbrev or not self._at_end():
                raise _Reject  # 三千五万 is no standard reading
            return total + tok.digit * _POWERS[prev - 1], False  # 三千五 = 3500


_DIGITS_NOT_LIANG: Final = "".join(c for c in _DIGITS if c != "两")


_DIGIT_OF: Final = str.maketrans({c: str(d) for c, d in _DIGITS.items()})


def _chinese_digits(s: str) -> str:
    """二〇二二 → 2022, for ``s`` made of ``_DIGITS`` alone (one translation, not a join per digit)."""
    return s.translate(_DIGIT_OF)


def _plain(s: str) -> Decimal:
    """A numeral with no percent word and no fraction."""
    arabic = _ARABIC_BIG_RE.fullmatch(s)
    if arabic is not None:
        value = Decimal(arabic[1].replace(",", ""))
        return value if arabic[2] is None else value * _POWERS[_MULTIPLIERS[arabic[2]]]
    if "点" in s:
        left, _, right = s.partition("点")
        m = _POINT_TAIL_RE.fullmatch(right)
        if not left or m is None or "两" in m[1] or m[2] not in _MULTIPLIERS:
            raise _Reject
        if _HAS_ASCII_DIGIT_RE.search(left) or (m[2] and any(c in _BIG for c in left)):
            raise _Reject
        if len(left) <= _SECTION_MAX and not left.strip(_SECTION_CHARS):
            whole = _by_shape(left, allow_abbrev=False)
        else:
            whole = _Parser(_tokens(left), allow_abbrev=False, levels="万" in left or "亿" in left).number()
        return (whole + Decimal("0." + _chinese_digits(m[1]))) * _POWERS[_MULTIPLIERS[m[2]]]
    if len(s) > 1 and not s.strip(_DIGITS_NOT_LIANG):  # every character a digit other than 两
        return Decimal(_chinese_digits(s))  # 二〇二二, read digit by digit
    if len(s) <= _SECTION_MAX and not s.strip(_SECTION_CHARS):
        return _by_shape(s, allow_abbrev=True)
    # 三千九百五十四亿: one section before one magnitude is read as the parser reads it, the
    # section by its shape with no abbreviation (三千五亿 is no numeral: the 五 is not last),
    # times the magnitude. A lone zero (零亿) is a numeral alone, not before 亿: the parser decides.
    body = s.rstrip("万亿")
    if body and len(body) <= _SECTION_MAX and s[len(body) :] in _MULTIPLIERS and not body.strip(_SECTION_CHARS):
        section = _by_shape(body, allow_abbrev=False)
        if section:
            return section * _POWERS[_MULTIPLIERS[s[len(body) :]]]
    return _Parser(_tokens(s), levels="万" in s or "亿" in s).number()


# A numeral of one section in Chinese characters (digits and 十百千, no 万, 亿 or Arabic digit:
# most Chinese numerals of a report) is read by its shape. The parser's verdict, and the place
# of each digit, depend only on which characters are digits (1-9), zeros or which units, never
# on the digits' values: so each shape is parsed once (every digit 1, then each digit in turn
# 2, which gives its place), and a numeral of a known shape is its digits times their places,
# with no token or grammar step per character.
_SECTION_CHARS: Final = "".join(_DIGITS) + "".join(_SMALL)
_SHAPE_OF: Final = str.maketrans(
    {**{c: "D" if d else "Z" for c, d in _DIGITS.items()}, **{c: "十百千"[p - 1] for c, p in _SMALL.items()}}
)
_SHAPE_SAMPLE: Final = str.maketrans({"D": "一", "Z": "零"})  # a numeral of a shape, every digit 1
_Reading = tuple[int, tuple[tuple[int, int], ...]]  # (constant, (offset of a digit, its place value) …)
_PARSE: Final[_Reading] = (-1, ())  # a shape left to the parser (see _shape_reading)
_SHAPES: Final[dict[tuple[str, bool], _Reading | None]] = {}  # None: a shape the parser rejects
# A section is at most 7 characters (九千九百九十九): longer runs go to the parser, which rejects
# them, and the table stays small whatever a text holds (at most _SHAPES_KEPT shapes are kept).
_SECTION_MAX: Final = 7
_SHAPES_KEPT: Final = 4096


def _by_shape(s: str, *, allow_abbrev: bool) -> Decimal:
    """``_Parser(_tokens(s), allow_abbrev=allow_abbrev).number()`` for ``s`` made of
    ``_SECTION_CHARS`` alone, read by its shape."""
    read = _shape_of(s, allow_abbrev)
    if read is None:
        raise _Reject
    if read is _PARSE:
        return _Parser(_tokens(s), allow_abbrev=allow_abbrev, levels=False).number()
    return Decimal(_shape_value(s, read))


def _shape_of(s: str, allow_abbrev: bool) -> _Reading | None:
    """How the parser reads numerals of ``s``'s shape (``_shape_reading``), kept once read."""
    key = (s.translate(_SHAPE_OF), allow_abbrev)
    if key in _SHAPES:
        return _SHAPES[key]
    read = _shape_reading(*key)
    if len(_SHAPES) < _SHAPES_KEPT:
        _SHAPES[key] = read
    return read


def _shape_value(s: str, read: _Reading) -> int:
    """The value of ``s`` by its shape's reading: its digits times their places."""
    const, places = read
    for i, place in places:  # a loop, not sum() over a generator: a section has few digits
        const += _DIGITS[s[i]] * place
    return const


def _shape_reading(shape: str, allow_abbrev: bool) -> _Reading | None:
    """How the parser reads numerals of ``shape``: None if it rejects them; ``_PARSE`` if
    changing a digit changed its verdict (never expected; then each numeral is parsed)."""

    def parse(numeral: str) -> int | None:
        try:
            return int(_Parser(_tokens(numeral), allow_abbrev=allow_abbrev, levels=False).number())
        except _Reject:
            return None

    sample = shape.translate(_SHAPE_SAMPLE)
    base = parse(sample)
    if base is None:
        return None
    places = []
    for i, c in enumerate(shape):
        if c == "D":
            two = parse(sample[:i] + "二" + sample[i + 1 :])
            if two is None:
                return _PARSE
            places.append((i, two - base))
    return base - sum(place for _, place in places), tuple(places)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator == 0:
        raise _Reject
    return _FRACTION.divide(numerator, denominator)


def _canonical(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_numeral(s: str) -> Decimal:
    """The exact value of a whole numeral string; ``NumeralError`` if it is not one.

    ``百分之X`` returns X (the caller knows it is a percent); ``A分之B`` and ``B/A`` return
    B/A rounded to 28 significant digits when inexact.
    """
    if not isinstance(s, str):
        raise TypeError(f"a numeral is a str, not {type(s).__name__}")
    if s.isdigit() and s.isascii():
        return Decimal(s)  # 12, 2025: canonical as read (exponent 0), no context needed
    # 406万, 51.1万, 12亿: Arabic digits before one magnitude, a whole number (most amounts of a
    # report): an int times a power of ten, exact and canonical (exponent 0), read with no
    # context or pattern (the general path below costs ~5x more)
    body = s.rstrip("万亿")
    if len(body) < len(s):
        power = _MULTIPLIERS.get(s[len(body) :])
        whole, point, frac = body.partition(".")
        if (
            power is not None
            and whole.isdigit()
            and whole.isascii()
            and (not point or (frac.isdigit() and frac.isascii() and len(frac) <= power))
        ):
            return Decimal(int(whole + frac) * 10 ** (power - len(frac)))
        # 三千九百五十四亿: one section of Chinese numerals before one magnitude, read by its shape
        # as _plain reads it, times the magnitude: an int, exact and canonical with no context
        # (any other reading of the shape, or a section of 0, is left to the general path)
        if power is not None and body and len(body) <= _SECTION_MAX and not body.strip(_SECTION_CHARS):
            read = _shape_of(body, False)
            if read is not None and read is not _PARSE:
                section = _shape_value(body, read)
                if section:
                    return Decimal(section * 10**power)
    decimal = _with_point(s) if "点" in s or "." in s else None
    if decimal is not None:
        return decimal
    try:
        with localcontext(_EXACT):
            if s.startswith("百分之"):
                value = _plain(s[3:])
            elif "分之" in s:
                denominator, _, numerator = s.partition("分之")
                value = _divide(_plain(numerator), _plain(denominator))
            elif "/" in s:
                numerator, _, denominator = s.partition("/")
                if not (_ARABIC_RE.fullmatch(numerator) and _ARABIC_RE.fullmatch(denominator)):
                    raise _Reject
                value = _divide(_plain(numerator), _plain(denominator))
            else:
                value = _plain(s)
            return _canonical(value)
    except _Reject:
        raise NumeralError(f"not a numeral: {s!r}") from None


def _with_point(s: str) -> Decimal | None:
    """A numeral with a decimal point that is exact and canonical as built from its digits
    (九十九点五, 百分之九十九点五, 5.3), read with no context; None for any other."""
    if "点" in s:
        return _section_point(s[3:] if s.startswith("百分之") else s)
    whole, _, frac = s.partition(".")
    # 5.3: Arabic digits, a point and digits not ending in 0 are canonical as read
    if frac[-1:] not in ("", "0") and whole.isdigit() and whole.isascii() and frac.isdigit() and frac.isascii():
        return Decimal(s)
    return None


def _section_point(s: str) -> Decimal | None:
    """九十九点五: a section read by its shape, 点 and digits (no 两, no magnitude after them), as
    ``_canonical(_plain(s))`` reads it, built from the digits with no context; None for any
    other numeral (the general path decides)."""
    left, _, right = s.partition("点")
    if not left or not right or len(left) > _SECTION_MAX or left.strip(_SECTION_CHARS) or right.strip(_DIGITS_NOT_LIANG):
        return None
    read = _shape_of(left, False)
    if read is None or read is _PARSE:
        return None
    whole = _shape_value(left, read)
    digits = _chinese_digits(right).rstrip("0")
    # _canonical: a whole number quantized to exponent 0, else normalized (no trailing zero)
    return Decimal(f"{whole}.{digits}") if digits else Decimal(whole)


# Two neighbouring digits written together mean "one or the other": 五六十, 十五六, 一两个.
_NEXT_DIGIT: Final[dict[str, str]] = {
    "一": "二", "二": "三", "三": "四", "四": "五", "五": "六", "六": "七", "七": "八", "八": "九",
}  # fmt: skip
_PAIRS: Final[frozenset[tuple[str, str]]] = frozenset({*_NEXT_DIGIT.items(), ("一", "两"), ("两", "三")})


def parse_approximate(s: str) -> tuple[Decimal, Decimal]:
    """The range an approximate numeral spans: ``五六十`` → (50, 60), ``十五六`` → (15, 16).

    The numeral holds one pair of neighbouring digits (``一二``…``八九``, ``一两``,
    ``两三``); each end is the numeral read with one digit of the pair left out, so
    ``三四百万`` is 3000000–4000000 and ``百分之五六十`` is 50–60 (percent word kept off, as in
    ``parse_numeral``). ``NumeralError`` if ``s`` is no such numeral.
    """
    body = s[3:] if s.startswith("百分之") else s
    if len(body) <= 40 and "分之" not in body and "点" not in body:
        for i in range(len(body) - 1):
            if (body[i], body[i + 1]) in _PAIRS:
                head, tail = body[:i], body[i + 2 :]
                if (head and head[-1] in _DIGITS) or (tail and tail[0] in _DIGITS):
                    break  # 一二三: a run of digits, not one pair
                try:
                    low = parse_numeral(head + body[i] + tail)
                    high = parse_numeral(head + body[i + 1] + tail)
                except NumeralError:
                    break
                if low < high:
                    return low, high
                break
    raise NumeralError(f"not an approximate numeral: {s!r}")


def read_numeral(s: str) -> tuple[Decimal, Decimal | None]:
    """``(value, None)`` for an exact numeral, ``(low, high)`` for an approximate one.

    A bare pair of neighbouring Chinese digits (``三四``, ``一两``) is a range here, not a
    digit-by-digit reading; ``NumeralError`` if ``s`` is neither kind.
    """
    body = s[3:] if s.startswith("百分之") else s
    if len(body) == 2 and (body[0], body[1]) in _PAIRS:
        return parse_approximate(s)
    try:
        return parse_numeral(s), None
    except NumeralError:
        return parse_approximate(s)


def find_numerals(text: str) -> list[tuple[int, int, Decimal]]:
    """Every numeral in ``text`` as (start, end, value), half-open code-point offsets.

    Candidates that do not parse (``十四五``, ``万万``) are skipped whole, not split.
    """
    found: list[tuple[int, int, Decimal]] = []
    for m in _NUMERAL_RE.finditer(text):
        try:
            found.append((m.start(), m.end(), parse_numeral(m[0])))
        except NumeralError:
            continue
    return found


_ZH_DIGIT_CHARS: Final = "零一二三四五六七八九"
_ZH_PLACES: Final = ("", "十", "百", "千")


def _read_section(n: int, *, leading: bool, liang: bool, before_big: bool) -> str:
    out: list[str] = []
    started = gap = False
    for place in (3, 2, 1, 0):
        d = n // 10**place % 10
        if d == 0:
            gap = started
            continue
        if gap:
            out.append("零")
            gap = False
        first = leading and not started
        if first and place == 1 and d == 1:
            out.append("十")  # 十五, not 一十五, but only at the very start
        elif first and d == 2 and liang and (place >= 2 or before_big):
            out.append("两" + _ZH_PLACES[place])
        else:
            out.append(_ZH_DIGIT_CHARS[d] + _ZH_PLACES[place])
        started = True
    return "".join(out)


def _read(n: int, *, leading: bool, liang: bool, before_big: bool = False) -> str:
    for lvl, big in ((8, "亿"), (4, "万")):
        if n >= 10**lvl:
            hi, lo = divmod(n, 10**lvl)
            out = _read(hi, leading=leading, liang=liang, before_big=True) + big
            if lo:
                out += ("零" if lo < 10 ** (lvl - 1) else "") + _read(lo, leading=False, liang=liang)
            return out
    return _read_section(n, leading=leading, liang=liang, before_big=before_big)


def to_chinese(n: int, *, liang: bool = False) -> str:
    """The standard Chinese reading of ``0 <= n < 10**16`` (10**12 is 一万亿).

    With ``liang`` a leading 2 before 百/千/万/亿 is written 两, as in 两万.
    """
    if not 0 <= n < 10**16:
        raise NumeralError(f"cannot read {n!r} in Chinese: outside 0 .. 10**16 - 1")
    return "零" if n == 0 else _read(n, leading=True, liang=liang)


def to_mixed(d: Decimal) -> str:
    """The form journalists write: ``1.2万亿``, ``3万``, ``1.3亿``; below 10**4 plain Arabic."""
    if not d.is_finite() or d < 0:
        raise NumeralError(f"cannot write {d!r} as a numeral")
    with localcontext(_EXACT):
        for lvl, suffix in ((12, "万亿"), (8, "亿"), (4, "万")):
            if d >= _p10(lvl):
                return format(d.scaleb(-lvl).normalize(), "f") + suffix
        return format(d.normalize(), "f")
