"""The routers of the views beyond the core pages, one module each, mounted by the app."""

from __future__ import annotations

from fastapi import APIRouter

from . import escalation, grapher, progress, review, scorecards

VIEW_ROUTERS: tuple[APIRouter, ...] = (
    grapher.router,
    scorecards.router,
    escalation.router,
    review.router,
    progress.router,
)
