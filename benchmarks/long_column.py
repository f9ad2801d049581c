"""A real-sized long column read to its end: 10,000 reports in one list.

    python benchmarks/long_column.py [--reports 10000] [--per-page 20] [--concurrency 8]

Starts the local test server (``tests/portal_server.py``) with its generated ``/bulk/``
portal holding ``--reports`` reports, ``--per-page`` to a list page, crawls it once with
the real ``scrapy crawl portal`` command (delays off, everything else as users run it)
and prints how many reports were stored, how many list pages were read, the time taken,
and whether the list was recorded as read to its end.

Target: every report stored and the list complete (the runaway guards of
``govreports/paging.py`` must not take a long real column for a runaway; the old guard
of 200 pages stopped this one at 4,000 reports).  A script that prints numbers, not a
test: the suite crawls a 250-page column (``tests/test_hostile_portals.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import crawl_portals, portal_row  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8, help="requests at once to the local server")
    args = parser.parse_args()
    with PortalServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.bulk_reports, server.bulk_per_page = args.reports, args.per_page
        row = portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"), portal_name="汇川区（部门年报）")
        began = time.monotonic()
        run = crawl_portals(Path(tmp), [row], region="汇川区",
                            settings={"CONCURRENT_REQUESTS_PER_DOMAIN": str(args.concurrency), "LOG_LEVEL": "WARNING"},
                            timeout=3600)
        seconds = time.monotonic() - began
        list_pages = len(server.paths_requested(prefix="/bulk/index"))
        stored = len(run.db.stored_urls())
        complete = run.db.rows("SELECT complete FROM list_state")
        failures = run.db.rows("SELECT reason FROM fetch_failures")
    expected_pages = (args.reports + args.per_page - 1) // args.per_page
    ok = stored == args.reports and list_pages == expected_pages and complete == [(1,)] and not failures
    print(f"reports stored  {stored} of {args.reports}")
    print(f"list pages read {list_pages} of {expected_pages}")
    print(f"list complete   {complete == [(1,)]}")
    print(f"failures        {len(failures)} {failures[:3]}")
    print(f"seconds         {seconds:.1f} ({stored / seconds:.0f} reports/s)")
    print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
