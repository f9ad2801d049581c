"""A province-scale crawl, simulated: does memory stay flat as the portals grow?

    python benchmarks/province_crawl.py [--portals 100 300 600] [--browser]

For each count, serves a simulated province (``tests/simulated_province.py``: that
many small portals, each on a loopback address of its own; a few unreachable, slow,
firewalled and huge ones among them), crawls it once with the real ``scrapy crawl
portal -a region=贵州省`` command (a 0.01 s download delay, at most 2 requests at once
per host, budgets of 30 requests per portal, everything else as users run it), and
prints its wall time, the crawl process's CPU time, peak RSS and peak open file
descriptors (read from ``/proc`` every 0.1 s while it runs), requests sent (as the
servers saw them, robots.txt included), reports stored, requests per report, and the
most requests the servers saw at once from it on one host.

The firewalled portals' 412 pages are retried in Chromium only with ``--browser``:
the browser's processes are not the crawl's, and would hide its memory.

Target: peak RSS and open files nearly the same for 100 and 600 portals (portals are
started a few at a time, and what is kept per portal is small); every report of the
reachable portals stored; at most 2 requests at once per host.  A script that prints
numbers, not a test: the suite crawls 300 portals (``tests/test_province_crawl.py``).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import REPO, Database, command_env, crawl_command, write_registry  # noqa: E402
from tests.simulated_province import REACHABLE, ProvinceServer, province_portals  # noqa: E402

SETTINGS = {
    "DOWNLOAD_DELAY": "0.01",
    "GOVREPORTS_PORTAL_MAX_REQUESTS": "30",
    "GOVREPORTS_PROGRESS_INTERVAL": "10",
    "LOG_LEVEL": "INFO",
}


def proc_status(pid: int) -> tuple[int, int]:
    """(RSS in KiB, open file descriptors) of a running process; (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        return rss, len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0, 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (its own, not its children's)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def crawl_province(count: int, browser: bool, settings: dict[str, str]) -> dict[str, float]:
    portals = province_portals(count)
    with ProvinceServer(portals) as server, tempfile.TemporaryDirectory() as tmp:
        registry = write_registry(Path(tmp) / "province.csv", server.registry_rows())
        db = Path(tmp) / "province.db"
        env = command_env(db, None if browser else {"GOVREPORTS_CHROMIUM": "/nonexistent/chromium"})
        command = crawl_command("region=贵州省", settings={**SETTINGS, **settings, "PORTALS_FILE": str(registry)})
        began = time.monotonic()
        with open(Path(tmp) / "crawl.log", "w+", encoding="utf-8") as log:
            crawl = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            peak_rss = peak_fds = 0
            cpu = 0.0
            while crawl.poll() is None:
                rss, fds = proc_status(crawl.pid)
                peak_rss, peak_fds = max(peak_rss, rss), max(peak_fds, fds)
                cpu = max(cpu, cpu_seconds(crawl.pid))
                time.sleep(0.1)
            seconds = time.monotonic() - began
            log.seek(0)
            progress_lines = sum(1 for line in log if "progress:" in line)
        stored = Database(db).stored_urls()
        expected = set().union(*(server.report_urls(p) for p in portals if p.kind in ("normal", "slow")))
        requests = sum(server.requests.values())
        return {
            "portals": count,
            "exit": crawl.returncode,
            "seconds": seconds,
            "cpu": cpu,
            "rss_mib": peak_rss / 1024,
            "fds": peak_fds,
            "requests": requests,
            "reports": len(stored),
            "missed": len(expected - stored),
            "per_report": requests / max(1, len(stored)),
            "in_flight": max(server.peak_in_flight.values(), default=0),
            "progress_lines": progress_lines,
            "troubled": sum(1 for p in portals if p.kind not in REACHABLE or p.kind == "huge"),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, nargs="+", default=[100, 300, 600])
    parser.add_argument("--browser", action="store_true", help="retry firewalled portals in Chromium")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="another Scrapy setting for the crawl")
    args = parser.parse_args()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'portals':>7} {'exit':>4} {'wall s':>7} {'cpu s':>6} {'peak RSS MiB':>12} {'peak fds':>8} "
          f"{'requests':>8} {'reports':>7} {'missed':>6} {'req/report':>10} {'max/host':>8} {'progress':>8}")
    ok = True
    for count in args.portals:
        r = crawl_province(count, args.browser, dict(s.split("=", 1) for s in args.settings))
        print(f"{r['portals']:>7} {r['exit']:>4} {r['seconds']:>7.1f} {r['cpu']:>6.1f} {r['rss_mib']:>12.0f} "
              f"{r['fds']:>8} {r['requests']:>8} {r['reports']:>7} {r['missed']:>6} {r['per_report']:>10.2f} "
              f"{r['in_flight']:>8} {r['progress_lines']:>8}", flush=True)
        ok = ok and r["exit"] == 0 and r["missed"] == 0 and r["in_flight"] <= 2
    print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
