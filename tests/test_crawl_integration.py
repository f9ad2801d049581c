"""End to end: the real ``scrapy crawl portal`` command against portal-shaped sites
served over HTTP on 127.0.0.1, writing a real SQLite file that the tests read back
(:mod:`tests.harness`).

Expected reports come from the hand-written manifest ``tests/sites/MANIFEST.json``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.harness import (
    REPO,
    SHARED,
    SITES,
    CrawlRun,
    crawl,
    crawl_portals,
    distractor_urls,
    expected_urls,
    scrapy_cmd,
    site_row,
)

ZUNYI = ("guizhou_hhg", "guizhou_hc")  # the two sites of tests/sites/MANIFEST.json, both in 贵州省
TOTAL_REPORTS = sum(len(SITES[site]["reports"]) for site in ZUNYI)
SPEC_INDICATORS = SHARED / "spec" / "indicators.csv"


def site_rows(server, *, home_only: str = "") -> list[dict[str, str]]:
    return [site_row(server, name, home_only=name == home_only) for name in ZUNYI]


@pytest.fixture(scope="module")
def province_crawl(portal_server, tmp_path_factory) -> CrawlRun:
    """One crawl of region=贵州省 over both 遵义 test portals."""
    run = crawl_portals(tmp_path_factory.mktemp("province"), site_rows(portal_server), region="贵州省")
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def recrawl_copy(province_crawl: CrawlRun, tmp_path: Path, *spider_args: str) -> tuple[dict, CrawlRun, dict]:
    """Row counts before and after another crawl over a copy of the province crawl's database."""
    copy = province_crawl.db.copy(tmp_path / "again.db")
    tables = ("reports", "indicators", "report_urls", "report_tables")
    before = {t: copy.rows(f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    run = crawl("region=贵州省", *spider_args, db=copy.path,
                settings={"PORTALS_FILE": str(province_crawl.registry)})
    after = {t: copy.rows(f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    return before, run, after


def test_province_crawl_finds_every_report_of_both_portals(portal_server, province_crawl):
    expected = expected_urls(portal_server, "guizhou_hhg") | expected_urls(portal_server, "guizhou_hc")
    assert expected <= province_crawl.db.stored_urls()


def test_province_crawl_stores_no_distractor(portal_server, province_crawl):
    distractors = distractor_urls(portal_server, "guizhou_hhg") | distractor_urls(portal_server, "guizhou_hc")
    assert distractors and not distractors & province_crawl.db.stored_urls()


def test_report_in_two_columns_is_one_row(portal_server, province_crawl):
    rows = province_crawl.db.rows(
        "SELECT report_id, count(*) FROM report_urls WHERE url LIKE '%t20240301_555.html' GROUP BY report_id")
    assert [count for _, count in rows] == [2]


def test_report_count_matches_manifest(province_crawl):
    assert province_crawl.db.rows("SELECT count(*) FROM reports")[0][0] == TOTAL_REPORTS


@pytest.mark.parametrize("site", ZUNYI)
def test_index_numbers_stored_verbatim(province_crawl, site):
    stored = {row[0] for row in province_crawl.db.rows("SELECT index_no FROM reports WHERE portal_id = ?", site)}
    assert stored == {r["index_no"] for r in SITES[site]["reports"]}


@pytest.mark.parametrize("site", ZUNYI)
def test_reporting_years_stored(province_crawl, site):
    stored = sorted(row[0] for row in province_crawl.db.rows(
        "SELECT report_year FROM reports WHERE portal_id = ?", site))
    assert stored == sorted(r["report_year"] for r in SITES[site]["reports"])


@pytest.mark.parametrize("site", ZUNYI)
def test_eras_stored(province_crawl, site):
    stored = sorted(province_crawl.db.rows("SELECT report_year, era FROM reports WHERE portal_id = ?", site))
    assert stored == sorted((r["report_year"], r["era"]) for r in SITES[site]["reports"])


def test_region_codes_from_registry(province_crawl):
    assert {row[0] for row in province_crawl.db.rows("SELECT region_code FROM reports")} == {"520302", "520303"}


def test_crawl_run_recorded_with_per_portal_summary(province_crawl):
    status, stats = province_crawl.db.rows("SELECT status, stats FROM crawl_runs")[0]
    summary = json.loads(stats)
    assert (status, summary["guizhou_hhg"]["reports"], summary["guizhou_hhg"]["list_pages"]) == ("finished", 3, 2)


def test_summary_printed_at_the_end(province_crawl):
    assert (f"database: {province_crawl.db.path}" in province_crawl.stdout
            and f"{TOTAL_REPORTS} new, 0 updated" in province_crawl.stdout)


def test_crawl_runs_without_warnings(province_crawl):
    assert [line for line in province_crawl.stderr.splitlines() if "Warning" in line or "WARNING" in line] == []


def test_full_recrawl_creates_no_duplicates(province_crawl, tmp_path):
    before, run, after = recrawl_copy(province_crawl, tmp_path, "full=1")
    assert (run.returncode, after, f"0 new, 0 updated, {TOTAL_REPORTS} unchanged" in run.stdout) == (0, before, True)


def test_recrawl_creates_no_duplicates(province_crawl, tmp_path):
    before, run, after = recrawl_copy(province_crawl, tmp_path)
    assert (run.returncode, after, "0 new, 0 updated, 0 unchanged" in run.stdout) == (0, before, True)


def test_unchanged_recrawl_fetches_no_report_page(portal_server, province_crawl, tmp_path):
    start = len(portal_server.requests)
    recrawl_copy(province_crawl, tmp_path)
    report_paths = {f"/{site}/{r['path']}" for site in ZUNYI for r in SITES[site]["reports"]}
    assert [path for path in portal_server.paths_requested(start) if path in report_paths] == []


@pytest.mark.parametrize("region", ["520303", "汇川区", "汇川"])
def test_county_region_crawls_only_its_portal(portal_server, tmp_path, region):
    run = crawl_portals(tmp_path, site_rows(portal_server), region=region)
    assert (run.returncode, {r[0] for r in run.db.rows("SELECT DISTINCT region_code FROM reports")}) == (0, {"520303"})


def test_city_code_prefix_expands(portal_server, tmp_path):
    run = crawl_portals(tmp_path, site_rows(portal_server), region="5203")
    assert {r[0] for r in run.db.rows("SELECT DISTINCT region_code FROM reports")} == {"520302", "520303"}


def test_home_page_discovery_finds_the_column(portal_server, tmp_path):
    run = crawl_portals(tmp_path, site_rows(portal_server, home_only="guizhou_hhg"), region="红花岗区")
    assert run.db.stored_urls() == expected_urls(portal_server, "guizhou_hhg")


def test_start_url_list_page(portal_server, tmp_path):
    run = crawl(f"start_url={portal_server.url('guizhou_hhg/zwgk/xxgkndbg/index.html')}", db=tmp_path / "s.db")
    assert run.db.stored_urls() == expected_urls(portal_server, "guizhou_hhg")


def test_start_url_report_page(portal_server, tmp_path):
    url = portal_server.url("guizhou_hc/zwgk/xxgknb/202003/t20200325_212.html")
    run = crawl(f"start_url={url}", db=tmp_path / "s.db")
    assert run.db.stored_urls() == {url}


def test_govreports_db_setting_wins_over_environment(portal_server, tmp_path):
    db = tmp_path / "setting.db"
    url = portal_server.url("guizhou_hc/zwgk/xxgknb/202003/t20200325_212.html")
    crawl(f"start_url={url}", db=tmp_path / "env.db", settings={"GOVREPORTS_DB": str(db)})
    assert (db.exists(), (tmp_path / "env.db").exists()) == (True, False)


def test_missing_list_page_is_recorded_and_crawl_goes_on(portal_server, tmp_path):
    rows = site_rows(portal_server)
    rows[0]["list_urls"] += " " + portal_server.url("guizhou_hhg/zwgk/gone/index.html")
    run = crawl_portals(tmp_path, rows, region="贵州省")
    failures = run.db.rows("SELECT url, reason, portal_id FROM fetch_failures WHERE reason = 'HTTP 404'")
    reports = run.db.rows("SELECT count(*) FROM reports")[0][0]
    assert (failures, reports) == (
        [(portal_server.url("guizhou_hhg/zwgk/gone/index.html"), "HTTP 404", "guizhou_hhg")], TOTAL_REPORTS)


def test_robots_txt_is_honoured(portal_server, tmp_path):
    url = portal_server.url("private/index.html")
    run = crawl(f"start_url={url}", db=tmp_path / "r.db")
    assert run.db.rows("SELECT url, reason FROM fetch_failures") == [(url, "forbidden by robots.txt")]


# 金门县 (350527) is a GB/T region the shipped registry has no portal for (see data/SOURCES.md).
@pytest.mark.parametrize(
    "region, message",
    [("红花港区", "红花岗区 (520302"), ("朝阳区", "吉林省长春市朝阳区 (220104)"),
     ("金门县", "no registered portal under 福建省泉州市金门县 (350527)")],
)
def test_bad_region_stops_with_a_clear_message(tmp_path, region, message):
    run = crawl(f"region={region}", db=tmp_path / "x.db")
    assert (run.returncode, message in run.stderr, "Traceback" in run.stderr) == (2, True, False)


def test_failed_discovery_is_recorded(portal_server, tmp_path):
    row = {"region_code": "520302", "region_name": "红花岗区", "portal_name": "无年报栏目的网站",
           "home_url": portal_server.url("no_column/index.html"), "platform": "auto", "render_js": "0",
           "portal_id": "no_column"}
    run = crawl_portals(tmp_path, [row], region="红花岗区")
    failures = run.db.rows("SELECT url, reason FROM fetch_failures WHERE portal_id = 'no_column'")
    assert [(url, reason.startswith("discovery found no report column")) for url, reason in failures] == [
        (portal_server.url("no_column/index.html"), True)]


# --- cookies, and nothing beyond 127.0.0.1 ---------------------------------------------------
def session_crawl(server, tmp_path: Path, **settings) -> CrawlRun:
    """A crawl of the portal behind a session cookie, with an empty tldextract cache:
    a suffix extractor that downloads its list would have to go online here."""
    (tmp_path / "tldextract").mkdir()
    url = server.url("session/zwgk/xxgknb/202003/t20200325_212.html")
    run = crawl(f"start_url={url}", db=tmp_path / "c.db", settings=settings,
                env={"TLDEXTRACT_CACHE": str(tmp_path / "tldextract")}, allow_network_attempts=True)
    assert run.db.stored_urls() == {url}, run.explain({url})
    return run


def test_cookies_are_handled_without_going_online(portal_server, tmp_path):
    assert session_crawl(portal_server, tmp_path).network_attempts == ()


def test_scrapy_cookie_middleware_would_fetch_the_suffix_list(portal_server, tmp_path):
    """The control for the test above: Scrapy's own cookie middleware does try to go
    online, and the harness catches it."""
    stock = {"DOWNLOADER_MIDDLEWARES": json.dumps({
        "govreports.middlewares.OfflineCookiesMiddleware": None,
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": 700})}
    assert session_crawl(portal_server, tmp_path, **stock).network_attempts


# --- export ------------------------------------------------------------------------
REPORT_COLUMNS = ("report_id,url,region_code,region_name,publisher,title,report_year,era,index_no,"
                  "written_date,published_date,doc_no,source_format,attachment_urls,sha256,first_seen,"
                  "last_seen,flags").split(",")
INDICATOR_COLUMNS = "report_id,url,region_code,report_year,key,value,raw,unit,source,evidence".split(",")


def export(db: Path, *args: str) -> tuple[int, str]:
    result = scrapy_cmd("export", *args, db=db)
    return result.returncode, result.stderr


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def spec_keys(era: str) -> set[str]:
    path = SPEC_INDICATORS if SPEC_INDICATORS.exists() else REPO / "govreports" / "schema" / "indicators.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {r["key"] for r in csv.DictReader(f) if era in r["formats"].split() or r["formats"] == "all"}


def test_export_reports_columns(province_crawl, tmp_path):
    export(province_crawl.db.path, "reports", "-o", str(tmp_path / "r.csv"))
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[: len(REPORT_COLUMNS)] == REPORT_COLUMNS


def test_export_reports_one_row_per_report(province_crawl, tmp_path):
    export(province_crawl.db.path, "reports", "-o", str(tmp_path / "r.csv"))
    assert len(read_csv(tmp_path / "r.csv")) == TOTAL_REPORTS


def test_export_reports_dates_are_iso(province_crawl, tmp_path):
    export(province_crawl.db.path, "reports", "-o", str(tmp_path / "r.csv"))
    published = {r["title"]: r["published_date"][:10] for r in read_csv(tmp_path / "r.csv")}
    expected = {r["title"]: r["published_date"] for site in ZUNYI for r in SITES[site]["reports"]}
    assert published == expected


def test_export_indicators_columns(province_crawl, tmp_path):
    export(province_crawl.db.path, "indicators", "-o", str(tmp_path / "i.csv"))
    with (tmp_path / "i.csv").open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f))[: len(INDICATOR_COLUMNS)] == INDICATOR_COLUMNS


@pytest.mark.parametrize("era", ["2021", "2019", "legacy"])
def test_export_indicators_keys_are_the_spec_keys_of_the_era(province_crawl, tmp_path, era):
    """Every spec key of the report's era, then the rows it stored under no key of the era
    (labels the parser could not map: ``unknown:<table>:<label>``)."""
    export(province_crawl.db.path, "indicators", "-o", str(tmp_path / "i.csv"))
    reports = {r[0] for r in province_crawl.db.rows("SELECT report_id FROM reports WHERE era = ?", era)}
    rows = [r for r in read_csv(tmp_path / "i.csv") if r["report_id"] in reports]
    keys_per_report = {rid: {r["key"] for r in rows if r["report_id"] == rid} for rid in reports}
    stored = {rid: {r[0] for r in province_crawl.db.rows("SELECT key FROM indicators WHERE report_id = ?", rid)}
              for rid in reports}
    assert all(keys == spec_keys(era) | (stored[rid] - spec_keys(era)) for rid, keys in keys_per_report.items()) \
        and reports


def test_export_indicators_without_unknown_labels_has_only_the_spec_keys(province_crawl, tmp_path):
    export(province_crawl.db.path, "indicators", "-o", str(tmp_path / "i.csv"), "--no-include-unknown")
    era = dict(province_crawl.db.rows("SELECT report_id, era FROM reports"))
    keys_per_report: dict[str, set[str]] = {}
    for row in read_csv(tmp_path / "i.csv"):
        keys_per_report.setdefault(row["report_id"], set()).add(row["key"])
    assert keys_per_report and all(keys == spec_keys(era[rid]) for rid, keys in keys_per_report.items())


def test_export_filters_by_region_and_year(province_crawl, tmp_path):
    export(province_crawl.db.path, "reports", "-o", str(tmp_path / "r.csv"), "--region", "汇川区", "--year", "2023")
    assert [(r["region_code"], r["report_year"]) for r in read_csv(tmp_path / "r.csv")] == [("520303", "2023")]


def test_export_filter_by_province(province_crawl, tmp_path):
    export(province_crawl.db.path, "reports", "-o", str(tmp_path / "r.csv"), "--region", "贵州省")
    assert len(read_csv(tmp_path / "r.csv")) == TOTAL_REPORTS


def test_export_excel_has_bom(province_crawl, tmp_path):
    export(province_crawl.db.path, "reports", "-o", str(tmp_path / "r.csv"), "--excel")
    assert (tmp_path / "r.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_export_jsonl_by_extension(province_crawl, tmp_path):
    export(province_crawl.db.path, "tables", "-o", str(tmp_path / "t.jsonl"))
    first = json.loads((tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(first) >= {"report_id", "table_index", "row", "col", "cell"}


def test_export_failures(portal_server, tmp_path):
    run = crawl(f"start_url={portal_server.url('guizhou_hhg/nope/index.html')}", db=tmp_path / "f.db")
    export(run.db.path, "failures", "-o", str(tmp_path / "f.csv"))
    assert [r["reason"] for r in read_csv(tmp_path / "f.csv")] == ["HTTP 404"]


def test_export_unknown_kind_is_an_error(province_crawl, tmp_path):
    code, stderr = export(province_crawl.db.path, "nonsense", "-o", str(tmp_path / "x.csv"))
    assert (code, "unknown export" in stderr) == (2, True)


def test_export_without_database_is_an_error(tmp_path):
    code, stderr = export(tmp_path / "none.db", "reports", "-o", str(tmp_path / "x.csv"))
    assert (code, "no database" in stderr) == (2, True)
