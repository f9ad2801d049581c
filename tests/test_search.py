"""`scrapy search`: the demo crawled into a database, searched for words of every
length.  What should match is read from the demo's own pages (their text, in
Simplified), never from the database the search reads."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from govreports.parsing.normalize import to_simplified
from govreports.search import SearchError, like_pattern, make_query, search, search_database, snippet
from tests.harness import REPO, crawl, scrapy_cmd

DEMO = REPO / "data" / "demo"
MANIFEST = json.loads((DEMO / "MANIFEST.json").read_text(encoding="utf-8"))


def page_text(path: str) -> str:
    html = (DEMO / path).read_text(encoding="utf-8")
    return to_simplified(re.sub(r"<[^>]+>", "", html))


PAGES = {r["report_year"]: page_text(r["path"]) for r in MANIFEST["reports"]}


def years_mentioning(*words: str) -> set[int]:
    return {year for year, text in PAGES.items() if all(w in text for w in words)}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("search") / "demo.db"
    result = crawl("region=demo", db=db).result
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def found_years(db, term: str, **filters) -> set[int]:
    results = search_database(str(db), make_query(term, limit=100, **filters))
    assert results.total == len(results.hits)
    return {hit.report_year for hit in results.hits}


# Two-character words (which the trigram index cannot match) and longer ones; some in
# every demo report, some in a few.
@pytest.mark.parametrize("term", ["复议", "减免", "疫情", "纠错", "行政复议", "疫情防控", "依申请公开"])
def test_finds_the_reports_that_mention_the_word(demo_db, term):
    expected = years_mentioning(term)
    assert expected  # the demo mentions it somewhere
    assert found_years(demo_db, term) == expected


def test_every_word_must_occur(demo_db):
    expected = years_mentioning("疫情", "减免")
    assert found_years(demo_db, "疫情 减免") == expected
    assert found_years(demo_db, "疫情防控 复议") == years_mentioning("疫情防控", "复议")


@pytest.mark.parametrize(("traditional", "simplified"), [("減免", "减免"), ("複議", "复议"), ("行政複議", "行政复议")])
def test_traditional_input_is_read_as_simplified(demo_db, traditional, simplified):
    assert found_years(demo_db, traditional) == years_mentioning(simplified)


def test_year_filter(demo_db):
    assert found_years(demo_db, "疫情", year=2021) == {2021} & years_mentioning("疫情")
    assert found_years(demo_db, "疫情", year=2012) == set()


def test_region_filter(demo_db):
    assert found_years(demo_db, "复议", region="demo") == years_mentioning("复议")
    assert found_years(demo_db, "复议", region="贵州省") == set()  # a real region with no demo report


def test_unknown_region_is_an_error(demo_db):
    with pytest.raises(SearchError, match="unknown region"):
        search_database(str(demo_db), make_query("复议", region="火星"))


@pytest.mark.parametrize("term", ["", "   ", "\u3000"])
def test_no_term_is_an_error(term):
    with pytest.raises(SearchError, match="say what to search for"):
        make_query(term)


@pytest.mark.parametrize("term", ["%", "_", "\\", '"', '"复议', "复议 OR", "NEAR(复议)", "a%b"])
def test_operators_and_wildcards_are_plain_text(demo_db, term):
    """LIKE wildcards and FTS syntax in a term are characters to find, not operators."""
    conn = sqlite3.connect(demo_db)
    words = make_query(term).words
    texts = [" ".join(filter(None, row)) for row in conn.execute(
        "SELECT title, body_text, attachment_text FROM reports")]
    expected = sum(all(w.lower() in t.lower() for w in words) for t in texts)
    assert search(conn, make_query(term, limit=100)).total == expected


def test_limit_shows_the_newest_and_counts_all(demo_db):
    results = search_database(str(demo_db), make_query("复议", limit=2))
    assert results.total == len(years_mentioning("复议"))
    assert [h.report_year for h in results.hits] == sorted(years_mentioning("复议"), reverse=True)[:2]


def test_snippet_marks_the_word_with_its_context():
    assert snippet("甲乙丙\n 丁复议戊己", "复议", context=3) == "…丙 丁【复议】戊己"
    assert snippet("ABC report", "abc", context=3) == "【ABC】 re…"
    assert snippet("无", "复议") is None


def test_like_pattern_escapes_wildcards():
    assert like_pattern("a%_\\") == "%a\\%\\_\\\\%"


# --- the command ------------------------------------------------------------------------------
def test_command_prints_each_report_with_a_snippet(demo_db):
    result = scrapy_cmd("search", "减免", db=demo_db)
    assert result.returncode == 0, result.stderr
    for report in MANIFEST["reports"]:
        shown = f"demo {report['report_year']}" in result.stdout
        assert shown == (report["report_year"] in years_mentioning("减免"))
    assert result.stdout.count("【减免】") == len(years_mentioning("减免"))
    assert f"{len(years_mentioning('减免'))} reports match '减免'" in result.stdout


def test_command_csv_rows(demo_db):
    result = scrapy_cmd("search", "疫情", "--format", "csv", "--limit", "100", db=demo_db)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {int(r["report_year"]) for r in rows} == years_mentioning("疫情")
    assert all("【疫情】" in r["snippet"] and r["url"].startswith("file://") for r in rows)


def test_command_no_match_says_so_with_status_1(demo_db):
    result = scrapy_cmd("search", "火星探测", db=demo_db)
    assert result.returncode == 1
    assert "no report mentions '火星探测'" in result.stderr and not result.stdout


@pytest.mark.parametrize(("args", "message"), [
    ((), "say what to search for"),
    (("复议", "--region", "火星"), "unknown region"),
    (("复议", "--limit", "0"), "--limit must be 1 or more"),
])
def test_command_bad_arguments_exit_2(demo_db, args, message):
    result = scrapy_cmd("search", *args, db=demo_db)
    assert result.returncode == 2 and message in result.stderr


def test_command_without_database_exit_2(tmp_path):
    result = scrapy_cmd("search", "复议", db=tmp_path / "none.db")
    assert result.returncode == 2 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()
