"""Users, roles, API tokens, signed session cookies and CSRF tokens.

Passwords are hashed with Argon2 (argon2-cffi). Sessions are cookies signed with the
server's secret (itsdangerous), holding the user id and the session's CSRF token; every
form post and every cookie-authenticated API write must echo that token. Programs use an
API token (``Authorization: Bearer …``) instead, which needs no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..errors import InputError, NotFoundError
from ..store import ApiTokenRow, AuditRow, Database, UserRow, default_path

ROLES = ("viewer", "editor", "admin")
_hasher = PasswordHasher()
SESSION_COOKIE = "wr_session"
SESSION_MAX_AGE = 12 * 3600


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def add_user(db: Database, username: str, password: str, role: str = "viewer", *, who: str = "cli") -> User:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if not username or len(username) > 64:
        raise InputError("a username has 1 to 64 characters")
    if len(password) < 8:
        raise InputError("a password has at least 8 characters")
    with db.session() as session:
        if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise InputError(f"user {username!r} exists already")
        row = UserRow(username=username, password_hash=_hasher.hash(password), role=role)
        session.add(row)
        session.flush()
        session.add(
            AuditRow(
                who=who, action="add", entity="user", entity_key=username, before=None, after={"role": role}
            )
        )
        return User(row.id, row.username, row.role)


def authenticate(db: Database, username: str, password: str) -> User | None:
    with db.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            _hasher.hash(password)  # same work whether or not the user exists
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(row.id, row.username, row.role)


def user_by_id(db: Database, user_id: int) -> User | None:
    with db.session() as session:
        row = session.get(UserRow, user_id)
        return User(row.id, row.username, row.role) if row is not None else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, username: str, name: str = "default") -> str:
    token = "wr_" + secrets.token_urlsafe(32)
    with db.session() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        if user is None:
            raise NotFoundError(f"no user {username!r}")
        session.add(ApiTokenRow(user_id=user.id, name=name, token_hash=_token_hash(token)))
    return token


def user_for_token(db: Database, token: str) -> User | None:
    with db.session() as session:
        row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _token_hash(token)))
        if row is None:
            return None
        user = session.get(UserRow, row.user_id)
        return User(user.id, user.username, user.role) if user is not None else None


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
        csrf = secrets.token_urlsafe(24)
        return self._s.dumps({"uid": user_id, "csrf": csrf}), csrf

    def load(self, cookie: str | None) -> dict[str, object] | None:
        if not cookie:
            return None
        try:
            data = self._s.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
