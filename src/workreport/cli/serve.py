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
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
@click.option(
    "--login-to-read",
    is_flag=True,
    envvar="WORKREPORT_LOGIN_TO_READ",
    help="Require signing in to read (writes always need it).",
)
@click.option(
    "--insecure-cookies", is_flag=True, help="Send session cookies over plain HTTP (local testing only)."
)
@DB_OPTION
@fails_cleanly
def serve_cmd(
    host: str, port: int, workers: int, login_to_read: bool, insecure_cookies: bool, db: str | None
) -> None:
    """Run the web app and HTTP API (uvicorn, with request logs). Docs at /docs, schema at /openapi.json."""
    import uvicorn

    from workreport.store import resolve_url

    os.environ["WORKREPORT_DATABASE_URL"] = resolve_url(db)
    os.environ["WORKREPORT_LOGIN_TO_READ"] = "1" if login_to_read else ""
    os.environ["WORKREPORT_INSECURE_COOKIES"] = "1" if insecure_cookies else ""
    open_db(db)  # migrate once, before the workers start
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

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    user = add_user(open_db(db), username, password, role)
    click.echo(f"added {user.username} ({user.role})")

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

    click.echo(create_token(open_db(db), username, name))
