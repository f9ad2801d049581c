"""Registry speed: what every crawl start pays to read the portal registry and select
its portals, and what ``scrapy portals --check`` takes.

    python benchmarks/registry_load.py [REGISTRY] [--runs N]

Defaults to the shipped ``data/portals.csv`` (about 3,300 rows).  Prints the median of
``--runs`` runs of each step, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports.regions import default_index  # noqa: E402
from govreports.registry import load_portals, select_portals  # noqa: E402
from govreports.registry_check import check_registry  # noqa: E402


def median_ms(step, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", nargs="?", default=str(ROOT / "data" / "portals.csv"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    regions = default_index()  # loaded once per process, as in a crawl
    portals = load_portals(args.registry)
    print(f"{args.registry}: {len(portals)} rows")
    print(f"load_portals:                 {median_ms(lambda: load_portals(args.registry), args.runs):8.1f} ms")
    for query in ("贵州省", "all", "红花岗区"):
        count = len(select_portals(query, portals, regions))
        ms = median_ms(lambda: select_portals(query, portals, regions), args.runs)
        print(f"select_portals({query!r}): {ms:8.1f} ms  ({count} portals)")
    print(f"check_registry:               {median_ms(lambda: check_registry(args.registry, regions), args.runs):8.1f} ms")


if __name__ == "__main__":
    main()
