"""Many small, distinct reports made by varying the four test reports in ``tests/data/reports``.

Report ``i`` is test report ``i % 4`` with its years moved forward by ``(i // 4) % 5`` and one
sentence of its own (``新建项目{i + 1}个。``) added to the plan part, so that every file has a
different content hash and different facts. What the pipeline extracts from each file is
computed here too, so that a test can tell a complete stored document from a partial one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPORTS

BASES = ("city_2024.txt", "county_2023.txt", "press_2024.txt", "province_2026.txt")

# the line after which the unique sentence goes: the first line of each report's plan part
PLAN_ANCHOR = {
    "city_2024.txt": "围绕上述目标，重点抓好四个方面工作。",
    "county_2023.txt": "今年全县经济社会发展的主要预期目标是",
    "press_2024.txt": "重点工作",
    "province_2026.txt": "围绕上述目标，重点做好以下工作。",
}

YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})(?=年)")


def variant(i: int) -> tuple[str, str]:
    """The file name and text of report ``i``."""
    base = BASES[i % len(BASES)]
    text = (REPORTS / base).read_text(encoding="utf-8")
    shift = (i // len(BASES)) % 5
    if shift:
        text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    lines = text.split("\n")
    anchor = next(n for n, line in enumerate(lines) if PLAN_ANCHOR[base] in line)
    # the press piece indents its paragraphs and separates them by blank lines
    if base == "press_2024.txt":
        lines[anchor + 2 : anchor + 2] = [f"  今年新区还将新建项目{i + 1}个。", ""]
    else:
        lines[anchor] = lines[anchor] + f"新建项目{i + 1}个。"
    stem = base.removesuffix(".txt")
    return f"r{i:04d}_{stem}.txt", "\n".join(lines)


def make_corpus(folder: Path, indices: range | list[int]) -> list[Path]:
    """Write reports ``indices`` into ``folder``; their paths, in the order ingest takes them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in indices:
        name, text = variant(i)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return sorted(paths)


@dataclass(frozen=True, slots=True)
class Expected:
    """What ingesting one file must store: how many facts, commitments and fact observations."""

    name: str
    facts: int
    commitments: int
    observations: int


_EXPECTED: dict[str, Expected] = {}


def expected(path: Path) -> tuple[str, Expected]:
    """The sha256 of the file at ``path`` and what its ingestion must store, computed by the
    library itself (read, structure, extract, resolve), cached by content hash."""
    from workreport.pipeline.extract import extract
    from workreport.pipeline.read import read
    from workreport.pipeline.resolve import resolve
    from workreport.pipeline.structure import structure

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if sha not in _EXPECTED:
        doc = read(path)
        assert doc.sha256 == sha
        st = structure(doc)
        facts = extract(doc, st)
        res = resolve(doc, st, facts)
        _EXPECTED[sha] = Expected(path.name, len(facts), len(res.commitments), len(res.observations))
    return sha, _EXPECTED[sha]
