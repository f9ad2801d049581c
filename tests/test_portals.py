"""Every CMS family and fault mode, crawled for real.

Each test writes a one-portal registry, runs the real ``scrapy crawl portal`` command
(:func:`tests.conftest.crawl`) against a simulated portal served by the local test
server (static pages in ``tests/sites/<portal>/``, dynamic endpoints and challenges in
``tests/portal_sites.py``), and reads the SQLite database back.  The expected reports
and the look-alikes come from the hand-written ``tests/sites/PORTALS_MANIFEST.json``.

Browser tests (scrapy-playwright with Debian's ``/usr/bin/chromium``) carry the
``browser`` marker: ``pytest -m "not browser"`` leaves them out.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from govreports import settings
from govreports.identity import canonical_url
from tests.conftest import REPO, crawl, write_registry
from tests.portal_server import PortalServer

# This module registers its own hooks (test modules are not plugins by themselves):
# ``pytest_configure`` declares the ``browser`` marker, ``pytest_collection_modifyitems``
# puts it on the tests decorated with :func:`browser` below.
pytest_plugins = ["tests.test_portals"]

MANIFEST = json.loads((REPO / "tests" / "sites" / "PORTALS_MANIFEST.json").read_text(encoding="utf-8"))
PORTALS = MANIFEST["portals"]
CHROMIUM = Path("/usr/bin/chromium")
# 创宇盾 lifts after a while: tests wait 1 s (growing per try) instead of the default 90 s.
CHALLENGE_SETTINGS = {"GOVREPORTS_CHALLENGE_BACKOFF": "1"}
DISCOVERY_BUDGET = settings.GOVREPORTS_DISCOVERY_BUDGET


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: crawls through the headless browser (needs /usr/bin/chromium)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if getattr(getattr(item, "function", None), "needs_browser", False):
            item.add_marker(pytest.mark.browser)


def browser(test):
    """Mark ``test`` as a browser test (``browser`` marker; skipped without Chromium)."""
    test.needs_browser = True
    return pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")(test)


# --- helpers -------------------------------------------------------------------------
def registry_row(server, key: str, *, platform: str | None = None, render_js: str | None = None) -> dict:
    portal = PORTALS[key]
    return {
        "region_code": portal["region_code"],
        "region_name": portal["name"],
        "portal_name": portal["name"],
        "home_url": server.url(f"{key}/{portal['home_url']}"),
        "list_urls": " ".join(server.url(f"{key}/{u}") for u in portal["list_urls"]),
        "platform": platform or portal["platform"],
        "render_js": render_js if render_js is not None else portal["render_js"],
        "portal_id": key,
    }


def run_portal(server, tmp_path: Path, key: str, *, settings: dict | None = None, db: Path | None = None,
               **row) -> tuple[Path, object]:
    registry = write_registry(tmp_path / f"{key}.csv", [registry_row(server, key, **row)])
    db = db or tmp_path / f"{key}.db"
    result = crawl(f"region={PORTALS[key]['region_code']}", db=db,
                   settings={"PORTALS_FILE": str(registry), **(settings or {})})
    return db, result


def query(db: Path, sql: str, *params) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            return []


def stored_urls(db: Path) -> set[str]:
    return {row[0] for row in query(db, "SELECT url FROM report_urls")}


def expected_urls(server, key: str) -> set[str]:
    return {canonical_url(server.url(f"{key}/{r['path']}")) for r in PORTALS[key]["reports"]}


def explain(server, key: str, db: Path, result) -> str:
    """What went wrong, for the assertion message: missed/extra URLs, failures, the crawl's log."""
    stored, expected = stored_urls(db), expected_urls(server, key)
    failures = query(db, "SELECT url, reason FROM fetch_failures")
    log = [line for line in result.stderr.splitlines()
           if any(w in line for w in ("ERROR", "WARNING", "Traceback", "Error", "giving up"))]
    return (f"\nexit code {result.returncode}"
            f"\nmissed: {sorted(expected - stored)}\nextra: {sorted(stored - expected)}"
            f"\nfailures: {failures[:15]}\nlog: " + "\n".join(log[-25:]) + "\nstderr tail: " + result.stderr[-1500:])


def assert_exact_reports(server, key: str, db: Path, result) -> None:
    assert stored_urls(db) == expected_urls(server, key), explain(server, key, db, result)


def requested_paths(server, start: int, key: str) -> list[str]:
    return [path for _, path in server.requests[start:] if path.startswith(f"/{key}/")]


# --- one portal per CMS family ---------------------------------------------------------
def test_trs_multi_three_list_pages(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "trs_multi")
    assert_exact_reports(portal_server, "trs_multi", db, result)


def test_trs_multi_deleted_page_recorded_as_not_a_report(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "trs_multi")
    deleted = canonical_url(portal_server.url("trs_multi/" + PORTALS["trs_multi"]["deleted"][0]["path"]))
    reasons = [reason for url, reason in query(db, "SELECT url, reason FROM fetch_failures")
               if canonical_url(url) == deleted]
    assert len(reasons) == 1 and "deleted page" in reasons[0], explain(portal_server, "trs_multi", db, result)


def test_hanweb_column_and_dataproxy_posts(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "hanweb_zj")
    assert_exact_reports(portal_server, "hanweb_zj", db, result)


def test_hanweb_detected_with_platform_auto(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "hanweb_zj", platform="auto")
    assert_exact_reports(portal_server, "hanweb_zj", db, result)


def test_gkmlpt_json_api_pages(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "gkmlpt_gd")
    assert_exact_reports(portal_server, "gkmlpt_gd", db, result)


def test_gkmlpt_detected_with_platform_auto(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "gkmlpt_gd", platform="auto")
    assert_exact_reports(portal_server, "gkmlpt_gd", db, result)


def test_lonsun_label_fragments(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "lonsun_ah")
    assert_exact_reports(portal_server, "lonsun_ah", db, result)


def test_lonsun_detected_with_platform_auto(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "lonsun_ah", platform="auto")
    assert_exact_reports(portal_server, "lonsun_ah", db, result)


def test_crawl_run_summary_per_portal(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "lonsun_ah")
    rows = query(db, "SELECT stats FROM crawl_runs")
    summary = json.loads(rows[0][0]).get("lonsun_ah", {}) if rows else {}
    counters = {k: summary.get(k, 0) for k in ("list_pages", "report_pages", "reports", "failures")}
    # column page + label pages 1..3; the 5 report pages only (look-alikes are never fetched)
    assert counters == {"list_pages": 4, "report_pages": 5, "reports": 5, "failures": 0}, \
        f"{summary}" + explain(portal_server, "lonsun_ah", db, result)


def test_epoint_rest_list(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "epoint_spa")
    assert_exact_reports(portal_server, "epoint_spa", db, result)


def test_epoint_detected_with_platform_auto(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "epoint_spa", platform="auto")
    assert_exact_reports(portal_server, "epoint_spa", db, result)


# --- JavaScript-rendered list ----------------------------------------------------------
@browser
def test_js_list_with_render_js(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "js_list", platform="auto", render_js="1")
    assert_exact_reports(portal_server, "js_list", db, result)


@browser
def test_js_list_shell_detected_without_render_js(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "js_list", platform="auto", render_js="0")
    assert_exact_reports(portal_server, "js_list", db, result)


# --- encodings -------------------------------------------------------------------------
def test_gbk_pages_declared_only_in_meta_or_not_at_all(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "gbk_old")
    assert_exact_reports(portal_server, "gbk_old", db, result)


def test_gbk_titles_decoded(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "gbk_old")
    stored = sorted(row[0] for row in query(db, "SELECT title FROM reports"))
    assert stored == sorted(r["title"] for r in PORTALS["gbk_old"]["reports"]), \
        explain(portal_server, "gbk_old", db, result)


@browser
def test_gbk_list_rendered_in_the_browser_is_decoded(portal_server, tmp_path):
    # The browser hands back its DOM as UTF-8 while the page still says gb2312.
    db, result = run_portal(portal_server, tmp_path, "gbk_old", render_js="1")
    stored = sorted(row[0] for row in query(db, "SELECT title FROM reports"))
    assert stored == sorted(r["title"] for r in PORTALS["gbk_old"]["reports"]), \
        explain(portal_server, "gbk_old", db, result)


def test_gbk_names_outside_gb2312_decoded_as_gb18030(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "gbk_old")
    texts = {canonical_url(portal_server.url(f"gbk_old/{path}")): names
             for path, names in PORTALS["gbk_old"]["names_outside_gb2312"].items()}
    rows = query(db, "SELECT u.url, r.body_text FROM reports r JOIN report_urls u USING (report_id)")
    missing = {url: [n for n in names if not any(u == url and n in (body or "") for u, body in rows)]
               for url, names in texts.items()}
    assert {url: names for url, names in missing.items() if names} == {}, explain(portal_server, "gbk_old", db, result)


# --- departments' and towns' sub-columns -------------------------------------------------
def test_departments_and_towns_sub_columns(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "depts_towns")
    assert_exact_reports(portal_server, "depts_towns", db, result)


# --- discovery from the home page ---------------------------------------------------------
def test_home_page_discovery_three_levels_deep(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "home_only")
    assert_exact_reports(portal_server, "home_only", db, result)


def test_home_page_discovery_within_budget(portal_server, tmp_path):
    start = len(portal_server.requests)
    db, result = run_portal(portal_server, tmp_path, "home_only")
    paths = requested_paths(portal_server, start, "home_only")
    portal = PORTALS["home_only"]
    configured_cost = len(portal["list_pages"]) + len(portal["reports"])
    assert len(paths) <= configured_cost + DISCOVERY_BUDGET, f"{len(paths)} requests: {paths}"


def test_discovered_column_remembered_for_next_crawl(portal_server, tmp_path):
    db, first = run_portal(portal_server, tmp_path, "home_only")
    start = len(portal_server.requests)
    _, second = run_portal(portal_server, tmp_path, "home_only", db=db)
    hubs = {"/home_only/", "/home_only/index.html", "/home_only/zwgk/index.html", "/home_only/zwgk/zfxxgk/index.html"}
    requested = set(requested_paths(portal_server, start, "home_only"))
    column = f"/home_only/{PORTALS['home_only']['report_column']}"
    assert (second.returncode, requested & hubs, column in requested) == (0, set(), True), \
        f"second crawl requested: {sorted(requested)}\n{second.stderr[-1500:]}"


# --- anti-bot challenges ------------------------------------------------------------------
@browser
def test_ruishu_412_passed_in_the_browser(portal_server, tmp_path):
    db, result = run_portal(portal_server, tmp_path, "ruishu")
    assert_exact_reports(portal_server, "ruishu", db, result)


@pytest.fixture
def fresh_server():
    """A server of its own: 创宇盾 counts requests per path from the server's start."""
    server = PortalServer().start()
    yield server
    server.stop()


def test_jsl_block_page_backed_off_and_retried(fresh_server, tmp_path):
    db, result = run_portal(fresh_server, tmp_path, "jsl_wait", settings=CHALLENGE_SETTINGS)
    assert_exact_reports(fresh_server, "jsl_wait", db, result)
