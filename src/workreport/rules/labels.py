"""The words shown for stored codes (statuses, kinds, levels, measures, changes), from labels.toml.

One file of labels serves the web pages, the command line and the 数读 reading, so a
status reads the same everywhere. Every function takes ``lang`` ("zh", the default, or
"en") and returns the code itself for a code the file does not know.

>>> status_label("partly", provisional=True)
'部分完成（预计）'
"""

from __future__ import annotations

from typing import Literal

from workreport import rules

Lang = Literal["zh", "en"]


def labels(group: str, lang: Lang = "zh") -> dict[str, str]:
    """code → label for one group of labels.toml (status, kind, level, measure, change)."""
    return {code: str(spec[lang]) for code, spec in rules.load("labels")[group].items()}


def _label(group: str, code: str | None, lang: Lang) -> str:
    if code is None:
        return ""
    spec = rules.load("labels")[group].get(code)
    return str(spec[lang]) if spec else code


def provisional_label(lang: Lang = "zh") -> str:
    """The word for a rating that rests on an estimate: 预计."""
    return str(rules.load("labels")["provisional"][lang])


def status_label(status: str | None, provisional: bool = False, lang: Lang = "zh") -> str:
    """部分完成, or 部分完成（预计） for a provisional rating."""
    text = _label("status", status, lang)
    if not provisional or not text:
        return text
    word = provisional_label(lang)
    return f"{text}（{word}）" if lang == "zh" else f"{text} ({word})"


def kind_label(kind: str | None, lang: Lang = "zh") -> str:
    """目标, 实际, 预计, 其他."""
    return _label("kind", kind, lang)


def level_label(level: str | None, lang: Lang = "zh") -> str:
    """省级, 地级 … for a jurisdiction level."""
    return _label("level", level, lang)


def measure_label(measure: str | None, lang: Lang = "zh") -> str:
    """增速, 比重 … for what a number measures."""
    return _label("measure", measure, lang)


def change_label(change: str | None, lang: Lang = "zh", *, sign: bool = True) -> str:
    """↑ 提高, ↓ 降低, ＝ 持平, 新增 (without the arrow when ``sign`` is false)."""
    if change is None:
        return ""
    spec = rules.load("labels")["change"].get(change)
    if not spec:
        return change
    text = str(spec[lang])
    return f"{spec['sign']} {text}" if sign and spec.get("sign") else text
