"""The end-of-crawl summary: what was stored, per portal, and where."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from govreports.flags import flag_setting
from govreports.pipelines import portal_summary

logger = logging.getLogger(__name__)

COUNTERS = ("list_pages", "report_pages", "reports", "known_skipped", "not_modified", "non_reports", "failures")


def _total(stats: dict, counter: str) -> int:
    return sum(counters.get(counter, 0) for counters in portal_summary(stats).values())


class CrawlSummary:
    """Prints, when the crawl ends, the reports stored (new / updated / unchanged),
    per-portal list pages, report pages, reports found and failures, and the database
    path.  The same numbers are stored in the ``crawl_runs`` table, whether or not
    this summary is on (``GOVREPORTS_SUMMARY_ENABLED``)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not flag_setting(crawler.settings, "GOVREPORTS_SUMMARY_ENABLED"):
            raise NotConfigured("GOVREPORTS_SUMMARY_ENABLED is off")
        return cls(crawler)

    def spider_closed(self, reason):
        stats = self.crawler.stats.get_stats()
        lines = [
            f"govreports: crawl {reason}: "
            f"{stats.get('govreports/reports_new', 0)} new, "
            f"{stats.get('govreports/reports_updated', 0)} updated, "
            f"{stats.get('govreports/reports_unchanged', 0)} unchanged reports; "
            f"{_total(stats, 'known_skipped')} known and skipped, "
            f"{stats.get('govreports/not_modified', 0)} not modified, "
            f"{stats.get('govreports/reports_removed', 0) + stats.get('govreports/reports_gone', 0)} gone; "
            f"{stats.get('govreports/failures', 0)} failures",
        ]
        for portal_id, counters in sorted(portal_summary(stats).items()):
            numbers = ", ".join(f"{name.replace('_', ' ')}: {counters.get(name, 0)}" for name in COUNTERS)
            lines.append(f"  {portal_id}: {numbers}")
        lines.append(f"  database: {stats.get('govreports/db', '(not opened)')}")
        text = "\n".join(lines)
        logger.info(text)
        print(text, flush=True)
