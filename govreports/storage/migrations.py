"""Schema changes, in order.  Each migration runs once, inside one transaction.

Applied migrations are recorded in ``_migrations`` (name, applied_at), so a database
written by an older version is upgraded in place when it is next opened.  Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(func: Migration) -> Migration:
    MIGRATIONS.append((func.__name__, func))
    return func


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db["portals"].create(
        {
            "portal_id": str,
            "region_code": str,
            "region_name": str,
            "portal_name": str,
            "home_url": str,
            "list_urls": str,
            "platform": str,
            "render_js": int,
            "obey_robots": int,
            "robots_note": str,
            "discovered_list_urls": str,
            "updated_at": str,
        },
        pk="portal_id",
    )
    db["crawl_runs"].create(
        {
            "run_id": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | finished | <close reason>
            "region": str,
            "args": str,  # JSON
            "portals": int,
            "reports_new": int,
            "reports_updated": int,
            "reports_unchanged": int,
            "non_reports": int,
            "failures": int,
            "stats": str,  # JSON: per portal list pages, report pages, reports, failures
        },
        pk="run_id",
    )
    db["reports"].create(
        {
            "report_id": str,
            "identity": str,  # ix:<site>:<索引号> or url:<canonical url>
            "url": str,  # where it was first seen (canonical)
            "portal_id": str,
            "region_code": str,
            "region_name": str,
            "publisher": str,
            "title": str,
            "report_year": int,
            "era": str,
            "index_no": str,  # verbatim
            "written_date": str,
            "published_date": str,
            "doc_no": str,
            "metadata": str,  # JSON: the whole metadata block and page meta tags
            "body_text": str,
            "body_text_original": str,
            "cover_letter": str,
            "next_year_plan": str,
            "sections": str,  # JSON list of {number, heading, text}
            "source_format": str,  # html | pdf | docx | …
            "attachment_urls": str,  # space-separated
            "sha256": str,  # of the content we parsed
            "flags": str,  # JSON list of {rule, message, numbers}
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "run_id": str,
        },
        pk="report_id",
        foreign_keys=[("portal_id", "portals", "portal_id")],
    )
    db["reports"].create_index(["identity"], unique=True)
    db["reports"].create_index(["region_code", "report_year"])
    db["report_urls"].create(
        {
            "report_id": str,
            "url": str,  # canonical
            "list_url": str,  # the column it was listed in
            "first_seen": str,
            "last_seen": str,
        },
        pk=("report_id", "url"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["indicators"].create(
        {
            "report_id": str,
            "key": str,
            "value": float,
            "raw": str,
            "unit": str,
            "source": str,
            "evidence": str,
        },
        pk=("report_id", "key"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["indicators"].create_index(["key"])
    db["report_tables"].create(
        {
            "report_id": str,
            "table_index": int,
            "kind": str,
            "caption": str,
            "n_rows": int,
            "n_cols": int,
            "cells": str,  # JSON list of rows
            "source": str,
        },
        pk=("report_id", "table_index"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["attachments"].create(
        {
            "report_id": str,
            "url": str,
            "link_text": str,
            "sha256": str,
            "size": int,
            "type": str,
            "pages": int,
            "path": str,
            "status": str,  # linked | downloaded | parsed | needs_ocr | failed | too_large
            "error": str,
            "fetched_at": str,
        },
        pk=("report_id", "url"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["fetch_failures"].create(
        {
            "id": int,
            "run_id": str,
            "portal_id": str,
            "url": str,
            "reason": str,
            "http_status": int,
            "attempts": int,
            "last_error": str,
            "at": str,
        },
        pk="id",
    )
    db["fetch_failures"].create_index(["url"])
    db["reports"].enable_fts(
        ["title", "body_text"], tokenize="trigram", create_triggers=True
    )


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database has not had yet; return their names."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for name, func in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            func(db)
            db["_migrations"].insert(
                {"name": name, "applied_at": datetime.now(timezone.utc).isoformat()}
            )
        applied.append(name)
    return applied


@migration
def m002_incremental(db: sqlite_utils.Database) -> None:
    """Recrawl state: validators per URL, report versions, removal marks, list state."""
    urls = db["report_urls"]
    urls.add_column("etag", str)
    urls.add_column("last_modified", str)
    urls.add_column("last_fetched", str)
    urls.add_column("gone_at", str)  # the URL answered 404/410 or a deleted page
    reports = db["reports"]
    reports.add_column("version", int)
    reports.add_column("removed_at", str)  # no longer on its portal (kept, never deleted)
    db.execute("UPDATE reports SET version = 1 WHERE version IS NULL")
    db["report_versions"].create(
        {
            "report_id": str,
            "version": int,
            "sha256": str,
            "first_seen": str,  # when this version was first stored
            "superseded_at": str,  # when a newer version replaced it
            "run_id": str,
            "report": str,  # JSON: the reports row as it was
            "indicators": str,  # JSON list of indicator rows
            "tables": str,  # JSON list of report_tables rows
        },
        pk=("report_id", "version"),
        foreign_keys=[("report_id", "reports", "report_id")],
    )
    db["list_state"].create(
        {
            "list_url": str,  # canonical URL of a column's first page
            "portal_id": str,
            "last_crawled": str,
            "last_pages": int,  # list pages read by the last crawl of it
            # 1 once a finished crawl has read it to its end (or to reports it already
            # knew from such a crawl): only then may later crawls stop paging it early.
            "complete": int,
        },
        pk="list_url",
    )


@migration
def m003_attachment_text(db: sqlite_utils.Database) -> None:
    """Attachment text, and the report's full-text index over it too."""
    db["attachments"].add_column("text", str)
    db["reports"].add_column("attachment_text", str)
    db["reports"].disable_fts()
    db["reports"].enable_fts(
        ["title", "body_text", "attachment_text"], tokenize="trigram", create_triggers=True
    )
    db["reports"].rebuild_fts()
