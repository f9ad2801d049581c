"""How long do the research views take?  Seconds to read each view of migration m005 whole.

Writes N reports (default 2,000; 100 portals) with the store — copies of the five
reports of tests/research_world.py, about 160 indicator rows each — and reads every view
once, as an export or a Datasette page without a filter does.  Target: the compliance
views (compliance, compliance_body_years) under 0.5 s per 1,000 reports.

    python benchmarks/compliance_views.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govreports.storage import ReportStore  # noqa: E402
from tests import research_world as world  # noqa: E402

VIEWS = ("report_list", "headlines", "rule_breaks", "section_checks", "table_checks", "missing_cells",
         "headline_changes", "compliance", "compliance_body_years", "coverage")


def build(path: Path, n: int) -> None:
    portals = max(1, n // 20)
    store = ReportStore(path)
    run = store.start_run("benchmark", {}, [dict(world.PORTALS[0], portal_id=f"p{i}") for i in range(portals)])
    names = list(world.REPORTS)
    records = []
    for i in range(n):
        record = world.report_record(f"{names[i % len(names)]}-{i}", world.REPORTS[names[i % len(names)]])
        record.report["portal_id"] = f"p{i % portals}"
        records.append(record)
    for start in range(0, n, 200):
        store.save_reports(records[start:start + 200], run)
    store.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "views.db"
        build(path, n)
        conn = sqlite3.connect(path)
        print(f"{n} reports")
        for view in VIEWS:
            started = time.perf_counter()
            rows = len(conn.execute(f'SELECT * FROM "{view}"').fetchall())
            seconds = time.perf_counter() - started
            print(f"  {view:24} {rows:7} rows  {seconds:6.2f} s  ({seconds / n * 1000:.2f} s per 1,000 reports)")
        conn.close()


if __name__ == "__main__":
    main()
