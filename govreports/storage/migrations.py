"""Schema changes, in order, as a :class:`sqlite_utils.Migrations` set.

sqlite-utils records the applied ones in ``_sqlite_migrations`` (set ``govreports``), so a
database written by an older version is upgraded in place when it is next opened.  Never
edit a migration that has shipped: add a new one.

:func:`apply_migrations` applies every pending migration in one transaction that holds
the write lock from its start, so that a process killed while migrating leaves the
database as it was before, and a second process opening a new database at the same time
waits, then finds the work done.  A migration must therefore not end the transaction
(no ``VACUUM``, no journal-mode change; ``PRAGMA foreign_keys`` cannot change inside it).
sqlite-utils' table operations (create, add_column, create_index, enable_fts, transform …)
join the open transaction; :func:`apply_migrations` checks that it is still open.
"""

from __future__ import annotations

import re

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("govreports")

# Where the home-made runner used before sqlite-utils' Migrations recorded applied
# migrations (name, applied_at).
LEGACY_MIGRATIONS_TABLE = "_migrations"


@migrations()
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


@migrations()
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


@migrations()
def m003_attachment_text(db: sqlite_utils.Database) -> None:
    """Attachment text, and the report's full-text index over it too."""
    db["attachments"].add_column("text", str)
    db["reports"].add_column("attachment_text", str)
    db["reports"].disable_fts()
    db["reports"].enable_fts(
        ["title", "body_text", "attachment_text"], tokenize="trigram", create_triggers=True
    )
    db["reports"].rebuild_fts()


# The reasons the crawler wrote before failures carried a kind, each with its kind (the
# values of govreports.failures.FailureKind, spelt out: a shipped migration must not change
# when that vocabulary does).  First match wins; anything else was "error".
LEGACY_REASON_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"HTTP \d{3}$", "http_error"),
        (r"timeout$", "timeout"),
        (r"truncated response\b", "truncated"),
        (r"response too large\b", "too_large"),
        (r"DNS lookup failed$", "dns"),
        (r"connection refused$", "refused"),
        (r"redirect loop\b", "redirect_loop"),
        (r"forbidden by robots\.txt$", "robots"),
        (r"(ignored: )?anti-bot\b", "challenge"),
        (r"ignored: ", "ignored"),
        (r"list page is not text$", "list_not_text"),
        (r"not a report: not a page or document\b", "not_a_document"),
        (r"not a report: deleted page\b", "deleted_page"),
        (r"not a report\b", "not_a_report"),
        (r"empty page$", "empty_page"),
        (r"invalid report\b", "invalid_report"),
        (r"discovery found no\b", "discovery"),
        # "not an HTML page (…)" (the first versions, before reports could be files),
        # "download cancelled: …" and "<ExceptionType>: …" stay "error": fetched again.
    )
)


def legacy_failure_kind(reason: str) -> str:
    """The kind of a failure recorded before kinds were, from the wording of its reason."""
    for pattern, kind in LEGACY_REASON_KINDS:
        if pattern.match(reason):
            return kind
    return "error"


@migrations()
def m004_failure_kind(db: sqlite_utils.Database) -> None:
    """``fetch_failures.kind``: recrawls and exports select failures by kind, never by
    the wording of their reason.  Rows written before get theirs from that wording, once."""
    db["fetch_failures"].add_column("kind", str)
    rows = db.execute("SELECT id, reason FROM fetch_failures").fetchall()
    db.conn.executemany(
        "UPDATE fetch_failures SET kind = ? WHERE id = ?",
        [(legacy_failure_kind(reason or ""), row_id) for row_id, reason in rows],
    )
    db["fetch_failures"].create_index(["kind"])


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database has not had yet; return their names.

    All in one transaction begun with ``BEGIN IMMEDIATE``: it takes the write lock
    before reading what is pending, so two processes never both apply a migration (the
    second waits, up to the connection's busy timeout, then finds nothing to do), and a
    process killed half-way leaves the database as it was.  A database last written by
    the home-made runner has its bookkeeping carried over first, in the same transaction.
    """
    if LEGACY_MIGRATIONS_TABLE not in db.table_names() and not migrations.pending(db):
        return []  # the common case: no lock taken
    if db.conn.in_transaction:
        raise RuntimeError("apply_migrations() needs a connection with no open transaction")
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        bridge_legacy_bookkeeping(db)
        applied = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        if not db.conn.in_transaction:
            raise RuntimeError("a migration ended the transaction: it is no longer atomic")
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
    return applied


def bridge_legacy_bookkeeping(db: sqlite_utils.Database) -> list[str]:
    """Record the migrations listed in the old runner's ``_migrations`` table as applied
    (with their times) in sqlite-utils' ``_sqlite_migrations``, then drop the old table:
    they never run again.  Runs in the caller's transaction; returns the names carried over."""
    if LEGACY_MIGRATIONS_TABLE not in db.table_names():
        return []
    migrations.ensure_migrations_table(db)
    recorded = {m.name for m in migrations.applied(db)}
    carried = []
    for row in db[LEGACY_MIGRATIONS_TABLE].rows_where(order_by="rowid"):
        if row["name"] not in recorded:
            db[Migrations.migrations_table].insert(
                {"migration_set": migrations.name, "name": row["name"], "applied_at": row["applied_at"]}
            )
            carried.append(row["name"])
    db[LEGACY_MIGRATIONS_TABLE].drop()
    return carried
