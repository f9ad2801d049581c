"""Requests home-page discovery spends per home-page shape of the CMS families.

    python benchmarks/discovery_requests.py [--site NAME ...] [--budget N] [--guesses N]

Starts the local test server (and a second one on 127.0.0.2 for the parent platform),
crawls each site of ``tests/discovery_sites.py`` from its home page alone with the real
``scrapy crawl portal`` command (a fresh database each time), and prints per site: the
requests discovery made (from the servers' request logs: all but robots.txt, the
column's list pages and the report pages), how many of them were column-path guesses,
whether the column was found, the reports stored against those written down, and the
wall time.  Target: every site found within ``GOVREPORTS_DISCOVERY_BUDGET`` (60).

A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports import settings  # noqa: E402
from govreports.identity import canonical_url  # noqa: E402
from govreports.platforms.column_paths import FAMILY_SHAPES  # noqa: E402
from tests.discovery_sites import (  # noqa: E402
    CREDIT_CODE, DISCOVERY_PORTALS, DISCOVERY_SITES, discovery_requests, expected_paths,
)
from tests.harness import crawl_portals  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402

SHAPE_PATHS = {shape.path.format(area=CREDIT_CODE) for shapes in FAMILY_SHAPES.values() for shape in shapes}


def is_guess(path: str) -> bool:
    rest = path.lstrip("/").partition("/")[2]
    return rest in SHAPE_PATHS


def bench(server: PortalServer, parent: PortalServer, name: str, tmp: Path, overrides: dict[str, str]) -> dict:
    site = DISCOVERY_SITES[name]
    row = {"region_code": site.region_code, "region_name": site.region_name, "portal_name": site.region_name,
           "home_url": server.url(f"{name}/index.html"), "list_urls": "", "platform": "auto", "render_js": "0",
           "portal_id": name}
    start, parent_start = len(server.requests), len(parent.requests)
    began = time.monotonic()
    run = crawl_portals(tmp, [row], region=site.region_code, db=tmp / f"{name}.db", name=name, settings=overrides)
    seconds = time.monotonic() - began
    requested = server.paths_requested(start) + parent.paths_requested(parent_start)
    spent = discovery_requests(name, requested)
    host = parent if site.parent else server
    expected = {canonical_url(host.url(p)) for p in expected_paths(name)}
    stored = run.db.stored_urls() if run.db.path.exists() else set()
    found = [u for (u,) in run.db.rows("SELECT discovered_list_urls FROM portals") if u] if run.db.path.exists() else []
    return {"site": name, "discovery": len(spent), "guesses": sum(is_guess(urlsplit(p).path + (
        "?" + urlsplit(p).query if urlsplit(p).query else "")) for p in spent), "found": bool(found),
            "reports": f"{len(stored & expected)}/{len(expected)}", "extra": len(stored - expected),
            "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", action="append", choices=DISCOVERY_PORTALS, help="only these sites")
    parser.add_argument("--budget", type=int, default=settings.GOVREPORTS_DISCOVERY_BUDGET)
    parser.add_argument("--guesses", type=int, default=settings.GOVREPORTS_DISCOVERY_GUESSES)
    args = parser.parse_args()
    overrides = {"GOVREPORTS_DISCOVERY_BUDGET": str(args.budget), "GOVREPORTS_DISCOVERY_GUESSES": str(args.guesses)}
    rows = []
    with PortalServer() as server, PortalServer(host="127.0.0.2") as parent, \
            tempfile.TemporaryDirectory() as tmp:
        server.parent_base = parent.base_url
        for name in args.site or DISCOVERY_PORTALS:
            rows.append(bench(server, parent, name, Path(tmp), overrides))
    print(f"budget {args.budget} requests, {args.guesses} guesses")
    print(f"{'site':20} {'discovery':>9} {'guesses':>7} {'found':>6} {'reports':>8} {'extra':>5} {'seconds':>7}")
    for r in rows:
        print(f"{r['site']:20} {r['discovery']:9d} {r['guesses']:7d} {str(r['found']):>6} {r['reports']:>8} "
              f"{r['extra']:5d} {r['seconds']:7.1f}")
    worst = max(r["discovery"] for r in rows)
    ok = all(r["found"] and r["discovery"] <= args.budget for r in rows)
    print(f"most requests: {worst}; every column found within the budget: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
