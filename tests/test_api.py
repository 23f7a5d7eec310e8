"""The public surface: one entry module whose __all__ is pinned."""

from __future__ import annotations

import re
from pathlib import Path

import workreport

PUBLIC = {
    "Document",
    "Fact",
    "GoldError",
    "GoldKey",
    "InputError",
    "Metadata",
    "NotFoundError",
    "NumeralError",
    "Paragraph",
    "ReadError",
    "RulesError",
    "Score",
    "Section",
    "Span",
    "StoreError",
    "Structure",
    "WorkreportError",
    "__version__",
    "extract",
    "inspect",
    "load_gold",
    "parse_numeral",
    "read",
    "read_bytes",
    "score",
    "digest",
}


def test_all_is_pinned() -> None:
    assert set(workreport.__all__) == PUBLIC
    for name in workreport.__all__:
        assert hasattr(workreport, name), name


def _tree(text: str) -> set[str]:
    """The error names of an exception tree drawn with box characters."""
    return set(re.findall(r"^[\s│├└─]*([A-Z][A-Za-z]+Error)\b", text, flags=re.M))


def test_the_readme_tree_errors_py_and_all_agree() -> None:
    import workreport.errors as errors

    defined = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, Exception)}
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    exported = {n for n in workreport.__all__ if n.endswith("Error")}
    assert _tree(readme) == _tree(errors.__doc__ or "") == defined == exported
    for name in defined:  # the tree's shape is the classes' shape
        cls = getattr(errors, name)
        assert cls is errors.WorkreportError or issubclass(cls, errors.WorkreportError)


def test_errors_share_one_root() -> None:
    for exc in (workreport.ReadError, workreport.NumeralError, workreport.RulesError, workreport.GoldError):
        assert issubclass(exc, workreport.WorkreportError)


def test_read_extract_inspect_on_text() -> None:
    doc = workreport.Document(
        text="一、2023年工作回顾\n全年生产总值增长5%。\n二、2024年工作安排\n生产总值增长6%左右。\n"
    )
    facts = workreport.extract(doc)
    assert [(f.quote, f.kind, f.period, f.indicator_id) for f in facts] == [
        ("5%", "actual", 2023, "gdp"),
        ("6%左右", "target", 2024, "gdp"),
    ]
    st = workreport.inspect(doc)
    assert [s.role for s in st.sections] == ["review", "plan"]
