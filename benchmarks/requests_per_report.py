"""Requests the crawler spends per report found, on every simulated test portal.

    python benchmarks/requests_per_report.py [--portal NAME ...] [--no-browser]

Starts the local test server (``tests/portal_server.py``), crawls each portal of
``tests/sites/PORTALS_MANIFEST.json`` once with the real ``scrapy crawl portal`` command
(a fresh database each time) and counts, from the server's request log, every request
that crawl made (``/robots.txt`` excluded; browser crawls also count the page's own
CSS/script/XHR requests, as a real site would see them).

Targets:
* a portal with configured list URLs: at most 3 requests per report;
* a portal registered with only its home page: at most 60 requests more than that
  for home-page discovery;
* ``jsl_wait`` (创宇盾 blocks each path for its first 2 requests): the same budget times 3,
  since every page costs its blocked tries.

A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import CHALLENGE_SETTINGS, crawl_portals, site_row  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402
from tests.portal_sites import JSL_BLOCKED_TRIES  # noqa: E402

MANIFEST = json.loads((ROOT / "tests" / "sites" / "PORTALS_MANIFEST.json").read_text(encoding="utf-8"))
PORTALS = MANIFEST["portals"]
BROWSER_PORTALS = {"js_list", "ruishu"}
PER_REPORT = 3
DISCOVERY_EXTRA = 60
CHROMIUM = Path("/usr/bin/chromium")


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def bench(server: PortalServer, key: str, tmp: Path) -> dict:
    db = tmp / f"{key}.db"
    start = len(server.requests)
    began = time.monotonic()
    result = crawl_portals(tmp, [site_row(server, key)], region=PORTALS[key]["region_code"], db=db,
                           settings=CHALLENGE_SETTINGS, name=key)
    seconds = time.monotonic() - began
    requests = [path for _, path in server.requests[start:] if path.split("?")[0] != "/robots.txt"]
    found = count(db, "SELECT count(*) FROM reports")
    expected = len(PORTALS[key]["reports"])
    budget = PER_REPORT * expected + (DISCOVERY_EXTRA if not PORTALS[key]["list_urls"] else 0)
    if key == "jsl_wait":
        budget *= 1 + JSL_BLOCKED_TRIES
    return {"portal": key, "requests": len(requests), "found": found, "expected": expected,
            "per_report": len(requests) / found if found else float("inf"), "budget": budget,
            "ok": found == expected and len(requests) <= budget, "seconds": seconds,
            "exit": result.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portal", action="append", help="only these portals (repeatable)")
    parser.add_argument("--no-browser", action="store_true", help="skip the portals that need the browser")
    args = parser.parse_args()
    keys = args.portal or list(PORTALS)
    if args.no_browser or not CHROMIUM.exists():
        keys = [k for k in keys if k not in BROWSER_PORTALS]
    print(f"targets: <= {PER_REPORT} requests per report with list URLs; "
          f"<= {DISCOVERY_EXTRA} more for home-page discovery (robots.txt not counted)")
    print(f"{'portal':<12} {'requests':>8} {'reports':>9} {'req/report':>10} {'budget':>6}  {'time':>6}  verdict")
    rows = []
    with tempfile.TemporaryDirectory(prefix="govreports-bench-") as tmp:
        # One server per portal: 创宇盾 counts requests per path from the server's start.
        for key in keys:
            with PortalServer() as server:
                row = bench(server, key, Path(tmp))
            rows.append(row)
            verdict = "ok" if row["ok"] else ("MISSED REPORTS" if row["found"] != row["expected"] else "OVER BUDGET")
            if row["exit"]:
                verdict += f" (exit {row['exit']})"
            print(f"{key:<12} {row['requests']:>8} {row['found']:>4}/{row['expected']:<4} "
                  f"{row['per_report']:>10.2f} {row['budget']:>6}  {row['seconds']:>5.1f}s  {verdict}", flush=True)
    total_requests = sum(r["requests"] for r in rows)
    total_found = sum(r["found"] for r in rows)
    print(f"{'total':<12} {total_requests:>8} {total_found:>4}/{sum(r['expected'] for r in rows):<4} "
          f"{(total_requests / total_found if total_found else float('inf')):>10.2f}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
