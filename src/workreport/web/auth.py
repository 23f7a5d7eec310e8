"""Session cookies, CSRF tokens and the signing key.

Passwords are hashed with Argon2 (argon2-cffi). A signed-in browser's cookie (signed with
the server's secret by itsdangerous) holds only a random session id; the session itself
(user, CSRF token, expiry) is kept in the database, so signing out ends it and an admin can
end every session of a user. A browser that has not signed in gets a signed cookie holding
just a CSRF token. Every form post and every cookie-authenticated API write must echo the
session's CSRF token. Programs use an API token (``Authorization: Bearer …``) instead,
which needs no CSRF token.
"""

from __future__ import annotations

import contextlib
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
    return key_file(Path(default_path()).parent / "secret_key")


def key_file(path: Path) -> str:
    """The key kept in ``path``, made there once: written whole to a temporary file, then
    linked into place, so that processes starting together all read the same, complete key."""
    try:
        key = path.read_text().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic, and fails if another process got there first
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


class Sessions:
    """Signed, timed session cookies: {"sid": …} for a signed-in session kept in the database,
    {"csrf": …} for a browser that has not signed in."""

    def __init__(self, key: str) -> None:
        self._s = URLSafeTimedSerializer(key, salt="workreport-session")

    def anonymous(self) -> tuple[str, str]:
        """A fresh cookie for a browser that has not signed in, and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        return self._s.dumps({"csrf": csrf}), csrf

    def signed_in(self, session_id: str) -> str:
        """The cookie of the server-side session ``session_id``."""
        return self._s.dumps({"sid": session_id})

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
