"""Crawl speed, CPU and database size per report, against ``scrapy bench`` in the same run.

    python benchmarks/crawl_speed.py [--reports 2000] [--per-page 20] [--bench-seconds 20]
                                     [--profile crawl.prof]

1. ``scrapy bench`` (Scrapy's own spider following links on its local server, default
   settings, no project) runs for ``--bench-seconds``; its pages/min is its responses
   over its elapsed time, read from the stats it logs at the end.
2. ``scrapy crawl portal`` crawls the local test server's generated ``/bulk/`` portal:
   ``--reports`` copies of a real 2021-form report page (the 汇川区 2023 report, tables,
   metadata and all, each with its own title and 索引号), ``--per-page`` to a list page,
   with the test settings (no delays, 16 requests at once, as the bench).  Its pages/min
   is its responses over its elapsed time (both from its stats), like the bench's.

Prints both rates and their ratio (target: ≥ 1), the crawl process's CPU time per stored
report (user + system, start-up included), and the database's bytes per report with the
share of each table and index (target: ≤ 40 KB on these pages).  ``--profile FILE``
runs the crawl under cProfile and writes the profile there (the rates are then slower).
The local server runs in this process: its CPU is not the crawl's.  A script that prints
numbers, not a test.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import crawl_command, command_env, portal_row, write_registry  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402
from tests.portal_sites import BULK_2021  # noqa: E402

CONCURRENCY = 16  # scrapy bench's CONCURRENT_REQUESTS (its default)


def logged_stats(log: str) -> dict:
    """The stats dict Scrapy dumps at the end of a crawl's log."""
    match = re.search(r"Dumping Scrapy stats:\n(\{.*?\})\n", log, re.S)
    if not match:
        raise SystemExit("no stats in the log:\n" + log[-3000:])
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", match.group(1))
    return ast.literal_eval(text)


def pages_per_minute(stats: dict) -> float:
    return stats.get("response_received_count", 0) / stats["elapsed_time_seconds"] * 60


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_bench(seconds: int) -> dict:
    """``scrapy bench`` outside any project (its own defaults), for ``seconds``."""
    with tempfile.TemporaryDirectory() as empty:
        result = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                                 "-s", "LOGSTATS_INTERVAL=60"],
                                cwd=empty, capture_output=True, text=True, timeout=seconds + 120,
                                env={k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"})
    return logged_stats(result.stderr)


def table_sizes(db: Path) -> list[tuple[str, int]]:
    """Bytes per table and index (SQLite's dbstat), largest first; [] when not compiled in."""
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:
        return []


def run_crawl(tmp: Path, server: PortalServer, profile: str | None) -> tuple[dict, float, Path]:
    row = portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"), portal_name="汇川区（部门年报）")
    registry = write_registry(tmp / "portals.csv", [row])
    db = tmp / "crawl.db"
    command = crawl_command("region=汇川区", settings={
        "PORTALS_FILE": str(registry), "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
        "CONCURRENT_REQUESTS": str(CONCURRENCY), "LOGSTATS_INTERVAL": "60",
        "GOVREPORTS_PORTAL_MAX_REQUESTS": "0"})  # --reports past the per-portal budget of requests
    if profile:
        command[1:1] = ["-m", "cProfile", "-o", profile]
    cpu = child_cpu()
    result = subprocess.run(command, cwd=ROOT, env=command_env(db), capture_output=True, text=True, timeout=7200)
    cpu = child_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"the crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return logged_stats(result.stderr), cpu, db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--bench-seconds", type=int, default=20)
    parser.add_argument("--profile", help="write a cProfile profile of the crawl to this file")
    args = parser.parse_args()

    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    bench = run_bench(args.bench_seconds)
    with PortalServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.bulk_reports, server.bulk_per_page, server.bulk_template = args.reports, args.per_page, BULK_2021
        stats, cpu, db = run_crawl(Path(tmp), server, args.profile)
        with sqlite3.connect(db) as conn:
            reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        size = db.stat().st_size
        sizes = table_sizes(db)
    bench_rate, crawl_rate = pages_per_minute(bench), pages_per_minute(stats)
    print(f"scrapy bench   {bench_rate:8.0f} pages/min ({bench.get('response_received_count', 0)} pages in "
          f"{bench['elapsed_time_seconds']:.1f} s)")
    print(f"scrapy crawl   {crawl_rate:8.0f} pages/min ({stats.get('response_received_count', 0)} pages in "
          f"{stats['elapsed_time_seconds']:.1f} s, {reports} reports stored of {args.reports})")
    print(f"crawl / bench  {crawl_rate / bench_rate:8.2f}   (target >= 1)")
    print(f"CPU per report {cpu / max(reports, 1) * 1000:8.1f} ms   (crawl process, user + system, start-up included)")
    print(f"DB per report  {size / max(reports, 1) / 1000:8.1f} KB   (target <= 40; {size / 1e6:.1f} MB in all)")
    for name, nbytes in sizes[:12]:
        print(f"    {name:<40} {nbytes / max(reports, 1) / 1000:7.1f} KB/report  {nbytes / size:6.1%}")
    if reports != args.reports:
        raise SystemExit(f"NOT OK: {reports} of {args.reports} reports stored")


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"({time.monotonic() - started:.0f} s)")
