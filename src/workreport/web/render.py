"""How pages are rendered: the templates, the session's CSRF token, the interface language and
the form check every write goes through. Every page module renders through :func:`page`.

The interface is Chinese; ``?lang=en`` (kept in a cookie) switches it to English. Templates
write their Chinese text as ``{{ _("报告库") }}``; the English comes from the catalogs in
``web/locale/en/*.toml`` (one file per page module, ``"中文" = "English"`` lines), so a text
without an English entry stays Chinese rather than disappearing.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from workreport.model import STATUSES
from workreport.registry.users import User
from workreport.rules.labels import (
    kind_label,
    labels,
    level_label,
    measure_label,
    provisional_label,
    status_label,
)
from workreport.rules.numbers import fact_number_text, raw_number

from .auth import SESSION_COOKIE, SESSION_MAX_AGE, same_token
from .errors import ApiError

LANGUAGES = ("zh", "en")
LANG_COOKIE = "lang"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Chinese interface text → its ``lang`` translation, from every ``locale/<lang>/*.toml``."""
    out: dict[str, str] = {}
    folder = resources.files("workreport.web").joinpath("locale", lang)
    if not folder.is_dir():
        return out
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.update(tomllib.loads(entry.read_text(encoding="utf-8")))
    return out


def translate(text: str, lang: str) -> str:
    """``text`` (Chinese) in ``lang``; unchanged when Chinese is asked for or no translation exists."""
    if lang == "zh":
        return text
    return catalog(lang).get(text, text)


@pass_context
def _gettext(context: Context, text: str) -> str:
    return translate(text, context.get("lang", "zh"))


_RULE_CLAUSES = (
    (re.compile(r": met if outcome >= "), "：结果不低于"),
    (re.compile(r": met if outcome <= "), "：结果不高于"),
    (re.compile(r"; partly if short by at most "), "；差距不超过"),
    (re.compile(r"; missed when short by more than "), "；差距超过"),
)
_RULE_UNITS = ((re.compile(r" points?\b"), "个百分点"), (re.compile(r" places?\b"), "个位次"), (re.compile(r" of the target\b"), ""))


def rule_text(rule: str | None, lang: str = "zh") -> str:
    """A stored rating rule (``不低于6.5%: met if outcome >= 6.5%; partly if short by at most
    0.5 points``) in the interface's language: in Chinese each clause ends with its status."""
    if not rule or lang != "zh":
        return rule or ""
    out = rule
    met, partly, missed = (status_label(s) for s in ("met", "partly", "missed"))
    parts = re.split(r"(?=; )", out)
    words = []
    for part in parts:
        status = partly if "partly if" in part else missed if "missed when" in part else met if "met if" in part else ""
        for pattern, zh in (*_RULE_CLAUSES, *_RULE_UNITS):
            part = pattern.sub(zh, part)
        words.append(f"{part}为{status}" if status else part)
    return "".join(words)


@pass_context
def _rule_text(context: Context, rule: str | None) -> str:
    return rule_text(rule, context.get("lang", "zh"))


def language(request: Request) -> str:
    """The interface language: ``?lang=`` if given, else the cookie, else Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return asked if asked in LANGUAGES else "zh"


templates = Jinja2Templates(directory=str(resources.files("workreport.web").joinpath("templates")))

# the words for stored codes come from rules/labels.toml, as on the command line and in the 数读 reading
STATUS_LABELS = {s: status_label(s) for s in STATUSES}
KIND_LABELS = labels("kind")
templates.env.globals.update(
    status_label=status_label,
    kind_label=kind_label,
    level_label=level_label,
    measure_label=measure_label,
    provisional_label=provisional_label,
    number_text=fact_number_text,
    raw_number=raw_number,
    _=_gettext,
    rule_text=_rule_text,
)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _session(request: Request) -> tuple[str, str | None]:
    """The CSRF token of this browser's session, making a session (signed in or not) if there is none."""
    if request.state.csrf:
        return request.state.csrf, None
    cookie, csrf = request.app.state.sessions.anonymous()
    request.state.csrf = csrf
    return csrf, cookie


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the user and CSRF token; to /login first if reading needs a login."""
    settings = request.app.state.settings
    if (
        settings.read_requires_login
        and request.state.user is None
        and template not in ("login.html", "error.html")
    ):
        return RedirectResponse("/login", status_code=303)  # type: ignore[return-value]
    csrf, new_cookie = _session(request)
    lang = language(request)
    user: User | None = request.state.user
    response = templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf": csrf,
            "lang": lang,
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            **context,
        },
        status_code=status,
    )
    if new_cookie:
        set_session_cookie(request, response, new_cookie)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=SESSION_MAX_AGE, samesite="lax")
    return response


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    """Keep the session cookie ``value`` in the browser (HTTP only, same-site lax)."""
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


def render_error(request: Request, status: int, message: str, details: list[Any] | None = None) -> HTMLResponse:
    """The error page with ``status``, ``message`` and what the JSON error's ``details`` say, one
    line each (``p: Input should be greater than or equal to 1``; a row of an import)."""
    lines = [_detail_line(d) for d in details or []]
    return page(request, "error.html", status=status, status_code=status, message=message, details=lines)


def _detail_line(detail: Any) -> str:
    if isinstance(detail, dict):
        # where, without FastAPI's part of the request (query, path, body): the parameter's name
        where = [str(x) for x in detail.get("loc", []) if x not in ("query", "path", "body")]
        return f"{'.'.join(where)}: {detail.get('message', '')}" if where else str(detail.get("message", ""))
    return str(detail)


async def form_writer(request: Request, role: str = "editor") -> tuple[User, dict[str, Any]]:
    """A form post: the CSRF token must match the session's, and the user must have ``role``."""
    form = dict(await request.form())
    if not same_token(str(form.get("csrf_token", "")), request.state.csrf):
        raise ApiError(
            403, "csrf_failed", "the form has expired or did not come from this site; reload the page"
        )
    user: User | None = request.state.user
    if user is None:
        raise ApiError(401, "unauthorized", "sign in to make changes")
    if not user.can(role):
        raise ApiError(403, "forbidden", f"this needs the {role} role")
    return user, form
