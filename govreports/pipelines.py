"""Item pipelines: validate reports against the schema, then store them in SQLite."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import date

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro

from govreports.failures import FailureKind
from govreports.items import (
    DiscoveredColumnItem,
    FetchFailureItem,
    GoneItem,
    ReportItem,
    SeenItem,
    validate_report,
)
from govreports.ledger import CrawlLedger, LedgerKeeper, ledger_of
from govreports.outcome import KIND_COUNTER_PREFIX, RunOutcome
from govreports.storage import ReportRecord, ReportStore
from govreports.storage.locking import DatabaseUnavailable, LockPatience, write_patiently
from govreports.storage.records import record_from_item
from govreports.storage.store import now_iso

logger = logging.getLogger(__name__)

# The close reason of a crawl whose database stayed locked by another process.
DATABASE_UNAVAILABLE = "database_unavailable"
# Set (to the error) when the crawl could not store everything it found.
STORAGE_ERROR_STAT = "govreports/storage_error"
IMPATIENT = LockPatience(give_up_after=0)
# Sent by SQLitePipeline once a crawl is wholly recorded (closing failures, removals and
# the crawl_runs row written, the database closed), with ``run_id`` and ``database``:
# whatever reports on the crawl reads it back from there (govreports.outcome).  When
# the database could not take the crawl's record (it stayed locked), ``outcome`` is
# what was committed, from the pipeline's own counts.
crawl_recorded = object()


def storage_error(stats: StatsCollector) -> str | None:
    """Why the crawl could not store everything it found, or None.  The crawl
    command exits with status 1 when there is one."""
    return stats.get_value(STORAGE_ERROR_STAT)


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
            adapter = ItemAdapter(item)
            self.crawler.stats.inc_value("govreports/invalid_reports")
            logger.warning("invalid report %s: %s", adapter["url"], "; ".join(result.errors))
            return FetchFailureItem(portal_id=adapter["portal_id"], url=adapter["url"],
                                    reason=f"invalid report: {'; '.join(result.errors)}",
                                    kind=FailureKind.INVALID_REPORT)
        return item


class SQLitePipeline:
    """Writes reports and fetch failures to the SQLite database, in batches.

    Settings: ``GOVREPORTS_DB`` (path), ``GOVREPORTS_BATCH_SIZE``.  One row in
    ``crawl_runs`` per crawl records its arguments, counts and per-portal summary.

    What the crawl was and how it went (its region, arguments and portals; closing
    failures, complete portals, per-list summaries) comes from the spider's
    :class:`~govreports.ledger.CrawlLedger`.  A spider that keeps none (the default
    spider of ``scrapy shell``, say) has no crawl to record: the pipeline says so
    in the log and stores nothing, rather than record a run it knows nothing of.

    **A locked database.**  When another process holds the write lock (another crawl
    on the same file, a ``sqlite3`` shell, a backup), a write waits up to
    ``GOVREPORTS_DB_BUSY_TIMEOUT`` seconds, then the whole transaction is tried again
    after ``GOVREPORTS_DB_LOCK_BACKOFF_BASE`` seconds, doubling up to
    ``GOVREPORTS_DB_LOCK_BACKOFF_MAX``, without blocking the crawl.  Meanwhile the
    batch stays in memory, and items wait for the writer (so the crawl slows down
    rather than piling up pages).  After ``GOVREPORTS_DB_LOCK_GIVE_UP`` seconds the
    pipeline gives up: it logs one error saying what was not stored, sets the stat
    ``govreports/storage_error`` (the crawl command then exits with status 1) and
    closes the spider with reason ``database_unavailable`` (at the start, before
    anything is crawled).  Stats count only what was committed, and a crawl that
    could not store everything marks nothing removed.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings.get("GOVREPORTS_DB")
        self.batch_size = settings.getint("GOVREPORTS_BATCH_SIZE")
        self.busy_timeout = settings.getfloat("GOVREPORTS_DB_BUSY_TIMEOUT")
        self.patience = LockPatience(first_wait=settings.getfloat("GOVREPORTS_DB_LOCK_BACKOFF_BASE"),
                                     longest_wait=settings.getfloat("GOVREPORTS_DB_LOCK_BACKOFF_MAX"),
                                     give_up_after=settings.getfloat("GOVREPORTS_DB_LOCK_GIVE_UP"))
        self.store: ReportStore | None = None
        self.ledger: CrawlLedger | None = None
        self.run_id = ""
        # Waiting to be written; an entry leaves only once its transaction committed.
        self.pending: list[ReportRecord] = []
        self.failures: list[dict] = []
        self.seen: list[dict] = []
        self.unavailable = ""  # why the pipeline gave up on the database ("" while it has not)
        self.portal_bodies: dict[str, str] = {}  # portal id -> its registry row's body ("" : the government)
        self._writer = asyncio.Lock()  # one transaction at a time, in the order asked
        self._closing = False
        self._close_request = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    async def open_spider(self):
        spider = self.crawler.spider
        self.ledger = ledger_of(spider)
        if self.ledger is None:
            if isinstance(spider, LedgerKeeper):  # reading single pages: scrapy parse, scrapy shell --spider
                logger.info("%s reads single pages, no crawl: nothing is stored in %s",
                            type(spider).__name__, self.db_path)
            else:
                logger.warning("%s keeps no crawl ledger (govreports.ledger.LedgerKeeper): this crawl is not "
                               "stored in %s", type(spider).__name__, self.db_path)
            return
        run = self.ledger.run
        self.portal_bodies = {portal.portal_id: portal.body for portal in run.portals}
        try:
            self.store = await self._write(lambda: ReportStore(self.db_path, self.busy_timeout))
            interrupted = await self._write(self.store.interrupt_stale_runs)
            self.run_id = await self._write(
                lambda: self.store.start_run(region=run.region, args=run.args, portals=run.portal_rows()))
        except (DatabaseUnavailable, sqlite3.Error) as exc:
            if self.store is not None:
                self.store.close()
                self.store = None
            advice = ("try again once the other process is done, or raise GOVREPORTS_DB_LOCK_GIVE_UP"
                      if isinstance(exc, DatabaseUnavailable) else "check GOVREPORTS_DB")
            self._fail(f"cannot store a crawl in {self.db_path}: {_problem(exc)}; nothing was crawled ({advice})")
            raise CloseSpider(DATABASE_UNAVAILABLE) from None
        if interrupted:
            logger.info("%d earlier crawl(s) had been interrupted; this one picks up their work", interrupted)
        self.crawler.stats.set_value("govreports/run_id", self.run_id)
        self.crawler.stats.set_value("govreports/db", str(self.store.path))
        logger.info("Storing reports in %s (run %s)", self.store.path, self.run_id)

    async def process_item(self, item):
        if self.store is None:
            return item
        adapter = ItemAdapter(item)
        if isinstance(item, FetchFailureItem):
            self._add_failure(item)
            if len(self.failures) >= self.batch_size:
                await self._flush()
            return item
        if isinstance(item, SeenItem):
            self.seen.append({name: adapter[name] for name in ("url", "revalidated", "etag", "last_modified")})
        elif isinstance(item, DiscoveredColumnItem):
            await self._write_now(lambda: self.store.remember_column(adapter["portal_id"], adapter["list_url"]))
        elif isinstance(item, GoneItem):
            if await self._write_now(lambda: self.store.mark_gone(adapter["url"], adapter["reason"])):
                self.crawler.stats.inc_value("govreports/reports_gone")
                self.crawler.stats.inc_value(f"govreports/portal/{adapter['portal_id']}/removed")
        elif isinstance(item, ReportItem):
            self.pending.append(record_from_item(item, portal_body=self.portal_bodies.get(item.portal_id, "")))
        if len(self.pending) + len(self.seen) >= self.batch_size:
            await self._flush()
        return item

    def _add_failure(self, item: FetchFailureItem) -> None:
        adapter = ItemAdapter(item)
        fields = ("portal_id", "url", "reason", "http_status", "attempts", "last_error")
        self.failures.append({"run_id": self.run_id, **{name: adapter[name] for name in fields},
                              "kind": str(adapter["kind"]), "at": now_iso()})

    # --- writing ---------------------------------------------------------------------
    async def _write(self, write, *, patient: bool = True):
        """One store transaction, tried again while the database is locked (see the
        class docstring); a single try when not ``patient``."""
        return await write_patiently(write, self.patience if patient else IMPATIENT, sleep,
                                     on_locked=self._locked)

    def _locked(self, wait: float) -> None:
        self.crawler.stats.inc_value("govreports/db_lock_waits")
        logger.warning("database %s is locked by another process; trying again in %.1f s", self.db_path, wait)

    async def _write_now(self, write):
        """A write that does not wait for the batch (after what is already queued)."""
        async with self._writer:
            if self.store is None or self.unavailable:
                return None
            try:
                return await self._write(write)
            except (DatabaseUnavailable, sqlite3.Error) as exc:
                self._give_up(exc)
                return None

    async def _flush(self, *, patient: bool = True) -> None:
        """Write what is pending: reports, failures, known reports seen again (one
        transaction each).  Once the pipeline has given up, only a single last try
        (``patient=False``, at the close) is made."""
        async with self._writer:
            if self.store is None or (self.unavailable and patient):
                return
            try:
                await self._write_pending(patient)
            except (DatabaseUnavailable, sqlite3.Error) as exc:
                if patient:
                    self._give_up(exc)
                else:
                    self._fail(f"the database {self.store.path} is still unavailable at the end of the crawl "
                               f"({_problem(exc)}): {self._not_stored()} were not stored (the next crawl fetches "
                               "them again)")

    async def _write_pending(self, patient: bool) -> None:
        stats = self.crawler.stats
        if self.pending:
            records = self.pending[:]
            outcomes = await self._write(lambda: self.store.save_reports(records, self.run_id), patient=patient)
            del self.pending[:len(records)]  # items that came in meanwhile stay
            for outcome in outcomes:
                stats.inc_value(f"govreports/reports_{outcome}")
        if self.failures:
            failures = self.failures[:]
            await self._write(lambda: self.store.record_failures(failures), patient=patient)
            del self.failures[:len(failures)]
            for failure in failures:
                stats.inc_value("govreports/failures")
                stats.inc_value(f"govreports/portal/{failure['portal_id']}/failures")
                stats.inc_value(f"govreports/portal/{failure['portal_id']}/{KIND_COUNTER_PREFIX}{failure['kind']}")
        if self.seen:
            seen = self.seen[:]
            await self._write(lambda: self.store.mark_seen(seen, self.run_id), patient=patient)
            del self.seen[:len(seen)]

    def _not_stored(self) -> str:
        return (f"{len(self.pending)} reports, {len(self.failures)} fetch failures and "
                f"{len(self.seen)} known reports seen again")

    def _give_up(self, exc: Exception) -> None:
        """The database stayed locked (or failed otherwise): fail the crawl loudly, and stop it."""
        self._fail(f"cannot store the crawl in {self.store.path}: {_problem(exc)}; "
                   f"{self._not_stored()} are not stored; the crawl stops (the next one fetches them again)")
        if not self._closing:
            self._closing = True
            engine = self.crawler.engine
            self._close_request = deferred_from_coro(engine.close_spider_async(reason=DATABASE_UNAVAILABLE))
            self._close_request.addErrback(lambda failure: logger.error("closing the spider failed: %s",
                                                                        failure.getErrorMessage()))

    def _fail(self, message: str) -> None:
        self.unavailable = self.unavailable or message
        self.crawler.stats.set_value(STORAGE_ERROR_STAT, self.unavailable)
        logger.error(message)

    # --- closing -----------------------------------------------------------------------
    async def close_spider(self):
        """Before the end-of-crawl summary: write what is pending (one last try if the
        database was given up on), so the summary counts what was stored."""
        self._closing = True
        await self._flush(patient=not self.unavailable)

    async def spider_closed(self, reason):
        if self.store is None or self.ledger is None:
            return
        for failure in self.ledger.closing_failures():
            self._add_failure(failure)
        if not self.unavailable:  # else close_spider made the last try
            await self._flush()
        async with self._writer:
            recorded = await self._finish_run(reason)
        database = str(self.store.path)
        self.store.close()
        self.store = None
        outcome = None if recorded else self._committed_outcome(database, reason)
        self.crawler.signals.send_catch_log(crawl_recorded, run_id=self.run_id, database=database, outcome=outcome)

    def _committed_outcome(self, database: str, reason: str) -> RunOutcome:
        """What this crawl committed, from the stats (which count only committed writes)."""
        stats = self.crawler.stats
        return RunOutcome(
            run_id=self.run_id, database=database, status=DATABASE_UNAVAILABLE if self.unavailable else reason,
            new=stats.get_value("govreports/reports_new", 0), updated=stats.get_value("govreports/reports_updated", 0),
            unchanged=stats.get_value("govreports/reports_unchanged", 0),
            failures=stats.get_value("govreports/failures", 0), portals=portal_summary(stats.get_stats()))

    async def _finish_run(self, reason: str) -> bool:
        """Record the crawl's end; whether its crawl_runs row was written."""
        # Reports of this crawl that could not be stored were not seen in the database:
        # nothing is concluded about removals then.
        complete = reason == "finished" and not self.unavailable
        patient = not self.unavailable
        stats = self.crawler.stats
        try:
            if complete:
                for portal_id in self.ledger.complete_portals():
                    removed = await self._write(lambda: self.store.mark_unseen_removed(portal_id, self.run_id))
                    stats.inc_value("govreports/reports_removed", removed)
                    if removed:
                        stats.inc_value(f"govreports/portal/{portal_id}/removed", removed)
                summaries = self.ledger.list_summaries()
                await self._write(lambda: self._record_lists(summaries))
            counts = {
                "new": stats.get_value("govreports/reports_new", 0),
                "updated": stats.get_value("govreports/reports_updated", 0),
                "unchanged": stats.get_value("govreports/reports_unchanged", 0),
                "non_reports": stats.get_value("govreports/non_reports", 0),
                "failures": stats.get_value("govreports/failures", 0),
            }
            status = DATABASE_UNAVAILABLE if self.unavailable else reason
            await self._write(lambda: self.store.finish_run(self.run_id, status, counts,
                                                            portal_summary(stats.get_stats())),
                              patient=patient)
            return True
        except (DatabaseUnavailable, sqlite3.Error) as exc:
            if patient:
                self._fail(f"cannot finish the crawl's record in {self.store.path}: {_problem(exc)}; "
                           "the next crawl marks this one interrupted")
            else:
                logger.warning("the crawl's record in crawl_runs stays 'running' (%s); the next crawl marks it "
                               "interrupted", _problem(exc))
            return False

    def _record_lists(self, summaries) -> None:
        for summary in summaries:
            self.store.record_list_crawl(summary.list_url, summary.portal_id, summary.pages, summary.complete)


def _problem(exc: Exception) -> str:
    if isinstance(exc, DatabaseUnavailable):
        return f"the database was {exc}"
    return f"writing failed ({type(exc).__name__}: {exc})"


def portal_summary(stats: dict) -> dict[str, dict[str, int]]:
    """Per-portal counters from the ``govreports/portal/<id>/<counter>`` stats."""
    summary: dict[str, dict[str, int]] = {}
    prefix = "govreports/portal/"
    for name, value in stats.items():
        if name.startswith(prefix):
            portal_id, _, counter = name[len(prefix):].rpartition("/")
            summary.setdefault(portal_id, {})[counter] = value
    return summary
