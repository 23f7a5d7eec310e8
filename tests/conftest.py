"""Shared test fixtures: where the shared material (seeds, gold, corpus) lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKREPORT_SHARED", ROOT.parent / "shared"))
REPORTS = ROOT / "tests" / "data" / "reports"


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material not present: {path}")
    return path
