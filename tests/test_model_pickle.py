"""A report's structure travels from each batch worker to the writer by pickle: it comes back
equal, every class pickled as its fields' values in order (one ``__init__`` a object, which a
span's check runs again), not as dataclasses' state of named slots."""

from __future__ import annotations

import pickle
from dataclasses import fields
from pathlib import Path

import pytest

from workreport.model.document import Document, Metadata, Paragraph, Section, Span, Structure
from workreport.pipeline.read import read
from workreport.pipeline.structure import structure

REPORTS = sorted((Path(__file__).parent / "data" / "reports").glob("*.txt"))


@pytest.mark.parametrize("path", REPORTS[:4], ids=lambda p: p.name)
def test_a_structure_comes_back_equal(path: Path) -> None:
    doc = read(path)
    st = structure(doc)
    assert st.sections and st.paragraphs
    again = pickle.loads(pickle.dumps(st))
    assert again == st and pickle.loads(pickle.dumps(doc)) == doc
    assert again.to_dict() == st.to_dict()


@pytest.mark.parametrize("cls", [Span, Document, Section, Metadata, Paragraph, Structure])
def test_each_class_is_pickled_as_its_fields_in_order(cls: type) -> None:
    assert cls.__slots__ == tuple(f.name for f in fields(cls))  # __init__'s order
    assert all(f.init for f in fields(cls))


def test_a_span_is_checked_again_when_loaded() -> None:
    span = Span(3, 9)
    assert span.__reduce__() == (Span, (3, 9))
    object.__setattr__(span, "end", 1)  # as a corrupt pickle would have it
    with pytest.raises(ValueError, match="bad span"):
        pickle.loads(pickle.dumps(span))
