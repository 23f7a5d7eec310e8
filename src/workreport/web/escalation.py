"""Escalation: one indicator's targets level by level, and the research panel export (issue 16)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
