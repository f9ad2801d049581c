"""Median parse time per report over the parsing fixtures (and the shared samples).

    python benchmarks/parse_speed.py [--repeat N]

Prints one line per input and the overall median for HTML pages; the target is under
20 ms per typical HTML report on one core.  A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports.parsing.report import parse_report_html, parse_report_text  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "parsing"
SAMPLES = ROOT.parent / "shared" / "samples"


def inputs() -> list[Path]:
    files = sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))
    files += sorted(SAMPLES.glob("*.txt")) if SAMPLES.exists() else []
    # The crawler's test portals carry full report pages (chrome and all), when present.
    files += sorted((ROOT / "tests" / "sites").glob("*/**/t2*.html"))
    return files


def time_one(path: Path, repeat: int) -> float:
    text = path.read_text(encoding="utf-8")
    parse = parse_report_html if path.suffix == ".html" else parse_report_text
    parse(text, "http://example.gov.cn/")  # warm-up: OpenCC, regex and lru caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        parse(text, "http://example.gov.cn/")
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    html, text = [], []
    for path in inputs():
        ms = time_one(path, args.repeat)
        (html if path.suffix == ".html" else text).append(ms)
        print(f"{ms:8.2f} ms  {path.relative_to(path.parents[1]) if 'sites' in path.parts else path.name}  ({path.stat().st_size // 1024} KiB)")
    if html:
        print(f"median HTML report: {statistics.median(html):.2f} ms over {len(html)} pages")
    if text:
        print(f"median text copy:   {statistics.median(text):.2f} ms over {len(text)} copies")


if __name__ == "__main__":
    main()
