"""Attachment extraction speed: median seconds per PDF page for the sample report.

    python benchmarks/attachment_speed.py [PDF ...] [--runs N]

Defaults to shared/samples/huaian-city-2024-report.pdf (6 pages, three ruled
tables, two of them split across pages).  Runs the full ``extract()`` (sniffing,
text, table finding, stitching) several times and prints the median per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports.attachments import extract  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "samples" / "huaian-city-2024-report.pdf"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for path in args.pdfs:
        if not path.exists():
            print(f"{path}: not found", file=sys.stderr)
            return 1
        data = path.read_bytes()
        per_page = []
        for _ in range(args.runs):
            start = time.perf_counter()
            res = extract(data, filename=path.name)
            elapsed = time.perf_counter() - start
            per_page.append(elapsed / max(res.pages or 1, 1))
        print(f"{path.name}: {res.pages} pages, {len(res.tables)} tables, status {res.status}; "
              f"median {statistics.median(per_page) * 1000:.0f} ms/page over {args.runs} runs "
              f"(min {min(per_page) * 1000:.0f}, max {max(per_page) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
