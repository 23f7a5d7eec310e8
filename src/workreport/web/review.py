"""The review queue: ratings a person should confirm or override (issue 16)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
