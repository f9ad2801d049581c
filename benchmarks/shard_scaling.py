"""Shard scaling: the same local portals crawled by 1 process, then by 2 shard processes
at once (``-a shard=0/2``, ``-a shard=1/2``, each with its own database) and merged.

The portals are generated TRS-style columns (``/bulk/``), each on a host of its own
(127.0.0.x), answering every report page after a short wait like a real server; the
crawls keep a small download delay so Scrapy's per-host limit holds (≤ 2 requests at
once per host, printed as measured at the servers).  Prints, per setup, the wall time,
the reports stored and reports per minute, and the merge's own time.  With two cores,
two shards should approach 2× one process when the crawl is CPU-bound (parsing), less
when the servers' answers are the limit.

    python benchmarks/shard_scaling.py [--hosts 8] [--reports 60] [--server-delay 0.05] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.harness import REPO, command_env, crawl_command, scrapy_cmd  # noqa: E402
from tests.shard_portals import REGION, ShardPortals  # noqa: E402


def run_crawls(shards: list[str], registry: Path, work: Path, delay: float) -> tuple[float, list[float]]:
    """Start one crawl per shard argument at once; the wall time until all are done, and
    the CPU time (user + system) of each process."""
    settings = {"PORTALS_FILE": str(registry), "DOWNLOAD_DELAY": str(delay), "LOG_LEVEL": "WARNING",
                "GOVREPORTS_FILES_DIR": str(work / "files")}
    start = time.perf_counter()
    processes = []
    for n, shard in enumerate(shards):
        args = [f"region={REGION}"] + ([f"shard={shard}"] if shard else [])
        db = work / (f"shard-{shard.split('/')[0]}.db" if shard else "single.db")
        log = (work / f"crawl-{n}.log").open("w")
        processes.append((subprocess.Popen(crawl_command(*args, settings=settings), cwd=REPO, env=command_env(db),
                                           stdout=subprocess.DEVNULL, stderr=log), log))
    cpu = []
    for process, log in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        log.close()
        if process.returncode != 0:
            raise SystemExit(Path(log.name).read_text()[-2000:])
        cpu.append(usage.ru_utime + usage.ru_stime)
    return time.perf_counter() - start, cpu


def reports_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=8, help="hosts (portals), split evenly over 2 shards")
    parser.add_argument("--reports", type=int, default=60, help="reports per portal")
    parser.add_argument("--server-delay", type=float, default=0.05, help="seconds each report page takes to answer")
    parser.add_argument("--delay", type=float, default=0.05, help="DOWNLOAD_DELAY of the crawls")
    args = parser.parse_args()
    rows = []
    for label, shards in (("1 process", [""]), ("2 shard processes", ["0/2", "1/2"])):
        with ShardPortals(shards=2, per_shard=args.hosts // 2, reports=args.reports, per_page=15,
                          delay=args.server_delay) as world, tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            registry = world.registry(work / "portals.csv")
            wall, cpu = run_crawls(shards, registry, work, args.delay)
            merge_time = 0.0
            if len(shards) > 1:
                start = time.perf_counter()
                result = scrapy_cmd("merge", str(work / "merged.db"), *(str(work / f"shard-{k}.db") for k in range(2)))
                merge_time = time.perf_counter() - start
                if result.returncode != 0:
                    raise SystemExit(result.stderr[-2000:])
                db = work / "merged.db"
            else:
                db = work / "single.db"
            rows.append((label, wall, merge_time, reports_in(db), max(world.max_busy.values()), cpu))
    print(f"{args.hosts} hosts × {args.reports} reports, server answers in {args.server_delay} s, "
          f"DOWNLOAD_DELAY {args.delay} s")
    print(f"{'setup':<20}{'crawl s':>9}{'merge s':>9}{'total s':>9}{'reports':>9}{'reports/min':>13}"
          f"{'max/host':>10}   CPU s per process")
    for label, wall, merge_time, reports, busy, cpu in rows:
        total = wall + merge_time
        print(f"{label:<20}{wall:>9.1f}{merge_time:>9.1f}{total:>9.1f}{reports:>9}{reports / total * 60:>13.0f}"
              f"{busy:>10}   {' + '.join(f'{c:.1f}' for c in cpu)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    single, sharded = rows[0][1], rows[1][1] + rows[1][2]
    print(f"speed-up with 2 shards (merge included): {single / sharded:.2f}×")


if __name__ == "__main__":
    main()
