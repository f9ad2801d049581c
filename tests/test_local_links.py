"""Hostile portals, crawled for real: links, a meta refresh, a redirect and attachment
links that point at local files (a real report page and PDF of this machine,
``/etc/passwd``) or carry ``data:`` URLs are recorded as refused, never read: no local
page is stored as a report, nothing is copied into ``files/``.  A local portal (like
the demo) reads its own directory and nothing outside it.  A crawl whose every request
fails exits non-zero and says what to check."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.harness import REPO, crawl_portals, portal_row
from tests.portal_sites import LOCAL_PDF, LOCAL_REPORT, hostile_attachment_links, hostile_links

NOT_FETCHED = "refused: only http and https URLs are fetched, not"


@pytest.fixture(scope="module")
def hostile_crawl(portal_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    row = portal_row("hostile", "520303", "汇川区", portal_server.url("local_links/index.html"))
    return crawl_portals(tmp, [row], region="汇川区")


def test_only_the_real_report_is_stored(portal_server, hostile_crawl):
    assert (hostile_crawl.returncode, hostile_crawl.db.stored_urls()) == (
        0, {portal_server.url("local_links/report.html")}), hostile_crawl.explain()


def test_no_local_page_is_stored_as_a_report(hostile_crawl):
    assert hostile_crawl.db.rows("SELECT url FROM report_urls WHERE url NOT LIKE 'http%'") == []


def test_every_hostile_link_is_a_recorded_refusal(portal_server, hostile_crawl):
    failures = dict(hostile_crawl.db.rows("SELECT url, reason FROM fetch_failures"))
    links = hostile_links()
    local, passwd, data = (links[f"汇川区人民政府{year}年政府信息公开工作年度报告"] for year in (2018, 2017, 2016))
    assert (failures[passwd], failures[data[:300] + "…"]) == (f"{NOT_FETCHED} file:", f"{NOT_FETCHED} data:")
    assert failures[local].startswith(f"{NOT_FETCHED} file:")
    # the meta refresh to the local report page, and the redirect to it
    assert f"the meta refresh of {portal_server.url('local_links/refresh.html')}" in failures[local]
    assert failures[portal_server.url("local_links/redirect.html")] == (
        f"redirect {NOT_FETCHED} file: ({LOCAL_REPORT.as_uri()})")


def test_local_and_data_attachments_are_recorded_not_read(hostile_crawl):
    rows = dict(hostile_crawl.db.rows("SELECT url, status || ': ' || error FROM attachments"))
    assert rows == {url: f"download_failed: {NOT_FETCHED} {url.split(':', 1)[0]}:"
                    for url in hostile_attachment_links().values()}


def test_nothing_is_copied_into_files(hostile_crawl):
    files = hostile_crawl.db.path.parent / "files"
    assert not files.exists() or list(files.iterdir()) == []


def test_the_local_files_were_never_fetched(hostile_crawl):
    """Nothing of the local files reached the database in any column."""
    passwd_line = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0].strip()
    assert passwd_line and hostile_crawl.db.rows(
        "SELECT count(*) FROM reports WHERE body_text LIKE ? OR attachment_text LIKE ?",
        f"%{passwd_line}%", f"%{passwd_line}%") == [(0,)]
    assert LOCAL_PDF.exists()


# --- a local portal reads its own directory, and nothing outside it --------------------------------
@pytest.fixture(scope="module")
def local_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("local")
    portal = tmp / "portal"
    portal.mkdir()
    shutil.copy(LOCAL_REPORT, portal / "report.html")
    outside = tmp / "outside.html"  # a report page beside the portal's directory
    outside.write_text(LOCAL_REPORT.read_text(encoding="utf-8").replace("009386521/2020-00018", "OUTSIDE-1"),
                       encoding="utf-8")
    os.symlink(outside, portal / "link.html")
    links = {"report.html": 2019, "file:///etc/passwd": 2018, "../outside.html": 2017, "link.html": 2016,
             "%2e%2e/outside.html": 2015}
    items = "".join(f'<li><a href="{href}">汇川区人民政府{year}年政府信息公开工作年度报告</a><span>2020-03-0{i + 1}</span></li>'
                    for i, (href, year) in enumerate(links.items()))
    (portal / "index.html").write_text(f'<html><head><meta charset="utf-8"><title>年报</title></head><body>'
                                       f'<ul class="list">{items}</ul></body></html>', encoding="utf-8")
    row = {"region_code": "520303", "region_name": "汇川区", "portal_name": "本地门户",
           "home_url": "local:portal/index.html", "list_urls": "local:portal/index.html", "platform": "generic",
           "render_js": "0", "portal_id": "local"}
    return crawl_portals(tmp, [row], region="汇川区"), portal, outside


def test_local_portal_stores_its_own_report_only(local_crawl):
    run, portal, _ = local_crawl
    assert (run.returncode, run.db.stored_urls()) == (0, {(portal / "report.html").as_uri()}), run.explain()


def test_local_portal_refuses_files_outside_its_directory(local_crawl):
    run, portal, outside = local_crawl
    failures = dict(run.db.rows("SELECT url, reason FROM fetch_failures"))
    outside_reason = "refused: a file outside the local portal's own directory"
    assert (failures.get(outside.as_uri()), failures.get((portal / "link.html").as_uri()),
            failures.get("file:///etc/passwd"), failures.get(portal.as_uri() + "/%2e%2e/outside.html")) == (
        outside_reason, outside_reason, outside_reason, outside_reason)


def test_the_demo_registry_row_is_local():
    assert "local:demo/" in (REPO / "data" / "portals.csv").read_text(encoding="utf-8")


# --- a crawl where everything failed ------------------------------------------------------------------
def test_crawl_that_stored_nothing_because_everything_failed_says_so_and_exits_1(portal_server, tmp_path):
    rows = [portal_row("gone", "520303", "汇川区", portal_server.url("nowhere/index.html")),
            portal_row("gone-too", "520303", "汇川区", "http://127.0.0.1:9/nb/index.html")]  # nothing listens
    run = crawl_portals(tmp_path, rows, region="汇川区", settings={"RETRY_TIMES": "0"})
    assert run.returncode == 1, run.explain()
    assert "govreports: nothing was stored: every request failed (" in run.stderr
    # the refused port is an unreachable host: recorded once, its other requests dropped
    assert "http_error: 1" in run.stderr and "unreachable: 1" in run.stderr
    assert "http_error: check the list URLs in the registry" in run.stderr
    assert "unreachable: check whether the portal's host exists" in run.stderr
    assert "scrapy export failures -o -" in run.stderr


def test_crawl_that_stored_something_exits_0_despite_failures(hostile_crawl):
    assert hostile_crawl.returncode == 0 and "nothing was stored" not in hostile_crawl.stderr
