"""workreport: source-grounded facts from Chinese government work reports."""

from __future__ import annotations

__version__ = "0.1.0"
