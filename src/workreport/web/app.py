"""The web application: HTTP API under /api, server-rendered pages, static files.

Thin: every route calls the library (queries, registry, track) and translates its errors
into one JSON error shape (API) or an error page (pages)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workreport.errors import WorkreportError
from workreport.registry.users import User, session_user, user_for_token
from workreport.store import Database
from workreport.version import __version__

from .api import router as api_router
from .auth import SESSION_COOKIE, Sessions, secret_key
from .docs import router as docs_router
from .errors import ApiError, classify, error_body
from .pages import render_error
from .pages import router as pages_router
from .views import VIEW_ROUTERS

log = logging.getLogger("workreport.web")

MULTIPART_SLACK = 64 * 1024  # the multipart envelope around an uploaded file
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass(slots=True)
class Settings:
    """How the web app runs: database, session key, login to read, cookies, request limits and
    the budget of reading one uploaded document."""
    db_url: str | None = None
    secret_key: str | None = None
    read_requires_login: bool = False
    secure_cookies: bool = True
    max_upload_bytes: int = 20 * 1024 * 1024
    max_body_bytes: int = 64 * 1024  # JSON bodies and forms other than uploads
    upload_suffixes: tuple[str, ...] = (".txt", ".html", ".htm", ".docx", ".pdf")
    doc_seconds: float = 60.0
    doc_memory_mb: int = 1024
    parse_slots: int = 2  # uploads read at once per server process; more wait their turn
    extra: dict[str, Any] = field(default_factory=dict)


UPLOAD_PATHS = ("/api/documents", "/upload")
OPEN_PATHS = ("/login", "/logout")  # anyone may sign in and out


def access(method: str, path: str, user: User | None, settings: Settings) -> ApiError | None:
    """The one access check every page and API route goes through, before its body is read:
    None to let the request in, else the error refusing it.

    Only the sign-in page and the static files are open to everyone; reading needs a
    signed-in user when the server requires one; every write needs one, uploads the editor
    role and deleting a report the admin role. (Routes check roles and CSRF tokens again.)"""
    if path.startswith("/static/") or path in OPEN_PATHS:
        return None
    write = method not in ("GET", "HEAD", "OPTIONS")
    if user is None:
        if write:
            return ApiError(401, "unauthorized", "sign in or send an API token to make changes")
        if settings.read_requires_login:
            return ApiError(401, "unauthorized", "this server requires signing in to read")
        return None
    if write and path in UPLOAD_PATHS and not user.can("editor"):
        return ApiError(403, "forbidden", f"this needs the editor role; you are {user.role}")
    if method == "DELETE" and path.startswith("/api/documents/") and not user.can("admin"):
        return ApiError(403, "forbidden", f"deleting a report needs the admin role; you are {user.role}")
    return None


def body_limit(method: str, path: str, settings: Settings) -> int:
    """The most bytes the body of this request may have: an upload's size, else a small form or JSON."""
    if method == "POST" and path in UPLOAD_PATHS:
        return settings.max_upload_bytes + MULTIPART_SLACK
    return settings.max_body_bytes


class BodyTooLarge(HTTPException):
    """The request body grew past its limit while it was being read (an HTTPException, which
    FastAPI passes on unchanged from a body being parsed)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class Gate:
    """The outermost layer: request limits, who is asking, the access check and the security
    headers, all before any route runs or any body is read."""

    def __init__(self, app: ASGIApp, web: FastAPI) -> None:
        self.app, self.web = app, web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse, or pass the request on with a body that may not outgrow its limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        if scope["method"] == "HEAD" and not scope["path"].startswith("/static/"):
            # a page or an answer asked for its headers only: served as GET, the body dropped
            # (static files answer HEAD themselves)
            scope = {**scope, "method": "GET"}
            send = _headers_only(send)
        settings: Settings = self.web.state.settings
        request = Request(scope)
        method, path = scope["method"], scope["path"]
        refusal = _malformed(request)
        limit = body_limit(method, path, settings)
        length = request.headers.get("content-length")
        if refusal is None and length is not None:
            if not length.isdigit():
                refusal = ApiError(400, "bad_request", "Content-Length is not a number")
            elif int(length) > limit:
                refusal = ApiError(413, "too_large", f"the request body is larger than {limit} bytes")
        if refusal is None:
            if path.startswith("/static/"):  # open files: no need to know who asks
                state = request.state
                state.user, state.via_token, state.csrf, state.session_id = None, False, None, None
            else:
                await self._identify(request)
            refusal = access(method, path, request.state.user, settings)
        if refusal is not None:
            await _refuse(request, refusal, scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)

    async def _identify(self, request: Request) -> None:
        state = request.state
        state.user, state.via_token, state.csrf, state.session_id = None, False, None, None
        db = self.web.state.db
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            state.user = await anyio.to_thread.run_sync(user_for_token, db, auth[7:].strip())
            state.via_token = state.user is not None
            return
        data = self.web.state.sessions.load(request.cookies.get(SESSION_COOKIE))
        if data is None:
            return
        sid = data.get("sid")
        if isinstance(sid, str):
            found = await anyio.to_thread.run_sync(session_user, db, sid)
            if found is not None:
                state.user, state.csrf = found
                state.session_id = sid
        elif isinstance(data.get("csrf"), str):
            state.csrf = data["csrf"]


def _malformed(request: Request) -> ApiError | None:
    if "\x00" in unquote_plus(request.url.query) or "\x00" in unquote(request.url.path):
        # no database accepts NUL in text; refuse it here rather than fail deep inside
        return ApiError(400, "bad_request", "NUL characters are not allowed in a request")
    return None


async def _refuse(request: Request, err: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    response: Response
    if err.status == 401 and request.method in ("GET", "HEAD") and _page_request(request):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/")
        back = "" if target == "/" or len(target) > 200 else "?next=" + target
        response = Response(status_code=303, headers={"location": "/login" + back})
    elif _page_request(request):
        # a browser's form or page refused before any route ran: the error page, as a route's
        # error gives it (who asks may not be known yet)
        state = request.state
        for name in ("user", "via_token", "csrf", "session_id"):
            if not hasattr(state, name):
                setattr(state, name, False if name == "via_token" else None)
        response = render_error(request, err.status, err.message, err.details)
    else:
        response = JSONResponse(error_body(err.status, err.code, err.message, err.details), status_code=err.status)
    if err.status == 413:
        response.headers["connection"] = "close"  # the rest of the body is not read
    await response(scope, receive, send)


def _headers_only(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {**message, "body": b""}
        await send(message)

    return sending


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            for name, value in (
                (b"content-security-policy", CSP.encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"x-frame-options", b"DENY"),
                (b"referrer-policy", b"same-origin"),
            ):
                if name not in present:
                    headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The FastAPI app: the API under /api, the HTML pages, static files and one error shape."""
    settings = settings or Settings()
    app = FastAPI(
        title="workreport",
        version=__version__,
        description="Facts, targets and outcomes from Chinese government work reports. Reading is public "
        "unless the server requires a login; every write needs a signed-in editor (with the session's CSRF "
        "token in `X-CSRF-Token`) or an API token (`Authorization: Bearer …`).",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.db_url)
    app.state.sessions = Sessions(settings.secret_key or secret_key())
    app.state.parse_slots = anyio.Semaphore(max(1, settings.parse_slots))
    app.add_middleware(Gate, web=app)

    def _respond(request: Request, exc: Exception) -> Response:
        err = classify(exc)
        if err.status >= 500:
            log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        if not _page_request(request):
            response: Response = JSONResponse(
                error_body(err.status, err.code, err.message, err.details), status_code=err.status
            )
        else:
            response = render_error(request, err.status, err.message, err.details)
        if err.status == 413:
            response.headers["connection"] = "close"
        if isinstance(exc, HTTPException) and exc.headers:  # a 405's Allow, a 429's Retry-After
            response.headers.update(exc.headers)
        return response

    for exc_type in (ApiError, WorkreportError, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(exc_type, _respond)

    static = resources.files("workreport.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    app.include_router(docs_router)
    app.include_router(api_router)
    app.include_router(pages_router)
    for view in VIEW_ROUTERS:
        app.include_router(view)
    return app


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _page_request(request: Request) -> bool:
    """A browser asking for a page (not the API): its errors are pages too."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/openapi.json") and _wants_html(request)


def current_user(request: Request) -> User | None:
    """The user the request is signed in as, or None."""
    user: User | None = request.state.user
    return user


def html(body: str, status: int = 200) -> HTMLResponse:
    """``body`` as an HTML response with ``status``."""
    return HTMLResponse(body, status_code=status)
