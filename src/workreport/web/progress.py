"""Progress of key tasks and 为民实事: status, percentage, timeline of assessments (issue 16)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
