"""The crawl's other components, in process: the end-of-crawl summary extension (with
the SQLite pipeline it follows) and the attachment pipeline, built by ``from_crawler``
from the project's settings."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import sqlite3

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured

from govreports.attachment_pipeline import AttachmentPipeline
from govreports.extensions import CrawlSummary, GarbageCollection
from govreports.failures import FailureKind
from govreports.items import FetchFailureItem, ReportItem
from govreports.parsing.model import Link, ParsedReport
from govreports.pipelines import SQLitePipeline
from tests.conftest import project_crawler
from tests.harness import REPO
from tests.inprocess import make_spider, portal_row

STATISTICS_XLSX = REPO / "tests" / "fixtures" / "attachments" / "statistics.xlsx"


# --- the end-of-crawl summary ------------------------------------------------------------
def recorded_crawl(capsys, tmp_path, items=(), reason="finished") -> str:
    """What the summary prints when a crawl of a portal whose home page led nowhere
    (a failure only known when the crawl closes) is recorded by the SQLite pipeline."""
    spider = make_spider(tmp_path, [portal_row("home_only", home="index.html")], region="home_only")
    spider.ledger.discovery_started("home_only")
    crawler = spider.crawler
    CrawlSummary.from_crawler(crawler)  # connected first, as Scrapy builds extensions before pipelines
    pipeline = SQLitePipeline.from_crawler(crawler)

    async def crawl():  # as Scrapy drives the pipeline: open, items, close, spider_closed
        await pipeline.open_spider()
        for item in items:
            await pipeline.process_item(item)
        await pipeline.close_spider()
        await pipeline.spider_closed(reason)

    asyncio.run(crawl())
    return capsys.readouterr().out


def test_summary_is_printed_after_the_pipeline_recorded_everything(capsys, tmp_path):
    failure = FetchFailureItem(portal_id="home_only", url="http://portals.test/home_only/x.html", reason="HTTP 404",
                               kind=FailureKind.HTTP_ERROR)
    out = recorded_crawl(capsys, tmp_path, [failure])
    # the 404 and the closing failure (discovery found no column) are both counted
    assert out.splitlines() == [
        "govreports: crawl finished: 0 new, 0 updated, 0 unchanged reports; 0 known and skipped, "
        "0 not modified, 0 gone; 2 failures",
        "  home_only: list pages: 0, report pages: 0, reports: 0, known skipped: 0, not modified: 0, "
        "non reports: 0, failures: 2, requests: 0",
        f"  database: {tmp_path / 'inprocess.db'}",
    ]


def test_summary_numbers_are_those_in_the_database(capsys, tmp_path):
    recorded_crawl(capsys, tmp_path)
    with sqlite3.connect(tmp_path / "inprocess.db") as conn:
        rows = conn.execute("SELECT r.failures, (SELECT count(*) FROM fetch_failures f WHERE f.run_id = r.run_id) "
                            "FROM crawl_runs r").fetchall()
    assert rows == [(1, 1)]


def test_outcome_of_a_crawl_where_everything_failed(capsys, tmp_path):
    from govreports.outcome import nothing_stored_message, read_outcome

    recorded_crawl(capsys, tmp_path)
    with sqlite3.connect(tmp_path / "inprocess.db") as conn:
        [(run_id,)] = conn.execute("SELECT run_id FROM crawl_runs").fetchall()
    outcome = read_outcome(tmp_path / "inprocess.db", run_id)
    assert (outcome.everything_failed, dict(outcome.failure_kinds)) == (True, {"discovery": 1})
    assert nothing_stored_message(outcome).splitlines()[:2] == [
        "govreports: nothing was stored: every request failed (discovery: 1).",
        "  discovery: check the home page: it led to no report column; set list_urls in the registry"]


def test_a_crawl_cut_short_is_not_called_a_failure(capsys, tmp_path):
    from govreports.outcome import read_outcome

    recorded_crawl(capsys, tmp_path, reason="shutdown")
    with sqlite3.connect(tmp_path / "inprocess.db") as conn:
        [(run_id,)] = conn.execute("SELECT run_id FROM crawl_runs").fetchall()
    assert read_outcome(tmp_path / "inprocess.db", run_id).everything_failed is False


def test_no_summary_without_a_recorded_crawl(capsys, tmp_path):
    crawler = project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db"))  # its spider keeps no ledger
    CrawlSummary.from_crawler(crawler)
    pipeline = SQLitePipeline.from_crawler(crawler)

    async def crawl():
        await pipeline.open_spider()
        await pipeline.close_spider()
        await pipeline.spider_closed("finished")

    asyncio.run(crawl())
    assert (capsys.readouterr().out, (tmp_path / "g.db").exists()) == ("", False)


@pytest.mark.parametrize("value", ["0", "no", False])
def test_summary_off_by_setting(value):
    with pytest.raises(NotConfigured):
        CrawlSummary.from_crawler(project_crawler(GOVREPORTS_SUMMARY_ENABLED=value))


def test_summary_setting_says_which_value_is_wrong():
    with pytest.raises(ValueError, match="GOVREPORTS_SUMMARY_ENABLED must be 1 or 0"):
        CrawlSummary.from_crawler(project_crawler(GOVREPORTS_SUMMARY_ENABLED="sometimes"))


# --- the attachment pipeline ---------------------------------------------------------------
def test_attachment_settings_default_from_the_settings_module(tmp_path):
    pipeline = AttachmentPipeline.from_crawler(project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db")))
    assert (pipeline.max_size, pipeline.ocr, pipeline.files_dir) == (50 * 1024 * 1024, False, tmp_path / "files")


def test_attachment_settings_given(tmp_path):
    pipeline = AttachmentPipeline.from_crawler(project_crawler(
        GOVREPORTS_ATTACHMENT_MAXSIZE="1024", GOVREPORTS_OCR="yes", GOVREPORTS_FILES_DIR=str(tmp_path / "kept")))
    assert (pipeline.max_size, pipeline.ocr, pipeline.files_dir) == (1024, True, tmp_path / "kept")


def test_attachment_pipeline_passes_other_items(tmp_path):
    pipeline = AttachmentPipeline.from_crawler(project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db")))
    failure = FetchFailureItem(portal_id="p", url="http://a.gov.cn/x", reason="HTTP 404")
    assert asyncio.run(pipeline.process_item(failure)) is failure


def test_report_that_is_a_file_is_stored_and_read(tmp_path):
    """A report listed as a spreadsheet: the spider hands over its bytes; the pipeline
    stores them by content hash and reads its table."""
    crawler = project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db"))
    crawler.stats.open_spider()
    pipeline = AttachmentPipeline.from_crawler(crawler)
    url = "http://www.zyhhg.gov.cn/zwgk/P020130301412345678903.xlsx"
    body = STATISTICS_XLSX.read_bytes()
    title = "红花岗区2012年政府信息公开工作年度报告"
    item = ReportItem(portal_id="p", region_code="520302", region_name="红花岗区", url=url, list_url="",
                      source_format="xlsx", sha256="", attachment_bodies={url: body},
                      parsed=ParsedReport(url=url, title=title, report_year=2012, is_report=True,
                                          attachments=[Link(url=url, text=title)]))
    asyncio.run(pipeline.process_item(item))
    (row,) = item.attachments
    # Kept as its name, relative to the files folder (files/ beside the database).
    stored = pipeline.files.stored_file(row["path"])
    assert (row["status"], row["type"], row["path"], stored.parent) == (
        "parsed", "xlsx", hashlib.sha256(body).hexdigest() + ".xlsx", tmp_path / "files")
    assert stored.read_bytes() == body and item.attachment_text and item.attachment_bodies == {}
    assert crawler.stats.get_value("govreports/attachments/parsed") == 1


# --- the SQLite pipeline's settings ----------------------------------------------------------
def test_sqlite_pipeline_settings(tmp_path):
    pipeline = SQLitePipeline.from_crawler(project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db")))
    assert (pipeline.db_path, pipeline.batch_size) == (str(tmp_path / "g.db"), 50)


def test_garbage_collection_set_when_the_engine_starts():
    crawler = project_crawler(GOVREPORTS_GC_THRESHOLD=12345)
    GarbageCollection.from_crawler(crawler)
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        crawler.signals.send_catch_log(signals.engine_started)
        assert (gc.get_freeze_count() > 0, gc.get_threshold()) == (True, (12345, *before[1:]))
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_garbage_collection_off_by_settings():
    with pytest.raises(NotConfigured):
        GarbageCollection.from_crawler(project_crawler(GOVREPORTS_GC_FREEZE=False, GOVREPORTS_GC_THRESHOLD=0))


def test_garbage_collection_threshold_must_not_be_negative():
    with pytest.raises(ValueError, match="GOVREPORTS_GC_THRESHOLD must be 0"):
        GarbageCollection.from_crawler(project_crawler(GOVREPORTS_GC_THRESHOLD=-1))
