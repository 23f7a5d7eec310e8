"""Scorecards: targets met per place and year, and comparisons of places (issue 16)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
