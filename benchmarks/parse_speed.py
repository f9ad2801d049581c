"""Median parse time per report over the parsing fixtures (and the shared samples).

    python benchmarks/parse_speed.py [--repeat N]

Prints one line per input and the overall median for HTML pages; the target is under
20 ms per typical HTML report on one core.  Then the median over the shared real pages
whose tables are printed as text, served one <p> per line (the HTML path then also runs
the text-table finder).  A script that prints numbers, not a test.
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


def time_one(path: Path, repeat: int) -> tuple[float, float]:
    """(median CPU ms, median wall ms).  CPU time is what the 20 ms budget is about;
    wall time also counts whatever else the machine is doing."""
    text = path.read_text(encoding="utf-8")
    parse = parse_report_html if path.suffix == ".html" else parse_report_text
    parse(text, "http://example.gov.cn/")  # warm-up: OpenCC, regex and lru caches
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        parse(text, "http://example.gov.cn/")
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def text_table_pages() -> list[tuple[str, str]]:
    """(name, HTML) of the shared real pages whose tables are printed as text, served one
    <p> per line — the pages that send the HTML path to the text-table finder."""
    index = SAMPLES / "real-pages" / "index.csv"
    if not index.exists():
        return []
    import csv
    import html as htmlmod

    pages = []
    with index.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["layout"].split(":")[0] in ("pipe-rows", "cell-per-line", "run-together", "pdf-text", "markdown"):
                text = (SAMPLES / "real-pages" / row["file"]).read_text(encoding="utf-8")
                body = "".join(f"<p>{htmlmod.escape(line)}</p>\n" for line in text.split("\n"))
                pages.append((row["id"], f"<html><body><div class=content>{body}</div></body></html>"))
    return pages


def time_html(page: str, repeat: int) -> float:
    parse_report_html(page, "http://example.gov.cn/")
    cpu = []
    for _ in range(repeat):
        c0 = time.process_time()
        parse_report_html(page, "http://example.gov.cn/")
        cpu.append(time.process_time() - c0)
    return statistics.median(cpu) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    html, text = [], []
    print(f"{'cpu ms':>8} {'wall ms':>8}  input")
    for path in inputs():
        cpu, wall = time_one(path, args.repeat)
        (html if path.suffix == ".html" else text).append((cpu, wall))
        name = path.relative_to(path.parents[1]) if "sites" in path.parts else path.name
        print(f"{cpu:8.2f} {wall:8.2f}  {name}  ({path.stat().st_size // 1024} KiB)")
    for label, rows in (("HTML report", html), ("text copy", text)):
        if rows:
            print(f"median {label}: {statistics.median(c for c, _ in rows):.2f} ms CPU, "
                  f"{statistics.median(w for _, w in rows):.2f} ms wall, over {len(rows)} inputs")
    pages = text_table_pages()
    if pages:
        times = [time_html(page, max(1, args.repeat // 3)) for _, page in pages]
        print(f"median HTML page with its tables as text (real pages, one <p> per line): "
              f"{statistics.median(times):.2f} ms CPU, max {max(times):.2f} ms, over {len(pages)} pages")


if __name__ == "__main__":
    main()
