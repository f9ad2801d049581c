"""SQLite storage: schema migrations and the report store."""

from govreports.storage.store import ReportRecord, ReportStore, open_db

__all__ = ["ReportRecord", "ReportStore", "open_db"]
