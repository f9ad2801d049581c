"""Merging databases: shard databases (``-a shard=K/S``) into one, ``scrapy merge``.

Every table of a source is copied by its primary key, with the columns both databases
have (a source with columns the target lacks was written by a newer govreports: refused).
Both are at the current schema first: the target is migrated like any database; a
source is only ever read (opened ``mode=ro``), and one at an older migration is copied
to a temporary file which is migrated instead.  Per table:

* ``reports`` and the tables that belong to a report (a foreign key to ``reports``:
  report_tables, attachments …, and the view ``indicators``, whose triggers store the
  rows under the target's own report numbers and key rowids): a report the target lacks comes with all
  of them.  One it has with the same content (``sha256``) keeps it; only the dates are
  merged (first_seen the earlier, last_seen the later, run_id and removed_at of the one
  seen last).  One with other content: the newer version (``last_changed``) becomes the
  report, the other is kept in ``report_versions`` like any revision.
* ``report_versions``: every version of the source the target lacks (same sha256 and
  first_seen = same version); a report's versions are then numbered by date, 1 … n,
  and the report itself is n + 1.
* ``report_urls``, ``list_state``, ``portals``: the row seen last wins (``last_seen``,
  ``last_crawled``, ``updated_at``); ``first_seen`` stays the earlier;
  ``portals.discovered_list_urls`` is the union of both.
* ``crawl_runs`` (by ``run_id``) and ``fetch_failures`` (by every column but its id):
  appended once.
* ``indicator_keys``: a key the target lacks (a label a report printed) is added; the
  other reference tables (regions, codebook, compliance rules) are the target's own.
* any other table: rows whose primary key the target lacks.

So merging the same source twice changes nothing.  The full-text index follows
through its triggers (rebuilt at the end if there are none).  Attachment files
(``attachments.path``, relative to the files folder) the target's folder lacks are
copied from the source's (``files/`` beside the source database); files found in
neither are counted as missing.  Each source is merged in one transaction.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from govreports.storage.migrations import LEGACY_MIGRATIONS_TABLE, migrations
from govreports.storage.snapshots import SNAPSHOTS
from govreports.storage.store import BUSY_TIMEOUT, ReportStore, enable_wal, open_db

SOURCE = "src"  # the schema name a source is attached under

# Tables merged by their own rules below, and tables never merged.
REFERENCE_TABLES = {"reference_data", "regions", "compliance_settings", "forms", "form_tables", "form_sections",
                    "deadlines", "body_kinds"}
# The research UI's snapshots of views are made from the merged rows, by the target.
SNAPSHOT_TABLES = {"snapshots", *(table for table, _, _ in SNAPSHOTS)}
# Tables written through a view, merged as the view (whose triggers turn the source's report
# ids and keys into the target's numbers): table -> view.
BEHIND_VIEWS = {"indicator_values": "indicators", "report_numbers": "indicators"}
SKIPPED_TABLES = ({migrations.migrations_table, LEGACY_MIGRATIONS_TABLE} | REFERENCE_TABLES | SNAPSHOT_TABLES
                  | set(BEHIND_VIEWS))
# Tables where the row seen last wins: table -> (its date column, columns kept at their
# earliest, space-separated lists merged as the union of both sides in the order the
# target knew them first, whichever side saw the row last).
NEWER_WINS = {
    "report_urls": ("last_seen", ("first_seen",), ()),
    "list_state": ("last_crawled", (), ()),
    "portals": ("updated_at", (), ("discovered_list_urls",)),
}
# Tables whose rows are appended once, identified by every column but their integer id.
APPEND_ONCE = {"fetch_failures"}
# Columns of reports that say when and by which run a report was seen, not what it says.
REPORT_BOOKKEEPING = ("first_seen", "last_seen", "last_changed", "run_id", "version", "removed_at")


class MergeError(ValueError):
    """A source or target that cannot be merged (missing, newer schema, the same file)."""


@dataclass
class MergeCounts:
    """What merging one source did."""

    source: Path
    reports: Counter[str] = field(default_factory=Counter)  # new, updated, kept, unchanged
    rows: Counter[str] = field(default_factory=Counter)  # table -> rows added or changed
    files_copied: int = 0
    files_missing: list[str] = field(default_factory=list)
    migrated_copy: bool = False

    def summary(self) -> str:
        r = self.reports
        tables = ", ".join(f"{table} {n}" for table, n in sorted(self.rows.items()) if n) or "no other rows"
        line = (f"{self.source}: {sum(r.values())} reports ({r['new']} new, {r['updated']} updated, "
                f"{r['kept']} kept as older, {r['unchanged']} unchanged); {tables}; "
                f"{self.files_copied} files copied")
        if self.files_missing:
            line += f", {len(self.files_missing)} files missing (e.g. {self.files_missing[0]})"
        if self.migrated_copy:
            line += " (older schema: read through a migrated temporary copy)"
        return line


def merge_databases(target: str | Path, sources: list[str | Path], *, files_dir: str | Path | None = None,
                    say: Callable[[str], None] = lambda line: None) -> list[MergeCounts]:
    """Merge ``sources`` into ``target`` (created if missing), one after the other.

    ``files_dir``: the target's files folder (default ``files`` beside it); ``say``
    gets one line per source merged.  Raises :class:`MergeError` before anything is
    written when a source is missing, is the target, or has a newer schema."""
    target = Path(target)
    paths = [Path(s) for s in sources]
    for path in paths:
        if not path.is_file():
            raise MergeError(f"source database not found: {path}")
        if target.exists() and path.resolve() == target.resolve():
            raise MergeError(f"{path} is the target itself")
    states = [source_state(path) for path in paths]
    files = Path(files_dir) if files_dir else target.parent / "files"
    store = TargetStore(target)
    try:
        results = []
        for path, state in zip(paths, states):
            counts = merge_one(store, path, files, older=state == "older")
            say(counts.summary())
            results.append(counts)
        return results
    finally:
        store.close()


class TargetStore(ReportStore):
    """The target's store on a connection opened by URI, so that a source can be
    attached read-only (``file:…?mode=ro``), in autocommit mode (transactions explicit)."""

    def __init__(self, path: Path):
        ReportStore(path).close()  # created, migrated, reference tables loaded
        self.path = path
        conn = sqlite3.connect(path.resolve().as_uri(), uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
        enable_wal(conn)
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self.conn = conn


def read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def source_state(path: Path) -> str:
    """``current``, ``older`` (migrations pending) or raises MergeError (newer or not ours)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        db = sqlite_utils.Database(conn)
        try:
            names = set(db.table_names())
        except sqlite3.DatabaseError as exc:
            raise MergeError(f"{path} is not a readable SQLite database: {exc}") from None
        if "reports" not in names:
            raise MergeError(f"{path} is not a govreports database (it has no reports table)")
        known = {m.name for m in migrations._migrations}
        unknown = [m.name for m in migrations.applied(db) if m.name not in known]
        if unknown:
            raise MergeError(f"{path} was written by a newer govreports (migrations {', '.join(unknown)}); "
                             "merge with that version")
        return "older" if LEGACY_MIGRATIONS_TABLE in names or migrations.pending(db) else "current"
    finally:
        conn.close()


def migrated_copy(path: Path, directory: Path) -> Path:
    """A copy of ``path`` (read read-only) in ``directory``, migrated to the current schema."""
    copy = directory / path.name
    src = sqlite3.connect(read_only_uri(path), uri=True)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    open_db(copy).conn.close()
    return copy


def merge_one(store: TargetStore, path: Path, files: Path, *, older: bool = False) -> MergeCounts:
    """Merge one source; ``older``: at an older migration (merged from a migrated copy)."""
    counts = MergeCounts(source=path)
    with tempfile.TemporaryDirectory(prefix="govreports-merge-") as scratch:
        readable = path
        if older:
            readable, counts.migrated_copy = migrated_copy(path, Path(scratch)), True
        conn = store.conn
        conn.execute(f"ATTACH DATABASE ? AS {SOURCE}", (read_only_uri(readable),))
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                TableMerge(store, counts).run()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            copy_files(conn, path.parent / "files", files, counts)
        finally:
            conn.execute(f"DETACH DATABASE {SOURCE}")
    return counts


def copy_files(conn: sqlite3.Connection, source_files: Path, files: Path, counts: MergeCounts) -> None:
    """The attachment files of the source's rows that the target's folder lacks."""
    names = {row[0] for row in conn.execute(f"SELECT DISTINCT path FROM {SOURCE}.attachments "
                                            "WHERE path IS NOT NULL AND path != ''")}
    for name in sorted(names):
        wanted = files / name
        if wanted.is_file():
            continue
        found = source_files / name
        if not found.is_file():
            counts.files_missing.append(name)
            continue
        files.mkdir(parents=True, exist_ok=True)
        partial = wanted.with_name(wanted.name + ".part")
        shutil.copyfile(found, partial)
        partial.replace(wanted)
        counts.files_copied += 1


def quoted(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


class TableMerge:
    """One source (attached as ``src``) merged into the store's database, table by table."""

    def __init__(self, store: TargetStore, counts: MergeCounts):
        self.store = store
        self.conn = store.conn
        self.counts = counts
        self.archived: set[str] = set()  # reports a version was added to the history of

    # --- the schema -----------------------------------------------------------------------
    def tables(self, schema: str) -> list[str]:
        return [row[0] for row in self.conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            f"AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY rowid")]

    def columns(self, table: str, schema: str = "main") -> list[str]:
        return [row[1] for row in self.conn.execute(f'PRAGMA {schema}.table_info("{table}")')]

    def primary_key(self, table: str) -> list[str]:
        rows = sorted((row[5], row[1]) for row in self.conn.execute(f'PRAGMA main.table_info("{table}")') if row[5])
        return [name for _, name in rows]

    def shared_columns(self, table: str) -> list[str]:
        ours, theirs = self.columns(table), self.columns(table, SOURCE)
        extra = [c for c in theirs if c not in ours]
        if extra:
            raise MergeError(f"{self.counts.source}: {table} has columns the target lacks ({', '.join(extra)}): "
                             "it was written by a newer govreports")
        return [c for c in ours if c in theirs]

    def report_children(self) -> list[str]:
        """Tables (and views standing for tables) whose rows belong to one report and go with its content."""
        views = {row[0] for row in self.conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'view'")}
        return [t for t in self.tables("main") if t not in ("report_urls", "report_versions") and any(
            row[2] == "reports" for row in self.conn.execute(f'PRAGMA main.foreign_key_list("{t}")'))] + [
            view for view in dict.fromkeys(BEHIND_VIEWS.values()) if view in views]

    def is_shadow(self, table: str) -> bool:
        """A full-text index's own tables (reports_fts_data …)."""
        virtual = {row[0] for row in self.conn.execute(
            "SELECT name FROM main.sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}
        return any(table.startswith(v + "_") for v in virtual)

    # --- the run ------------------------------------------------------------------------------
    def run(self) -> None:
        ours = set(self.tables("main"))
        missing = [t for t in self.tables(SOURCE) if t not in ours and not t.startswith("_")]
        if missing:
            raise MergeError(f"{self.counts.source} has tables the target lacks ({', '.join(missing)}): "
                             "it was written by a newer govreports")
        theirs = set(self.tables(SOURCE))
        children = self.report_children()
        fts_triggers = self.conn.execute(
            "SELECT count(*) FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports' "
            "AND sql LIKE '%_fts%'").fetchone()[0]
        order = ["portals", "crawl_runs", "indicator_keys", "reports", "report_urls", "report_versions"]
        rest = [t for t in self.tables("main") if t not in order and t not in children]
        for table in order + rest:
            if table not in theirs or table in SKIPPED_TABLES or self.is_shadow(table):
                continue
            if table == "reports":
                self.merge_reports(children)
            elif table == "report_versions":
                self.merge_versions()
            elif table in NEWER_WINS:
                self.newer_wins(table, *NEWER_WINS[table])
            elif table in APPEND_ONCE:
                self.append_once(table)
            else:
                self.insert_missing(table)
        if self.counts.reports["new"] + self.counts.reports["updated"] and not fts_triggers:
            for table in self.store.db.table_names():
                if self.store.db[table].detect_fts():
                    self.store.db[table].rebuild_fts()

    # --- generic rules -----------------------------------------------------------------------
    def insert_missing(self, table: str) -> None:
        cols = quoted(self.shared_columns(table))
        key = self.primary_key(table) or self.shared_columns(table)
        match = " AND ".join(f'm."{k}" IS s."{k}"' for k in key)
        cursor = self.conn.execute(
            f'INSERT INTO main."{table}" ({cols}) SELECT {cols} FROM {SOURCE}."{table}" s '
            f'WHERE NOT EXISTS (SELECT 1 FROM main."{table}" m WHERE {match})')
        self.counts.rows[table] += max(cursor.rowcount, 0)

    def append_once(self, table: str) -> None:
        """Rows identified by every column but the integer key, which the target assigns."""
        key = self.primary_key(table)
        natural = [c for c in self.shared_columns(table) if c not in key]
        cols = quoted(natural)
        match = " AND ".join(f'm."{c}" IS s."{c}"' for c in natural)
        cursor = self.conn.execute(
            f'INSERT INTO main."{table}" ({cols}) SELECT {cols} FROM {SOURCE}."{table}" s '
            f'WHERE NOT EXISTS (SELECT 1 FROM main."{table}" m WHERE {match}) ORDER BY s.rowid')
        self.counts.rows[table] += max(cursor.rowcount, 0)

    def newer_wins(self, table: str, date: str, earliest: tuple[str, ...], unioned: tuple[str, ...]) -> None:
        """Rows the target lacks are added; a row both have takes the source's values
        when the source saw it later (``date``), ``earliest`` columns their earlier value,
        ``unioned`` columns (space-separated lists) the union of both."""
        self.insert_missing(table)
        key = self.primary_key(table)
        shared = self.shared_columns(table)
        match = " AND ".join(f's."{k}" = main."{table}"."{k}"' for k in key)
        values = [c for c in shared if c not in key and c not in earliest and c not in unioned]
        if values:
            cursor = self.conn.execute(
                f'UPDATE main."{table}" SET ({quoted(values)}) = (SELECT {quoted(values)} FROM {SOURCE}."{table}" s '
                f'WHERE {match}) WHERE EXISTS (SELECT 1 FROM {SOURCE}."{table}" s WHERE {match} '
                f'AND s."{date}" > main."{table}"."{date}")')
            self.counts.rows[table] += max(cursor.rowcount, 0)
        for column in earliest:
            self.conn.execute(
                f'UPDATE main."{table}" SET "{column}" = (SELECT s."{column}" FROM {SOURCE}."{table}" s WHERE {match}) '
                f'WHERE EXISTS (SELECT 1 FROM {SOURCE}."{table}" s WHERE {match} AND s."{column}" < main."{table}"."{column}")')
        for column in unioned:
            self.union_words(table, key, column)

    def union_words(self, table: str, key: list[str], column: str) -> None:
        """``column`` of the target's rows: its words, then the source's it lacks."""
        rows = self.conn.execute(
            f'SELECT m."{column}", s."{column}", {quoted(key)} FROM main."{table}" m '
            f'JOIN {SOURCE}."{table}" s USING ({quoted(key)}) WHERE COALESCE(s."{column}", \'\') != \'\'')
        for ours, theirs, *ids in rows.fetchall():
            words = (ours or "").split()
            union = words + [w for w in theirs.split() if w not in words]
            if union != words:
                where = " AND ".join(f'"{k}" = ?' for k in key)
                self.conn.execute(f'UPDATE main."{table}" SET "{column}" = ? WHERE {where}', (" ".join(union), *ids))

    # --- reports --------------------------------------------------------------------------------
    def merge_reports(self, children: list[str]) -> None:
        columns = self.shared_columns("reports")
        pairs = self.conn.execute(
            f"SELECT s.report_id, m.report_id IS NOT NULL, s.sha256 IS m.sha256, "
            # Newer by the date the version was stored; a tie by sha256, so the order of the
            # sources never matters.
            f"(COALESCE(s.last_changed, s.first_seen), s.sha256) > (COALESCE(m.last_changed, m.first_seen), m.sha256) "
            f"FROM {SOURCE}.reports s LEFT JOIN main.reports m USING (report_id)").fetchall()
        new = [r for r, known, _, _ in pairs if not known]
        self.counts.reports["new"] += len(new)
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_new (report_id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.merge_new")
        self.conn.executemany("INSERT INTO temp.merge_new VALUES (?)", [(r,) for r in new])
        cols = quoted(columns)
        self.conn.execute(f"INSERT INTO main.reports ({cols}) SELECT {cols} FROM {SOURCE}.reports "
                          "WHERE report_id IN (SELECT report_id FROM temp.merge_new)")
        for child in children:
            child_cols = quoted(self.shared_columns(child))
            rows = f'FROM {SOURCE}."{child}" WHERE report_id IN (SELECT report_id FROM temp.merge_new)'
            # counted at the source: SQLite counts no rows for an insert into a view
            self.counts.rows[child] += self.conn.execute(f"SELECT count(*) {rows}").fetchone()[0]
            self.conn.execute(f'INSERT INTO main."{child}" ({child_cols}) SELECT {child_cols} {rows}')
        for report_id, known, same, source_newer in pairs:
            if not known:
                continue
            if same:
                self.counts.reports["unchanged"] += 1
            elif source_newer:
                self.counts.reports["updated"] += 1
                self.replace_report(report_id, columns, children)
            else:
                kept = self.keep_source_version(report_id, columns, children)
                self.counts.reports["kept" if kept else "unchanged"] += 1
            self.merge_report_dates(report_id)

    def merge_report_dates(self, report_id: str) -> None:
        """first_seen the earlier of both; last_seen the later, with its run and removal."""
        s = self.row(f"{SOURCE}.reports", report_id)
        m = self.row("main.reports", report_id)
        updates = {"first_seen": min(filter(None, (s.get("first_seen"), m.get("first_seen"))), default=None)}
        if (s.get("last_seen") or "") > (m.get("last_seen") or ""):
            updates |= {c: s.get(c) for c in ("last_seen", "run_id", "removed_at") if c in s}
        updates = {c: v for c, v in updates.items() if v != m.get(c)}
        if updates:
            self.conn.execute(f"UPDATE main.reports SET {', '.join(f'{c} = ?' for c in updates)} WHERE report_id = ?",
                              (*updates.values(), report_id))

    def row(self, table: str, report_id: str) -> dict[str, Any]:
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE report_id = ?", (report_id,))
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone()))

    def version_key(self, schema: str, report_id: str) -> tuple[str, str]:
        """(sha256, first_seen) of a report's current version, as report_versions keeps it."""
        return self.conn.execute(f"SELECT sha256, COALESCE(last_changed, first_seen) FROM {schema}.reports "
                                 "WHERE report_id = ?", (report_id,)).fetchone()

    def has_version(self, report_id: str, key: tuple[str, str]) -> bool:
        return self.conn.execute("SELECT 1 FROM main.report_versions WHERE report_id = ? AND sha256 IS ? "
                                 "AND first_seen IS ?", (report_id, *key)).fetchone() is not None

    def archive_current(self, report_id: str, superseded_at: str) -> None:
        """The target's current version of a report into report_versions (the store's own
        way), under a version number not taken yet, unless it is there already."""
        if self.has_version(report_id, self.version_key("main", report_id)):
            return
        free = self.conn.execute("SELECT COALESCE(max(version), 0) + 1 FROM main.report_versions "
                                 "WHERE report_id = ?", (report_id,)).fetchone()[0]
        self.store._keep_version(report_id, free, superseded_at)
        self.counts.rows["report_versions"] += 1
        self.archived.add(report_id)

    def install(self, report_id: str, columns: list[str], children: list[str],
                saved: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """Make a report's content (reports row, its children) the source's, or ``saved``."""
        content = [c for c in columns if c not in REPORT_BOOKKEEPING and c != "report_id"] + ["last_changed"]
        if saved is None:
            self.conn.execute(
                f"UPDATE main.reports SET ({quoted(content)}) = (SELECT {quoted(content)} FROM {SOURCE}.reports s "
                "WHERE s.report_id = main.reports.report_id) WHERE report_id = ?", (report_id,))
        else:
            (row,) = saved["reports"]
            self.conn.execute(f"UPDATE main.reports SET {', '.join(f'{quoted([c])} = ?' for c in content)} "
                              "WHERE report_id = ?", (*(row[c] for c in content), report_id))
        for child in children:
            self.conn.execute(f'DELETE FROM main."{child}" WHERE report_id = ?', (report_id,))
            child_cols = self.shared_columns(child)
            if saved is None:
                self.conn.execute(f'INSERT INTO main."{child}" ({quoted(child_cols)}) SELECT {quoted(child_cols)} '
                                  f'FROM {SOURCE}."{child}" WHERE report_id = ?', (report_id,))
            else:
                self.conn.executemany(
                    f'INSERT INTO main."{child}" ({quoted(child_cols)}) VALUES ({", ".join("?" * len(child_cols))})',
                    [tuple(r[c] for c in child_cols) for r in saved[child]])

    def saved_content(self, report_id: str, children: list[str]) -> dict[str, list[dict[str, Any]]]:
        saved = {}
        for table in ["reports", *children]:
            cursor = self.conn.execute(f'SELECT * FROM main."{table}" WHERE report_id = ?', (report_id,))
            names = [d[0] for d in cursor.description]
            saved[table] = [dict(zip(names, r)) for r in cursor]
        return saved

    def replace_report(self, report_id: str, columns: list[str], children: list[str]) -> None:
        """The source's version is newer: the target's goes to the history, the source's is the report."""
        self.archive_current(report_id, self.version_key(SOURCE, report_id)[1])
        self.install(report_id, columns, children)
        self.counts.rows["reports"] += 1

    def keep_source_version(self, report_id: str, columns: list[str], children: list[str]) -> bool:
        """The target's version is newer: the source's goes to the history (installed for a
        moment, to be archived the store's way), the target's stays the report."""
        if self.has_version(report_id, self.version_key(SOURCE, report_id)):
            return False  # merged before
        saved = self.saved_content(report_id, children)
        self.install(report_id, columns, children)
        ours = saved["reports"][0]
        self.archive_current(report_id, ours.get("last_changed") or ours.get("first_seen"))
        self.install(report_id, columns, children, saved)
        return True

    # --- report_versions ----------------------------------------------------------------------
    def merge_versions(self) -> None:
        """The source's versions the target lacks; then each touched report's versions are
        numbered by date and the report is the next number."""
        shared = self.shared_columns("report_versions")
        cols = [c for c in shared if c != "version"]
        rows = self.conn.execute(
            f"SELECT {quoted(cols)} FROM {SOURCE}.report_versions s WHERE NOT EXISTS ("
            "SELECT 1 FROM main.report_versions m WHERE m.report_id = s.report_id AND m.sha256 IS s.sha256 "
            "AND m.first_seen IS s.first_seen) AND NOT EXISTS (SELECT 1 FROM main.reports r WHERE "
            "r.report_id = s.report_id AND r.sha256 IS s.sha256 AND COALESCE(r.last_changed, r.first_seen) IS s.first_seen) "
            "ORDER BY s.report_id, s.version").fetchall()
        touched = set(self.archived)
        for values in rows:
            row = dict(zip(cols, values))
            version = self.conn.execute("SELECT COALESCE(max(version), 0) + 1 FROM main.report_versions "
                                        "WHERE report_id = ?", (row["report_id"],)).fetchone()[0]
            self.conn.execute(f"INSERT INTO main.report_versions ({quoted(cols)}, version) "
                              f"VALUES ({', '.join('?' * len(cols))}, ?)", (*values, version))
            touched.add(row["report_id"])
        self.counts.rows["report_versions"] += len(rows)
        for report_id in sorted(touched):
            self.renumber(report_id)

    def renumber(self, report_id: str) -> None:
        """A report's versions numbered 1 … n by when each was first stored; the report n + 1."""
        versions = [v for v, in self.conn.execute(
            "SELECT version FROM main.report_versions WHERE report_id = ? ORDER BY first_seen, version", (report_id,))]
        self.conn.execute("UPDATE main.report_versions SET version = -version WHERE report_id = ?", (report_id,))
        self.conn.executemany("UPDATE main.report_versions SET version = ? WHERE report_id = ? AND version = ?",
                              [(n, report_id, -old) for n, old in enumerate(versions, start=1)])
        self.conn.execute("UPDATE main.reports SET version = ? WHERE report_id = ?", (len(versions) + 1, report_id))
