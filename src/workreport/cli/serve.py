"""Commands that publish and serve: ``digest``, ``serve``, ``user``, ``token``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from workreport.cli.common import (
    DB_OPTION,
    emit,
    fails_cleanly,
    main,
    open_db,
)
from workreport.pipeline.read import read


def _listenable(host: str, port: int) -> None:
    """Refuse a host that does not resolve, or a port another program holds, in one line before
    the server starts (uvicorn's own report is a log line among its start-up lines, exit 3)."""
    import socket

    from workreport.errors import InputError

    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:  # socket.gaierror is one
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@main.command("digest")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
@click.option(
    "--db",
    is_flag=False,
    flag_value="",
    default=None,
    help="Compare with last year's targets and outcomes in the registry (--db alone: the default database).",
)
@fails_cleanly
def digest_cmd(file: Path, fmt: str, output: Path | None, db: str | None) -> None:
    """A 数读 reading of FILE: targets, results, key numbers, 为民实事, themes; every number linked to the text."""
    from workreport.publish.digest import digest

    emit(digest(read(file), fmt=fmt, db=open_db(db or None) if db is not None else None), output)

@main.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 for all)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Server processes.")
@click.option(
    "--login-to-read",
    is_flag=True,
    envvar="WORKREPORT_LOGIN_TO_READ",
    help="Require signing in to read (writes always need it).",
)
@click.option(
    "--insecure-cookies", is_flag=True, help="Send session cookies over plain HTTP (local testing only)."
)
@click.option("--max-upload-mb", type=click.FloatRange(min=0.001), default=20, show_default=True,
              help="The largest upload; DOCX and PDF limits follow from it.")
@click.option("--doc-seconds", type=click.FloatRange(min=0.1), default=None,
              help="Time to read and extract one upload [env WORKREPORT_DOC_SECONDS, default 60].")
@click.option("--doc-memory-mb", type=click.IntRange(min=16), default=None,
              help="Memory to read and extract one upload [env WORKREPORT_DOC_MEMORY_MB, default 1024].")
@DB_OPTION
@fails_cleanly
def serve_cmd(
    host: str,
    port: int,
    workers: int,
    login_to_read: bool,
    insecure_cookies: bool,
    max_upload_mb: float,
    doc_seconds: float | None,
    doc_memory_mb: int | None,
    db: str | None,
) -> None:
    """Run the web app and HTTP API (uvicorn, with request logs). Docs at /docs, schema at /openapi.json."""
    import uvicorn

    from workreport.batch.runner import Budget
    from workreport.store import resolve_url

    open_db(db)  # there (or refused, before anything is set) and migrated once, before the workers start
    os.environ["WORKREPORT_DATABASE_URL"] = resolve_url(db)
    os.environ["WORKREPORT_LOGIN_TO_READ"] = "1" if login_to_read else ""
    os.environ["WORKREPORT_INSECURE_COOKIES"] = "1" if insecure_cookies else ""
    os.environ["WORKREPORT_MAX_UPLOAD_MB"] = str(max_upload_mb)
    if doc_seconds is not None:
        os.environ["WORKREPORT_DOC_SECONDS"] = str(doc_seconds)
    if doc_memory_mb is not None:
        os.environ["WORKREPORT_DOC_MEMORY_MB"] = str(doc_memory_mb)
    Budget.from_env()  # a bad value fails here, once
    _listenable(host, port)
    click.echo(f"workreport on http://{host}:{port}  (database {resolve_url(db)})", err=True)
    uvicorn.run(
        "workreport.web:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=True,
        proxy_headers=True,
        log_level="info",
    )

@main.group("user")
def user_group() -> None:
    """Manage the people who may change the registry."""

@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), default="editor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
@fails_cleanly
def user_add(username: str, role: str, password_stdin: bool, db: str | None) -> None:
    """Add a user (asks for the password)."""
    from workreport.registry.users import add_user

    user = add_user(open_db(db, create=True), username, _password(password_stdin), role, who=_who())
    click.echo(f"added {user.username} ({user.role})")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True))


def _who() -> str:
    return os.environ.get("USER") or "cli"


@user_group.command("remove")
@click.argument("username")
@DB_OPTION
@fails_cleanly
def user_remove(username: str, db: str | None) -> None:
    """Remove USERNAME with their API tokens and sessions."""
    from workreport.registry.users import remove_user

    remove_user(open_db(db), username, who=_who())
    click.echo(f"removed {username}")


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
@fails_cleanly
def user_passwd(username: str, password_stdin: bool, db: str | None) -> None:
    """Change the password of USERNAME (asks for it); every session of theirs ends."""
    from workreport.registry.users import set_password

    ended = set_password(open_db(db), username, _password(password_stdin), who=_who())
    click.echo(f"password of {username} changed; {ended} session(s) ended")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@DB_OPTION
@fails_cleanly
def user_list(as_json: bool, db: str | None) -> None:
    """Every user with role, API tokens and live sessions."""
    import json

    from workreport.registry.users import list_users

    users = list_users(open_db(db))
    if as_json:
        click.echo(json.dumps(users, ensure_ascii=False, indent=2))
        return
    for u in users:
        click.echo(f"{u['username']}\t{u['role']}\ttokens={u['tokens']}\tsessions={u['sessions']}\t{u['created_at']}")


@user_group.command("logout")
@click.argument("username")
@DB_OPTION
@fails_cleanly
def user_logout(username: str, db: str | None) -> None:
    """End every session of USERNAME (signed out everywhere); API tokens stay."""
    from workreport.registry.users import end_sessions

    click.echo(f"{end_sessions(open_db(db), username, who=_who())} session(s) of {username} ended")

@main.group("token")
def token_group() -> None:
    """API tokens for programs (Authorization: Bearer ...)."""

@token_group.command("add")
@click.argument("username")
@click.option("--name", default="default", show_default=True)
@DB_OPTION
@fails_cleanly
def token_add(username: str, name: str, db: str | None) -> None:
    """Make an API token for USERNAME; it is shown once."""
    from workreport.registry.users import create_token

    click.echo(create_token(open_db(db), username, name, who=_who()))


@token_group.command("list")
@click.argument("username", required=False)
@DB_OPTION
@fails_cleanly
def token_list(username: str | None, db: str | None) -> None:
    """API tokens (id, user, name, created) of USERNAME, or of everyone; never the tokens."""
    from workreport.registry.users import list_tokens

    for t in list_tokens(open_db(db), username):
        click.echo(f"{t['id']}\t{t['user']}\t{t['name']}\t{t['created_at']}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
@DB_OPTION
@fails_cleanly
def token_revoke(token_id: int, db: str | None) -> None:
    """Revoke the API token with id TOKEN_ID (see `workreport token list`)."""
    from workreport.registry.users import revoke_token

    revoke_token(open_db(db), token_id, who=_who())
    click.echo(f"token {token_id} revoked")
