"""Commitments (what a plan part promises) and observations (what a report says was reached)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Commitment:
    """A promise in a plan part: a numeric target, a key task, or a practical project (为民实事)."""

    key: str  # stable within its document: the fact key for targets, the span otherwise
    type: str  # target | task | project
    start: int
    end: int
    period: int | None
    scope: str | None = None  # the zone or district it is about, as written; None: the report's own
    text: str | None = None
    fact_key: str | None = None
    indicator_id: str | None = None
    indicator: str | None = None
    measure: str | None = None
    comparator: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    hedge: str | None = None
    classifier: str | None = None


@dataclass(slots=True)
class Observation:
    """A value reported for an indicator, a period and a place: what a target is checked against."""

    period: int
    measure: str
    unit: str
    value: float
    comparator: str
    kind: str  # actual | estimate
    scope: str | None = None
    indicator_id: str | None = None
    indicator: str | None = None
    value_max: float | None = None
    fact_key: str | None = None
    classifier: str | None = None


# a numeric target's rating (TRACK.md §2), and a key task's or 为民实事's progress
STATUSES: tuple[str, ...] = ("met", "partly", "missed", "unknown", "not_yet_due")
TASK_STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "delayed", "dropped")
