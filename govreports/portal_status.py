"""What the database knows about each registered portal, read without changing it.

``scrapy portals`` shows it beside the registry: when the portal was last crawled (the
start of the last crawl run that included it, ``portals.updated_at``), how many reports
are stored for it, its most recent fetch failure, and the report columns discovery
found and remembered (``portals.discovered_list_urls``).

The database is opened read-only and never migrated: a database that does not exist yet
gives no status, and one from an older version gives what its tables hold.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from govreports.storage.locking import is_locked


@dataclass(frozen=True)
class PortalStatus:
    last_crawled: str = ""
    reports: int = 0
    last_failure_at: str = ""
    last_failure_kind: str = ""
    last_failure: str = ""
    discovered_list_urls: tuple[str, ...] = ()


STATUS_COLUMNS = ("last_crawled", "reports", "last_failure_at", "last_failure_kind", "last_failure",
                  "discovered_list_urls")
NO_STATUS = PortalStatus()


class StatusError(RuntimeError):
    """The database exists but cannot be read."""


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def read_status(db_path: str | Path) -> dict[str, PortalStatus]:
    """The status of every portal the database at ``db_path`` knows, by portal id;
    empty when there is no database yet."""
    path = Path(db_path)
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise StatusError(f"cannot open the database {path}: {exc}") from exc
    try:
        return _read(conn)
    except sqlite3.DatabaseError as exc:
        if is_locked(exc):
            raise StatusError(f"the database {path} is locked by another process; try again once it is done") from exc
        raise StatusError(f"cannot read the database {path}: {exc}") from exc
    finally:
        conn.close()


def _read(conn: sqlite3.Connection) -> dict[str, PortalStatus]:
    found: dict[str, dict] = {}

    def of(portal_id: str) -> dict:
        return found.setdefault(portal_id, {})

    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "portals" in tables:
        for portal_id, updated_at, discovered in conn.execute(
                "SELECT portal_id, updated_at, discovered_list_urls FROM portals"):
            of(portal_id).update(last_crawled=updated_at or "", discovered_list_urls=tuple((discovered or "").split()))
    if "reports" in tables:
        for portal_id, count in conn.execute("SELECT portal_id, count(*) FROM reports GROUP BY portal_id"):
            of(portal_id)["reports"] = count
    if "fetch_failures" in tables:
        kind = "f.kind" if "kind" in _columns(conn, "fetch_failures") else "''"
        for portal_id, at, failure_kind, reason in conn.execute(
                f"""SELECT f.portal_id, f.at, {kind}, f.reason FROM fetch_failures f
                    JOIN (SELECT max(id) AS id FROM fetch_failures GROUP BY portal_id) USING (id)"""):
            of(portal_id).update(last_failure_at=at or "", last_failure_kind=failure_kind or "",
                                 last_failure=reason or "")
    return {portal_id: PortalStatus(**values) for portal_id, values in found.items() if portal_id}
