"""Tracking: every numeric target against the outcomes reported for it, rated by rules.

``rules``: the rating rules of TRACK.md §2, pure functions; ``tracker``: targets matched
with outcomes in the database, rated and recorded; ``diff``: targets compared across years
and levels.
"""

from __future__ import annotations

from workreport.track.diff import DiffRow, compare_many, compare_targets
from workreport.track.rules import Bound, lower_is_better, rate
from workreport.track.tracker import TrackRow, count_targets, track

__all__ = [
    "Bound",
    "DiffRow",
    "TrackRow",
    "compare_many",
    "compare_targets",
    "count_targets",
    "lower_is_better",
    "rate",
    "track",
]
