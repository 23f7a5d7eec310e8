"""The web front end: `create_app` builds the FastAPI application over a registry database."""

from __future__ import annotations

import gc
import os
import sys

from fastapi import FastAPI

from .app import Settings, create_app

__all__ = ["Settings", "app_from_environment", "create_app"]


def app_from_environment() -> FastAPI:
    """The app `workreport serve` runs in each server process, configured by environment."""
    from workreport.batch.runner import Budget

    budget = Budget.from_env()
    app = create_app(
        Settings(
            db_url=os.environ.get("WORKREPORT_DATABASE_URL") or None,
            read_requires_login=bool(os.environ.get("WORKREPORT_LOGIN_TO_READ")),
            secure_cookies=not os.environ.get("WORKREPORT_INSECURE_COOKIES"),
            max_upload_bytes=int(float(os.environ.get("WORKREPORT_MAX_UPLOAD_MB") or 20) * (1 << 20)),
            doc_seconds=budget.seconds,
            doc_memory_mb=budget.memory_mb,
        )
    )
    freeze_heap()
    sys.setswitchinterval(SWITCH_SECONDS)
    return app


# How long a thread may hold the GIL while another waits for it. A request that waits on the
# database takes the GIL back after each reply; while an upload was being stored, the default
# 5 ms per reply made such requests take 0.2-0.45 s, and 1 ms made them take at most 0.19 s.
SWITCH_SECONDS = 0.001


def freeze_heap() -> None:
    """Leave what the server holds from its start (modules, the app, rules, places: some
    hundred thousand objects) out of the garbage collector's passes: a full pass over them
    took 0.1–0.4 s, during which every request waited, and a search ranking ten thousand
    matches could set one off. Collected once first, so that no garbage is kept for good."""
    gc.collect()
    gc.freeze()
