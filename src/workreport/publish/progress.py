"""The progress of key tasks and 为民实事 as flat records: one item a row.

The same record is a row of ``/progress.json`` and ``/progress.csv`` (web/progress.py) and of
``workreport progress --format csv``; CSV cells are formula-safe (publish.cells).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from workreport.publish.cells import csv_row
from workreport.registry.progress import Item
from workreport.rules.labels import Lang, status_label

COLUMNS = (
    "commitment_id",
    "type",
    "jurisdiction",
    "period",
    "text",
    "status",
    "status_label",
    "percent",
    "source",
    "rater",
    "updated_at",
    "provisional",
    "numbers",
    "numbers_met",
    "rules_status",
    "rules_percent",
    "rules",
    "rules_differ",
    "document_id",
    "start",
    "end",
    "url",
)


def progress_record(item: Item, lang: Lang = "zh") -> dict[str, Any]:
    """An item as one flat record of :data:`COLUMNS`."""
    return {
        "commitment_id": item.commitment_id,
        "type": item.type,
        "jurisdiction": item.jurisdiction,
        "period": item.period,
        "text": item.text,
        "status": item.status,
        "status_label": status_label(item.status, lang=lang),
        "percent": item.percent,
        "source": item.source,
        "rater": item.rater,
        "updated_at": item.updated_at.isoformat(timespec="seconds") if item.updated_at else None,
        "provisional": item.provisional,
        "numbers": len(item.parts),
        "numbers_met": sum(p.status == "met" for p in item.parts),
        "rules_status": item.rules.status if item.rules else None,
        "rules_percent": item.rules.percent if item.rules else None,
        "rules": item.rule_text(lang),
        "rules_differ": item.rules_differ,
        "document_id": item.document_id,
        "start": item.start,
        "end": item.end,
        "url": f"/tasks/{item.commitment_id}",
    }


def progress_csv(items: Iterable[Item]) -> str:
    """The items as CSV with a header row (:data:`COLUMNS`)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow(csv_row(progress_record(item)))
    return buf.getvalue()
