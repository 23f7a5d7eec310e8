"""The served app leaves its start-up heap out of the garbage collector's passes and hands the GIL over sooner."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workreport.web import SWITCH_SECONDS, app_from_environment


@pytest.fixture(autouse=True)
def _switch_interval_restored() -> Iterator[None]:
    """The rest of the test session keeps the interval it had (the served app sets one)."""
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


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


def test_the_served_app_hands_the_gil_over_sooner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKREPORT_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert sys.getswitchinterval() == pytest.approx(0.005)  # Python's default
    try:
        app_from_environment()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_SECONDS) and SWITCH_SECONDS < 0.005
    finally:
        gc.unfreeze()
