"""Reading the hand-written expectations for ``../shared/samples/real-pages`` and
comparing a parsed report with them: shared by ``tests/test_real_pages.py`` (one test
per value) and ``benchmarks/real_pages.py`` (the share reproduced)."""

from __future__ import annotations

import csv
import html
from pathlib import Path

from tests.harness import SHARED

REAL_PAGES = SHARED / "samples" / "real-pages"
EXPECTATIONS = Path(__file__).resolve().parent / "expectations"


def expectations() -> list[dict[str, str]]:
    """The rows of ``tests/expectations/real_pages_*.csv`` (``#`` rows are notes)."""
    rows = []
    for path in sorted(EXPECTATIONS.glob("real_pages_*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            rows += [row for row in csv.DictReader(f) if row["id"] and not row["id"].startswith("#")]
    return rows


def read_index(index: Path) -> dict[str, dict[str, str]]:
    """The pages of ``index.csv``, by id."""
    with index.open(newline="", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def as_html(text: str) -> str:
    """A text copy served as an HTML page with one ``<p>`` per line."""
    lines = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n"))
    return f"<html><head><meta charset=utf-8></head><body><div class=content>\n{lines}</div></body></html>"


def value_of(report, field: str):
    """What ``report`` gives for an expectation's ``field``."""
    if field == "is_report":
        return "1" if report.is_report else "0"
    if field.startswith("key:"):
        indicator = {i.key: i for i in report.indicators}.get(field[4:])
        return None if indicator is None else indicator.value
    if field in ("published_date", "written_date", "doc_no"):
        return report.metadata.get(field, "")
    value = getattr(report, field)
    return "" if value is None else str(value)


def expected_of(field: str, expected: str):
    """An expectation's value as :func:`value_of` gives it (numbers for ``key:`` fields)."""
    if field.startswith("key:"):
        return None if expected == "" else float(expected)
    return expected
