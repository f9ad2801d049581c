"""The end-of-crawl summary: what was stored, per portal, and where."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from govreports.flags import flag_setting
from govreports.outcome import RunOutcome, read_outcome, summary_lines
from govreports.pipelines import crawl_recorded

logger = logging.getLogger(__name__)


class CrawlSummary:
    """Prints, once the SQLite pipeline has recorded the crawl (its ``crawl_recorded``
    signal), the reports stored (new / updated / unchanged), the known ones seen again,
    those gone, the failures, per-portal list pages, report pages, reports found and
    failures, and the database path — read back from the database
    (:mod:`govreports.outcome`), so closing failures and removals are counted.  When
    the database could not take the crawl's record (it stayed locked), what was
    committed, from the pipeline's counts.

    Off with ``GOVREPORTS_SUMMARY_ENABLED``; the numbers are in ``crawl_runs`` either
    way.  A crawl that records nothing (``scrapy parse``, ``scrapy shell``) prints none.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.crawl_recorded, signal=crawl_recorded)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not flag_setting(crawler.settings, "GOVREPORTS_SUMMARY_ENABLED"):
            raise NotConfigured("GOVREPORTS_SUMMARY_ENABLED is off")
        return cls(crawler)

    def crawl_recorded(self, run_id: str, database: str, outcome: RunOutcome | None = None) -> None:
        outcome = outcome or read_outcome(database, run_id)
        if outcome is None:
            logger.error("crawl run %s is not in %s: no summary", run_id, database)
            return
        text = "\n".join(summary_lines(outcome))
        logger.info(text)
        print(text, flush=True)
