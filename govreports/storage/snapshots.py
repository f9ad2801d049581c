"""Snapshots of the slow research views, as tables, for the research UI.

The compliance views (``compliance``, ``compliance_body_years``) work out the scorecard
from the reports' sections, tables and flags each time they are read: seconds for a few
thousand reports, past Datasette's one-second limit for a page, a count or a facet
(``python benchmarks/browse_queries.py``).  ``snapshot_<view>`` holds the view's rows
as a table (with indexes on what the UI filters and sorts by), refreshed by
:func:`refresh_snapshots` — which ``scrapy browse`` calls before serving — whenever the
database changed since the last refresh (or the day did: the scorecard judges
deadlines against today).  ``snapshots`` records, per table, when and from what state.

The views stay the definition: a snapshot is their rows at ``refreshed_at``, nothing
else.  Migration m010 creates the tables empty.
"""

from __future__ import annotations

import json
import re

import sqlite_utils

# (snapshot table, view, indexed columns), in the order they are refreshed: a later
# view may read an earlier snapshot instead of its view (see _source_sql).
SNAPSHOTS = (
    ("snapshot_report_list", "report_list", ("report_year", "province", "city", "region_code")),
    ("snapshot_headlines", "headlines", ("report_year", "province", "city", "region_code")),
    ("snapshot_compliance", "compliance", ("report_year", "province", "city", "region_code", "passed")),
    ("snapshot_compliance_body_years", "compliance_body_years", ("report_year", "province", "status")),
)
# Views that read another view whose snapshot is already refreshed: read the snapshot.
READS_SNAPSHOT = {"compliance_body_years": ("compliance", "snapshot_compliance")}

# What the views' rows depend on: any change of it makes the snapshots stale.
STATE_SQL = """
SELECT date('now'),
       (SELECT json_array(count(*), max(last_seen), max(last_changed), sum(version), count(removed_at))
        FROM reports),
       (SELECT json_array(count(*), max(updated_at)) FROM portals),
       (SELECT group_concat(name || '=' || COALESCE(value, ''), ';') FROM compliance_settings),
       (SELECT group_concat(name || '=' || sha256, ';') FROM reference_data),
       (SELECT group_concat(name, ';') FROM _sqlite_migrations)
"""


def create_snapshot_tables(db: sqlite_utils.Database) -> None:
    """The bookkeeping table and an empty snapshot of each view (its columns)."""
    db["snapshots"].create({"name": str, "view": str, "state": str, "refreshed_at": str, "rows": int}, pk="name")
    for table, view, _ in SNAPSHOTS:
        db.execute(f'CREATE TABLE "{table}" AS SELECT * FROM "{view}" LIMIT 0')


def database_state(db: sqlite_utils.Database) -> str:
    return json.dumps(db.execute(STATE_SQL).fetchone(), ensure_ascii=False)


def _source_sql(db: sqlite_utils.Database, view: str) -> str:
    """What a snapshot of ``view`` is made from: the view, or its own SQL reading an
    earlier snapshot in place of the view it reads (the same rows, computed once)."""
    if view not in READS_SNAPSHOT:
        return f'SELECT * FROM "{view}"'
    inner, snapshot = READS_SNAPSHOT[view]
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (view,)).fetchone()[0]
    body = re.sub(r'^\s*CREATE\s+VIEW\s+("[^"]+"|\S+)\s+AS\s+', "", sql, flags=re.I | re.S)
    rewritten, count = re.subn(rf'\bFROM\s+"?{inner}"?(?=[\s)])', f'FROM "{snapshot}"', body)
    return rewritten if count == 1 else f'SELECT * FROM "{view}"'


def stale_snapshots(db: sqlite_utils.Database) -> list[str]:
    """The snapshot tables whose rows are not those of the database as it is."""
    state = database_state(db)
    recorded = {row["name"]: row["state"] for row in db["snapshots"].rows}
    return [table for table, _, _ in SNAPSHOTS if recorded.get(table) != state]


def refresh_snapshots(db: sqlite_utils.Database, force: bool = False) -> list[str]:
    """Make every snapshot table hold its view's rows, unless it already does (or
    ``force``); returns the tables refreshed.  One transaction: a reader sees the old
    snapshots or the new ones.  Each table is made anew, so a view that gained columns
    in a later migration gives its snapshot those columns too."""
    if not force and not stale_snapshots(db):
        return []
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        state = database_state(db)
        refreshed = []
        for table, view, indexed in SNAPSHOTS:
            source = _source_sql(db, view)
            db.execute(f'DROP TABLE IF EXISTS "{table}"')
            db.execute(f'CREATE TABLE "{table}" AS {source}')
            for column in indexed:
                db.execute(f'CREATE INDEX "idx_{table}_{column}" ON "{table}" ("{column}")')
            rows = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            db.execute("INSERT OR REPLACE INTO snapshots (name, view, state, refreshed_at, rows) "
                       "VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)", (table, view, state, rows))
            refreshed.append(table)
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
    return refreshed
