"""Dates: the fast reader against the dateparser fallback, and how often each runs.

    python benchmarks/date_speed.py [--repeat N]

Prints (1) the date-reader calls made while parsing every report fixture (the same
inputs as parse_speed.py) and while reading every list page of the test fixtures
and test portals: fast-reader calls and their time, dateparser calls and theirs
(ordinary pages must make none); (2) the time per call of each reader on the shapes
it reads, and the one-off cost of dateparser's first call (import and language
data).  A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.parse_speed import inputs as report_inputs  # noqa: E402
from govreports.parsing import dates  # noqa: E402
from govreports.parsing.report import parse_report_html, parse_report_text  # noqa: E402
from govreports.platforms import PLATFORMS, Page, get_platform  # noqa: E402

NOW = dates.now_in_china()
FAST_SHAPES = ["2013年02月26日 14:21", "2022-07-14", "2022/07/14 09:30:00", "2018.01.08", "二○一三年二月二十日",
               "发布时间：2024-01-25　来源：办公室", "[2019-03-25]"]
FALLBACK_SHAPES = ["3天前", "三天前", "昨天", "1小时前", "2 days ago", "Jan 25, 2024", "2024_01_25", "2024·01·25"]


class Counter:
    """Wraps a module function, counting calls and their time."""

    def __init__(self, name: str):
        self.name, self.calls, self.seconds = name, 0, 0.0
        self.inner = getattr(dates, name)

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.calls += 1
            self.seconds += time.perf_counter() - start

    def __enter__(self):
        setattr(dates, self.name, self)
        return self

    def __exit__(self, *exc):
        setattr(dates, self.name, self.inner)

    def line(self, label: str) -> str:
        per = self.seconds / self.calls * 1e6 if self.calls else 0.0
        return f"  {label:<22} {self.calls:6d} calls  {self.seconds * 1000:8.2f} ms  ({per:.1f} µs/call)"


def list_pages() -> list[Path]:
    fixtures = [p for p in (ROOT / "tests" / "fixtures" / "platforms").rglob("*")
                if p.suffix in (".html", ".json", ".xml") and p.parent.name != "encoding"]
    sites = [p for p in (ROOT / "tests" / "sites").rglob("index*.html")]
    return sorted(fixtures) + sorted(sites)


def page_url(path: Path) -> str:
    """A URL the page's platform module reads it under (JSON and XML answers are
    recognised by their endpoint)."""
    if path.suffix == ".xml":
        return "http://example.gov.cn/module/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15&columnid=1"
    if path.suffix == ".json" and path.parent.name == "gkmlpt":
        return "http://example.gov.cn/gkmlpt/api/all/2?page=1"
    return "http://example.gov.cn/list/index.html"


def count_calls() -> None:
    with Counter("fast_date") as fast, Counter("dateparser_read") as slow:
        reports = report_inputs()
        for path in reports:
            parse = parse_report_html if path.suffix == ".html" else parse_report_text
            parse(path.read_text(encoding="utf-8"), "http://example.gov.cn/")
        print(f"report parses ({len(reports)} inputs):")
        print(fast.line("fast reader"))
        print(slow.line("dateparser"))
    with Counter("fast_date") as fast, Counter("dateparser_read") as slow:
        pages = list_pages()
        dated = 0
        for path in pages:
            page = Page(url=page_url(path), text=path.read_text(encoding="utf-8"))
            family = path.parent.name if path.parent.name in PLATFORMS else "auto"
            dated += sum(1 for c in get_platform(family, page).parse_list(page).candidates if c.published)
        print(f"list pages ({len(pages)} pages, {dated} dated items):")
        print(fast.line("fast reader"))
        print(slow.line("dateparser"))


def per_call(texts: list[str], repeat: int) -> float:
    """Median µs per find_date call over ``texts``."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            dates.find_date(text, now=NOW)
        runs.append((time.perf_counter() - start) / len(texts))
    return statistics.median(runs) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    count_calls()
    start = time.perf_counter()
    imported = "dateparser" in sys.modules
    dates.find_date("3天前", now=NOW)
    print(f"dateparser first call: {(time.perf_counter() - start) * 1000:.0f} ms"
          f"{' (already imported)' if imported else ' (import and language data)'}")
    print(f"fast reader:  {per_call(FAST_SHAPES, args.repeat):7.1f} µs per date  ({len(FAST_SHAPES)} shapes)")
    print(f"fallback:     {per_call(FALLBACK_SHAPES, max(args.repeat // 10, 5)):7.1f} µs per date  "
          f"({len(FALLBACK_SHAPES)} shapes)")


if __name__ == "__main__":
    main()
