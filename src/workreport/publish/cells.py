"""Cells of CSV files people open in spreadsheets: never a formula.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run
as a formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK(…)`` in a report title);
such a cell gets a leading apostrophe, which spreadsheets show as text. Numbers stay numbers.
"""

from __future__ import annotations

import json
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """``value``, with an apostrophe in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row ready for ``csv.DictWriter``: objects and lists as JSON, every text cell formula-safe."""
    return {
        k: formula_safe(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
        for k, v in row.items()
    }
