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

from functools import lru_cache

import pytest

from govreports.parsing.report import parse_report_html, parse_report_text
from tests.real_pages import REAL_PAGES, as_html, expected_of, expectations, read_index, value_of


@lru_cache(maxsize=None)
def _index() -> dict[str, dict[str, str]]:
    index = REAL_PAGES / "index.csv"
    if not index.exists():
        pytest.fail(f"{index} is missing: the real pages live in ../shared beside the repository "
                    "(CI always has it); put the shared folder there to run these tests", pytrace=False)
    return read_index(index)


def _text(page_id: str) -> str:
    row = _index()[page_id]
    return (REAL_PAGES / row["file"]).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def parsed_as_text(page_id: str):
    return parse_report_text(_text(page_id), _index()[page_id]["source"])


@lru_cache(maxsize=None)
def parsed_as_html(page_id: str):
    return parse_report_html(as_html(_text(page_id)), _index()[page_id]["source"])


CASES = expectations()


def _case_id(row: dict[str, str]) -> str:
    return f"{row['id']}:{row['field']}"


@pytest.mark.parametrize("row", CASES, ids=_case_id)
def test_real_page_as_text(row):
    assert value_of(parsed_as_text(row["id"]), row["field"]) == expected_of(row["field"], row["expected"]), row["note"]


@pytest.mark.parametrize("row", [r for r in CASES if r["field"].startswith("key:")], ids=_case_id)
def test_real_page_as_html_lines(row):
    assert value_of(parsed_as_html(row["id"]), row["field"]) == expected_of(row["field"], row["expected"]), row["note"]


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
