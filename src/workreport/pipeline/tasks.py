"""Key tasks and 为民实事 of a plan part, from the report's own lines.

A key task is a sub-heading of a plan part ((一)…, 1．…, 一是…) or a lead sentence that asks
for action (加快发展新质生产力。); a statement (今年是…开局之年。), an introduction (要把握好以下几
点。), a question, a salutation (各位代表！) or a photo caption is none. 为民实事 are the concrete
projects a plan part lists after naming them (今年再办好15件民生实事：一是…二是…); a list of
principles (一是坚持…二是必须…) is none. Rules: ``rules/structure.toml`` ([tasks], [projects]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from workreport import rules
from workreport.model import Commitment, Document, Paragraph, Section, Structure
from workreport.pipeline.normalise import normalise
from workreport.pipeline.structure import is_furniture, is_salutation

_ITEM: Final = re.compile(r"([一二三四五六七八九十]+)是([^。;；]*[。;；]?)")
_ORDINAL: Final = re.compile(r"^\s*(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+是|\d{1,2}\s*[、.．]|第[一二三四五六七八九十]+[，,、])")


@dataclass(frozen=True, slots=True)
class _Rules:
    statement: re.Pattern[str]
    modal: tuple[str, ...]
    not_task: re.Pattern[str]
    cues: tuple[str, ...]
    not_cues: tuple[str, ...]
    principle_starts: tuple[str, ...]


@cache
def _rules() -> _Rules:
    r = rules.load("structure")
    tasks, projects = r["tasks"], r["projects"]
    return _Rules(
        statement=re.compile("|".join(f"(?:{p})" for p in tasks["statement"])),
        modal=tuple(tasks["modal"]),
        not_task=re.compile("|".join(f"(?:{p})" for p in tasks["not_task"])),
        cues=tuple(projects["cues"]),
        not_cues=tuple(projects["not_cues"]),
        principle_starts=tuple(projects["principle_starts"]),
    )


def is_task(title: str, level: int) -> bool:
    """Whether a plan part's heading of ``level`` (2, 3 sub-headings; 4 lead sentences) is a key task."""
    r = _rules()
    t = normalise(title).strip()
    if len(t) < 4 or is_furniture(t) or is_salutation(t) or r.not_task.search(t.rstrip("。.")):
        return False
    if _cued(t):
        return False  # the 为民实事 heading: its items are the projects
    if level <= 3 and _ORDINAL.match(t):
        return True  # a numbered sub-heading
    body = _ORDINAL.sub("", t)
    return not (r.statement.search(body) and not any(w in body for w in r.modal))


def key_tasks(doc: Document, structure: Structure) -> list[Commitment]:
    """Key tasks: the sub-headings and action lead sentences under a plan part (the items
    under a 为民实事 heading are projects, not tasks)."""
    out = []
    project_sections = [s for s in structure.walk() if _cued(s.title)]
    for s in structure.walk():
        if s.role != "plan" or s.level < 2 or _within(project_sections, s.heading.start) is not None:
            continue
        title = doc.text[s.heading.start : s.heading.end].strip()
        if not is_task(title, s.level):
            continue
        out.append(
            Commitment(
                key=f"task-{s.heading.start}",
                type="task",
                start=s.heading.start,
                end=s.heading.end,
                period=s.period,
                text=title,
            )
        )
    return out


def _cued(text: str) -> bool:
    """Whether ``text`` names 为民实事 (民生实事, 民生工程; not 实事求是)."""
    r = _rules()
    for w in r.not_cues:
        text = text.replace(w, "")
    return any(w in text for w in r.cues)


def _is_principle(item: str) -> bool:
    return normalise(item).lstrip().startswith(_rules().principle_starts)


def projects(doc: Document, structure: Structure) -> list[Commitment]:
    """为民实事: the 一是…二是… items of a paragraph whose words before its first item name the
    projects (今年再办好15件民生实事：一是…), and the numbered lines (一、 1. （一）) of a list that a
    heading (2026年省十件民生实事) or a paragraph ending on a colon names; never principles."""
    out: list[Commitment] = []
    project_sections = [s for s in structure.walk() if _cued(s.title)]
    heads = {s.heading.start: s for s in structure.walk()}
    expect = 0  # inside a named list: the number its next item must carry (0: no list)
    gap = 0  # paragraphs since the list's last item (or its name)
    for para in structure.paragraphs:
        if para.role != "plan":
            expect = 0
            continue
        text = doc.text[para.span.start : para.span.end]
        if expect:
            number = _number(text)
            if number == expect:
                if not _is_principle(_MARK.sub("", text, count=1)):
                    out.append(_project(para, para.span.start, para.span.end, text.strip()))
                expect, gap = expect + 1, 0
                continue
            gap += 1
            if number is not None or gap > _MAX_GAP:
                expect = 0  # another list, or the list is over
        items = list(_ITEM.finditer(text))
        intro = text[: items[0].start()] if items else text
        inside = _within(project_sections, para.span.start)
        if items and (_cued(intro) or inside is not None):
            kept = [m for m in items if para.span.start + m.start() not in heads]
            principles = sum(_is_principle(m.group(2)) for m in kept)
            if principles * 2 < len(kept):  # a list of principles is no list of projects
                out.extend(_item(para, m) for m in kept if not _is_principle(m.group(2)))
        section = heads.get(para.span.start)
        named = section is not None and section in project_sections and section.heading.end == para.span.end
        if not items and (named or (_cued(text) and text.rstrip().endswith((":", "：")))):
            expect, gap = 1, 0  # the list's name: its items follow
    return out


_MARK: Final = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十]+)[、.．]|(?P<d>\d{1,2})\s*[、.．](?!\d)|[(（](?P<pcn>[一二三四五六七八九十]+)[)）]|[(（](?P<pd>\d{1,2})[)）])"
)
_MAX_GAP: Final = 2  # a list's items may each have a paragraph of detail after them
_CN: Final = "一二三四五六七八九"


def _number(text: str) -> int | None:
    """The number of a numbered line (二、 → 2, 3. → 3, （十）→ 10), or None."""
    m = _MARK.match(text)
    if m is None:
        return None
    digits = m["d"] or m["pd"]
    if digits:
        return int(digits)
    cn = m["cn"] or m["pcn"]
    tens, ten, units = cn.rpartition("十")
    if not ten:
        return _CN.index(cn) + 1 if len(cn) == 1 else None
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(units) + 1 if units else 0)


def _item(para: Paragraph, m: re.Match[str]) -> Commitment:
    start = para.span.start + m.start()
    return _project(para, start, para.span.start + m.end(), m.group(0).strip())


def _project(para: Paragraph, start: int, end: int, text: str) -> Commitment:
    return Commitment(key=f"project-{start}", type="project", start=start, end=end, period=para.period, text=text)


def _within(sections: list[Section], offset: int) -> Section | None:
    return next((s for s in sections if s.span.start <= offset < s.span.end and s.heading.end <= offset), None)
