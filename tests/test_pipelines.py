"""The item pipelines, in process: validation, and SQLite storage of a crawl read from
the spider's crawl ledger (a temporary database, items from the spider's own callbacks
on saved pages)."""

from __future__ import annotations

import asyncio
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
    asyncio.run(pipeline.open_spider())
    return pipeline


def process(pipeline: SQLitePipeline, item):
    return asyncio.run(pipeline.process_item(item))


def close(pipeline: SQLitePipeline, reason: str = "finished") -> None:
    """As the engine does: the pipelines' close_spider, then the spider_closed signal."""
    asyncio.run(pipeline.close_spider())
    asyncio.run(pipeline.spider_closed(reason))


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
    process(pipeline, report_item(spider))
    close(pipeline)
    assert rows(spider, "SELECT status, reports_new FROM crawl_runs") == [("finished", 1)]


def test_report_stored(tmp_path):
    spider = hhg_spider(tmp_path)
    pipeline = open_pipeline(spider)
    process(pipeline, validate(spider, report_item(spider)))
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
    process(pipeline, FetchFailureItem(portal_id=HHG, url=site_url(HHG, "x.html"), reason="HTTP 404",
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
    process(pipeline, report_item(spider))
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
    process(pipeline, GoneItem(portal_id=HHG, url=site_url(HHG, REPORT), reason="HTTP 404"))
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
        asyncio.run(pipeline.open_spider())
        passed = process(pipeline, item)
        close(pipeline)
    assert (passed is item, (tmp_path / "inprocess.db").exists(),
            any("LedgerlessSpider keeps no crawl ledger" in r.getMessage() for r in caplog.records)) == (
        True, False, True)


@pytest.mark.parametrize("reason", ["finished", "shutdown"])
def test_closing_a_pipeline_that_stored_nothing_is_harmless(tmp_path, reason):
    crawler = get_crawler(LedgerlessSpider, project_settings(tmp_path))
    crawler.spider = LedgerlessSpider.from_crawler(crawler)
    pipeline = SQLitePipeline.from_crawler(crawler)
    asyncio.run(pipeline.open_spider())
    close(pipeline, reason)
    assert not (tmp_path / "inprocess.db").exists()


# --- a locked database -------------------------------------------------------------------------
# Short waits: a write waits 0.05 s for the lock, then is tried again every 0.05 s … 0.2 s.
LOCK_SETTINGS = {"GOVREPORTS_BATCH_SIZE": 1, "GOVREPORTS_DB_BUSY_TIMEOUT": 0.05,
                 "GOVREPORTS_DB_LOCK_BACKOFF_BASE": 0.05, "GOVREPORTS_DB_LOCK_BACKOFF_MAX": 0.2}


def hold_lock(spider) -> sqlite3.Connection:
    """Another connection holding the database's write lock until it commits."""
    conn = sqlite3.connect(spider.crawler.settings["GOVREPORTS_DB"], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    return conn


class EngineStandIn:
    """What the pipeline asks of the engine (there is none without a crawl): to close the
    spider, with a reason.  The crawl tests (tests/test_database_lock.py) run the real one."""

    def __init__(self):
        self.close_reasons: list[str] = []

    async def close_spider_async(self, *, reason: str) -> None:
        self.close_reasons.append(reason)


def locked_spider(tmp_path, give_up: float):
    spider = make_spider(tmp_path, [portal_row(HHG, lists=[LIST])], region="遵义市红花岗区",
                         settings={**LOCK_SETTINGS, "GOVREPORTS_DB_LOCK_GIVE_UP": give_up})
    spider.crawler.engine = EngineStandIn()
    return spider


def test_a_batch_waits_out_a_locked_database_and_is_stored(tmp_path):
    spider = locked_spider(tmp_path, give_up=30)
    pipeline = open_pipeline(spider)
    holder = hold_lock(spider)

    async def store_while_locked():
        asyncio.get_running_loop().call_later(0.5, holder.commit)
        await pipeline.process_item(report_item(spider))

    asyncio.run(store_while_locked())
    stats = spider.crawler.stats
    assert (rows(spider, "SELECT count(*) FROM reports"), stats.get_value("govreports/reports_new"),
            stats.get_value("govreports/db_lock_waits", 0) > 1, stats.get_value("govreports/storage_error")) == (
        [(1,)], 1, True, None)
    close(pipeline)


def test_giving_up_on_a_locked_database_counts_only_what_was_stored(tmp_path):
    spider = locked_spider(tmp_path, give_up=0.3)
    pipeline = open_pipeline(spider)
    holder = hold_lock(spider)
    process(pipeline, report_item(spider))
    process(pipeline, FetchFailureItem(portal_id=HHG, url=site_url(HHG, "x.html"), reason="HTTP 404"))
    close(pipeline)  # still locked: the last try fails too
    holder.commit()
    stats = spider.crawler.stats
    assert (rows(spider, "SELECT count(*) FROM reports"), rows(spider, "SELECT count(*) FROM fetch_failures"),
            stats.get_value("govreports/reports_new", 0), stats.get_value("govreports/failures", 0),
            rows(spider, "SELECT status FROM crawl_runs"), spider.crawler.engine.close_reasons) == (
        [(0,)], [(0,)], 0, 0, [("running",)], ["database_unavailable"])
    assert "locked by another process" in stats.get_value("govreports/storage_error")


def test_a_crawl_that_gave_up_on_the_database_marks_nothing_removed(tmp_path):
    crawl_storing_the_report(tmp_path)
    spider = locked_spider(tmp_path, give_up=0.3)
    pipeline = open_pipeline(spider)
    read_list(spider)  # the whole list was read …
    holder = hold_lock(spider)
    process(pipeline, report_item(spider))  # … and its report seen, but not stored: given up
    holder.commit()
    close(pipeline)  # the last try stores it
    assert (rows(spider, "SELECT count(*) FROM reports WHERE removed_at IS NOT NULL"),
            rows(spider, "SELECT status FROM crawl_runs ORDER BY started_at"),
            spider.crawler.stats.get_value("govreports/reports_unchanged")) == (
        [(0,)], [("finished",), ("database_unavailable",)], 1)
