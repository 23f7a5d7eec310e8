"""The web app's errors: one JSON shape for every error of the API, pinned by a test."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from workreport.errors import InputError, NotFoundError, ReadError, StoreError, WorkreportError


class ApiError(Exception):
    """An error with an HTTP status, raised by routes for auth and CSRF failures."""

    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_body(status: int, code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """The one error shape of the API: {"error": {"status", "code", "message", "details"}}."""
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def classify(exc: Exception) -> ApiError:
    """The ApiError an exception becomes: its HTTP status, code and message."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, NotFoundError):
        return ApiError(404, "not_found", exc.message)
    if isinstance(exc, InputError):
        return ApiError(400, "bad_request", exc.message, list(exc.problems))
    if isinstance(exc, ReadError):
        return ApiError(422, "unreadable_document", exc.message)
    if isinstance(exc, StoreError):
        return ApiError(503, "database_unavailable", exc.message)
    if isinstance(exc, WorkreportError):
        return ApiError(400, "bad_request", exc.message)
    if isinstance(exc, HTTPException):
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthorized",
            403: "forbidden",
            413: "too_large",
            429: "too_many_requests",
        }.get(
            exc.status_code, "http_error"
        )
        return ApiError(exc.status_code, code, str(exc.detail))
    if isinstance(exc, RequestValidationError):
        details = [
            {"loc": list(map(str, e.get("loc", ()))), "message": e.get("msg", "")} for e in exc.errors()
        ]
        return ApiError(422, "invalid_request", "the request is not valid", details)
    return ApiError(500, "internal_error", "an internal error occurred; it has been logged")
