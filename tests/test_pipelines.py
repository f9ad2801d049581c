"""The item pipelines, in process: validation, and SQLite storage of a crawl read from
the spider's crawl ledger (a temporary database, items from the spider's own callbacks
on saved pages)."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest
import scrapy
from scrapy.utils.test import get_crawler

from govreports.failures import FailureKind
from govreports.items import FetchFailureItem, GoneItem, ReportItem, SeenItem
from govreports.pipelines import SQLitePipeline, ValidateReportPipeline
from tests.inprocess import make_spider, portal_row, project_settings, run_callback, saved_response, site_file, \
    site_url

HHG = "guizhou_hhg"
LIST = "zwgk/xxgkndbg/index.html"
REPORT = "zwgk/xxgkndbg/202401/t20240126_83575412.html"
REPORT_TITLE = "红花岗区人民政府2023年政府信息公开工作年度报告"


def hhg_spider(tmp_path, **args):
    rows = [portal_row(HHG, lists=[LIST]), portal_row("home_only", home="index.html")]
    return make_spider(tmp_path, rows, **({"region": "遵义市红花岗区"} | args))


def open_pipeline(spider) -> SQLitePipeline:
    pipeline = SQLitePipeline.from_crawler(spider.crawler)
    pipeline.open_spider()
    return pipeline


def close(pipeline: SQLitePipeline, reason: str = "finished") -> None:
    """As the engine does: the pipelines' close_spider, then the spider_closed signal."""
    pipeline.close_spider()
    pipeline.spider_closed(reason)


def rows(spider, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(spider.crawler.settings["GOVREPORTS_DB"]) as conn:
        return conn.execute(sql, params).fetchall()


def read_list(spider) -> list:
    """What the spider yields reading the whole list: its first page, then every list
    page it asks for (the saved site's pages)."""
    portal = spider.portal_by_id[HHG]
    request = spider.list_request(portal, site_url(HHG, LIST), column=site_url(HHG, LIST), platform="auto")
    spider.ask(request)
    out, queue = [], [request]
    while queue:
        request = queue.pop(0)
        produced = run_callback(request, saved_response(request, site_file(HHG, request.url[len(site_url(HHG)):])))
        out += produced
        queue += [r for r in produced if isinstance(r, scrapy.Request) and r.callback == spider.parse_list]
    return out


def report_item(spider) -> ReportItem:
    portal = spider.portal_by_id[HHG]
    request = spider.report_request(portal, site_url(HHG, REPORT), column=site_url(HHG, LIST), title=REPORT_TITLE,
                                    date="2024-01-26")
    [item] = run_callback(request, saved_response(request, site_file(HHG, REPORT)))
    return item


def validate(spider, item):
    return ValidateReportPipeline.from_crawler(spider.crawler).process_item(item)


# --- ValidateReportPipeline ---------------------------------------------------------------
def test_a_valid_report_passes_validation_unchanged(tmp_path):
    spider = hhg_spider(tmp_path)
    item = report_item(spider)
    assert validate(spider, item) is item


def test_an_invalid_report_becomes_a_failure_of_its_kind(tmp_path):
    spider = hhg_spider(tmp_path)
    item = report_item(spider)
    item.parsed.report_year = 1999
    failure = validate(spider, item)
    assert (type(failure), failure.url, failure.portal_id, failure.kind, failure.reason) == (
        FetchFailureItem, site_url(HHG, REPORT), HHG, FailureKind.INVALID_REPORT,
        "invalid report: reporting year 1999 out of range")


def test_other_items_pass_validation_unchanged(tmp_path):
    spider = hhg_spider(tmp_path)
    seen = SeenItem(portal_id=HHG, url=site_url(HHG, REPORT))
    assert validate(spider, seen) is seen


# --- SQLitePipeline: the run ---------------------------------------------------------------------
def test_run_records_the_ledgers_region_arguments_and_portals(tmp_path):
    spider = hhg_spider(tmp_path, full="1")
    pipeline = open_pipeline(spider)
    [(region, args, portals, status)] = rows(spider, "SELECT region, args, portals, status FROM crawl_runs")
    stored_portals = {r[0] for r in rows(spider, "SELECT portal_id FROM portals")}
    assert (region, json.loads(args)["full"], portals, status, stored_portals) == (
        "遵义市红花岗区", True, 2, "running", {HHG, "home_only"})
    close(pipeline)


def test_run_finished_with_its_counts(tmp_path):
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    pipeline.process_item(report_item(spider))
    close(pipeline)
    assert rows(spider, "SELECT status, reports_new FROM crawl_runs") == [("finished", 1)]


def test_report_stored(tmp_path):
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    pipeline.process_item(validate(spider, report_item(spider)))
    close(pipeline)
    assert rows(spider, "SELECT title, report_year, portal_id FROM reports") == [(REPORT_TITLE, 2023, HHG)]


# --- failures ------------------------------------------------------------------------------------
class RecordedFailures:
    """Keeps the failure rows the pipeline hands to the store (and hands them on)."""

    def __init__(self, store):
        self.rows: list[dict] = []
        self.record = store.record_failures

    def __call__(self, failures):
        self.rows += failures
        return self.record(failures)


def test_failure_stored_with_its_reason_and_handed_over_with_its_kind(tmp_path):
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    pipeline.store.record_failures = recorded = RecordedFailures(pipeline.store)
    pipeline.process_item(FetchFailureItem(portal_id=HHG, url=site_url(HHG, "x.html"), reason="HTTP 404",
                                           http_status=404, attempts=2, kind=FailureKind.HTTP_ERROR))
    close(pipeline)
    assert (rows(spider, "SELECT url, reason, http_status, attempts, portal_id FROM fetch_failures"),
            [r["kind"] for r in recorded.rows]) == (
        [(site_url(HHG, "x.html"), "HTTP 404", 404, 2, HHG)], ["http_error"])


def test_discovery_that_found_nothing_is_recorded_at_the_end(tmp_path):
    spider = hhg_spider(tmp_path)
    spider.ledger.discovery_started("home_only")
    spider.ledger.discovery_step("home_only")
    pipeline = open_pipeline(spider)
    close(pipeline)
    assert rows(spider, "SELECT portal_id, url, reason FROM fetch_failures") == [(
        "home_only", site_url("home_only", "index.html"),
        "discovery found no report column within 1 requests; set list_urls in the registry")]


# --- lists and removed reports ------------------------------------------------------------------
def test_lists_read_are_recorded_with_their_pages_and_completeness(tmp_path):
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    read_list(spider)
    close(pipeline)
    assert rows(spider, "SELECT portal_id, last_pages, complete FROM list_state") == [(HHG, 2, 1)]


def crawl_storing_the_report(tmp_path):
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    read_list(spider)
    pipeline.process_item(report_item(spider))
    close(pipeline)


def test_report_no_complete_list_shows_any_more_is_marked_removed(tmp_path):
    crawl_storing_the_report(tmp_path)
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    read_list(spider)  # the list no longer leads to the report: nothing of it is seen
    close(pipeline)
    assert rows(spider, "SELECT count(*) FROM reports WHERE removed_at IS NOT NULL") == [(1,)]


def test_report_is_not_marked_removed_after_an_interrupted_crawl(tmp_path):
    crawl_storing_the_report(tmp_path)
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    read_list(spider)
    close(pipeline, "shutdown")
    assert rows(spider, "SELECT count(*) FROM reports WHERE removed_at IS NOT NULL") == [(0,)]


def test_report_is_not_marked_removed_when_its_portal_was_not_read_to_the_end(tmp_path):
    crawl_storing_the_report(tmp_path)
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    read_list(spider)
    spider.ledger.list_request_failed(HHG, site_url(HHG, "zwgk/xxgkndbg/index_1.html"))
    close(pipeline)
    assert rows(spider, "SELECT count(*) FROM reports WHERE removed_at IS NOT NULL") == [(0,)]


def test_gone_report_is_marked_removed(tmp_path):
    crawl_storing_the_report(tmp_path)
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    pipeline.process_item(GoneItem(portal_id=HHG, url=site_url(HHG, REPORT), reason="HTTP 404"))
    close(pipeline, "shutdown")
    assert (rows(spider, "SELECT count(*) FROM reports WHERE removed_at IS NOT NULL"),
            spider.crawler.stats.get_value("govreports/reports_gone")) == ([(1,)], 1)


# --- a spider without a ledger ---------------------------------------------------------------------
class LedgerlessSpider(scrapy.Spider):
    name = "ledgerless"


def test_a_spider_without_a_ledger_is_said_to_store_nothing(tmp_path, caplog):
    crawler = get_crawler(LedgerlessSpider, project_settings(tmp_path))
    crawler.stats.open_spider()
    crawler.spider = LedgerlessSpider.from_crawler(crawler)
    pipeline = SQLitePipeline.from_crawler(crawler)
    item = FetchFailureItem(portal_id="p", url="http://a.gov.cn/", reason="HTTP 404")
    with caplog.at_level(logging.WARNING, logger="govreports.pipelines"):
        pipeline.open_spider()
        passed = pipeline.process_item(item)
        close(pipeline)
    assert (passed is item, (tmp_path / "inprocess.db").exists(),
            any("LedgerlessSpider keeps no crawl ledger" in r.getMessage() for r in caplog.records)) == (
        True, False, True)


@pytest.mark.parametrize("reason", ["finished", "shutdown"])
def test_closing_a_pipeline_that_stored_nothing_is_harmless(tmp_path, reason):
    crawler = get_crawler(LedgerlessSpider, project_settings(tmp_path))
    crawler.spider = LedgerlessSpider.from_crawler(crawler)
    pipeline = SQLitePipeline.from_crawler(crawler)
    pipeline.open_spider()
    close(pipeline, reason)
    assert not (tmp_path / "inprocess.db").exists()
