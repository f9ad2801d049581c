"""Item pipelines: validate reports against the schema, then store them in SQLite."""

from __future__ import annotations

import logging
from datetime import date

from scrapy import signals
from scrapy.crawler import Crawler

from govreports.items import (
    DiscoveredColumnItem,
    FetchFailureItem,
    GoneItem,
    ReportItem,
    SeenItem,
    validate_report,
)
from govreports.storage import ReportRecord, ReportStore
from govreports.storage.records import record_from_item
from govreports.storage.store import now_iso

logger = logging.getLogger(__name__)


class ValidateReportPipeline:
    """Turns report items that do not satisfy the report schema into recorded fetch
    failures saying why: nothing is dropped silently."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, ReportItem):
            return item
        result = validate_report(item, latest_year=date.today().year)
        if not result:
            self.crawler.stats.inc_value("govreports/invalid_reports")
            logger.warning("invalid report %s: %s", item.url, "; ".join(result.errors))
            return FetchFailureItem(portal_id=item.portal_id, url=item.url,
                                    reason=f"invalid report: {'; '.join(result.errors)}")
        return item


class SQLitePipeline:
    """Writes reports and fetch failures to the SQLite database, in batches.

    Settings: ``GOVREPORTS_DB`` (path), ``GOVREPORTS_BATCH_SIZE``.  One row in
    ``crawl_runs`` per crawl records its arguments, counts and per-portal summary.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("GOVREPORTS_DB")
        self.batch_size = crawler.settings.getint("GOVREPORTS_BATCH_SIZE", 50)
        self.store: ReportStore | None = None
        self.run_id = ""
        self.pending: list[ReportRecord] = []
        self.failures: list[dict] = []
        self.seen: list[dict] = []
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        self.store = ReportStore(self.db_path)
        interrupted = self.store.interrupt_stale_runs()
        if interrupted:
            logger.info("%d earlier crawl(s) had been interrupted; this one picks up their work", interrupted)
        portals = [p.as_row() for p in getattr(spider, "portals", [])]
        self.run_id = self.store.start_run(
            region=getattr(spider, "region", "") or "",
            args=getattr(spider, "crawl_args", {}),
            portals=portals,
        )
        self.crawler.stats.set_value("govreports/run_id", self.run_id)
        self.crawler.stats.set_value("govreports/db", str(self.store.path))
        logger.info("Storing reports in %s (run %s)", self.store.path, self.run_id)

    def process_item(self, item):
        if isinstance(item, FetchFailureItem):
            self._add_failure(item)
            if len(self.failures) >= self.batch_size:
                self._flush()
            return item
        if isinstance(item, SeenItem):
            self.seen.append({"url": item.url, "revalidated": item.revalidated,
                              "etag": item.etag, "last_modified": item.last_modified})
        elif isinstance(item, DiscoveredColumnItem):
            self.store.remember_column(item.portal_id, item.list_url)
        elif isinstance(item, GoneItem):
            if self.store.mark_gone(item.url, item.reason):
                self.crawler.stats.inc_value("govreports/reports_gone")
        elif isinstance(item, ReportItem):
            self.pending.append(record_from_item(item))
        if len(self.pending) + len(self.seen) >= self.batch_size:
            self._flush()
        return item

    def _add_failure(self, item: FetchFailureItem) -> None:
        self.failures.append(
            {
                "run_id": self.run_id,
                "portal_id": item.portal_id,
                "url": item.url,
                "reason": item.reason,
                "kind": str(item.kind),
                "http_status": item.http_status,
                "attempts": item.attempts,
                "last_error": item.last_error,
                "at": now_iso(),
            }
        )
        self.crawler.stats.inc_value("govreports/failures")
        self.crawler.stats.inc_value(f"govreports/portal/{item.portal_id}/failures")

    def _flush(self):
        if self.store is None:
            return
        records, self.pending = self.pending, []
        for outcome in self.store.save_reports(records, self.run_id):
            self.crawler.stats.inc_value(f"govreports/reports_{outcome}")
        failures, self.failures = self.failures, []
        self.store.record_failures(failures)
        seen, self.seen = self.seen, []
        if seen:
            self.store.mark_seen(seen, self.run_id)

    def close_spider(self):
        self._flush()

    def spider_closed(self, reason):
        if self.store is None:
            return
        spider = self.crawler.spider
        for failure in getattr(spider, "closing_failures", list)():
            self._add_failure(failure)
        self._flush()
        if reason == "finished" and spider is not None:
            for portal_id in getattr(spider, "complete_portals", list)():
                removed = self.store.mark_unseen_removed(portal_id, self.run_id)
                self.crawler.stats.inc_value("govreports/reports_removed", removed)
            for list_url, portal_id, pages, complete in getattr(spider, "list_summaries", list)():
                self.store.record_list_crawl(list_url, portal_id, pages, complete)
        stats = self.crawler.stats
        counts = {
            "new": stats.get_value("govreports/reports_new", 0),
            "updated": stats.get_value("govreports/reports_updated", 0),
            "unchanged": stats.get_value("govreports/reports_unchanged", 0),
            "non_reports": stats.get_value("govreports/non_reports", 0),
            "failures": stats.get_value("govreports/failures", 0),
        }
        self.store.finish_run(self.run_id, reason, counts, portal_summary(stats.get_stats()))
        self.store.close()
        self.store = None


def portal_summary(stats: dict) -> dict[str, dict[str, int]]:
    """Per-portal counters from the ``govreports/portal/<id>/<counter>`` stats."""
    summary: dict[str, dict[str, int]] = {}
    prefix = "govreports/portal/"
    for name, value in stats.items():
        if name.startswith(prefix):
            portal_id, _, counter = name[len(prefix):].rpartition("/")
            summary.setdefault(portal_id, {})[counter] = value
    return summary
