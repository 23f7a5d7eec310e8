"""The web application: HTTP API under /api, server-rendered pages, static files.

Thin: every route calls the library (queries, registry, track) and translates its errors
into one JSON error shape (API) or an error page (pages)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import unquote, unquote_plus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from workreport.errors import WorkreportError
from workreport.registry.users import User, user_by_id, user_for_token
from workreport.store import Database
from workreport.version import __version__

from .api import router as api_router
from .auth import SESSION_COOKIE, Sessions, secret_key
from .errors import ApiError, classify, error_body
from .pages import render_error
from .pages import router as pages_router

log = logging.getLogger("workreport.web")


@dataclass(slots=True)
class Settings:
    """How the web app runs: database, session key, login to read, cookies and upload limits."""
    db_url: str | None = None
    secret_key: str | None = None
    read_requires_login: bool = False
    secure_cookies: bool = True
    max_upload_bytes: int = 20 * 1024 * 1024
    upload_suffixes: tuple[str, ...] = (".txt", ".html", ".htm", ".docx", ".pdf")
    extra: dict[str, Any] = field(default_factory=dict)


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds the Content-Security-Policy and the other security headers to every response."""
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """The response of the next handler, with the security headers set unless already present."""
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The FastAPI app: the API under /api, the HTML pages, static files and one error shape."""
    settings = settings or Settings()
    app = FastAPI(
        title="workreport",
        version=__version__,
        description="Facts, targets and outcomes from Chinese government work reports. Reading is public "
        "unless the server requires a login; every write needs a signed-in editor (with the session's CSRF "
        "token in `X-CSRF-Token`) or an API token (`Authorization: Bearer …`).",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.db_url)
    app.state.sessions = Sessions(settings.secret_key or secret_key())
    app.add_middleware(SecurityHeaders)

    @app.middleware("http")
    async def identify(request: Request, call_next: RequestResponseEndpoint) -> Response:
        if "\x00" in unquote_plus(request.url.query) or "\x00" in unquote(request.url.path):
            # no database accepts NUL in text; refuse it here rather than fail deep inside
            return JSONResponse(
                error_body(400, "bad_request", "NUL characters are not allowed in a request"), status_code=400
            )
        request.state.user = None
        request.state.via_token = False
        request.state.csrf = None
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            user = user_for_token(app.state.db, auth[7:].strip())
            request.state.user, request.state.via_token = user, user is not None
        else:
            data = app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
            if data is not None:
                uid = data.get("uid")
                request.state.user = user_by_id(app.state.db, uid) if isinstance(uid, int) else None
                request.state.csrf = data.get("csrf")
        return await call_next(request)

    def _respond(request: Request, exc: Exception) -> Response:
        err = classify(exc)
        if err.status >= 500:
            log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        if (
            request.url.path.startswith("/api/")
            or request.url.path == "/openapi.json"
            or not _wants_html(request)
        ):
            return JSONResponse(
                error_body(err.status, err.code, err.message, err.details), status_code=err.status
            )

        return render_error(request, err.status, err.message)

    for exc_type in (ApiError, WorkreportError, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(exc_type, _respond)

    static = resources.files("workreport.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")


    app.include_router(api_router)
    app.include_router(pages_router)
    return app


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def current_user(request: Request) -> User | None:
    """The user the request is signed in as, or None."""
    user: User | None = request.state.user
    return user


def html(body: str, status: int = 200) -> HTMLResponse:
    """``body`` as an HTML response with ``status``."""
    return HTMLResponse(body, status_code=status)
