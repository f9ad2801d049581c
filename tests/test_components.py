"""The crawl's other components, in process: the end-of-crawl summary extension and
the attachment pipeline, built by ``from_crawler`` from the project's settings."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured

from govreports.attachment_pipeline import AttachmentPipeline
from govreports.extensions import CrawlSummary
from govreports.items import FetchFailureItem, ReportItem
from govreports.parsing.model import Link, ParsedReport
from govreports.pipelines import SQLitePipeline
from tests.conftest import project_crawler
from tests.harness import REPO

STATISTICS_XLSX = REPO / "tests" / "fixtures" / "attachments" / "statistics.xlsx"


# --- the end-of-crawl summary ------------------------------------------------------------
def closed_crawl(capsys, stats: dict, **settings) -> str:
    """What the summary prints when a crawl with these stats closes."""
    crawler = project_crawler(**settings)
    crawler.stats.open_spider()
    for name, value in stats.items():
        crawler.stats.set_value(name, value)
    CrawlSummary.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")
    return capsys.readouterr().out


def test_summary_counts_reports_and_portals(capsys):
    out = closed_crawl(capsys, {
        "govreports/reports_new": 2, "govreports/reports_updated": 1, "govreports/reports_unchanged": 4,
        "govreports/failures": 3, "govreports/db": "/tmp/g.db",
        "govreports/portal/guizhou_hc/reports": 7, "govreports/portal/guizhou_hc/list_pages": 2,
        "govreports/portal/guizhou_hc/known_skipped": 5})
    assert out.splitlines() == [
        "govreports: crawl finished: 2 new, 1 updated, 4 unchanged reports; 5 known and skipped, "
        "0 not modified, 0 gone; 3 failures",
        "  guizhou_hc: list pages: 2, report pages: 0, reports: 7, known skipped: 5, not modified: 0, "
        "non reports: 0, failures: 0",
        "  database: /tmp/g.db",
    ]


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
    stored = Path(row["path"])
    assert (row["status"], row["type"], stored.parent, stored.name) == (
        "parsed", "xlsx", tmp_path / "files", hashlib.sha256(body).hexdigest() + ".xlsx")
    assert stored.read_bytes() == body and item.attachment_text and item.attachment_bodies == {}
    assert crawler.stats.get_value("govreports/attachments/parsed") == 1


# --- the SQLite pipeline's settings ----------------------------------------------------------
def test_sqlite_pipeline_settings(tmp_path):
    pipeline = SQLitePipeline.from_crawler(project_crawler(GOVREPORTS_DB=str(tmp_path / "g.db")))
    assert (pipeline.db_path, pipeline.batch_size) == (str(tmp_path / "g.db"), 50)
