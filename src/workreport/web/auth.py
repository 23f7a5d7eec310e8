"""Users, roles, API tokens, signed session cookies and CSRF tokens.

Passwords are hashed with Argon2 (argon2-cffi). Sessions are cookies signed with the
server's secret (itsdangerous), holding the user id and the session's CSRF token; every
form post and every cookie-authenticated API write must echo that token. Programs use an
API token (``Authorization: Bearer …``) instead, which needs no CSRF token.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from workreport.store import default_path

SESSION_COOKIE = "wr_session"
SESSION_MAX_AGE = 12 * 3600


def secret_key() -> str:
    """The signing key: WORKREPORT_SECRET_KEY, else one made once and kept beside the default database."""
    env = os.environ.get("WORKREPORT_SECRET_KEY")
    if env:
        return env
    path = Path(default_path()).parent / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Sessions:
    """Signed, timed session cookies: {uid, csrf}."""

    def __init__(self, key: str) -> None:
        self._s = URLSafeTimedSerializer(key, salt="workreport-session")

    def new(self, user_id: int | None) -> tuple[str, str]:
        """A fresh session cookie for ``user_id`` (None: signed out) and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        return self._s.dumps({"uid": user_id, "csrf": csrf}), csrf

    def load(self, cookie: str | None) -> dict[str, object] | None:
        """The session in ``cookie``, or None if it is missing, forged or expired."""
        if not cookie:
            return None
        try:
            data = self._s.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def same_token(a: str | None, b: str | None) -> bool:
    """True if both tokens are present and equal, compared in constant time."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
