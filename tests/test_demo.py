"""The embedded demo portal: `scrapy crawl portal -a region=demo` works offline and
stores exactly the reports of ``data/demo/MANIFEST.json``."""

from __future__ import annotations

import json

import pytest

from tests.harness import REPO, Database, crawl, scrapy_cmd

DEMO = REPO / "data" / "demo"
MANIFEST = json.loads((DEMO / "MANIFEST.json").read_text(encoding="utf-8"))


def demo_url(path: str) -> str:
    return (DEMO / path).resolve().as_uri()


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    # No proxy and no network are needed: the demo is read from local files.
    result = crawl("region=demo", db=db, env={"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr[-3000:]
    return db, result


def rows(db, sql, *params):
    return Database(db).rows(sql, *params)


def test_demo_stores_every_report(demo_crawl):
    db, _ = demo_crawl
    stored = {r[0] for r in rows(db, "SELECT url FROM report_urls")}
    assert stored == {demo_url(r["path"]) for r in MANIFEST["reports"]}


def test_demo_stores_no_distractor(demo_crawl):
    db, _ = demo_crawl
    stored = {r[0] for r in rows(db, "SELECT url FROM report_urls")}
    assert not stored & {demo_url(d["path"]) for d in MANIFEST["distractors"]}


def test_demo_deleted_page_is_recorded_as_not_a_report(demo_crawl):
    db, _ = demo_crawl
    deleted = [d for d in MANIFEST["distractors"] if d["why_not_a_report"].startswith("deleted")]
    failures = {r[0]: r[1] for r in rows(db, "SELECT url, reason FROM fetch_failures")}
    assert all(failures.get(demo_url(d["path"]), "").startswith("not a report: deleted page") for d in deleted)


@pytest.mark.parametrize("report", MANIFEST["reports"], ids=lambda r: str(r["report_year"]))
def test_demo_report_year_and_era(demo_crawl, report):
    db, _ = demo_crawl
    stored = rows(db, "SELECT r.report_year, r.era FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                  demo_url(report["path"]))
    assert stored == [(report["report_year"], report["era"])]


@pytest.mark.parametrize("report", MANIFEST["reports"], ids=lambda r: str(r["report_year"]))
def test_demo_report_index_no(demo_crawl, report):
    db, _ = demo_crawl
    stored = rows(db, "SELECT r.index_no FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                  demo_url(report["path"]))
    assert stored == [(report["index_no"],)]


def test_demo_consistency_break_is_flagged(demo_crawl):
    db, _ = demo_crawl
    flagged = {r[0] for r in rows(db, "SELECT report_year FROM reports WHERE flags != '[]'")}
    assert flagged == {r["report_year"] for r in MANIFEST["reports"] if r["has_consistency_break"]}


def test_demo_prints_summary_and_database(demo_crawl):
    db, result = demo_crawl
    expected = f"{len(MANIFEST['reports'])} new, 0 updated"
    assert expected in result.stdout and str(db) in result.stdout


def test_demo_full_text_search_in_chinese(demo_crawl):
    db, _ = demo_crawl
    hits = rows(db, "SELECT count(*) FROM reports_fts WHERE reports_fts MATCH '政府信息公开'")[0][0]
    assert hits == len(MANIFEST["reports"])


def test_demo_export_indicators_has_rows_for_every_report(demo_crawl, tmp_path):
    db, _ = demo_crawl
    out = tmp_path / "i.csv"
    scrapy_cmd("export", "indicators", "-o", str(out), db=db)
    import csv

    with out.open(encoding="utf-8", newline="") as f:
        reports = {r["report_id"] for r in csv.DictReader(f)}
    assert len(reports) == len(MANIFEST["reports"])


@pytest.mark.parametrize("report", MANIFEST["reports"], ids=lambda r: str(r["report_year"]))
def test_demo_publisher_in_simplified(demo_crawl, report):
    db, _ = demo_crawl
    stored = rows(db, "SELECT r.publisher FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                  demo_url(report["path"]))
    assert stored == [(report.get("publisher_simplified", report["publisher"]),)]


def table_keys(era: str) -> set[str]:
    import csv

    with (REPO / "govreports" / "schema" / "indicators.csv").open(encoding="utf-8", newline="") as f:
        return {r["key"] for r in csv.DictReader(f) if r["table"] in ("t2", "t3", "t4") and era in r["formats"].split()}


# The 2022 demo report prints the 2019-style single （六）其他处理 row (MANIFEST notes),
# so the 2021 sub-rows of （六） are not given; everything else is.
NOT_PRINTED = {2022: {k for k in table_keys("2021") if k.startswith(("t3.result.other.no_correction",
                                                                     "t3.result.other.unpaid_fee",
                                                                     "t3.result.other.other."))}}


@pytest.mark.parametrize("report", [r for r in MANIFEST["reports"] if r["era"] != "legacy"],
                         ids=lambda r: str(r["report_year"]))
def test_demo_export_has_every_table_value(demo_crawl, tmp_path, report):
    import csv

    db, _ = demo_crawl
    out = tmp_path / "i.csv"
    scrapy_cmd("export", "indicators", "-o", str(out), "--year", str(report["report_year"]), db=db)
    with out.open(encoding="utf-8", newline="") as f:
        empty = {r["key"] for r in csv.DictReader(f) if r["value"] == "" and r["key"] in table_keys(report["era"])}
    assert empty == NOT_PRINTED.get(report["report_year"], set())


def test_demo_second_run_fetches_no_report_and_no_known_non_report(demo_crawl, tmp_path):
    import shutil

    db, _ = demo_crawl
    copy = tmp_path / "again.db"
    shutil.copy(db, copy)
    result = crawl("region=demo", db=copy)
    assert "report pages: 0" in result.stdout and "0 new, 0 updated" in result.stdout and "; 0 failures" in result.stdout
