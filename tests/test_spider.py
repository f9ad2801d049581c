"""The portal spider's callbacks, in process, on saved pages (see :mod:`tests.inprocess`).

Requests come from the spider's own request builders (so they carry the meta it sets),
responses carry the bytes of the saved sites; each test looks at what one callback
yields and what it wrote in the crawl ledger.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from govreports.failures import FailureKind, HostUnreachable
from govreports.identity import canonical_url
from govreports.items import DiscoveredColumnItem, FetchFailureItem, GoneItem, ReportItem, SeenItem
from govreports.storage.store import CrawlState, KnownUrl
from tests.inprocess import (
    FIXTURES, REPO, make_spider, of_type, portal_row, run_callback, saved_response, site_file, site_url,
)

MANIFEST = json.loads((REPO / "tests/sites/MANIFEST.json").read_text(encoding="utf-8"))["sites"]
PORTALS = json.loads((REPO / "tests/sites/PORTALS_MANIFEST.json").read_text(encoding="utf-8"))["portals"]

HHG = "guizhou_hhg"
HHG_LIST = "zwgk/xxgkndbg/index.html"
HHG_PAGE_1 = "zwgk/xxgkndbg/index_1.html"
REPORT = "zwgk/xxgkndbg/202401/t20240126_83575412.html"
REPORT_TITLE = "红花岗区人民政府2023年政府信息公开工作年度报告"
LOOKALIKE = "zwgk/xxgkndbg/202403/t20240308_83016672.html"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def hhg_spider(tmp_path, settings=None, **args):
    return make_spider(tmp_path, [portal_row(HHG, lists=[HHG_LIST])], settings=settings,
                       **({"region": "红花岗区"} | args))


@pytest.fixture
def spider(tmp_path):
    return hhg_spider(tmp_path)


def stat(spider, name):
    return spider.crawler.stats.get_value(name, 0)


# --- start ---------------------------------------------------------------------------------
def start_requests(spider) -> list[Request]:
    async def collect():
        return [request async for request in spider.start()]
    return asyncio.run(collect())


def test_start_requests_every_registered_list(spider):
    [request] = start_requests(spider)
    assert (request.url, request.callback, request.meta["column"], request.meta["portal_id"]) == (
        site_url(HHG, HHG_LIST), spider.parse_list, site_url(HHG, HHG_LIST), HHG)


def test_start_walks_from_the_home_page_when_no_list_is_known(tmp_path):
    spider = make_spider(tmp_path, [portal_row("home_only", home="index.html")], region="home_only",
                         settings={"GOVREPORTS_DISCOVERY_MAX_DEPTH": 5})
    [request] = start_requests(spider)
    assert (request.url, request.callback, request.meta["depth_left"], spider.ledger.discovering) == (
        site_url("home_only", "index.html"), spider.parse_home, 5, {"home_only"})


def test_start_url_is_read_by_parse_start(tmp_path):
    url = site_url(HHG, REPORT)
    spider = make_spider(tmp_path, [], start_url=url)
    [request] = start_requests(spider)
    assert (request.url, request.callback) == (url, spider.parse_start)


# --- parse_list -----------------------------------------------------------------------------
def list_request(spider, path=HHG_LIST, site=HHG, column=HHG_LIST):
    """A list page request as the spider makes it, asked for (written in the ledger)."""
    portal = spider.portal_by_id[site]
    request = spider.list_request(portal, site_url(site, path), column=site_url(site, column), platform="auto")
    spider.ask(request)
    return request


def read_list(spider, path=HHG_LIST, site=HHG, column=HHG_LIST, **response):
    request = list_request(spider, path, site, column)
    if "body" in response:
        return run_callback(request, saved_response(request, **response))
    return run_callback(request, saved_response(request, site_file(site, path)))


def manifest_page(site, path):
    return next(p for p in MANIFEST[site]["list_pages"] if p["path"] == path)


def report_paths(site):
    return {r["path"] for r in MANIFEST[site]["reports"]}


def test_list_requests_its_report_links(spider):
    out = read_list(spider)
    requested = {r.url for r in of_type(out, Request) if r.callback == spider.parse_report}
    expected = {site_url(HHG, p) for p in manifest_page(HHG, HHG_LIST)["items"] if p in report_paths(HHG)}
    assert requested == expected


def test_list_report_requests_carry_the_list_title_date_and_column(spider):
    [request] = [r for r in of_type(read_list(spider), Request) if r.url == site_url(HHG, REPORT)]
    assert (request.meta["list_title"], request.meta["list_date"], request.meta["column"]) == (
        REPORT_TITLE, "2024-01-26", site_url(HHG, HHG_LIST))


def test_list_requests_its_next_page_in_the_same_column(spider):
    [request] = [r for r in of_type(read_list(spider), Request) if r.callback == spider.parse_list]
    assert (request.url, request.meta["column"]) == (site_url(HHG, HHG_PAGE_1), site_url(HHG, HHG_LIST))


def test_list_page_is_written_in_the_ledger(spider):
    read_list(spider)
    read_list(spider, HHG_PAGE_1)
    assert [tuple(s) for s in spider.ledger.list_summaries()] == [
        (canonical_url(site_url(HHG, HHG_LIST)), HHG, 2, True, True)]
    assert spider.ledger.complete_portals() == [HHG]


def test_known_report_is_skipped_and_seen(spider):
    url = canonical_url(site_url(HHG, REPORT))
    fetched = datetime.now(timezone.utc).isoformat()
    spider.recrawl_state = CrawlState(known_urls={url: KnownUrl("r1", "", "", fetched)})
    out = read_list(spider)
    assert (url in {canonical_url(r.url) for r in of_type(out, Request)},
            [(s.portal_id, s.url) for s in of_type(out, SeenItem)]) == (False, [(HHG, url)])


def test_known_report_due_for_revalidation_gets_a_conditional_get(spider):
    url = canonical_url(site_url(HHG, REPORT))
    spider.recrawl_state = CrawlState(known_urls={url: KnownUrl("r1", '"abc"', "", "2020-01-01T00:00:00+00:00")})
    [request] = [r for r in of_type(read_list(spider), Request) if canonical_url(r.url) == url]
    assert (request.headers.get("If-None-Match"), request.meta["revalidate"]) == (b'"abc"', True)


def test_known_non_report_is_not_fetched_again(spider):
    spider.recrawl_state = CrawlState(known_non_reports={site_url(HHG, REPORT)})
    out = read_list(spider)
    assert (site_url(HHG, REPORT) in {r.url for r in of_type(out, Request)}, stat(
        spider, f"govreports/portal/{HHG}/known_non_reports")) == (False, 1)


def test_reports_outside_the_date_window_are_not_fetched(tmp_path):
    spider = hhg_spider(tmp_path, since="2025-01-01")
    out = read_list(spider)
    assert ([r for r in of_type(out, Request) if r.callback == spider.parse_report],
            stat(spider, f"govreports/portal/{HHG}/outside_window")) == ([], 1)


def test_list_stopped_early_leaves_its_portal_incomplete(spider):
    column = canonical_url(site_url(HHG, HHG_LIST))
    fetched = datetime.now(timezone.utc).isoformat()
    known = {canonical_url(site_url(HHG, p)): KnownUrl("r", "", "", fetched) for p in report_paths(HHG)}
    spider.recrawl_state = CrawlState(known_urls=known, complete_lists={column})
    first = read_list(spider)  # only known reports: one page of grace …
    second = read_list(spider)  # … then it stops
    next_pages = [[r for r in of_type(out, Request) if r.callback == spider.parse_list] for out in (first, second)]
    assert ([len(n) for n in next_pages], spider.ledger.progress(column).stopped, spider.ledger.complete_portals()) \
        == ([1, 0], "only known reports", [])


def test_list_paging_cut_short_by_the_page_guard(tmp_path):
    spider = hhg_spider(tmp_path, settings={"GOVREPORTS_MAX_LIST_PAGES": 1})
    out = read_list(spider)
    [failure] = of_type(out, FetchFailureItem)
    assert ([r for r in of_type(out, Request) if r.callback == spider.parse_list],
            spider.ledger.list_summaries()[0].complete, spider.ledger.complete_portals()) == ([], False, [])
    assert (failure.kind, failure.url, "1 pages read (GOVREPORTS_MAX_LIST_PAGES)" in failure.reason) == (
        FailureKind.PAGING_LIMIT, site_url(HHG, HHG_LIST), True)


def test_the_last_page_of_a_list_is_no_cut_at_the_page_limit(tmp_path):
    spider = hhg_spider(tmp_path, settings={"GOVREPORTS_MAX_LIST_PAGES": 2})
    read_list(spider)
    out = read_list(spider, HHG_PAGE_1)
    assert (of_type(out, FetchFailureItem), spider.ledger.complete_portals()) == ([], [HHG])


# --- caps and runaway paginators (govreports.paging) -------------------------------------------
def generated_list(numbers, page: int = 0, pages: int = 100_000) -> bytes:
    """A TRS list page listing reports ``numbers`` whose paging script claims ``pages`` pages."""
    items = "".join(f'<li><a href="t{n:05d}.html">汇川区第{n}部门2019年政府信息公开工作年度报告</a>'
                    f'<span>2020-03-01</span></li>' for n in numbers)
    return (f'<html><head><meta charset="utf-8"></head><body><ul>{items}</ul>'
            f'<script>createPageHTML({pages}, {page}, "index", "html");</script></body></html>').encode()


def read_generated(spider, page: int, numbers, pages: int = 100_000):
    path = "zwgk/xxgkndbg/index.html" if page == 0 else f"zwgk/xxgkndbg/index_{page}.html"
    return read_list(spider, path, body=generated_list(numbers, page, pages), headers={"Content-Type": "text/html"})


def report_requests(spider, out):
    return [r for r in of_type(out, Request) if r.callback == spider.parse_report]


def next_pages(spider, out):
    return [r for r in of_type(out, Request) if r.callback == spider.parse_list]


def test_list_page_with_more_report_links_than_the_cap_follows_the_first_and_records_it(tmp_path):
    spider = hhg_spider(tmp_path, settings={"GOVREPORTS_MAX_LINKS_PER_LIST_PAGE": 10})
    out = read_generated(spider, 0, range(30), pages=1)
    [failure] = of_type(out, FetchFailureItem)
    assert (len(report_requests(spider, out)), failure.kind, failure.url, spider.ledger.complete_portals()) == (
        10, FailureKind.LINK_CAP, site_url(HHG, HHG_LIST), [])
    assert "30 report links: followed the first 10" in failure.reason


def test_portal_with_more_report_links_than_the_cap_stops_and_records_it_once(tmp_path):
    spider = hhg_spider(tmp_path, settings={"GOVREPORTS_MAX_LINKS_PER_PORTAL": 15})
    first = read_generated(spider, 0, range(10))
    second = read_generated(spider, 1, range(10, 20))
    third = read_generated(spider, 2, range(20, 30))
    failures = of_type(first + second + third, FetchFailureItem)
    assert ([len(report_requests(spider, out)) for out in (first, second, third)],
            [len(next_pages(spider, out)) for out in (first, second, third)],
            [f.kind for f in failures], spider.ledger.complete_portals()) == (
        [10, 5, 0], [1, 0, 0], [FailureKind.PORTAL_LINK_CAP], [])


def test_pages_repeating_the_same_items_stop_paging_and_are_recorded(tmp_path):
    spider = hhg_spider(tmp_path, settings={"GOVREPORTS_RUNAWAY_PAGES": 3})
    outs = [read_generated(spider, n, range(5)) for n in range(4)]
    [failure] = of_type(outs[-1], FetchFailureItem)
    assert ([len(next_pages(spider, out)) for out in outs], failure.kind, spider.ledger.complete_portals()) == (
        [1, 1, 1, 0], FailureKind.RUNAWAY_PAGING, [])
    assert "3 pages in a row brought no new link" in failure.reason


def test_a_long_list_bringing_new_items_is_read_on(tmp_path):
    spider = hhg_spider(tmp_path, settings={"GOVREPORTS_RUNAWAY_PAGES": 3})
    outs = [read_generated(spider, n, [n]) for n in range(20)]
    assert ([len(next_pages(spider, out)) for out in outs], of_type(sum(outs, []), FetchFailureItem)) == (
        [1] * 20, [])


def test_a_paginator_leading_back_to_a_page_read_is_not_followed_again(tmp_path):
    spider = hhg_spider(tmp_path)
    read_generated(spider, 0, [0], pages=2)
    # The second page says it is the first one of two: its next page is page 1, itself.
    out = read_list(spider, "zwgk/xxgkndbg/index_1.html", body=generated_list([1], page=0, pages=2),
                    headers={"Content-Type": "text/html"})
    assert (next_pages(spider, out), spider.ledger.complete_portals()) == ([], [HHG])


def test_list_page_that_is_not_text_is_a_recorded_failure(spider):
    # Scrapy picks the response class from the URL too: an image is an image URL.
    [failure] = read_list(spider, "zwgk/xxgkndbg/banner.png", body=PNG, headers={"Content-Type": "image/png"})
    assert (failure.kind, failure.reason, failure.url) == (
        FailureKind.LIST_NOT_TEXT, "list page is not text", site_url(HHG, "zwgk/xxgkndbg/banner.png"))


def test_javascript_list_is_requested_again_through_the_browser(tmp_path):
    spider = make_spider(tmp_path, [portal_row("js_list", lists=["zwgk/xxgknb/index.html"])], region="js_list")
    [request] = read_list(spider, "zwgk/xxgknb/index.html", "js_list", "zwgk/xxgknb/index.html")
    assert (request.url, request.meta.get("playwright"), request.dont_filter) == (
        site_url("js_list", "zwgk/xxgknb/index.html"), True, True)


def test_department_and_town_sub_columns_are_lists_of_their_own(tmp_path):
    column = "zwgk/xxgknb/index.html"
    spider = make_spider(tmp_path, [portal_row("depts_towns", lists=[column])], region="depts_towns")
    out = read_list(spider, column, "depts_towns", column)
    sublists = {r.url for r in of_type(out, Request)
                if r.callback == spider.parse_list and r.meta["column"] == r.url}
    bodies = {site_url("depts_towns", p) for p in PORTALS["depts_towns"]["list_pages"]
              if p.endswith("/index.html") and p != column}
    not_reports = {site_url("depts_towns", p) for p in ("zwgk/xxgkzn/index.html", "zwgk/xxgkzd/index.html")}
    assert (bodies <= sublists, sublists & not_reports) == (True, set())


# --- parse_report: one test per verdict ------------------------------------------------------
def report_request(spider, path=REPORT, title=REPORT_TITLE, date="2024-01-26"):
    portal = spider.portal_by_id[HHG]
    return spider.report_request(portal, site_url(HHG, path), column=site_url(HHG, HHG_LIST), title=title, date=date)


def read_report(spider, path=REPORT, file=None, title=REPORT_TITLE, **response):
    request = report_request(spider, path, title)
    return run_callback(request, saved_response(request, file or site_file(HHG, path), **response))


VALIDATORS = {"ETag": '"v1"', "Last-Modified": "Fri, 26 Jan 2024 08:00:00 GMT", "Content-Type": "text/html"}


@pytest.fixture
def report_item(spider):
    [item] = read_report(spider, headers=VALIDATORS)
    return item


@pytest.mark.parametrize("field, expected", [
    ("portal_id", HHG),
    ("region_code", "520302"),
    ("region_name", "红花岗区"),
    ("url", site_url(HHG, REPORT)),
    ("list_url", site_url(HHG, HHG_LIST)),
    ("source_format", "html"),
    ("list_title", REPORT_TITLE),
    ("list_date", "2024-01-26"),
    ("etag", '"v1"'),
    ("last_modified", "Fri, 26 Jan 2024 08:00:00 GMT"),
    ("attachment_bodies", {}),
])
def test_report_item_field(report_item, field, expected):
    assert getattr(report_item, field) == expected


def test_report_item_hashes_the_fetched_bytes(report_item):
    import hashlib
    assert report_item.sha256 == hashlib.sha256(site_file(HHG, REPORT).read_bytes()).hexdigest()


def test_report_item_carries_the_parsed_page(report_item):
    parsed = report_item.parsed
    assert (parsed.title, parsed.report_year, parsed.index_no) == (REPORT_TITLE, 2023, "000014349/2024-00110")


def test_report_is_counted_and_written_in_the_ledger(spider, report_item):
    assert (stat(spider, f"govreports/portal/{HHG}/reports"), spider.ledger.portal_reports[HHG]) == (1, 1)


def test_report_file_is_a_report_with_its_bytes(spider):
    pdf = FIXTURES / "attachments/split-table.pdf"
    [item] = read_report(spider, "zwgk/xxgkndbg/2023.pdf", file=pdf)
    assert (type(item), item.source_format, item.parsed.title, item.parsed.report_year,
            item.attachment_bodies == {item.url: pdf.read_bytes()}) == (ReportItem, "pdf", REPORT_TITLE, 2023, True)


def non_report(spider, **kwargs) -> FetchFailureItem:
    [failure] = read_report(spider, **kwargs)
    assert stat(spider, "govreports/non_reports") == 1
    return failure


def test_file_listed_under_another_title_is_not_a_report(spider):
    failure = non_report(spider, path="zwgk/xxgkndbg/plan.pdf", file=FIXTURES / "attachments/split-table.pdf",
                         title="红花岗区2024年政务公开工作要点")
    assert (failure.kind, failure.reason) == (
        FailureKind.NOT_A_REPORT, "not a report: a file listed as '红花岗区2024年政务公开工作要点'")


def test_lookalike_page_is_not_a_report(spider):
    failure = non_report(spider, path=LOOKALIKE)
    assert (failure.kind, failure.reason, failure.http_status, failure.portal_id) == (
        FailureKind.NOT_A_REPORT, "not a report: 红花岗区2024年政务公开工作要点", 200, HHG)


def test_response_neither_page_nor_document_is_not_a_document(spider):
    failure = non_report(spider, path="zwgk/xxgkndbg/202401/seal.png", body=PNG, headers={"Content-Type": "image/png"})
    assert (failure.kind, failure.reason) == (
        FailureKind.NOT_A_DOCUMENT, "not a report: not a page or document (image/png)")


def test_empty_page_is_recorded(spider):
    failure = non_report(spider, body=b"", headers={"Content-Type": "text/html"})
    assert (failure.kind, failure.reason) == (FailureKind.EMPTY_PAGE, "empty page")


def test_deleted_page_is_recorded(spider):
    deleted = site_file("trs_multi", "xxgk/zfxxgknb/202101/t20210129_0987654.html")
    failure = non_report(spider, path="zwgk/xxgkndbg/202101/t20210129_1.html", file=deleted)
    assert (failure.kind, failure.reason) == (
        FailureKind.DELETED_PAGE, f"not a report: deleted page (meta refresh to {site_url(HHG, 'zwgk/xxgkndbg/')})")


def test_meta_refresh_is_followed_with_the_same_meta(spider):
    [request] = read_report(spider, file=FIXTURES / "spider/moved.html")
    assert (request.url, request.callback, request.meta["list_title"], request.meta["column"]) == (
        "http://portals.test/art/2024/1/26/art_1229012345_58812345.html", spider.parse_report, REPORT_TITLE,
        site_url(HHG, HHG_LIST))


def test_javascript_detail_page_is_requested_again_through_the_browser(spider):
    [request] = read_report(spider, file=site_file("js_list", "zwgk/xxgknb/content/post_0901234.html"))
    assert (request.url, request.meta.get("playwright"), request.dont_filter, request.meta["list_title"]) == (
        site_url(HHG, REPORT), True, True, REPORT_TITLE)


def revalidate(spider, status, body=b"", file=None):
    portal = spider.portal_by_id[HHG]
    known = KnownUrl("r1", '"v1"', "", "2020-01-01T00:00:00+00:00")
    request = spider.revalidation_request(portal, site_url(HHG, REPORT), known, column=site_url(HHG, HHG_LIST))
    response = saved_response(request, file, body=None if file else body, status=status,
                              headers={"ETag": '"v1"', "Content-Type": "text/html"})
    return run_callback(request, response)


def test_revalidated_page_not_modified_is_seen(spider):
    [seen] = revalidate(spider, 304)
    assert (type(seen), seen.url, seen.revalidated, seen.etag, stat(spider, "govreports/not_modified")) == (
        SeenItem, canonical_url(site_url(HHG, REPORT)), True, '"v1"', 1)


def test_revalidated_page_that_404s_is_gone(spider):
    [gone] = revalidate(spider, 404, "<h1>404 页面不存在</h1>".encode())
    assert (type(gone), gone.url, gone.reason) == (GoneItem, canonical_url(site_url(HHG, REPORT)), "HTTP 404")


def test_revalidated_page_now_deleted_is_gone(spider):
    [gone] = revalidate(spider, 200, file=site_file("trs_multi", "xxgk/zfxxgknb/202101/t20210129_0987654.html"))
    assert (type(gone), gone.reason) == (GoneItem, "deleted page")


def test_revalidated_page_that_changed_is_read_again(spider):
    [item] = revalidate(spider, 200, file=site_file(HHG, REPORT))
    assert (type(item), item.parsed.title) == (ReportItem, REPORT_TITLE)


# --- parse_start ------------------------------------------------------------------------------
def test_start_url_that_is_a_report_is_stored(tmp_path):
    url = site_url(HHG, REPORT)
    spider = make_spider(tmp_path, [], start_url=url)
    [request] = start_requests(spider)
    [item] = run_callback(request, saved_response(request, site_file(HHG, REPORT)))
    assert (type(item), item.url, item.parsed.title, item.portal_id) == (
        ReportItem, url, REPORT_TITLE, "adhoc:portals.test")


def test_start_url_that_is_a_list_is_read_as_a_list(tmp_path):
    spider = make_spider(tmp_path, [], start_url=site_url(HHG, HHG_LIST))
    [request] = start_requests(spider)
    out = run_callback(request, saved_response(request, site_file(HHG, HHG_LIST)))
    assert site_url(HHG, REPORT) in {r.url for r in of_type(out, Request) if r.callback == spider.parse_report}


# --- parse_home: discovery ------------------------------------------------------------------------
HOME = "home_only"


def home_spider(tmp_path, **settings):
    return make_spider(tmp_path, [portal_row(HOME, home="index.html")], region=HOME, settings=settings)


def read_home(spider, path, depth_left=3):
    portal = spider.portal_by_id[HOME]
    request = Request(site_url(HOME, path), callback=spider.parse_home, errback=spider.on_error,
                      meta=spider._meta(portal, depth_left=depth_left))
    return run_callback(request, saved_response(request, site_file(HOME, path)))


def test_home_page_leads_to_its_hubs(tmp_path):
    spider = home_spider(tmp_path)
    out = read_home(spider, "index.html")
    hubs = [r for r in of_type(out, Request) if r.callback == spider.parse_home]
    assert (site_url(HOME, "zwgk/index.html") in {r.url for r in hubs}, {r.meta["depth_left"] for r in hubs}) == (
        True, {2})


def test_discovery_spends_one_request_per_page_and_per_hub(tmp_path):
    spider = home_spider(tmp_path)
    hubs = [r for r in of_type(read_home(spider, "index.html"), Request) if r.callback == spider.parse_home]
    assert spider.ledger.discovery_spent[HOME] == 1 + len(hubs)


def test_discovery_stops_at_its_budget(tmp_path):
    spider = home_spider(tmp_path, GOVREPORTS_DISCOVERY_BUDGET=3)
    hubs = [r for r in of_type(read_home(spider, "index.html"), Request) if r.callback == spider.parse_home]
    assert (len(hubs), spider.ledger.discovery_spent[HOME]) == (2, 3)


def test_discovery_goes_no_deeper_than_its_depth(tmp_path):
    spider = home_spider(tmp_path)
    assert [r for r in of_type(read_home(spider, "index.html", depth_left=1), Request)
            if r.callback == spider.parse_home] == []


def test_report_column_found_is_remembered_and_read(tmp_path):
    spider = home_spider(tmp_path)
    out = read_home(spider, "zwgk/zfxxgk/index.html")
    column = site_url(HOME, PORTALS[HOME]["report_column"])
    remembered = [(i.portal_id, i.list_url) for i in of_type(out, DiscoveredColumnItem)]
    lists = [r.url for r in of_type(out, Request) if r.callback == spider.parse_list]
    assert (remembered, lists) == ([(HOME, column)], [column])


def test_discovery_that_found_nothing_fails_at_the_end(tmp_path):
    spider = home_spider(tmp_path)
    start_requests(spider)
    read_home(spider, "index.html", depth_left=1)
    [failure] = spider.ledger.closing_failures()
    assert (failure.url, failure.kind) == (site_url(HOME, "index.html"), FailureKind.DISCOVERY)


# --- on_error ---------------------------------------------------------------------------------------
def fail(spider, request, status=503, retries=3):
    request.meta["retry_times"] = retries
    response = saved_response(request, body=b"<html>503</html>", status=status, headers={"Content-Type": "text/html"})
    try:
        raise HttpError(response, "Ignoring non-200 response")
    except HttpError:
        failure = Failure()
    failure.request = request
    return list(spider.on_error(failure))


def test_failed_request_is_a_recorded_failure_with_its_kind(spider):
    [failure] = fail(spider, report_request(spider))
    assert (failure.url, failure.kind, failure.reason, failure.http_status, failure.attempts, failure.portal_id) == (
        site_url(HHG, REPORT), FailureKind.HTTP_ERROR, "HTTP 503", 503, 4, HHG)


def test_failed_report_page_leaves_the_portal_complete(spider):
    read_list(spider)
    read_list(spider, HHG_PAGE_1)
    fail(spider, report_request(spider))
    assert spider.ledger.complete_portals() == [HHG]


def test_failed_list_page_leaves_its_list_and_portal_incomplete(spider):
    read_list(spider)
    fail(spider, list_request(spider, HHG_PAGE_1))
    assert (spider.ledger.list_summaries()[0].complete, spider.ledger.complete_portals()) == (False, [])


def test_failure_of_a_request_of_no_portal_is_not_recorded(spider):
    assert fail(spider, Request("http://elsewhere.test/x.html")) == []


# --- report titles without a year -------------------------------------------------------------
YEARLESS_COLUMN = "zwgk/xxgkndbg/yaljd/index.html"
YEARLESS_LIST = FIXTURES / "spider/yearless_list.html"
YEARLESS_REPORTS = {  # the list's reports; the rest are look-alikes and the column's own name
    "zwgk/xxgkndbg/yaljd/202401/t20240129_90000001.html",  # …街道办事处政府信息公开工作年度报告
    "zwgk/xxgkndbg/yaljd/202301/t20230130_90000004.html",  # …2022年政府信息公开工作年度报告
    "zwgk/xxgkndbg/yaljd/202101/t20210120_90000009.html",  # …街道办事处政府信息公开年报
}


def requested_reports(spider, out) -> set[str]:
    return {r.url for r in of_type(out, Request) if r.callback == spider.parse_report}


def test_report_column_follows_report_titles_without_a_year(spider):
    out = read_list(spider, YEARLESS_COLUMN, column=YEARLESS_COLUMN, body=YEARLESS_LIST.read_bytes(),
                    headers={"Content-Type": "text/html"})
    assert requested_reports(spider, out) == {site_url(HHG, p) for p in YEARLESS_REPORTS}


def test_yearless_report_request_says_it_came_from_a_report_column(spider):
    out = read_list(spider, YEARLESS_COLUMN, column=YEARLESS_COLUMN, body=YEARLESS_LIST.read_bytes(),
                    headers={"Content-Type": "text/html"})
    [request] = [r for r in of_type(out, Request) if r.url.endswith("t20240129_90000001.html")]
    assert (request.meta["list_title"], request.meta["report_column"]) == ("延安路街道办事处政府信息公开工作年度报告", True)


def adhoc_list(tmp_path, page: bytes):
    url = site_url(HHG, YEARLESS_COLUMN)
    spider = make_spider(tmp_path, [], start_url=url)
    portal = spider.portal_by_id[f"adhoc:{spider.portals[0].portal_name}"]
    request = spider.list_request(portal, url, column=url, platform="auto")
    return spider, run_callback(request, saved_response(request, body=page, headers={"Content-Type": "text/html"}))


def test_adhoc_list_is_a_report_column_when_it_says_so(tmp_path):
    spider, out = adhoc_list(tmp_path, YEARLESS_LIST.read_bytes())
    assert requested_reports(spider, out) == {site_url(HHG, p) for p in YEARLESS_REPORTS}


def test_adhoc_list_of_other_documents_does_not_follow_yearless_titles(tmp_path):
    # A column named for something else, listing no report for a year: a yearless
    # "…年度报告" there is not taken on its title.
    page = YEARLESS_LIST.read_text(encoding="utf-8")
    page = page.replace("_政府信息公开年报_", "_通知公告_").replace("2022年政府信息公开工作年度报告", "2022年工作总结")
    spider, out = adhoc_list(tmp_path, page.encode("utf-8"))
    assert requested_reports(spider, out) == set()


def test_yearless_report_page_takes_its_year_from_the_page(spider):
    path = "zwgk/xxgkndbg/yaljd/202401/t20240129_90000001.html"
    [item] = read_report(spider, path, file=FIXTURES / "spider/yearless_report.html",
                         title="延安路街道办事处政府信息公开工作年度报告")
    assert (type(item), item.parsed.title, item.parsed.report_year, item.parsed.publisher) == (
        ReportItem, "延安路街道办事处政府信息公开工作年度报告", 2023, "延安路街道办事处")


def test_yearless_report_file_from_a_report_column_is_a_report(spider):
    pdf = FIXTURES / "attachments/split-table.pdf"
    portal = spider.portal_by_id[HHG]
    request = spider.report_request(portal, site_url(HHG, "zwgk/xxgkndbg/yaljd/report.pdf"),
                                    column=site_url(HHG, YEARLESS_COLUMN),
                                    title="延安路街道办事处政府信息公开工作年度报告", report_column=True)
    [item] = run_callback(request, saved_response(request, pdf))
    assert (type(item), item.source_format, item.parsed.title) == (
        ReportItem, "pdf", "延安路街道办事处政府信息公开工作年度报告")


def raise_in_failure(request, error):
    try:
        raise error
    except type(error):
        failure = Failure()
    failure.request = request
    return failure


def test_known_report_whose_page_failed_is_still_seen(spider):
    # It was listed: a timeout says nothing of whether it is gone.
    url = canonical_url(site_url(HHG, REPORT))
    spider.recrawl_state = CrawlState(known_urls={url: KnownUrl("r1", "", "", "2020-01-01T00:00:00+00:00")})
    out = fail(spider, report_request(spider))
    assert ([(s.portal_id, s.url) for s in of_type(out, SeenItem)], len(of_type(out, FetchFailureItem))) == (
        [(HHG, url)], 1)


def test_known_report_whose_page_is_not_found_is_not_seen(spider):
    url = canonical_url(site_url(HHG, REPORT))
    spider.recrawl_state = CrawlState(known_urls={url: KnownUrl("r1", "", "", "2020-01-01T00:00:00+00:00")})
    assert of_type(fail(spider, report_request(spider), status=404), SeenItem) == []


def test_unreachable_host_is_recorded_once_and_leaves_its_lists_unread(spider):
    first = list_request(spider)
    second = list_request(spider, HHG_PAGE_1)
    outs = [list(spider.on_error(raise_in_failure(request, HostUnreachable("portals.test", "DNS lookup failed"))))
            for request in (first, second)]
    assert ([len(out) for out in outs], outs[0][0].kind, spider.ledger.unreachable_hosts(),
            spider.ledger.complete_portals()) == ([1, 0], FailureKind.UNREACHABLE, {"portals.test": "DNS lookup failed"},
                                                  [])
    assert outs[0][0].reason == "host portals.test unreachable: DNS lookup failed"


def test_list_page_an_earlier_run_asked_for_leaves_the_list_unread(spider):
    # A resumed job: its first page was read before the pause; this run reads a page
    # left in the job's queue, which it never asked for itself.
    portal = spider.portal_by_id[HHG]
    request = spider.list_request(portal, site_url(HHG, HHG_PAGE_1), column=site_url(HHG, HHG_LIST), platform="auto")
    run_callback(request, saved_response(request, site_file(HHG, HHG_PAGE_1)))
    assert (spider.ledger.list_summaries()[0].complete, spider.ledger.complete_portals()) == (None, [])
