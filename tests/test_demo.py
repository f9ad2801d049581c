"""The embedded demo portal: `scrapy crawl portal -a region=demo` works offline and
stores exactly the reports of ``data/demo/MANIFEST.json``."""

from __future__ import annotations

import json

import pytest

from govreports.parsing.sections import split_body, split_sections
from govreports.storage.section_texts import expand_sections
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


def test_demo_sections_read_back_as_the_parser_split_them(demo_crawl):
    """reports.sections holds offsets into body_text; the view report_sections and
    expand_sections both give back the sections split from the stored body."""
    db, _ = demo_crawl
    offsets = 0
    for report_id, body, stored in rows(db, "SELECT report_id, body_text, sections FROM reports"):
        expanded = expand_sections(stored, body)
        assert expanded == [s.__dict__ for s in split_sections(split_body(body).report)], report_id
        view = rows(db, "SELECT number, heading, text FROM report_sections WHERE report_id = ? ORDER BY section_no",
                    report_id)
        assert [dict(zip(("number", "heading", "text"), row)) for row in view] == expanded, report_id
        offsets += sum("start" in entry for entry in json.loads(stored))
    assert offsets >= 40  # 49 sections in the demo's reports, one kept as text


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


# --- research exports and the compliance scorecard, by the real commands -------------------------
def read_rows(path):
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def xlsx_sheets(path):
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


HEADLINE_KEYS = ["headline.proactive_total", "headline.applications_received", "headline.applications_disclosed",
                 "headline.admin_reviews", "headline.lawsuits", "headline.fees"]
# Per export: its command-line arguments, columns its header must hold (in this order), its rows,
# and the sheets of its .xlsx.
RESEARCH_EXPORTS = {
    "headlines": (["headlines"], ["report_id", "region_name", "province", "city", "title", "title_original",
                                  *HEADLINE_KEYS, "flags_count", "on_time", "sections_complete", "tables_complete",
                                  "consistent", "passed", "issues"], len(MANIFEST["reports"]), ["headlines", "codebook"]),
    "codebook": (["codebook"], ["key", "table", "row_label", "column_label", "unit"], None, ["codebook"]),
    "wide": (["wide", "--table", "t3"], ["report_id", "region_name", "title", "t3.new.natural_person", "t3.new.total",
                                        "t3.carried_out.total", "unknown"],
             len([r for r in MANIFEST["reports"] if r["era"] != "legacy"]), ["wide", "codebook"]),
    "compliance": (["compliance"], ["portal_id", "body", "report_year", "status", "on_time", "sections_complete",
                                    "tables_complete", "consistent", "passed", "issues"], None, ["compliance"]),
}


def in_order(header, columns):
    return [c for c in header if c in columns] == columns


@pytest.mark.parametrize("kind", RESEARCH_EXPORTS)
def test_demo_research_export_as_csv(demo_crawl, tmp_path, kind):
    db, _ = demo_crawl
    args, columns, count, _ = RESEARCH_EXPORTS[kind]
    out = tmp_path / f"{kind}.csv"
    result = scrapy_cmd("export", *args, "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    header, *rows = read_rows(out)
    assert in_order(header, columns) and rows and (count is None or len(rows) == count), header


@pytest.mark.parametrize("kind", RESEARCH_EXPORTS)
def test_demo_research_export_as_xlsx(demo_crawl, tmp_path, kind):
    db, _ = demo_crawl
    args, columns, count, sheets = RESEARCH_EXPORTS[kind]
    out = tmp_path / f"{kind}.xlsx"
    result = scrapy_cmd("export", *args, "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    found = xlsx_sheets(out)
    header, *rows = found[sheets[0]]
    assert (list(found), in_order(list(header), columns), bool(rows), count is None or len(rows) == count) == (
        sheets, True, True, True)


@pytest.fixture(scope="module")
def demo_scorecard(demo_crawl, tmp_path_factory):
    """The headlines export of the demo (one row per report, with its checks), by report year."""
    db, _ = demo_crawl
    out = tmp_path_factory.mktemp("scorecard") / "headlines.csv"
    result = scrapy_cmd("export", "headlines", "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    header, *rows = read_rows(out)
    return {int(row[header.index("report_year")]): dict(zip(header, row)) for row in rows}


def cell(value) -> str:
    if value is None:
        return ""
    return "；".join(value) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("report", MANIFEST["reports"], ids=lambda r: str(r["report_year"]))
@pytest.mark.parametrize("check", ["on_time", "sections_missing", "tables_complete", "consistent", "passed"])
def test_demo_scorecard_says_what_each_report_did(demo_scorecard, report, check):
    assert demo_scorecard[report["report_year"]][check] == cell(report["compliance"][check])


def test_demo_scorecard_says_how_late_the_late_report_was(demo_scorecard):
    late = [r for r in MANIFEST["reports"] if r["compliance"]["on_time"] == 0]
    assert [(r["report_year"], demo_scorecard[r["report_year"]]["days_late"]) for r in late] == [
        (r["report_year"], str(r["compliance"]["days_late"])) for r in late] and late


def test_demo_has_a_late_an_incomplete_and_an_inconsistent_report(demo_scorecard):
    issues = " ".join(row["issues"] for row in demo_scorecard.values())
    assert ("逾期" in issues, "缺少章节" in issues, "勾稽关系不符" in issues) == (True, True, True)


def test_demo_compliance_export_says_which_years_are_missing(demo_crawl, tmp_path):
    from datetime import date, datetime, timezone

    db, _ = demo_crawl
    out = tmp_path / "c.csv"
    assert scrapy_cmd("export", "compliance", "-o", str(out), db=db).returncode == 0
    header, *rows = read_rows(out)
    found = {int(r[header.index("report_year")]): r[header.index("status")] for r in rows}
    today = datetime.now(timezone.utc).date()
    published = {r["report_year"] for r in MANIFEST["reports"]}
    expected = {year: "found" if year in published else
                "not_yet_due" if today <= date(year + 1, 3, 31) else "missing"
                for year in range(min(published), today.year)}
    assert found == expected
