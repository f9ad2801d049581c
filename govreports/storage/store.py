"""The SQLite store: one file, WAL mode, every write parameterised and transactional.

A batch of reports is written in one transaction, so a killed crawl leaves either the
whole batch or none of it: never a report without its indicators.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from govreports.bodies import portal_body_columns, report_body_columns
from govreports.failure_kinds import NON_REPORT_KINDS, FailureKind
from govreports.schema import CANONICAL_KEYS
from govreports.storage import indicator_values
from govreports.storage.form_evidence import FORM_EVIDENCE
from govreports.storage.migrations import apply_migrations
from govreports.storage.reference import extra_key_row, sync_reference_tables

# The columns of ``reports`` that a stored report brings (see records.record_from_item);
# the store adds its bookkeeping (first_seen, last_seen, last_changed, run_id, version,
# removed_at).  The one list of them: the store and the exports use it.
REPORT_COLUMNS = (
    "report_id",
    "identity",
    "url",
    "portal_id",
    "region_code",
    "region_name",
    "publisher",
    "title",
    "report_year",
    "era",
    "index_no",
    "written_date",
    "published_date",
    "doc_no",
    "metadata",
    "body_text",
    "body_text_original",
    "cover_letter",
    "next_year_plan",
    "sections",
    "source_format",
    "attachment_urls",
    "sha256",
    "flags",
    "attachment_text",
    "title_original",  # as printed (Traditional on some sites); title is Simplified
    "body_kind",  # who published it (govreports.bodies); the store fills them in when a record has none
    "body_name",
    "body_printed",  # the name as read (title, registry row or publisher)
)


# What a revision written by ``scrapy import`` leaves as it was (see ReportStore.save_reports).
_KEPT_BY_IMPORTS = {
    "portal_id": "reports.portal_id",
    "region_code": "COALESCE(NULLIF(excluded.region_code, ''), reports.region_code)",
    "region_name": "COALESCE(NULLIF(excluded.region_name, ''), reports.region_name)",
    # … and the body its portal's registry row gave it
    "body_kind": "reports.body_kind", "body_name": "reports.body_name", "body_printed": "reports.body_printed",
}

BUSY_TIMEOUT = 30  # seconds a connection waits for another one's write lock

# A report's indicator rows as stored, the evidence filled in (indicators.evidence is NULL
# where it is the national form's: see migration m009), in the order the report gave them.
INDICATOR_ROWS_SQL = "SELECT * FROM indicator_rows WHERE report_id = ? ORDER BY position"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_urls_of(conn: sqlite3.Connection, report_id: str) -> list[str]:
    """Every URL a report was seen at, the first first."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT url FROM report_urls WHERE report_id = ? ORDER BY first_seen, url", (report_id,)
        )
    ]


def open_db(path: str | Path, busy_timeout: float = BUSY_TIMEOUT) -> sqlite_utils.Database:
    """Open (creating and migrating as needed) the database at ``path``; the reference
    tables (codebook, regions) are reloaded when the code's data changed.

    Several processes may open the same database at once, even a new one: the busy
    timeout (seconds) makes one wait while another writes (or migrates); after it, a
    write fails with "database is locked" (see :mod:`govreports.storage.locking`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=busy_timeout)
    db = sqlite_utils.Database(conn)
    try:
        enable_wal(conn, busy_timeout)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        apply_migrations(db)
        sync_reference_tables(db)
    except BaseException:
        conn.close()
        raise
    return db


def enable_wal(conn: sqlite3.Connection, timeout: float = BUSY_TIMEOUT) -> None:
    """Put the database in WAL mode (it stays so).  While another connection is creating
    the same new database this fails at once with "database is locked" instead of waiting
    out the busy timeout, so wait here."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


def stored_evidence(row: dict[str, Any]) -> str | None:
    """``indicators.evidence`` as stored: NULL for the national form's own evidence of the
    cell (``form_evidence``, see migration m009), the empty text for none."""
    evidence = row.get("evidence") or ""
    return None if evidence == FORM_EVIDENCE.get(row["key"]) else evidence


@dataclass
class ReportRecord:
    """Everything stored for one fetched report, ready to write."""

    report: dict[str, Any]  # REPORT_COLUMNS
    url: str  # canonical URL it was fetched at
    list_url: str = ""
    indicators: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    etag: str = ""  # HTTP validators of the fetched page, for conditional recrawls
    last_modified: str = ""


@dataclass(frozen=True)
class KnownUrl:
    """What the database knows of a report URL, for an incremental crawl."""

    report_id: str
    etag: str
    last_modified: str
    last_fetched: str


@dataclass
class CrawlState:
    """The recrawl state of some portals: their known report URLs and, per column,
    the newest publication date among the reports it listed."""

    known_urls: dict[str, KnownUrl] = field(default_factory=dict)
    newest_published: dict[str, str] = field(default_factory=dict)
    discovered: dict[str, list[str]] = field(default_factory=dict)  # portal_id -> list URLs
    complete_lists: set[str] = field(default_factory=set)  # lists once read to their end
    # Listed under a report title but found not to be one (deleted, empty, a look-alike).
    known_non_reports: set[str] = field(default_factory=set)


class ReportStore:
    """Reads and writes the govreports database."""

    def __init__(self, path: str | Path, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.db = open_db(self.path, busy_timeout)
        self.conn = self.db.conn

    def close(self) -> None:
        self.conn.close()

    # --- runs and portals -------------------------------------------------------
    def start_run(self, region: str, args: dict[str, Any], portals: list[dict[str, Any]]) -> str:
        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
        stamp = now_iso()
        with self.conn:
            for row in portals:
                self.conn.execute(
                    """INSERT INTO portals (portal_id, region_code, region_name, portal_name,
                           home_url, list_urls, platform, render_js, obey_robots, robots_note,
                           level, body, evidence_url, source, body_kind, body_name, updated_at)
                       VALUES (:portal_id, :region_code, :region_name, :portal_name, :home_url,
                           :list_urls, :platform, :render_js, :obey_robots, :robots_note,
                           :level, :body, :evidence_url, :source, :body_kind, :body_name, :updated_at)
                       ON CONFLICT(portal_id) DO UPDATE SET
                           region_code=excluded.region_code, region_name=excluded.region_name,
                           portal_name=excluded.portal_name, home_url=excluded.home_url,
                           list_urls=excluded.list_urls, platform=excluded.platform,
                           render_js=excluded.render_js, obey_robots=excluded.obey_robots,
                           robots_note=excluded.robots_note, level=excluded.level, body=excluded.body,
                           evidence_url=excluded.evidence_url, source=excluded.source,
                           body_kind=excluded.body_kind, body_name=excluded.body_name,
                           updated_at=excluded.updated_at""",
                    {"level": "", "body": "", "evidence_url": "", "source": "", **row,
                     **portal_body_columns(row), "updated_at": stamp},
                )
            self.conn.execute(
                """INSERT INTO crawl_runs (run_id, started_at, status, region, args, portals,
                       reports_new, reports_updated, reports_unchanged, non_reports, failures)
                   VALUES (?, ?, 'running', ?, ?, ?, 0, 0, 0, 0, 0)""",
                (run_id, stamp, region, json.dumps(args, ensure_ascii=False), len(portals)),
            )
        return run_id

    def finish_run(self, run_id: str, status: str, counts: dict[str, int], stats: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute(
                """UPDATE crawl_runs SET finished_at=?, status=?, reports_new=?, reports_updated=?,
                       reports_unchanged=?, non_reports=?, failures=?, stats=?
                   WHERE run_id=?""",
                (
                    now_iso(),
                    status,
                    counts.get("new", 0),
                    counts.get("updated", 0),
                    counts.get("unchanged", 0),
                    counts.get("non_reports", 0),
                    counts.get("failures", 0),
                    json.dumps(stats, ensure_ascii=False, sort_keys=True),
                    run_id,
                ),
            )

    def record_failures(self, failures: list[dict[str, Any]]) -> None:
        """Write ``fetch_failures`` rows.  ``kind`` must be a FailureKind value (missing: ``error``)."""
        if not failures:
            return
        with self.conn:
            self.conn.executemany(
                """INSERT INTO fetch_failures (run_id, portal_id, url, reason, kind, http_status,
                       attempts, last_error, at)
                   VALUES (:run_id, :portal_id, :url, :reason, :kind, :http_status, :attempts,
                       :last_error, :at)""",
                [{**failure, "kind": str(FailureKind(failure.get("kind") or FailureKind.ERROR))}
                 for failure in failures],
            )

    def _portal(self, portal_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT region_name, body FROM portals WHERE portal_id = ?", (portal_id,)).fetchone()
        return dict(zip(("region_name", "body"), row)) if row else None

    # --- reports ----------------------------------------------------------------
    def save_reports(self, records: list[ReportRecord], run_id: str, *, imported: bool = False) -> list[str]:
        """Write a batch in one transaction; return per record ``new``, ``updated``,
        ``unchanged``, or ``seen_again`` (already written by this run through another URL).

        ``imported``: files read by ``scrapy import``, not seen on a portal.  They never
        change whether a report is on its portal: a report marked removed stays so, one
        a crawl stored keeps its portal, and its region when the import names none."""
        outcomes = []
        stamp = now_iso()
        with self.conn:
            for record in records:
                outcomes.append(self._save_report(record, run_id, stamp, imported))
        return outcomes

    def _save_report(self, record: ReportRecord, run_id: str, stamp: str, imported: bool = False) -> str:
        report = {c: record.report.get(c) for c in REPORT_COLUMNS}
        if not report["body_kind"]:
            report.update(report_body_columns(report, self._portal(report["portal_id"])))
        report_id = report["report_id"]
        existing = self.conn.execute(
            "SELECT sha256, run_id, version FROM reports WHERE report_id = ?", (report_id,)
        ).fetchone()
        if existing is None:
            outcome = "new"
        elif existing[1] == run_id:
            # Reached again through another URL or column in this same crawl.
            outcome = "seen_again"
        elif existing[0] == report["sha256"]:
            outcome = "unchanged"
        else:
            outcome = "updated"

        removed_at = "reports.removed_at" if imported else "NULL"
        if outcome in ("unchanged", "seen_again"):
            self.conn.execute(
                f"UPDATE reports SET last_seen = ?, run_id = ?, removed_at = {removed_at} WHERE report_id = ?",
                (stamp, run_id, report_id),
            )
        else:
            if outcome == "updated":
                self._keep_version(report_id, existing[2] or 1, stamp)
            columns = ", ".join(REPORT_COLUMNS)
            placeholders = ", ".join(f":{c}" for c in REPORT_COLUMNS)
            kept = _KEPT_BY_IMPORTS if imported else {}
            updates = ", ".join(f"{c}={kept.get(c, f'excluded.{c}')}" for c in REPORT_COLUMNS
                                if c not in ("report_id", "url"))
            self.conn.execute(
                f"""INSERT INTO reports ({columns}, first_seen, last_seen, last_changed, run_id,
                        version, removed_at)
                    VALUES ({placeholders}, :stamp, :stamp, :stamp, :run_id, 1, NULL)
                    ON CONFLICT(report_id) DO UPDATE SET {updates},
                        last_seen=excluded.last_seen, last_changed=excluded.last_changed,
                        run_id=excluded.run_id, version=reports.version + 1, removed_at={removed_at}""",
                {**report, "stamp": stamp, "run_id": run_id},
            )
            self._replace_children(report_id, record)

        self.conn.execute(
            """INSERT INTO report_urls (report_id, url, list_url, first_seen, last_seen, etag,
                   last_modified, last_fetched, gone_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
               ON CONFLICT(report_id, url) DO UPDATE SET last_seen=excluded.last_seen,
                   etag=excluded.etag, last_modified=excluded.last_modified,
                   last_fetched=excluded.last_fetched, gone_at=NULL,
                   list_url=CASE WHEN excluded.list_url != '' THEN excluded.list_url ELSE list_url END""",
            (report_id, record.url, record.list_url, stamp, stamp, record.etag,
             record.last_modified, stamp),
        )
        return outcome

    def _keep_version(self, report_id: str, version: int, stamp: str) -> None:
        """Copy the current state of a report into ``report_versions`` before a revision
        replaces it: the previous values are never lost."""
        row = self.conn.execute("SELECT * FROM reports WHERE report_id = ?", (report_id,))
        names = [d[0] for d in row.description]
        report = dict(zip(names, row.fetchone()))

        def rows(sql: str) -> list[dict[str, Any]]:
            cursor = self.conn.execute(sql, (report_id,))
            cols = [d[0] for d in cursor.description]
            return [dict(zip(cols, r)) for r in cursor]

        self.conn.execute(
            """INSERT OR REPLACE INTO report_versions (report_id, version, sha256, first_seen,
                   superseded_at, run_id, report, indicators, tables)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                report_id,
                version,
                report["sha256"],
                report["last_changed"] or report["first_seen"],
                stamp,
                report["run_id"],
                json.dumps(report, ensure_ascii=False),
                json.dumps(rows(INDICATOR_ROWS_SQL), ensure_ascii=False),
                json.dumps(rows("SELECT * FROM report_tables WHERE report_id = ?"), ensure_ascii=False),
            ),
        )

    def _replace_children(self, report_id: str, record: ReportRecord) -> None:
        # indicators straight into the table behind the view (see indicator_values), a
        # report at a time, not through the view's triggers a row at a time.
        self.conn.execute(indicator_values.NUMBER_REPORT_SQL.format("?"), (report_id,))
        (report_no,) = self.conn.execute(indicator_values.REPORT_NO_SQL.format("?"), (report_id,)).fetchone()
        self.conn.execute("DELETE FROM indicator_values WHERE report_no = ?", (report_no,))
        for table in ("report_tables", "attachments"):
            self.conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))
        # indicators.key references the codebook: a label the schema does not know
        # (unknown:<table>:<label>) gets its own codebook row, canonical = 0.
        extra = [extra_key_row(row["key"]) for row in record.indicators if row["key"] not in CANONICAL_KEYS]
        if extra:
            columns = list(extra[0])
            self.conn.executemany(
                f"""INSERT OR IGNORE INTO indicator_keys ({", ".join(columns)})
                    VALUES ({", ".join(":" + c for c in columns)})""",
                extra,
            )
        inserted = self.conn.executemany(
            indicator_values.insert_sql(":report_no", ":"),
            [{**row, "report_no": report_no, "position": n, "evidence": stored_evidence(row)}
             for n, row in enumerate(record.indicators)],
        ).rowcount
        if record.indicators and inserted != len(record.indicators):  # a key the codebook lacks inserts nothing
            raise sqlite3.IntegrityError(f"{report_id}: {len(record.indicators) - inserted} indicators have keys "
                                         "not in indicator_keys")
        self.conn.execute(indicator_values.raw_defaults_sql("report_no = ?"), (report_no,))
        self.conn.executemany(
            """INSERT INTO report_tables (report_id, table_index, kind, caption, n_rows, n_cols,
                   cells, source)
               VALUES (:report_id, :table_index, :kind, :caption, :n_rows, :n_cols, :cells, :source)""",
            [{**row, "report_id": report_id} for row in record.tables],
        )
        columns = ("url", "link_text", "sha256", "size", "type", "pages", "path", "status",
                   "error", "fetched_at", "text")
        self.conn.executemany(
            f"""INSERT INTO attachments (report_id, {", ".join(columns)})
                VALUES (:report_id, {", ".join(":" + c for c in columns)})""",
            [{c: row.get(c) for c in columns} | {"report_id": report_id,
                                                  "status": row.get("status") or "linked"}
             for row in record.attachments],
        )

    # --- recrawl bookkeeping -------------------------------------------------------
    def mark_seen(self, entries: list[dict[str, Any]], run_id: str) -> int:
        """Known report URLs seen again without being stored anew (listed and skipped,
        or answered 304 Not Modified): refresh their ``last_seen`` (and validators and
        ``last_fetched`` when they were revalidated).  Returns how many were known."""
        stamp = now_iso()
        found = 0
        with self.conn:
            for entry in entries:
                row = self.conn.execute(
                    "SELECT report_id FROM report_urls WHERE url = ?", (entry["url"],)
                ).fetchone()
                if row is None:
                    continue
                found += 1
                if entry.get("revalidated"):
                    self.conn.execute(
                        """UPDATE report_urls SET last_seen = ?, last_fetched = ?, gone_at = NULL,
                               etag = COALESCE(NULLIF(?, ''), etag),
                               last_modified = COALESCE(NULLIF(?, ''), last_modified)
                           WHERE url = ?""",
                        (stamp, stamp, entry.get("etag", ""), entry.get("last_modified", ""), entry["url"]),
                    )
                else:
                    self.conn.execute(
                        "UPDATE report_urls SET last_seen = ? WHERE url = ?", (stamp, entry["url"])
                    )
                self.conn.execute(
                    """UPDATE reports SET last_seen = ?, run_id = ?, removed_at = NULL
                       WHERE report_id = ?""",
                    (stamp, run_id, row[0]),
                )
        return found

    def mark_gone(self, url: str, reason: str) -> str | None:
        """A known report URL now answers 404/410 or a deleted page.  The report is
        marked removed (never deleted) once none of its URLs still answers."""
        stamp = now_iso()
        with self.conn:
            row = self.conn.execute(
                "SELECT report_id FROM report_urls WHERE url = ?", (url,)
            ).fetchone()
            if row is None:
                return None
            self.conn.execute(
                "UPDATE report_urls SET gone_at = COALESCE(gone_at, ?) WHERE url = ?", (stamp, url)
            )
            alive = self.conn.execute(
                "SELECT count(*) FROM report_urls WHERE report_id = ? AND gone_at IS NULL", (row[0],)
            ).fetchone()[0]
            if not alive:
                self.conn.execute(
                    "UPDATE reports SET removed_at = COALESCE(removed_at, ?) WHERE report_id = ?",
                    (stamp, row[0]),
                )
        return row[0]

    def mark_unseen_removed(self, portal_id: str, run_id: str) -> int:
        """After a crawl that read every list page of a portal, its stored reports that
        no list showed any more are marked removed."""
        with self.conn:
            cursor = self.conn.execute(
                """UPDATE reports SET removed_at = ?
                   WHERE portal_id = ? AND run_id != ? AND removed_at IS NULL""",
                (now_iso(), portal_id, run_id),
            )
        return cursor.rowcount

    def interrupt_stale_runs(self) -> int:
        """Runs still marked ``running`` were killed: say so."""
        with self.conn:
            cursor = self.conn.execute(
                "UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'"
            )
        return cursor.rowcount

    def record_list_crawl(self, list_url: str, portal_id: str, pages: int, complete: bool | None) -> None:
        """Note a finished crawl of a list; ``complete`` None keeps what was known."""
        with self.conn:
            self.conn.execute(
                """INSERT INTO list_state (list_url, portal_id, last_crawled, last_pages, complete)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(list_url) DO UPDATE SET portal_id=excluded.portal_id,
                       last_crawled=excluded.last_crawled, last_pages=excluded.last_pages,
                       complete=COALESCE(excluded.complete, list_state.complete)""",
                (list_url, portal_id, now_iso(), pages, None if complete is None else int(complete)),
            )

    def crawl_state(self, portal_ids: list[str]) -> CrawlState:
        """Known report URLs of these portals, and the newest publication date per column."""
        state = CrawlState()
        marks = ",".join("?" * len(portal_ids))
        for url, report_id, etag, modified, fetched in self.conn.execute(
            f"""SELECT u.url, u.report_id, u.etag, u.last_modified, u.last_fetched
                FROM report_urls u JOIN reports r USING (report_id)
                WHERE r.portal_id IN ({marks}) AND u.gone_at IS NULL""",
            portal_ids,
        ):
            state.known_urls[url] = KnownUrl(report_id, etag or "", modified or "", fetched or "")
        for list_url, newest in self.conn.execute(
            f"""SELECT u.list_url, max(substr(r.published_date, 1, 10))
                FROM report_urls u JOIN reports r USING (report_id)
                WHERE r.portal_id IN ({marks}) AND u.list_url != '' AND r.published_date != ''
                GROUP BY u.list_url""",
            portal_ids,
        ):
            state.newest_published[list_url] = newest
        non_report_kinds = sorted(NON_REPORT_KINDS)
        state.known_non_reports = {
            row[0] for row in self.conn.execute(
                f"""SELECT url FROM fetch_failures
                    WHERE portal_id IN ({marks}) AND kind IN ({",".join("?" * len(non_report_kinds))})""",
                [*portal_ids, *non_report_kinds])
        }
        state.complete_lists = {
            row[0] for row in self.conn.execute(
                f"SELECT list_url FROM list_state WHERE complete = 1 AND portal_id IN ({marks})", portal_ids)
        }
        for portal_id, urls in self.conn.execute(
            f"SELECT portal_id, discovered_list_urls FROM portals WHERE portal_id IN ({marks})",
            portal_ids,
        ):
            if urls:
                state.discovered[portal_id] = urls.split()
        return state

    def remember_column(self, portal_id: str, list_url: str) -> None:
        """Keep a report column found by discovery, so the next run starts there."""
        with self.conn:
            row = self.conn.execute(
                "SELECT discovered_list_urls FROM portals WHERE portal_id = ?", (portal_id,)
            ).fetchone()
            if row is None:
                return
            urls = (row[0] or "").split()
            if list_url not in urls:
                self.conn.execute(
                    "UPDATE portals SET discovered_list_urls = ? WHERE portal_id = ?",
                    (" ".join(urls + [list_url]), portal_id),
                )

    # --- reading ----------------------------------------------------------------
    def report_urls(self, report_id: str) -> list[str]:
        return report_urls_of(self.conn, report_id)

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over title and body (trigram: any 3+ character substring)."""
        return list(
            self.db.query(
                """SELECT reports.report_id, reports.title, reports.url
                   FROM reports_fts JOIN reports ON reports.rowid = reports_fts.rowid
                   WHERE reports_fts MATCH ? ORDER BY rank LIMIT ?""",
                (query, limit),
            )
        )
