#!/usr/bin/env python
"""Write N synthetic work reports by recombining the project's own test reports.

    python bench/make_corpus.py N OUT [--seed S] [--quiet] [--bases project|shared]

The bases are ``tests/data/reports/*.txt`` and the example reports shipped in
``src/workreport/examples`` (``--bases project``, the default), or with ``--bases shared`` the
28 real provincial reports of 2026 in ``$WORKREPORT_SHARED/corpus/provinces-2026`` (real size:
about 20,000 characters and 200–300 facts each; read at run time, never copied into the repository). Report ``i`` is one base (``i`` modulo the number of bases),
changed as follows, all of it decided by ``(seed, i)`` alone, so that the first 1,000 reports
of a 100,000-report corpus are the 1,000 reports of a 1,000-report corpus:

- its jurisdiction: the base's own name and short name (宝鸡市, 宝鸡) become those of a
  unit of the same level drawn from the shipped registry (``workreport.jurisdictions.load()``);
- its years: every year written as a year (2023年, 2021—2025年, 2024/01/18) moves so that the
  plan year is a year from 1990 to 2026;
- its paragraphs: the body paragraphs of each section are shuffled (headings and short
  lines such as 奋斗目标 stay where they are), and now and then a paragraph of another base
  is added to a section;
- its numbers: about a third of the numbers get one of their last two digits changed
  (dates, times and years are left alone);
- its encoding and format: 17 in 20 are plain text (4/7 UTF-8, 2/7 GB18030, 1/7 UTF-16 with
  a BOM), 2 in 20 are HTML pages (UTF-8 or GB18030, declared in a <meta> tag), 1 in 20 is a
  DOCX written with ``zipfile`` (no python-docx needed).

For one big input made of many reports (bench/run.py's 10 MB file), ``distinct_reports``
goes one step further: the reader keeps one copy of a text whose prose lines repeat, so every
prose line that still repeats an earlier one gets one more digit changed, or its clauses
reordered, until none occurs twice.

Files go to ``OUT/<i // 1000>/<i>-<level>-<plan year>.<ext>`` (1,000 a folder), with
``OUT/_corpus.json`` describing the run (N, seed, counts): a script can reuse a corpus when
that file says it is the one it wants. 100,000 reports take about a minute.
"""

from __future__ import annotations

import argparse
import html
import io
import itertools
import json
import os
import random
import re
import shutil
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
YEAR_MIN, YEAR_MAX = 1990, 2026
PER_FOLDER = 1000

# placeholders in the templates: no digits in them, so the number perturbation leaves them be
NAME, STEM = "\ue000N\ue001", "\ue000S\ue001"
_YEAR_TOKEN = "\ue000Y{}\ue001"  # {} is a letter: the year's offset from the plan year
_OFFSETS = "abcdefghijklmnopqrstuvwxy"  # offsets -12 … +12
_TOKEN = re.compile("\ue000([NS]|Y[a-y])\ue001")

# a year written as a year: 2023年, 2021—2025年 (both), 2024/01/18, 2024-01-18
_YEAR = re.compile(
    r"(?<![0-9.])((?:19|20)[0-9]{2})"
    r"(?=\s*年|\s*[—\-－~～至到]\s*(?:19|20)[0-9]{2}\s*年|/[0-9]{1,2}/|-[0-9]{1,2}-)"
)
# an ASCII number; dates, times and list numbers around it are recognised in _perturb
_NUMBER = re.compile(r"(?<![0-9./:：])[0-9]+(?:\.[0-9]+)?(?![0-9.])")
_KEEP_AFTER = tuple("年月日号时点:：/-")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "州",
    "盟",
    "旗",
)

ENCODINGS = ("utf-8", "utf-8", "gb18030", "utf-8", "utf-16", "utf-8", "gb18030")  # by i % 7


def stem(name: str) -> str:
    """The short name: 宝鸡市 → 宝鸡, 内蒙古自治区 → 内蒙古 (the full name when it would be too short)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(slots=True)
class Base:
    name: str  # file name of the base report
    level: str
    header: list[str]  # template lines before the first heading
    sections: list[list[str]]  # each: template lines from a heading to the next


def _template(text: str, own: str, plan_year: int) -> str:
    def year(m: re.Match[str]) -> str:
        offset = int(m.group(1)) - plan_year
        if -12 <= offset <= 12:
            return _YEAR_TOKEN.format(_OFFSETS[offset + 12])
        return m.group(1)

    text = _YEAR.sub(year, text)
    text = text.replace(own, NAME)
    short = stem(own)
    if short != own:
        text = text.replace(short, STEM)
    return text


def shared_root() -> Path:
    """The shared material: $WORKREPORT_SHARED, else ``../shared`` next to the repository."""
    env = os.environ.get("WORKREPORT_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def base_paths(source: str = "project") -> list[Path]:
    """The files the bases are made of: ``project`` (the test reports and the shipped
    examples) or ``shared`` (the 28 real provincial reports of 2026 in
    ``$WORKREPORT_SHARED/corpus/provinces-2026``: real size, about 20,000 characters each)."""
    if source == "shared":
        paths = sorted((shared_root() / "corpus" / "provinces-2026").glob("*.txt"))
        if not paths:
            raise SystemExit(f"make_corpus: no reports in {shared_root() / 'corpus' / 'provinces-2026'} (set WORKREPORT_SHARED)")
        return paths
    if source != "project":
        raise SystemExit(f"make_corpus: bases are 'project' or 'shared', not {source!r}")
    paths = sorted((ROOT / "tests" / "data" / "reports").glob("*.txt"))
    examples = resources.files("workreport").joinpath("examples")
    paths += sorted(Path(str(p)) for p in examples.iterdir() if p.name.endswith(".txt"))
    return paths


def load_bases(source: str = "project") -> list[Base]:
    """The reports of ``source`` (see :func:`base_paths`), as templates."""
    bases = bases_of(base_paths(source))
    if not bases:
        raise SystemExit("make_corpus: no base reports found (tests/data/reports, workreport/examples)")
    return bases


def bases_of(paths: list[Path]) -> list[Base]:
    """The reports at ``paths`` as templates (those whose jurisdiction, level and plan year
    the reader finds; the others are left out)."""
    import workreport

    bases = []
    for path in paths:
        doc = workreport.read(path)
        meta = workreport.inspect(doc).metadata
        if not meta.jurisdiction or not meta.level or not meta.plan_year:
            continue
        lines = _template(doc.text, meta.jurisdiction, meta.plan_year).split("\n")
        header: list[str] = []
        sections: list[list[str]] = []
        for line in lines:
            if _HEADING.match(line):
                sections.append([line])
            elif sections:
                sections[-1].append(line)
            else:
                header.append(line)
        if not sections:  # a press reading: no numbered headings; its body is one section
            cut = next((n + 1 for n, line in enumerate(header[:8]) if "来源" in line), min(3, len(header)))
            header, sections = header[:cut], [["", *header[cut:]]]
        bases.append(Base(path.name, meta.level, header, sections))
    return bases


def _names_by_level() -> dict[str, list[str]]:
    from workreport.pipeline.places import load

    registry = load()
    out: dict[str, list[str]] = {}
    for level in ("province", "prefecture", "county", "new_area"):
        out[level] = [j.name for j in registry.of_level(level) if len(stem(j.name)) >= 2]
    return out


def _is_paragraph(line: str) -> bool:
    """A body paragraph that may move: not a heading, not a short label line (奋斗目标)."""
    return len(line.strip()) >= 20 and not _HEADING.match(line)


def _shuffle(lines: list[str], rng: random.Random) -> list[str]:
    slots = [n for n, line in enumerate(lines) if n > 0 and _is_paragraph(line)]
    moved = [lines[n] for n in slots]
    rng.shuffle(moved)
    out = list(lines)
    for n, line in zip(slots, moved, strict=True):
        out[n] = line
    return out


def _change_digit(s: str, rng: random.Random, last: int = 2) -> str:
    """The number ``s`` with one of its last ``last`` digits changed (no leading zero made)."""
    digits = [n for n, c in enumerate(s) if c.isdigit()]
    candidates = digits[-last:] if len(digits) > 1 else digits
    n = rng.choice(candidates)
    low = "1" if n == 0 and len(digits) > 1 else "0"
    d = rng.choice([c for c in "0123456789" if c >= low and c != s[n]] or [s[n]])
    return s[:n] + d + s[n + 1 :]


def _perturb(text: str, rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        s = m.group(0)
        after = text[m.end() : m.end() + 1]
        if after.startswith(_KEEP_AFTER) or rng.random() >= 0.35:
            return s
        return _change_digit(s, rng)

    return _NUMBER.sub(one, text)


def render(i: int, seed: int, bases: list[Base], names: dict[str, list[str]]) -> tuple[str, str, int]:
    """The text of report ``i``, its level and its plan year."""
    rng = random.Random(f"{seed}:{i}")
    base = bases[i % len(bases)]
    plan_year = rng.randint(YEAR_MIN, YEAR_MAX)
    pool = names.get(base.level) or [base.level]
    name = rng.choice(pool)
    sections = [_shuffle(s, rng) for s in base.sections]
    if len(bases) > 1 and rng.random() < 0.3:  # recombine: a paragraph of another base
        other = rng.choice([b for b in bases if b is not base])
        donors = [line for s in other.sections for line in s[1:] if _is_paragraph(line)]
        if donors:
            target = rng.choice(sections)
            target.insert(rng.randint(1, len(target)), rng.choice(donors))
    text = "\n".join(base.header + [line for s in sections for line in s])
    text = _perturb(text, rng)
    short = stem(name)

    def fill(m: re.Match[str]) -> str:
        token = m.group(1)
        if token == "N":
            return name
        if token == "S":
            return short
        return str(plan_year + _OFFSETS.index(token[1]) - 12)

    return _TOKEN.sub(fill, text), base.level, plan_year


# where a line is cut into clauses to put them in another order: a Chinese comma, semicolon
# or full stop, or an ASCII comma that is not a thousands separator
_CLAUSE_MARK = re.compile(r"[，；;。]|(?<![0-9]),|,(?![0-9])")
_TRIES = 60  # variants tried for one repeated line before it is left out


def _reordered(line: str, rng: random.Random) -> str:
    """``line`` with its clauses shuffled, the marks between them staying where they were."""
    clauses: list[str] = []
    marks: list[str] = []
    at = 0
    for m in _CLAUSE_MARK.finditer(line):
        clauses.append(line[at : m.start()])
        marks.append(m.group())
        at = m.end()
    if at < len(line):
        clauses.append(line[at:])
        marks.append("")
    rng.shuffle(clauses)
    return "".join(c + m for c, m in zip(clauses, marks, strict=True))


def _variant(line: str, rng: random.Random, tries: int) -> str:
    """Another wording of ``line`` for the ``tries``-th time it repeats: one more digit of one of
    its numbers changed (as :func:`_perturb` does, but any digit), or when it has no number that
    may change, or after half the tries, its clauses in another order."""
    numbers = [m for m in _NUMBER.finditer(line) if not line[m.end() : m.end() + 1].startswith(_KEEP_AFTER)]
    if numbers and tries < _TRIES // 2:
        m = rng.choice(numbers)
        return line[: m.start()] + _change_digit(m.group(0), rng, last=len(m.group(0))) + line[m.end() :]
    return _reordered(line, rng)


def distinct_reports(seed: int, bases: list[Base], names: dict[str, list[str]]) -> Iterator[tuple[str, int]]:
    """Reports 0, 1, 2 … as :func:`render` makes them, each changed further so that none of its
    prose lines (what the reader's structure stage compares to find a report saved several times
    over: ``workreport.pipeline.structure._is_prose``) is one of an earlier report or of its own:
    a repeated line gets :func:`_variant` until it is new, and is left out of this report (as
    reports of one place leave out sentences of another) when ``_TRIES`` variants are all taken:
    a short line with no number and two or three clauses. Yields each text and how many of its
    lines were left out."""
    from workreport.pipeline.normalise import normalise
    from workreport.pipeline.structure import _is_prose

    seen: set[str] = set()
    for i in itertools.count():
        text = render(i, seed, bases, names)[0]
        rng = random.Random(f"{seed}:{i}:distinct")
        out: list[str] = []
        left = 0
        for line in text.split("\n"):
            core = line.strip()
            key = normalise(core)
            if not _is_prose(key):
                out.append(line)
                continue
            varied, tries = core, 0
            while key in seen and tries < _TRIES:
                varied = _variant(varied if tries < _TRIES // 2 else core, rng, tries)
                key, tries = normalise(varied), tries + 1
            if key in seen:
                left += 1
                continue
            seen.add(key)
            out.append(line.replace(core, varied, 1))
        yield "\n".join(out), left


# --------------------------------------------------------------------------- formats


def as_html(text: str, encoding: str) -> bytes:
    lines = text.split("\n")
    title = html.escape(lines[0].strip())
    body = "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in lines if line.strip())
    charset = "gb2312" if encoding == "gb18030" else "utf-8"
    page = (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>{title}</title></head>\n'
        '<body><div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>\n'
        f'<div class="article">\n{body}\n</div>\n'
        '<div class="footer">版权所有 主办单位：人民政府办公室</div></body></html>\n'
    )
    return page.encode(encoding)


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def as_docx(text: str) -> bytes:
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{html.escape(line, quote=False)}</w:t></w:r></w:p>'
        for line in text.split("\n")
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in (
            ("[Content_Types].xml", _DOCX_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0))  # same bytes every run
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def form(i: int) -> tuple[str, str]:
    """Format and encoding of report ``i``: fixed by ``i``, so every 20 reports hold every kind."""
    encoding = ENCODINGS[i % len(ENCODINGS)]
    if i % 20 == 7:
        return "docx", "utf-8"
    if i % 10 == 3:
        return "html", "utf-8" if encoding == "utf-16" else encoding
    return "txt", encoding


def encode(text: str, fmt: str, encoding: str) -> bytes:
    if fmt == "docx":
        return as_docx(text)
    if fmt == "html":
        return as_html(text, encoding)
    return text.encode(encoding)  # "utf-16" writes a BOM


# --------------------------------------------------------------------------- the corpus


def make_corpus(
    n: int,
    out: str | Path,
    seed: int = 0,
    *,
    quiet: bool = True,
    source: str = "project",
    start: int = 0,
    every_level: bool = False,
) -> dict[str, object]:
    """Write reports ``start … n-1`` under ``out`` made from the bases of ``source`` (``project``
    or ``shared``); return (and write to ``out/_corpus.json``) a summary. ``every_level``: each
    report gets a place of any level, not of its base's (the bases of ``shared`` are all
    provinces; a corpus of every government's reports has a few of each of ~3,000 places)."""
    started = time.perf_counter()
    folder = Path(out)
    bases = load_bases(source)
    names = _names_by_level()
    if every_level:
        pool = [name for level_names in names.values() for name in level_names]
        names = {b.level: pool for b in bases}
    formats: Counter[str] = Counter()
    encodings: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    total = 0
    made: set[Path] = set()
    for i in range(start, n):
        text, level, year = render(i, seed, bases, names)
        fmt, encoding = form(i)
        data = encode(text, fmt, encoding)
        sub = folder / f"{i // PER_FOLDER:03d}"
        if sub not in made:
            sub.mkdir(parents=True, exist_ok=True)
            made.add(sub)
        (sub / f"{i:06d}-{level}-{year}.{fmt}").write_bytes(data)
        formats[fmt] += 1
        encodings[f"{fmt}:{encoding}" if fmt != "docx" else "docx"] += 1
        levels[level] += 1
        total += len(data)
        if not quiet and (i + 1) % 10_000 == 0:
            print(f"  {i + 1:,} reports …", file=sys.stderr, flush=True)
    summary: dict[str, object] = {
        "n": n,
        "start": start,
        "seed": seed,
        "bytes": total,
        "source": source,
        "bases": [b.name for b in bases],
        "formats": dict(sorted(formats.items())),
        "encodings": dict(sorted(encodings.items())),
        "levels": dict(sorted(levels.items())),
        "seconds": round(time.perf_counter() - started, 2),
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_corpus.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="how many reports")
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default 0)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    parser.add_argument(
        "--bases",
        choices=("project", "shared"),
        default="project",
        help="project: the test reports and examples (default); shared: the 28 real provincial "
        "reports of $WORKREPORT_SHARED/corpus/provinces-2026 (real size)",
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be 0 or more")
    s = make_corpus(args.n, args.out, args.seed, quiet=args.quiet, source=args.bases)
    if not args.quiet:
        mb = int(s["bytes"]) / 1e6  # type: ignore[call-overload]
        print(f"wrote {s['n']:,} reports ({mb:.1f} MB) to {args.out} in {s['seconds']} s (seed {s['seed']})")
        for key in ("formats", "encodings", "levels"):
            counts = s[key]
            assert isinstance(counts, dict)
            print(f"  {key}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print(f"  bases: {', '.join(s['bases'])}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())


def cached_corpus(n: int, folder: Path, seed: int, source: str, log: Any = print) -> tuple[list[Path], str]:
    """The first ``n`` reports of the corpus cached in ``folder`` (made from ``source`` bases
    with ``seed``), made again, bigger, when the cache is missing, different or too small;
    and a note saying which."""
    have = 0
    try:
        info = json.loads((folder / "_corpus.json").read_text(encoding="utf-8"))
        if (
            info.get("seed") == seed
            and info.get("start", 0) == 0
            and info.get("source", "project") == source
            and info.get("bases") == [b.name for b in load_bases(source)]
        ):
            have = int(info.get("n", 0))
    except (OSError, ValueError):
        pass
    if have >= n:
        note = f"reused {folder} ({have:,} reports)"
    else:
        if folder.exists():
            shutil.rmtree(folder)
        log(f"making {n:,} distinct reports from the {source} bases in {folder} …")
        summary = make_corpus(n, folder, seed, source=source)
        note = f"made {n:,} reports in {folder} in {summary['seconds']} s"
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))
    return files[:n], note
