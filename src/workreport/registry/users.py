"""People and programs: users with roles (Argon2-hashed passwords) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from workreport.errors import InputError, NotFoundError
from workreport.store import ApiTokenRow, AuditRow, Database, UserRow

ROLES = ("viewer", "editor", "admin")
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person: id, username and role."""
    id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        """True if this user's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


def add_user(db: Database, username: str, password: str, role: str = "viewer", *, who: str = "cli") -> User:
    """Create a user with a hashed password, logged in the audit; a bad role, name or password is an InputError."""
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
    """The user if ``password`` is theirs, else None (as slow either way)."""
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
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, username: str, name: str = "default") -> str:
    """A new API token for ``username``; only its hash is stored, so it is shown once."""
    token = "wr_" + secrets.token_urlsafe(32)
    with db.session() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        if user is None:
            raise NotFoundError(f"no user {username!r}")
        session.add(ApiTokenRow(user_id=user.id, name=name, token_hash=_token_hash(token)))
    return token


def user_for_token(db: Database, token: str) -> User | None:
    """The user an API token belongs to, if any."""
    with db.read() as session:
        row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _token_hash(token)))
        if row is None:
            return None
        user = session.get(UserRow, row.user_id)
        return User(user.id, user.username, user.role) if user is not None else None


