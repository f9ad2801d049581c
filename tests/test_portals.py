"""Every CMS family and fault mode, crawled for real.

Each test crawls a one-portal registry (:func:`tests.harness.crawl_portals`) with the
real ``scrapy crawl portal`` command against a simulated portal served by the local
test server (static pages in ``tests/sites/<portal>/``, dynamic endpoints and
challenges in ``tests/portal_sites.py``), and reads the SQLite database back.  The
expected reports and the look-alikes come from the hand-written
``tests/sites/PORTALS_MANIFEST.json``.

Browser tests (scrapy-playwright with Debian's ``/usr/bin/chromium``) carry the
``browser`` marker: ``pytest -m "not browser"`` leaves them out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreports import settings
from govreports.identity import canonical_url
from tests.harness import CHALLENGE_SETTINGS, SITES, CrawlRun, crawl_portals, expected_urls, require_tool, site_row

# This module registers its own hooks (test modules are not plugins by themselves):
# ``pytest_configure`` declares the ``browser`` marker, ``pytest_collection_modifyitems``
# puts it on the tests decorated with :func:`browser` below.
pytest_plugins = ["tests.test_portals"]

CHROMIUM = Path("/usr/bin/chromium")
DISCOVERY_BUDGET = settings.GOVREPORTS_DISCOVERY_BUDGET


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: crawls through the headless browser (needs /usr/bin/chromium)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if getattr(getattr(item, "function", None), "needs_browser", False):
            item.add_marker(pytest.mark.browser)


def browser(test):
    """Mark ``test`` as a browser test (``browser`` marker; it fails without Chromium,
    which the test command installs)."""
    test.needs_browser = True
    return pytest.mark.usefixtures("chromium")(test)


@pytest.fixture
def chromium():
    require_tool(CHROMIUM.exists(), f"Debian's Chromium ({CHROMIUM})")


# --- helpers -------------------------------------------------------------------------
def run_portal(server, tmp_path: Path, key: str, *, settings: dict | None = None, db: Path | None = None,
               **row) -> CrawlRun:
    return crawl_portals(tmp_path, [site_row(server, key, **row)], region=SITES[key]["region_code"],
                         db=db, settings=settings, name=key)


def assert_exact_reports(server, key: str, run: CrawlRun) -> None:
    expected = expected_urls(server, key)
    assert run.db.stored_urls() == expected, run.explain(expected)


# --- one portal per CMS family ---------------------------------------------------------
def test_trs_multi_three_list_pages(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "trs_multi")
    assert_exact_reports(portal_server, "trs_multi", run)


def test_trs_multi_deleted_page_recorded_as_not_a_report(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "trs_multi")
    deleted = canonical_url(portal_server.url("trs_multi/" + SITES["trs_multi"]["deleted"][0]["path"]))
    reasons = [reason for url, reason in run.db.rows("SELECT url, reason FROM fetch_failures")
               if canonical_url(url) == deleted]
    assert len(reasons) == 1 and "deleted page" in reasons[0], run.explain(expected_urls(portal_server, "trs_multi"))


def test_hanweb_column_and_dataproxy_posts(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "hanweb_zj")
    assert_exact_reports(portal_server, "hanweb_zj", run)


def test_hanweb_detected_with_platform_auto(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "hanweb_zj", platform="auto")
    assert_exact_reports(portal_server, "hanweb_zj", run)


def test_gkmlpt_json_api_pages(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "gkmlpt_gd")
    assert_exact_reports(portal_server, "gkmlpt_gd", run)


def test_gkmlpt_detected_with_platform_auto(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "gkmlpt_gd", platform="auto")
    assert_exact_reports(portal_server, "gkmlpt_gd", run)


def test_lonsun_label_fragments(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "lonsun_ah")
    assert_exact_reports(portal_server, "lonsun_ah", run)


def test_lonsun_detected_with_platform_auto(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "lonsun_ah", platform="auto")
    assert_exact_reports(portal_server, "lonsun_ah", run)


def test_crawl_run_summary_per_portal(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "lonsun_ah")
    rows = run.db.rows("SELECT stats FROM crawl_runs")
    summary = json.loads(rows[0][0]).get("lonsun_ah", {}) if rows else {}
    counters = {k: summary.get(k, 0) for k in ("list_pages", "report_pages", "reports", "failures")}
    # column page + label pages 1..3; the 5 report pages only (look-alikes are never fetched)
    assert counters == {"list_pages": 4, "report_pages": 5, "reports": 5, "failures": 0}, \
        f"{summary}" + run.explain(expected_urls(portal_server, "lonsun_ah"))


def test_epoint_rest_list(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "epoint_spa")
    assert_exact_reports(portal_server, "epoint_spa", run)


def test_epoint_detected_with_platform_auto(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "epoint_spa", platform="auto")
    assert_exact_reports(portal_server, "epoint_spa", run)


# --- JavaScript-rendered list ----------------------------------------------------------
@browser
def test_js_list_with_render_js(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "js_list", platform="auto", render_js="1")
    assert_exact_reports(portal_server, "js_list", run)


@browser
def test_js_list_shell_detected_without_render_js(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "js_list", platform="auto", render_js="0")
    assert_exact_reports(portal_server, "js_list", run)


# --- encodings -------------------------------------------------------------------------
def test_gbk_pages_declared_only_in_meta_or_not_at_all(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "gbk_old")
    assert_exact_reports(portal_server, "gbk_old", run)


def test_gbk_titles_decoded(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "gbk_old")
    stored = sorted(row[0] for row in run.db.rows("SELECT title FROM reports"))
    assert stored == sorted(r["title"] for r in SITES["gbk_old"]["reports"]), \
        run.explain(expected_urls(portal_server, "gbk_old"))


@browser
def test_gbk_list_rendered_in_the_browser_is_decoded(portal_server, tmp_path):
    # The browser hands back its DOM as UTF-8 while the page still says gb2312.
    run = run_portal(portal_server, tmp_path, "gbk_old", render_js="1")
    stored = sorted(row[0] for row in run.db.rows("SELECT title FROM reports"))
    assert stored == sorted(r["title"] for r in SITES["gbk_old"]["reports"]), \
        run.explain(expected_urls(portal_server, "gbk_old"))


def test_gbk_names_outside_gb2312_decoded_as_gb18030(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "gbk_old")
    texts = {canonical_url(portal_server.url(f"gbk_old/{path}")): names
             for path, names in SITES["gbk_old"]["names_outside_gb2312"].items()}
    rows = run.db.rows("SELECT u.url, r.body_text FROM reports r JOIN report_urls u USING (report_id)")
    missing = {url: [n for n in names if not any(u == url and n in (body or "") for u, body in rows)]
               for url, names in texts.items()}
    assert {url: names for url, names in missing.items() if names} == {}, run.explain(expected_urls(portal_server, "gbk_old"))


# --- departments' and towns' sub-columns -------------------------------------------------
def test_departments_and_towns_sub_columns(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "depts_towns")
    assert_exact_reports(portal_server, "depts_towns", run)


# --- discovery from the home page ---------------------------------------------------------
def test_home_page_discovery_three_levels_deep(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "home_only")
    assert_exact_reports(portal_server, "home_only", run)


def test_home_page_discovery_within_budget(portal_server, tmp_path):
    start = len(portal_server.requests)
    run = run_portal(portal_server, tmp_path, "home_only")
    paths = portal_server.paths_requested(start, "/home_only/")
    portal = SITES["home_only"]
    configured_cost = len(portal["list_pages"]) + len(portal["reports"])
    assert len(paths) <= configured_cost + DISCOVERY_BUDGET, f"{len(paths)} requests: {paths}"
    assert_exact_reports(portal_server, "home_only", run)  # and the column was found within it


def test_discovered_column_remembered_for_next_crawl(portal_server, tmp_path):
    first = run_portal(portal_server, tmp_path, "home_only")
    start = len(portal_server.requests)
    second = run_portal(portal_server, tmp_path, "home_only", db=first.db.path)
    hubs = {"/home_only/", "/home_only/index.html", "/home_only/zwgk/index.html", "/home_only/zwgk/zfxxgk/index.html"}
    requested = set(portal_server.paths_requested(start, "/home_only/"))
    column = f"/home_only/{SITES['home_only']['report_column']}"
    # The column as linked (…/index.html) or as its folder (found by a path guess).
    column_read = bool({column, column.removesuffix("index.html")} & requested)
    assert (second.returncode, requested & hubs, column_read) == (0, set(), True), \
        f"second crawl requested: {sorted(requested)}\n{second.stderr[-1500:]}"


# --- anti-bot challenges ------------------------------------------------------------------
@browser
def test_ruishu_412_passed_in_the_browser(portal_server, tmp_path):
    run = run_portal(portal_server, tmp_path, "ruishu")
    assert_exact_reports(portal_server, "ruishu", run)


def test_ruishu_without_a_browser_is_a_recorded_challenge(portal_server, tmp_path):
    no_browser = {"PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps({"executable_path": "/nonexistent/chromium"})}
    run = run_portal(portal_server, tmp_path, "ruishu", settings=no_browser)
    reasons = [reason for (reason,) in run.db.rows("SELECT reason FROM fetch_failures")]
    assert reasons and all("challenge (瑞数 412) needs a browser" in r for r in reasons), run.explain()


def test_jsl_block_page_backed_off_and_retried(fresh_server, tmp_path):
    run = run_portal(fresh_server, tmp_path, "jsl_wait", settings=CHALLENGE_SETTINGS)
    assert_exact_reports(fresh_server, "jsl_wait", run)
