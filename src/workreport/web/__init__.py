"""The web front end: `create_app` builds the FastAPI application over a registry database."""

from __future__ import annotations

import os

from fastapi import FastAPI

from .app import Settings, create_app

__all__ = ["Settings", "app_from_environment", "create_app"]


def app_from_environment() -> FastAPI:
    """The app `workreport serve` runs in each server process, configured by environment."""
    from workreport.batch.runner import Budget

    budget = Budget.from_env()
    return create_app(
        Settings(
            db_url=os.environ.get("WORKREPORT_DATABASE_URL") or None,
            read_requires_login=bool(os.environ.get("WORKREPORT_LOGIN_TO_READ")),
            secure_cookies=not os.environ.get("WORKREPORT_INSECURE_COOKIES"),
            max_upload_bytes=int(float(os.environ.get("WORKREPORT_MAX_UPLOAD_MB") or 20) * (1 << 20)),
            doc_seconds=budget.seconds,
            doc_memory_mb=budget.memory_mb,
        )
    )
