"""People and programs: users with roles (Argon2-hashed passwords), API tokens, server-side
sessions and the throttling of failed sign-ins.

A password needs at least 10 characters, not all alike and not all blank, and must not be on
the list of common passwords shipped beside this module or be the user name. A user name is
1 to 64 letters, digits or ``. _ - @ +`` (no spaces, no control or escape characters).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from workreport.errors import InputError, NotFoundError
from workreport.store import ApiTokenRow, AuditRow, Database, UserRow
from workreport.store.rows import LoginFailureRow, SessionRow

ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 hashes anything, but nobody types more
_hasher = PasswordHasher()
_USERNAME = re.compile(r"[\w.@+-]{1,64}")


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person: id, username and role."""
    id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        """True if this user's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to accept, lower-cased."""
    text = resources.files("workreport.registry").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def check_username(username: str) -> str:
    """``username`` if it is 1 to 64 printable letters, digits or ``. _ - @ +``; else an InputError."""
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        raise InputError("a username has 1 to 64 letters, digits or . _ - @ + (no spaces or control characters)")
    return username


def check_password(password: str, username: str = "") -> str:
    """``password`` if the policy allows it (length, not blank or one repeated character, not a
    common password, not the user name); else an InputError saying why."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"a password has at most {MAX_PASSWORD} characters")
    if not password.strip() or len(set(password)) < 4:
        raise InputError("a password needs at least 4 different characters, not only blanks")
    if not password.isprintable():
        raise InputError("a password may not hold control characters")
    folded = password.strip().lower()
    if folded in common_passwords() or folded.rstrip("!.1234567890") in common_passwords():
        raise InputError("that password is on the list of common passwords; choose another")
    if username and username.lower() in folded:
        raise InputError("a password may not contain the user name")
    return password


def _audit(session: Any, who: str, action: str, entity: str, key: str, before: Any, after: Any) -> None:
    session.add(AuditRow(who=who, action=action, entity=entity, entity_key=key, before=before, after=after))


def add_user(db: Database, username: str, password: str, role: str = "viewer", *, who: str = "cli") -> User:
    """Create a user with a hashed password, logged in the audit; a bad role, name or password is an InputError."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    check_username(username)
    check_password(password, username)
    with db.session() as session:
        if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise InputError(f"user {username!r} exists already")
        row = UserRow(username=username, password_hash=_hasher.hash(password), role=role)
        session.add(row)
        session.flush()
        _audit(session, who, "add", "user", username, None, {"role": role})
        return User(row.id, row.username, row.role)


def _user_row(session: Any, username: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row  # type: ignore[no-any-return]


def remove_user(db: Database, username: str, *, who: str = "cli") -> None:
    """Remove a user with their API tokens and sessions, logged in the audit."""
    with db.session() as session:
        row = _user_row(session, username)
        session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
        session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == row.id))
        _audit(session, who, "remove", "user", username, {"role": row.role}, None)
        session.delete(row)


def set_password(db: Database, username: str, password: str, *, who: str = "cli") -> int:
    """Change a user's password and end all their sessions; returns how many were ended."""
    with db.session() as session:
        row = _user_row(session, username)
        check_password(password, username)
        row.password_hash = _hasher.hash(password)
        ended = _end_all(session, row.id)
        _audit(session, who, "passwd", "user", username, None, {"sessions_ended": ended})
        return int(ended)


def list_users(db: Database) -> list[dict[str, Any]]:
    """Every user: name, role, when added, and how many API tokens and live sessions they have."""
    now = datetime.now(UTC)
    with db.read() as session:
        out = []
        for row in session.scalars(select(UserRow).order_by(UserRow.username)):
            tokens = session.scalar(select(func.count()).where(ApiTokenRow.user_id == row.id)) or 0
            live = [
                s for s in session.scalars(select(SessionRow).where(SessionRow.user_id == row.id))
                if _aware(s.expires_at) > now
            ]
            out.append(
                {
                    "username": row.username,
                    "role": row.role,
                    "created_at": _aware(row.created_at).isoformat(timespec="seconds"),
                    "tokens": int(tokens),
                    "sessions": len(live),
                }
            )
        return out


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None (as slow either way)."""
    password = password[:MAX_PASSWORD]
    with db.read() as session:
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
    """The user with this id, if any (a read: never takes the write lock)."""
    with db.read() as session:
        row = session.get(UserRow, user_id)
        return User(row.id, row.username, row.role) if row is not None else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- API tokens


def create_token(db: Database, username: str, name: str = "default", *, who: str = "cli") -> str:
    """A new API token for ``username``; only its hash is stored, so it is shown once."""
    if not name or len(name) > 64 or not name.isprintable():
        raise InputError("a token name has 1 to 64 printable characters")
    token = "wr_" + secrets.token_urlsafe(32)
    with db.session() as session:
        user = _user_row(session, username)
        row = ApiTokenRow(user_id=user.id, name=name, token_hash=_token_hash(token))
        session.add(row)
        session.flush()
        _audit(session, who, "add", "token", str(row.id), None, {"user": username, "name": name})
    return token


def list_tokens(db: Database, username: str | None = None) -> list[dict[str, Any]]:
    """API tokens (id, user, name, created), of one user or of all; never the tokens themselves."""
    with db.read() as session:
        q = select(ApiTokenRow, UserRow.username).join(UserRow, UserRow.id == ApiTokenRow.user_id)
        if username is not None:
            _user_row(session, username)  # no such user is an error, not a list of none
            q = q.where(UserRow.username == username)
        return [
            {
                "id": t.id,
                "user": name,
                "name": t.name,
                "created_at": _aware(t.created_at).isoformat(timespec="seconds"),
            }
            for t, name in session.execute(q.order_by(ApiTokenRow.id))
        ]


def revoke_token(db: Database, token_id: int, *, who: str = "cli") -> None:
    """Revoke the API token with this id (see :func:`list_tokens`), logged in the audit."""
    with db.session() as session:
        row = session.get(ApiTokenRow, token_id)
        if row is None:
            raise NotFoundError(f"no API token with id {token_id}")
        _audit(session, who, "revoke", "token", str(token_id), {"user_id": row.user_id, "name": row.name}, None)
        session.delete(row)


def user_for_token(db: Database, token: str) -> User | None:
    """The user an API token belongs to, if any."""
    if not token or len(token) > 200:
        return None
    with db.read() as session:
        row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _token_hash(token)))
        if row is None:
            return None
        user = session.get(UserRow, row.user_id)
        return User(user.id, user.username, user.role) if user is not None else None


# --------------------------------------------------------------------------- sessions


def start_session(db: Database, user: User, max_age: int) -> tuple[str, str]:
    """A new server-side session for ``user``: its secret id (for the cookie) and CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    with db.session() as session:
        session.execute(delete(SessionRow).where(SessionRow.expires_at < now))  # tidy as we go
        session.add(
            SessionRow(
                user_id=user.id,
                token_hash=_token_hash(token),
                csrf=csrf,
                created_at=now,
                expires_at=now + timedelta(seconds=max_age),
            )
        )
    return token, csrf


def session_user(db: Database, token: str) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or None if it ended, expired or never was."""
    if not token or len(token) > 200:
        return None
    with db.read() as session:
        row = session.scalar(select(SessionRow).where(SessionRow.token_hash == _token_hash(token)))
        if row is None or _aware(row.expires_at) <= datetime.now(UTC):
            return None
        user = session.get(UserRow, row.user_id)
        return (User(user.id, user.username, user.role), row.csrf) if user is not None else None


def _end_all(session: Any, user_id: int) -> int:
    ended = session.scalar(select(func.count()).where(SessionRow.user_id == user_id)) or 0
    session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
    return int(ended)


def end_session(db: Database, token: str) -> None:
    """End one session (sign out): its cookie no longer signs anyone in."""
    with db.session() as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))


def end_sessions(db: Database, username: str, *, who: str = "cli") -> int:
    """End every session of ``username`` (an admin's revocation); returns how many were ended."""
    with db.session() as session:
        row = _user_row(session, username)
        ended = _end_all(session, row.id)
        _audit(session, who, "logout", "user", username, None, {"sessions_ended": ended})
        return int(ended)


# --------------------------------------------------------------------------- throttling

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMITS = {"user": 5, "addr": 20}  # failures per window, per account and per address


def throttle_keys(username: str, address: str | None) -> list[str]:
    """The keys failed sign-ins are counted under: the account and the client address."""
    keys = [f"user:{username[:64]}"]
    if address:
        keys.append(f"addr:{address[:64]}")
    return keys


def throttled(db: Database, keys: list[str]) -> int:
    """Seconds until another attempt is allowed under ``keys`` (0: allowed now)."""
    since = datetime.now(UTC) - THROTTLE_WINDOW
    wait = 0
    with db.read() as session:
        for key in keys:
            limit = THROTTLE_LIMITS.get(key.split(":", 1)[0], 5)
            times = sorted(
                _aware(t)
                for t in session.scalars(select(LoginFailureRow.at).where(LoginFailureRow.key == key))
                if _aware(t) > since
            )
            if len(times) >= limit:
                oldest = times[-limit]
                wait = max(wait, int((oldest + THROTTLE_WINDOW - datetime.now(UTC)).total_seconds()) + 1)
    return wait


def record_failure(db: Database, keys: list[str]) -> None:
    """Count a failed sign-in under each of ``keys``, forgetting failures older than the window."""
    now = datetime.now(UTC)
    with db.session() as session:
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < now - THROTTLE_WINDOW))
        for key in keys:
            session.add(LoginFailureRow(key=key, at=now))


def clear_failures(db: Database, username: str) -> None:
    """Forget the failed sign-ins of an account after it signs in."""
    with db.session() as session:
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == f"user:{username[:64]}"))
