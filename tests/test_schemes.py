"""Only http/https are ever requested — and a local portal's files only inside its own
directory — from every source of URLs (lists, discovery, refreshes, redirects,
attachments, remembered columns), in process: the rule (:mod:`govreports.schemes`),
the spider's checks where URLs become requests, the attachment pipeline's, and the
downloader middleware that is the last line of defence.  Real crawls of hostile
portals are in ``tests/test_hostile_portals.py``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from govreports.attachment_pipeline import AttachmentPipeline
from govreports.failures import FailureKind, UnsupportedScheme, failure_reason
from govreports.items import DiscoveredColumnItem, FetchFailureItem, ReportItem
from govreports.parsing.model import Link, ParsedReport
from govreports.schemes import SchemeGuardMiddleware, refusal
from govreports.storage.store import CrawlState
from tests.conftest import project_crawler
from tests.inprocess import make_spider, of_type, portal_row, run_callback, saved_response, site_url

REPORT_TITLE = "红花岗区人民政府{year}年政府信息公开工作年度报告"


# --- the rule -------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://www.zyhhg.gov.cn/a.html", "https://www.pingtan.gov.cn/", "HTTP://X.GOV.CN/"])
def test_web_addresses_are_fetched(url):
    assert refusal(url) is None


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "not file:"),
    ("data:text/html;base64,PGh0bWw+", "not data:"),
    ("ftp://ftp.example.gov.cn/a.pdf", "not ftp:"),
    ("javascript:void(0)", "not javascript:"),
    ("notaurl", "not an absolute URL"),
    ("http:///etc/passwd", "without a host"),
    ("http://[::1", "not a valid URL"),
])
def test_anything_else_is_refused_with_its_reason(url, reason):
    assert reason in refusal(url)


@pytest.fixture
def local_portal(tmp_path):
    """A local portal's directory, a file outside it, and a symlink inside pointing out."""
    root = tmp_path / "portal"
    (root / "zwgk").mkdir(parents=True)
    (root / "zwgk" / "page.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "outside.html").write_text("<html>secret</html>", encoding="utf-8")
    os.symlink(tmp_path / "outside.html", root / "link.html")
    return root


def test_a_local_portal_reads_its_own_files(local_portal):
    assert refusal((local_portal / "zwgk" / "page.html").as_uri(), local_portal) is None


@pytest.mark.parametrize("path", [
    "../outside.html",  # a sibling of the portal's directory
    "zwgk/../../outside.html",  # .. climbing out
    "zwgk/%2e%2e/%2e%2e/outside.html",  # .. percent-encoded
    "link.html",  # a symlink inside pointing out
])
def test_a_local_portal_reads_nothing_outside_its_directory(local_portal, path):
    url = local_portal.as_uri() + "/" + path
    assert "outside the local portal's own directory" in refusal(url, local_portal)


def test_a_local_portal_reads_no_system_file(local_portal):
    assert refusal("file:///etc/passwd", local_portal) is not None


def test_a_file_url_on_another_host_is_refused(local_portal):
    assert "another host" in refusal(f"file://fileserver{local_portal}/zwgk/page.html", local_portal)


def test_refused_request_is_its_own_failure_kind():
    try:
        raise UnsupportedScheme("refused: only http and https URLs are fetched, not file:")
    except UnsupportedScheme:
        failure = Failure()
    assert failure_reason(failure) == (None, FailureKind.UNSUPPORTED_SCHEME,
                                       "refused: only http and https URLs are fetched, not file:")


# --- the spider: web and local portals --------------------------------------------------------------
def local_row(**extra):
    return {"region_code": "demo", "region_name": "本地", "portal_name": "本地门户",
            "home_url": "local:portal/index.html", "list_urls": "local:portal/zwgk/index.html",
            "platform": "generic", "render_js": "0", "portal_id": "local", **extra}


def list_page(*hrefs: str) -> bytes:
    items = "".join(f'<li><a href="{href}" title="{REPORT_TITLE.format(year=2020 - i)}">'
                    f'{REPORT_TITLE.format(year=2020 - i)}</a><span>2021-01-{i + 1:02d}</span></li>'
                    for i, href in enumerate(hrefs))
    return f'<html><head><meta charset="utf-8"></head><body><ul class="list">{items}</ul></body></html>'.encode()


def read_list(spider, portal_id, url, body):
    portal = spider.portal_by_id[portal_id]
    request = spider.list_request(portal, url, column=url, platform="generic")
    return run_callback(request, saved_response(request, body=body, headers={"Content-Type": "text/html"}))


def refused_urls(outputs):
    return {f.url: f.reason for f in of_type(outputs, FetchFailureItem) if f.kind == FailureKind.UNSUPPORTED_SCHEME}


def test_web_list_links_to_local_files_and_data_are_refused_and_recorded(tmp_path):
    spider = make_spider(tmp_path, [portal_row("web", lists=["list.html"])], region="web")
    data = "data:text/html;base64," + "A" * 1000
    out = read_list(spider, "web", site_url("web", "list.html"),
                    list_page("file:///etc/passwd", data, "ftp://portals.test/a.html", "ok.html"))
    refused = refused_urls(out)
    requested = {r.url for r in of_type(out, Request)}
    assert (set(refused), requested) == ({"file:///etc/passwd", data[:300] + "…", "ftp://portals.test/a.html"},
                                         {site_url("web", "ok.html")})
    assert refused["file:///etc/passwd"] == "refused: only http and https URLs are fetched, not file:"


def test_local_portal_list_links_inside_are_read_and_outside_refused(tmp_path, local_portal):
    spider = make_spider(tmp_path, [local_row()], region="local")
    list_url = (local_portal / "zwgk" / "index.html").as_uri()
    inside = (local_portal / "zwgk" / "page.html").as_uri()
    out = read_list(spider, "local", list_url,
                    list_page("page.html", "file:///etc/passwd", "../../outside.html", "../link.html"))
    assert ({r.url for r in of_type(out, Request)}, set(refused_urls(out))) == (
        {inside}, {"file:///etc/passwd", (tmp_path / "outside.html").as_uri(), (local_portal / "link.html").as_uri()})


def test_local_portal_gets_its_directory_from_the_registry(tmp_path, local_portal):
    spider = make_spider(tmp_path, [local_row()], region="local")
    assert (spider.portal_by_id["local"].local_root, spider.portal_by_id["local"].is_local) == (str(local_portal), True)


def test_refused_next_list_page_leaves_the_portal_incomplete(tmp_path):
    spider = make_spider(tmp_path, [portal_row("web", lists=["list.html"])], region="web")
    portal = spider.portal_by_id["web"]
    [failure] = [spider.list_request(portal, "file:///etc/", column=site_url("web", "list.html"), platform="auto")]
    assert (type(failure), spider.ledger.complete_portals()) == (FetchFailureItem, [])


def test_meta_refresh_to_a_local_file_is_refused(tmp_path):
    spider = make_spider(tmp_path, [portal_row("web", lists=["list.html"])], region="web")
    portal = spider.portal_by_id["web"]
    request = spider.report_request(portal, site_url("web", "r.html"), column=site_url("web", "list.html"),
                                    title=REPORT_TITLE.format(year=2020))
    body = b'<html><head><meta http-equiv="refresh" content="0;url=file:///etc/passwd"></head><body></body></html>'
    [failure] = run_callback(request, saved_response(request, body=body, headers={"Content-Type": "text/html"}))
    assert (failure.url, failure.kind, failure.reason) == (
        "file:///etc/passwd", FailureKind.UNSUPPORTED_SCHEME,
        f"refused: only http and https URLs are fetched, not file: (the meta refresh of {site_url('web', 'r.html')})")


def discover(spider, local_portal, links: str):
    request = spider.home_request(spider.portal_by_id["local"], (local_portal / "index.html").as_uri(),
                                       depth_left=3)
    body = f'<html><head><meta charset="utf-8"></head><body>{links}</body></html>'.encode()
    return run_callback(request, saved_response(request, body=body, headers={"Content-Type": "text/html"}))


def test_discovery_follows_no_hub_outside_a_local_portal(tmp_path, local_portal):
    spider = make_spider(tmp_path, [local_row(list_urls="")], region="local")
    out = discover(spider, local_portal, '<a href="file:///etc/">政务公开</a><a href="zwgk/">信息公开</a>')
    assert ([r.url for r in of_type(out, Request)], set(refused_urls(out))) == (
        [(local_portal / "zwgk").as_uri() + "/"], {"file:///etc/"})


def test_discovery_remembers_no_column_outside_a_local_portal(tmp_path, local_portal):
    spider = make_spider(tmp_path, [local_row(list_urls="")], region="local")
    out = discover(spider, local_portal, '<a href="file:///etc/nb/">政府信息公开年报</a>')
    assert (of_type(out, Request), of_type(out, DiscoveredColumnItem), set(refused_urls(out))) == (
        [], [], {"file:///etc/nb/"})


def test_a_remembered_local_column_is_not_read(tmp_path):
    spider = make_spider(tmp_path, [portal_row("web", home="index.html")], region="web")
    spider.recrawl_state = CrawlState(discovered={"web": ["file:///etc/passwd"]})

    async def start():
        return [r async for r in spider.start()]
    [failure] = asyncio.run(start())
    assert (type(failure), failure.kind) == (FetchFailureItem, FailureKind.UNSUPPORTED_SCHEME)


# --- the attachment pipeline -----------------------------------------------------------------------
@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:application/pdf;base64,JVBERi0xLjQK"])
def test_local_and_data_attachments_are_recorded_never_read(tmp_path, url):
    crawler = project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db"))
    crawler.stats.open_spider()
    pipeline = AttachmentPipeline.from_crawler(crawler)
    page = "http://www.zyhhg.gov.cn/zwgk/t1.html"
    item = ReportItem(portal_id="p", region_code="520302", region_name="红花岗区", url=page, list_url="",
                      source_format="html", sha256="",
                      parsed=ParsedReport(url=page, title=REPORT_TITLE.format(year=2020), report_year=2020,
                                          is_report=True, attachments=[Link(url=url, text="附件.pdf")]))
    asyncio.run(pipeline.process_item(item))
    [row] = item.attachments
    assert (row["status"], row["error"].startswith("refused: only http and https"), (tmp_path / "files").exists()) \
        == ("download_failed", True, False)


# --- the downloader middleware: the last line ---------------------------------------------------------
@pytest.fixture
def guard(tmp_path, local_portal):
    spider = make_spider(tmp_path, [local_row(), portal_row("web", lists=["list.html"])], region="本地")
    return SchemeGuardMiddleware.from_crawler(spider.crawler)


def test_guard_lets_web_requests_and_a_local_portals_own_files_through(guard, local_portal):
    inside = (local_portal / "zwgk" / "page.html").as_uri()
    assert [guard.process_request(Request("http://portals.test/web/a.html", meta={"portal_id": "web"})),
            guard.process_request(Request(inside, meta={"portal_id": "local"}))] == [None, None]


@pytest.mark.parametrize("url, portal_id", [
    ("file:///etc/passwd", "local"),  # outside the local portal's directory
    ("file:///etc/passwd", "web"),
    ("file:///etc/passwd", None),  # a request of no portal (an attachment, robots.txt …)
    ("data:text/plain,secret", "web"),
])
def test_guard_refuses_everything_else(guard, url, portal_id):
    with pytest.raises(UnsupportedScheme):
        guard.process_request(Request(url, meta={"portal_id": portal_id} if portal_id else {}))


def test_guard_refuses_a_local_portals_file_to_another_portal(guard, local_portal):
    with pytest.raises(UnsupportedScheme):
        guard.process_request(Request((local_portal / "zwgk" / "page.html").as_uri(), meta={"portal_id": "web"}))


@pytest.mark.parametrize("location, refused", [(b"file:///etc/passwd", True), (b"data:text/html,x", True),
                                               (b"/web/b.html", False), (b"https://portals.test/b", False)])
def test_guard_refuses_redirects_to_anything_but_the_web(guard, location, refused):
    request = Request("http://portals.test/web/a.html", meta={"portal_id": "web"})
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    if refused:
        with pytest.raises(UnsupportedScheme, match="redirect refused"):
            guard.process_response(request, response)
    else:
        assert guard.process_response(request, response) is response


def test_guard_is_the_first_downloader_middleware():
    crawler = project_crawler()
    order = build_component_list(crawler.settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert load_object(order[0]) is SchemeGuardMiddleware


def test_data_ftp_and_s3_have_no_download_handler():
    handlers = project_crawler().settings.getwithbase("DOWNLOAD_HANDLERS")
    assert [handlers.get(s) for s in ("data", "ftp", "s3")] == [None, None, None] and handlers.get("file")


def test_the_demo_portal_is_local_to_its_directory():
    from govreports.registry import load_portals
    from tests.harness import REPO

    demo = next(p for p in load_portals(REPO / "data" / "portals.csv") if p.is_demo)
    assert Path(demo.local_root) == (REPO / "data" / "demo").resolve()
