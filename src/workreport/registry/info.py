"""What the database holds: where it is and the rows per table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from workreport.store import (
    AssessmentRow,
    CommitmentRow,
    CorrectionRow,
    Database,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
)
from workreport.version import EXTRACTOR_VERSION

# --------------------------------------------------------------------------- reading back



def info(db: Database) -> dict[str, Any]:
    """What the database holds: its URL (password masked), the extractor version and rows per table."""
    with db.session() as session:
        count = {
            t.__tablename__: session.scalar(select(func.count()).select_from(t))
            for t in (
                DocumentRow,
                FactRow,
                CommitmentRow,
                ObservationRow,
                AssessmentRow,
                CorrectionRow,
                JurisdictionRow,
            )
        }
    return {"database": db.safe_url, "extractor_version": EXTRACTOR_VERSION, "rows": count}
