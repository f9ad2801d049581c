"""How much of what a person read off the real pages the parser reproduces, and how fast.

    python benchmarks/real_pages.py [--repeat N]
    python benchmarks/real_pages.py --pdf [--runs N]

For every row of ``tests/expectations/real_pages_*.csv`` (the values read by hand off
``../shared/samples/real-pages``, one row per value; see ``tests/test_real_pages.py``)
each page is parsed twice, as ``tests/test_real_pages.py`` does: as the text copy it is
(``parse_report_text``), and served as an HTML page with one ``<p>`` per line
(``parse_report_html``).  Prints the share of expected values reproduced, per group —
the table kinds (``t2``, ``t3``, ``t4``, ``legacy`` keys), ``headline`` keys, the
metadata fields (title, year, era, publisher, 索引号, dates, 文号) and ``is_report`` —
for both paths, then the median and the largest parse time per page (CPU, median of
``--repeat`` runs each).

``--pdf`` times ``scrapy import`` of the shared PDF (``huaian-city-2024-report.pdf``)
instead, in process with the command's own Importer, each run into a fresh database:
the time per file (extraction in a worker process, parsing, storing), and of it the
worker's extraction and the parse of the extracted text.

A script that prints numbers; it asserts nothing (the tests check every value).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreports.parsing.report import parse_report_html, parse_report_text  # noqa: E402

from tests.real_pages import REAL_PAGES, as_html, expected_of, expectations, read_index, value_of  # noqa: E402

PDF = REAL_PAGES.parent / "huaian-city-2024-report.pdf"
METADATA_FIELDS = ("title", "report_year", "era", "publisher", "index_no", "published_date", "written_date",
                   "doc_no")
GROUPS = ("t2", "t3", "t4", "legacy", "headline", "metadata", "is_report")


def pages_index() -> dict[str, dict[str, str]]:
    index = REAL_PAGES / "index.csv"
    if not index.exists():
        sys.exit(f"{index} is missing: the real pages live in ../shared beside the repository")
    return read_index(index)


def group_of(field: str) -> str:
    if field.startswith("key:"):
        kind = field[4:].split(".", 1)[0]
        return kind if kind in GROUPS else "other keys"
    return "metadata" if field in METADATA_FIELDS else field


def cpu_ms(parse, source: str, url: str, repeat: int) -> tuple[float, object]:
    report = parse(source, url)  # warm-up (OpenCC, regex and lru caches), and the result
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        parse(source, url)
        runs.append(time.process_time() - started)
    return statistics.median(runs) * 1000, report


def real_pages(repeat: int) -> None:
    index = pages_index()
    rows = expectations()
    parsed: dict[str, dict[str, object]] = {}
    times: dict[str, dict[str, float]] = {"text": {}, "html": {}}
    for page_id in sorted({row["id"] for row in rows}):
        entry = index[page_id]
        text = (REAL_PAGES / entry["file"]).read_text(encoding="utf-8")
        times["text"][page_id], as_text = cpu_ms(parse_report_text, text, entry["source"], repeat)
        times["html"][page_id], as_page = cpu_ms(parse_report_html, as_html(text), entry["source"], repeat)
        parsed[page_id] = {"text": as_text, "html": as_page}

    hits: dict[str, dict[str, int]] = defaultdict(lambda: {"text": 0, "html": 0, "total": 0})
    for row in rows:
        counts = hits[group_of(row["field"])]
        counts["total"] += 1
        for path in ("text", "html"):
            if value_of(parsed[row["id"]][path], row["field"]) == expected_of(row["field"], row["expected"]):
                counts[path] += 1

    print(f"{len(rows)} expected values on {len(parsed)} real pages (tests/expectations/real_pages_*.csv)")
    print(f"{'group':<12} {'values':>7} {'as text':>9} {'as <p> lines':>13}")
    order = [g for g in GROUPS if g in hits] + sorted(set(hits) - set(GROUPS))
    for group in order:
        counts = hits[group]
        print(f"{group:<12} {counts['total']:>7} {share(counts['text'], counts['total']):>9} "
              f"{share(counts['html'], counts['total']):>13}")
    total = {path: sum(c[path] for c in hits.values()) for path in ("text", "html", "total")}
    print(f"{'all':<12} {total['total']:>7} {share(total['text'], total['total']):>9} "
          f"{share(total['html'], total['total']):>13}")
    for path, label in (("text", "as text"), ("html", "as <p> lines")):
        per_page = times[path]
        slowest = max(per_page, key=per_page.get)
        print(f"parse time per page {label}: median {statistics.median(per_page.values()):.1f} ms CPU, "
              f"max {per_page[slowest]:.1f} ms ({slowest})")


def share(hit: int, total: int) -> str:
    return f"{100 * hit / total:.1f} %" if total else "-"


def pdf_import(runs: int) -> None:
    from govreports.attachment_pipeline import AttachmentFiles, parse_attachment_text
    from govreports.attachments.worker import ExtractionWorkers, extract_file
    from govreports.importing import Importer, ImportSettings, collect_files

    if not PDF.exists():
        sys.exit(f"{PDF} is missing: the shared samples live in ../shared beside the repository")
    totals, extractions, parses = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="govreports-bench-") as tmp:
            settings = ImportSettings(db_path=Path(tmp) / "import.db", max_size=50 * 1024 * 1024)
            importer = Importer(settings, AttachmentFiles(Path(tmp) / "files", ExtractionWorkers()),
                                say=lambda line: None)
            started = time.perf_counter()
            done = importer.run([str(PDF)], collect_files([PDF]))
            totals.append(time.perf_counter() - started)
            if done.stored["new"] != 1:  # a run that stored nothing timed nothing worth printing
                sys.exit(f"the PDF was not stored: {dict(done.failed)}")
        started = time.perf_counter()
        extraction = extract_file(PDF, filename=PDF.name, kind="pdf")
        extractions.append(time.perf_counter() - started)
        started = time.perf_counter()
        parse_attachment_text(extraction.text, PDF.as_uri())
        parses.append(time.perf_counter() - started)
    pages = extraction.pages or 1
    median = statistics.median(totals)
    print(f"scrapy import of {PDF.name} ({pages} pages, {PDF.stat().st_size // 1024} KiB), {runs} runs, "
          f"each into a fresh database:")
    print(f"  per file: median {median:.2f} s wall (min {min(totals):.2f}, max {max(totals):.2f}), "
          f"{median / pages * 1000:.0f} ms per page")
    print(f"  of which extraction in a worker process: median {statistics.median(extractions):.2f} s; "
          f"parsing its text: median {statistics.median(parses) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="parses per page and path (median taken)")
    ap.add_argument("--pdf", action="store_true", help="time the import of the shared PDF instead")
    ap.add_argument("--runs", type=int, default=5, help="--pdf: imports timed")
    args = ap.parse_args()
    if args.pdf:
        pdf_import(max(1, args.runs))
    else:
        real_pages(max(1, args.repeat))


if __name__ == "__main__":
    main()
