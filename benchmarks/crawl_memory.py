"""Peak memory of a long crawl: the crawl process's peak RSS over a 10,000-page crawl.

    python benchmarks/crawl_memory.py [--reports 10000] [--per-page 20]

Crawls the local test server's generated ``/bulk/`` portal (``--reports`` copies of the
real 2021-form 汇川区 report page, ``--per-page`` to a list page: 10,500 pages by
default) with the real ``scrapy crawl portal`` command and the test settings, and prints
the crawl process's peak resident set size (its own ``wait4`` figure: the kernel's
high-water mark), its RSS sampled through the crawl, so that growth would show, and the
processes it started (Playwright starts only when a request needs the browser: none).
Target: peak ≤ 300 MB.  The local server runs in this process, not in the crawl's.  A
script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import command_env, crawl_command, portal_row, write_registry  # noqa: E402
from tests.portal_server import PortalServer  # noqa: E402
from tests.portal_sites import BULK_2021  # noqa: E402

TARGET_MB = 300


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> set[str]:
    """Names of the processes whose parent is ``pid`` (a Playwright driver would be one)."""
    names = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text[text.index("(") + 1:].rpartition(")")
        if int(rest.split()[1]) == pid:
            names.add(name)
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--per-page", type=int, default=20)
    args = parser.parse_args()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    with PortalServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.bulk_reports, server.bulk_per_page, server.bulk_template = args.reports, args.per_page, BULK_2021
        row = portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"), portal_name="汇川区（部门年报）")
        registry = write_registry(Path(tmp) / "portals.csv", [row])
        db = Path(tmp) / "crawl.db"
        command = crawl_command("region=汇川区", settings={
            "PORTALS_FILE": str(registry), "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING",
            # one portal of 10,000 reports: past the default per-portal budget of requests
            "GOVREPORTS_PORTAL_MAX_REQUESTS": "0"})
        began = time.monotonic()
        proc = subprocess.Popen(command, cwd=ROOT, env=command_env(db), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        samples: list[tuple[float, int, float]] = []  # (seconds, pages served, RSS MB)
        done = threading.Event()
        spawned: set[str] = set()

        def sample() -> None:  # never reaps the child: wait4 below must get its figures
            while not done.is_set():
                rss = rss_mb(proc.pid)
                spawned.update(children(proc.pid))
                if rss is not None:
                    samples.append((time.monotonic() - began, len(server.requests), rss))
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        seconds = time.monotonic() - began
        pages = len(server.requests)
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    if proc.returncode != 0:
        print(stderr[-3000:])
        return 1
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    print(f"pages fetched   {pages} in {seconds:.0f} s; {stored} reports stored of {args.reports}")
    print("RSS through the crawl (MB):  " + "  ".join(
        f"{served} pages: {rss:.0f}" for _, served, rss in samples[:: max(1, len(samples) // 8)]))
    print(f"peak RSS        {peak:.0f} MB   (target <= {TARGET_MB})")
    print(f"child processes {', '.join(sorted(spawned)) or 'none'}   (no browser is needed: none expected)")
    ok = peak <= TARGET_MB and stored == args.reports
    print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
