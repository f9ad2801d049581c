"""Extensions: progress lines while a crawl of many portals runs, and the end-of-crawl
summary (what was stored, per portal, and where)."""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from govreports.activity import requests_in_engine
from govreports.flags import flag_setting
from govreports.ledger import CrawlLedger, ledger_of
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
    way.  ``GOVREPORTS_SUMMARY_MAX_PORTALS`` caps the per-portal lines (and the lists
    of unreachable and over-budget portals) of a crawl of many portals.  A crawl that records nothing (``scrapy parse``, ``scrapy shell``) prints none.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_portals = crawler.settings.getint("GOVREPORTS_SUMMARY_MAX_PORTALS")
        if self.max_portals < 0:
            raise ValueError(f"GOVREPORTS_SUMMARY_MAX_PORTALS must be 0 (no limit) or more, not {self.max_portals}")
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
        text = "\n".join(summary_lines(outcome, self.max_portals))
        logger.info(text)
        print(text, flush=True)


class PortalProgress:
    """Logs, every ``GOVREPORTS_PROGRESS_INTERVAL`` seconds, how far a crawl of many
    portals is: portals done / running / left (see :mod:`govreports.activity` for what
    each means), reports found, failures recorded and requests sent so far, then one
    line for each portal found done since the last time (its requests, reports,
    failures and seconds), and the portals still running.  A last line when the
    spider closes.  Off with ``GOVREPORTS_PROGRESS_INTERVAL=0``; a crawl that records
    nothing (``scrapy parse``) logs none.

    Its numbers are the crawl's stats: ``govreports/portal/<id>/requests`` (counted by
    :class:`~govreports.middlewares.PortalBudgetMiddleware`), ``…/reports`` (by the
    spider), ``…/failures`` (as the SQLite pipeline commits them, so a little behind).
    """

    RUNNING_SHOWN = 10  # running portals named per line

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.ledger: CrawlLedger | None = None
        self.task = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        interval = crawler.settings.getfloat("GOVREPORTS_PROGRESS_INTERVAL")
        if interval < 0:
            raise ValueError(f"setting GOVREPORTS_PROGRESS_INTERVAL must be 0 (off) or a number of seconds, "
                             f"not {crawler.settings.get('GOVREPORTS_PROGRESS_INTERVAL')!r}")
        if not interval:
            raise NotConfigured("GOVREPORTS_PROGRESS_INTERVAL is 0")
        return cls(crawler, interval)

    def spider_opened(self, spider) -> None:
        self.ledger = ledger_of(spider)
        if self.ledger is None:
            return
        self.task = create_looping_call(self.log_progress)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.ledger is not None:
            self.log_progress(closing=True)

    def counter(self, portal_id: str, name: str) -> int:
        return self.crawler.stats.get_value(f"govreports/portal/{portal_id}/{name}", 0)

    def progress_lines(self, *, closing: bool = False) -> list[str]:
        """The lines of one progress report (and the portals found done are noted)."""
        ledger = self.ledger
        portal_ids = list(dict.fromkeys(p.portal_id for p in ledger.run.portals))
        in_engine = requests_in_engine(None if closing else self.crawler.engine)
        tally = ledger.activity.tally(portal_ids, in_engine)
        stats = self.crawler.stats
        lines = [
            f"progress: {tally.done}/{tally.total} portals done, {tally.running} running, {tally.left} left; "
            f"{sum(self.counter(p, 'reports') for p in portal_ids)} reports found, "
            f"{stats.get_value('govreports/failures', 0)} failures recorded, "
            f"{sum(self.counter(p, 'requests') for p in portal_ids)} requests"]
        for portal_id in tally.finished:
            lines.append(f"  done: {portal_id}: {self.counter(portal_id, 'requests')} requests, "
                         f"{self.counter(portal_id, 'reports')} reports, {self.counter(portal_id, 'failures')} "
                         f"failures, {ledger.activity.seconds(portal_id):.1f} s")
        running = [p for p in portal_ids if ledger.activity.state(p, in_engine) == "running"]
        if running:
            shown = ", ".join(f"{p} ({self.counter(p, 'requests')} requests, {self.counter(p, 'reports')} reports)"
                              for p in running[:self.RUNNING_SHOWN])
            more = f" and {len(running) - self.RUNNING_SHOWN} more" if len(running) > self.RUNNING_SHOWN else ""
            lines.append(f"  running: {shown}{more}")
        return lines

    def log_progress(self, closing: bool = False) -> None:
        logger.info("\n".join(self.progress_lines(closing=closing)))


class GarbageCollection:
    """Two changes to Python's garbage collector for the length of a crawl, each measured
    on a 1,000-report crawl of the bulk test portal, where collections took about a tenth
    of the crawl's CPU (1.45 s) before:

    * ``GOVREPORTS_GC_FREEZE``: what exists when the engine starts (Scrapy, Twisted, the
      project's modules, settings, registry) is moved out of the collector's reach
      (``gc.freeze``).  Full collections scan every tracked object; in a long crawl those
      are mostly the start-up objects, which live as long as the process anyway.
    * ``GOVREPORTS_GC_THRESHOLD``: the young generation is collected after this many
      allocations instead of Python's 700.  Parsing a page allocates many short-lived
      objects; with the default, hundreds of them survive into the older generations at
      each collection and are scanned again there.  0 keeps Python's threshold.

    Together they took the collector's time to about 0.4 s.  Neither changes what is
    freed: objects in reference cycles are still collected, a little later."""

    def __init__(self, crawler: Crawler, freeze: bool, threshold: int):
        self.freeze, self.threshold = freeze, threshold
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        freeze = crawler.settings.getbool("GOVREPORTS_GC_FREEZE")
        threshold = crawler.settings.getint("GOVREPORTS_GC_THRESHOLD")
        if threshold < 0:
            raise ValueError(f"setting GOVREPORTS_GC_THRESHOLD must be 0 (Python's) or a number of allocations, "
                             f"not {crawler.settings.get('GOVREPORTS_GC_THRESHOLD')!r}")
        if not freeze and not threshold:
            raise NotConfigured("GOVREPORTS_GC_FREEZE and GOVREPORTS_GC_THRESHOLD are off")
        return cls(crawler, freeze, threshold)

    def engine_started(self) -> None:
        if self.threshold:
            gc.set_threshold(self.threshold, *gc.get_threshold()[1:])
        if self.freeze:
            gc.collect()  # start-up garbage goes now, not into the frozen generation
            gc.freeze()
