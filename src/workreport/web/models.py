"""The API's models of facts, made from the one ``Fact`` schema (model/fact.py).

Every field, its type, its enumeration (kinds, measures, comparators) and its description
come from :data:`workreport.model.FACT_SCHEMA`, so the OpenAPI document, the validation of
responses and the schema of the exports cannot drift apart (a test checks the coverage).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from workreport.model import FACT_SCHEMA, FieldSpec

_PYTHON: dict[str, Any] = {"string": str, "int": int, "float": float, "list": list[str]}


def _annotation(spec: FieldSpec) -> Any:
    base: Any = Literal[spec.choices] if spec.choices else _PYTHON[spec.type]
    return base | None if spec.nullable else base


def _field(spec: FieldSpec) -> tuple[Any, Any]:
    default = None if spec.nullable else ...
    return _annotation(spec), Field(default, description=spec.description)


# a stored fact: its id, document and key, every Fact field, and who last touched it
FactOut: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Fact",
    __doc__="A stored fact: every field of FACTS.md §2, with its id, document and key.",
    id=(int, Field(..., description="the fact's id (for corrections)")),
    document_id=(int, Field(..., description="the document it was extracted from")),
    key=(str, Field(..., description="stable within its document: start-end-n")),
    **{spec.name: _field(spec) for spec in FACT_SCHEMA},
    jurisdiction_id=(int | None, Field(None, description="the place it is about (its scope, else the report's)")),
    extractor_version=(str, Field(..., description="the extractor version that stored it")),
    corrected=(bool, Field(..., description="a person corrected one of its fields")),
)


class FactPage(BaseModel):
    """One page of facts."""

    items: list[FactOut]  # type: ignore[valid-type]
    page: int
    per_page: int
    total: int
    pages: int


class ErrorDetail(BaseModel):
    """What went wrong: the HTTP status, a code to branch on, a message for people and, for a
    request or a file with several problems, each of them."""

    status: int
    code: str = Field(description="not_found, bad_request, invalid_request, unauthorized, forbidden, csrf_failed, …")
    message: str
    details: list[Any] = Field(default_factory=list)


class ErrorOut(BaseModel):
    """The one error shape of every API answer that is not a success."""

    error: ErrorDetail


# what the API documents for every route: the one error shape, not FastAPI's own for 422
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (400, "a parameter or a body the route cannot take"),
        (401, "signing in or a token is needed"),
        (403, "the user's role does not allow it, or the CSRF token is missing"),
        (404, "no such record"),
        (413, "the body is too large"),
        (422, "a parameter of the wrong type or out of its range"),
    )
}
