"""The indicator grapher: one indicator across years for chosen places (issue 16)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
