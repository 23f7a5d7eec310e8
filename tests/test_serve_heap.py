"""The served app leaves its start-up heap out of the garbage collector's passes."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from workreport.web import app_from_environment


def test_the_served_app_freezes_its_start_up_heap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKREPORT_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite'}")
    gc.unfreeze()
    try:
        app = app_from_environment()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the modules, the app, rules and places
        assert app.state.db is not None
        gc.collect()  # a full pass leaves the frozen objects where they are
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
