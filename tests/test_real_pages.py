"""Our expectations for the real pages in ``../shared/samples/real-pages/``.

The pages are real (text copies of report pages and look-alikes, see that folder's
README); the expected values are ours, read off each page by a person and written to
``tests/expectations/real_pages_*.csv``, one row per value:

``id,field,expected,note``

* ``id``     the page's id in ``index.csv``;
* ``field``  ``is_report`` (1/0), a report attribute (``title``, ``report_year``, ``era``,
  ``publisher``, ``index_no``, ``published_date``, ``written_date``, ``doc_no``), or
  ``key:<canonical indicator key>`` for a number;
* ``expected`` the value as it should come out: a number for ``key:`` fields (empty when
  the page prints no number for it, e.g. "/" or "—"), ISO dates, the text otherwise;
* ``note``   why, where a person reading the page might hesitate.

Each row is one test.  Indicator values are checked twice: on the page as text (how
attachments and saved copies reach the parser) and served as an HTML page with one
``<p>`` per line (how many portals print their tables), so both paths read text tables.
"""

from __future__ import annotations

import csv
import html
from functools import lru_cache
from pathlib import Path

import pytest

from govreports.parsing.report import parse_report_html, parse_report_text
from tests.harness import SHARED

REAL_PAGES = SHARED / "samples" / "real-pages"
EXPECTATIONS = Path(__file__).resolve().parent / "expectations"
REPORT_FIELDS = ("title", "report_year", "era", "publisher", "index_no", "published_date", "written_date",
                 "doc_no")


def _expectations() -> list[dict[str, str]]:
    rows = []
    for path in sorted(EXPECTATIONS.glob("real_pages_*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            rows += [row for row in csv.DictReader(f) if row["id"] and not row["id"].startswith("#")]
    return rows


@lru_cache(maxsize=None)
def _index() -> dict[str, dict[str, str]]:
    index = REAL_PAGES / "index.csv"
    if not index.exists():
        pytest.fail(f"{index} is missing: the real pages live in ../shared beside the repository "
                    "(CI always has it); put the shared folder there to run these tests", pytrace=False)
    with index.open(newline="", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def _text(page_id: str) -> str:
    row = _index()[page_id]
    return (REAL_PAGES / row["file"]).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def parsed_as_text(page_id: str):
    return parse_report_text(_text(page_id), _index()[page_id]["source"])


@lru_cache(maxsize=None)
def parsed_as_html(page_id: str):
    lines = "".join(f"<p>{html.escape(line)}</p>\n" for line in _text(page_id).split("\n"))
    page = f"<html><head><meta charset=utf-8></head><body><div class=content>\n{lines}</div></body></html>"
    return parse_report_html(page, _index()[page_id]["source"])


def _value(report, field: str):
    if field == "is_report":
        return "1" if report.is_report else "0"
    if field.startswith("key:"):
        by_key = {i.key: i for i in report.indicators}
        indicator = by_key.get(field[4:])
        return None if indicator is None else indicator.value
    if field in ("published_date", "written_date", "doc_no"):
        return report.metadata.get(field, "")
    value = getattr(report, field)
    return "" if value is None else str(value)


def _expected(field: str, expected: str):
    if field.startswith("key:"):
        return None if expected == "" else float(expected)
    return expected


CASES = _expectations()


def _case_id(row: dict[str, str]) -> str:
    return f"{row['id']}:{row['field']}"


@pytest.mark.parametrize("row", CASES, ids=_case_id)
def test_real_page_as_text(row):
    assert _value(parsed_as_text(row["id"]), row["field"]) == _expected(row["field"], row["expected"]), row["note"]


@pytest.mark.parametrize("row", [r for r in CASES if r["field"].startswith("key:")], ids=_case_id)
def test_real_page_as_html_lines(row):
    assert _value(parsed_as_html(row["id"]), row["field"]) == _expected(row["field"], row["expected"]), row["note"]


def test_expectations_cover_the_corpus():
    """At least 60 pages, every layout of the index, every look-alike."""
    index = _index()
    pages = {row["id"] for row in CASES}
    assert not pages - set(index), f"ids not in index.csv: {sorted(pages - set(index))}"
    assert len(pages) >= 60
    layouts = {row["layout"].split(":")[0].split()[0] for row in index.values()}
    covered = {index[p]["layout"].split(":")[0].split()[0] for p in pages}
    assert layouts <= covered, f"layouts without expectations: {sorted(layouts - covered)}"
    look_alikes = {p for p, row in index.items() if row["kind"] != "report"}
    assert look_alikes <= {row["id"] for row in CASES if row["field"] == "is_report"}
