"""Do the research UI's queries answer within Datasette's time limit on a realistic database?

Crawls the demo portal, then copies its reports (with their indicators and tables)
until the database holds N reports (default 5,000) on N/7 portals in real counties of
every province, each body text made three times as long (about 9,000 characters, as a
county report's).  Then times, on that file, what a visitor of ``scrapy browse`` makes
Datasette run: every canned query (parameters empty and as in the tests), every dashboard
chart, the first page, count and facets of every table and view the metadata lists,
and ``scrapy search`` with two- and four-character words; and how long ``scrapy browse``
takes to make the snapshots of the slow views before it serves.  Datasette stops a query after
``sql_time_limit_ms`` (govreports.browse.SETTINGS).

    python benchmarks/browse_queries.py [N] [--keep PATH]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govreports.browse import SETTINGS, prepare_database  # noqa: E402
from govreports.search import make_query, search  # noqa: E402
from tests.browse_world import DASHBOARDS, DATABASE, query_examples, chart_sql  # noqa: E402

BODY_COPIES = 3


def crawl_demo(path: Path) -> None:
    subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "region=demo", "-s",
                    f"GOVREPORTS_DB={path}", "-s", "LOG_ENABLED=0", "-s", "GOVREPORTS_SUMMARY_ENABLED=0"],
                   cwd=REPO, check=True)


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def multiply(conn: sqlite3.Connection, n: int) -> None:
    """Copies of the demo's reports until there are ``n``, 7 per portal, each portal in
    another county (province by province)."""
    demo = [row[0] for row in conn.execute("SELECT report_id FROM reports ORDER BY report_year")]
    counties = [row[0] for row in conn.execute(
        "SELECT code FROM regions WHERE level = 'county' ORDER BY substr(code, 5, 2), code")]
    portal_columns = columns(conn, "portals")
    report_columns = columns(conn, "reports")
    replaced = {"report_id": "? || report_id", "identity": "? || identity", "portal_id": "?", "region_code": "?",
                "region_name": "(SELECT name FROM regions WHERE code = ?)",
                "body_text": " || ".join(["body_text"] * BODY_COPIES)}
    params_of = ("report_id", "identity", "portal_id", "region_code", "region_name")
    select = ", ".join(replaced.get(c, c) for c in report_columns)
    with conn:
        for p in range((n - len(demo) + len(demo) - 1) // len(demo)):
            portal, county = f"bench{p:05d}", counties[p % len(counties)]
            conn.execute(f"INSERT INTO portals ({', '.join(portal_columns)}) SELECT "
                         + ", ".join({"portal_id": "?", "region_code": "?",
                                      "region_name": "(SELECT name FROM regions WHERE code = ?)"}.get(c, c)
                                     for c in portal_columns) + " FROM portals WHERE portal_id = 'demo'",
                         (portal, county, county))
            prefix = f"{portal}-"
            for report_id in demo:
                values = {"report_id": prefix, "identity": prefix, "portal_id": portal, "region_code": county,
                          "region_name": county}
                conn.execute(f"INSERT INTO reports ({', '.join(report_columns)}) SELECT {select} "
                             "FROM reports WHERE report_id = ?", [values[c] for c in params_of] + [report_id])
                for table in ("indicators", "report_tables"):
                    cols = columns(conn, table)
                    conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT "
                                 + ", ".join("? || report_id" if c == "report_id" else c for c in cols)
                                 + f" FROM {table} WHERE report_id = ?", (prefix, report_id))


def timed(conn: sqlite3.Connection, sql: str, params=()) -> tuple[float, int]:
    started = time.perf_counter()
    rows = len(conn.execute(sql, params).fetchall())
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=5000)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "browse.db"
        if not path.exists():
            crawl_demo(path)
            conn = sqlite3.connect(path)
            multiply(conn, args.n)
            conn.close()
        started = time.perf_counter()
        prepare_database(path)  # as scrapy browse does: migrations, snapshots of the slow views
        print(f"scrapy browse's preparation (snapshots made): {time.perf_counter() - started:.1f} s; "
              "again, nothing changed: ", end="")
        started = time.perf_counter()
        prepare_database(path)
        print(f"{time.perf_counter() - started:.2f} s")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        indicators = conn.execute("SELECT count(*) FROM indicators").fetchone()[0]
        limit = SETTINGS["sql_time_limit_ms"] / 1000
        print(f"{reports} reports, {indicators} indicator rows, {path.stat().st_size / 2**20:.0f} MiB; "
              f"Datasette's limit {limit:.1f} s per query")
        slow = []

        def report(label: str, seconds: float, rows: int) -> None:
            mark = "  OVER THE LIMIT" if seconds > limit else ""
            print(f"  {label:58} {rows:7} rows {seconds:6.2f} s{mark}")
            if mark:
                slow.append(label)

        print("canned queries")
        for name, params in query_examples():
            report(f"{name} {params}"[:58], *timed(conn, DATABASE["queries"][name]["sql"], params))
        print("dashboard charts")
        for slug, dashboard in DASHBOARDS.items():
            for chart, spec in dashboard["charts"].items():
                if "query" in spec:
                    report(f"{slug}/{chart}", *timed(conn, chart_sql(spec["query"], {})))
            for name, spec in dashboard.get("filters", {}).items():
                if "query" in spec:
                    report(f"{slug} filter {name}", *timed(conn, spec["query"]))
        print("table pages (first page, count, each facet)")
        for table, spec in DATABASE["tables"].items():
            if spec.get("hidden"):
                continue
            order = f' ORDER BY "{spec["sort_desc"]}" DESC' if "sort_desc" in spec else ""
            report(f"{table} page", *timed(conn, f'SELECT * FROM "{table}"{order} LIMIT 51'))
            report(f"{table} count", *timed(conn, f'SELECT count(*) FROM "{table}"'))
            for facet in spec.get("facets", []):
                report(f"{table} facet {facet}", *timed(
                    conn, f'SELECT "{facet}", count(*) FROM "{table}" GROUP BY 1 ORDER BY 2 DESC LIMIT 31'))
        print("scrapy search")
        for term in ("复议", "减免", "行政复议", "疫情防控"):
            started = time.perf_counter()
            results = search(conn, make_query(term))
            report(f"search {term}", time.perf_counter() - started, results.total)
        conn.close()
        print(f"{len(slow)} over the limit" + (f": {', '.join(slow)}" if slow else ""))


if __name__ == "__main__":
    main()
