"""Attachment extraction speed: median seconds per PDF page for the sample report,
and what running each file in its own worker process costs.

    python benchmarks/attachment_speed.py [PDF ...] [--runs N] [--worker]

Defaults to shared/samples/huaian-city-2024-report.pdf (6 pages, three ruled
tables, two of them split across pages).  Runs the full ``extract()`` several times
and prints the median per page: by default as the crawl reads PDFs (the PDFium text
layer, judged by the report parser; pdfplumber where it cannot vouch for it), with
``--reader pdfplumber`` pdfplumber's table finding and stitching alone.  With
``--worker`` it also runs the file through
:func:`govreports.attachments.worker.extract_file` (a fresh process per file, as
the crawl does: the child reads, this process judges) and prints the per-file
overhead of the worker: its median time minus the in-process median, and the bare
cost of a worker for an empty file.  ``benchmarks/pdf_speed.py`` compares the
readers, and ``pdftotext -layout``, cell by cell.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports.attachments import extract  # noqa: E402
from govreports.attachments.worker import extract_file  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "samples" / "huaian-city-2024-report.pdf"


def timed(function, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--worker", action="store_true", help="also measure the worker process per file")
    ap.add_argument("--reader", default="auto", choices=("auto", "pdfium", "pdfplumber"),
                    help="how extract() reads PDFs in process (the worker always reads as the crawl does)")
    args = ap.parse_args()
    if args.worker:
        with tempfile.NamedTemporaryFile(suffix=".bin") as empty:
            bare, _ = timed(lambda: extract_file(empty.name), args.runs)
        print(f"worker process for an empty file: median {ms(statistics.median(bare))} "
              f"(min {ms(min(bare))}, max {ms(max(bare))}) over {args.runs} runs")
    for path in args.pdfs:
        if not path.exists():
            print(f"{path}: not found", file=sys.stderr)
            return 1
        data = path.read_bytes()
        times, res = timed(lambda: extract(data, filename=path.name, pdf_reader=args.reader), args.runs)
        per_page = [t / max(res.pages or 1, 1) for t in times]
        print(f"{path.name}: {res.pages} pages, read by {res.reader or res.kind}, status {res.status}; "
              f"median {statistics.median(per_page) * 1000:.0f} ms/page over {args.runs} runs "
              f"(min {min(per_page) * 1000:.0f}, max {max(per_page) * 1000:.0f})")
        if args.worker:
            in_worker, res = timed(lambda: extract_file(path, filename=path.name), args.runs)
            overhead = statistics.median(in_worker) - statistics.median(times)
            print(f"  in a worker process: median {ms(statistics.median(in_worker))} per file, "
                  f"status {res.status}; overhead {ms(overhead)} per file "
                  f"({overhead / statistics.median(times) * 100:.0f} % of in-process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
