"""The store: the database (SQLite by default, PostgreSQL by URL), its rows and migrations.

``database``: connecting, separate read and write sessions, migrations; ``rows``: the ORM
tables; ``mapping``: the one mapping between :class:`~workreport.model.Fact` and rows;
``places``: jurisdictions in the database; ``queries``: the read side of the web app and API.
"""

from __future__ import annotations

from workreport.store.database import Database, default_path, default_url, resolve_url
from workreport.store.rows import (
    ApiTokenRow,
    AssessmentRow,
    AuditRow,
    Base,
    CommitmentRow,
    CorrectionRow,
    DocumentRow,
    FactRow,
    JurisdictionRow,
    ObservationRow,
    UserRow,
    now,
)

__all__ = [
    "ApiTokenRow",
    "AssessmentRow",
    "AuditRow",
    "Base",
    "CommitmentRow",
    "CorrectionRow",
    "Database",
    "DocumentRow",
    "FactRow",
    "JurisdictionRow",
    "ObservationRow",
    "UserRow",
    "default_path",
    "default_url",
    "now",
    "resolve_url",
]
