"""Item pipelines: validate reports against the schema, then store them in SQLite."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler

from govreports.failures import FailureKind
from govreports.identity import canonical_url, report_id, report_identity
from govreports.items import (
    DiscoveredColumnItem,
    FetchFailureItem,
    GoneItem,
    ReportItem,
    SeenItem,
    validate_report,
)
from govreports.ledger import CrawlLedger, LedgerKeeper, ledger_of
from govreports.outcome import KIND_COUNTER_PREFIX
from govreports.storage import ReportRecord, ReportStore
from govreports.storage.store import now_iso

logger = logging.getLogger(__name__)

# Sent by SQLitePipeline once a crawl is wholly recorded (closing failures, removals and
# the crawl_runs row written, the database closed), with ``run_id`` and ``database``:
# whatever reports on the crawl reads it back from there (govreports.outcome).
crawl_recorded = object()


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


def content_sha256(item: ReportItem) -> str:
    """Hash of what we store of a report, so that a recrawl can tell a revision."""
    parsed = item.parsed
    payload = json.dumps(
        {
            "title": parsed.title,
            "metadata": parsed.metadata,
            "body": parsed.body_text_original or parsed.body_text,
            "tables": [t.grid for t in parsed.tables],
            "attachments": [a.url for a in parsed.attachments],
            "attachment_files": [a.get("sha256") for a in item.attachments],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_from_item(item: ReportItem) -> ReportRecord:
    """Flatten a report item into the rows the store writes."""
    parsed = item.parsed
    meta = parsed.metadata
    identity = report_identity(parsed.index_no, item.url)
    url = canonical_url(item.url)
    indicators: dict[str, dict] = {}
    for ind in parsed.indicators:
        key = ind.key
        n = 2
        while key in indicators:  # an unknown label printed twice keeps both rows
            key = f"{ind.key}#{n}"
            n += 1
        indicators[key] = {
            "key": key,
            "value": ind.value,
            "raw": ind.raw,
            "unit": ind.unit,
            "source": ind.source,
            "evidence": ind.evidence,
        }
    attachments = {a["url"]: a for a in item.attachments} or {
        a.url: {"url": a.url, "link_text": a.text} for a in parsed.attachments
    }
    return ReportRecord(
        report={
            "report_id": report_id(identity),
            "identity": identity,
            "url": url,
            "portal_id": item.portal_id,
            "region_code": item.region_code or parsed.region_code,
            "region_name": item.region_name,
            "publisher": parsed.publisher or meta.get("publisher", ""),
            "title": parsed.title,
            "report_year": parsed.report_year,
            "era": parsed.era or "",
            "index_no": parsed.index_no,
            "written_date": meta.get("written_date", ""),
            "published_date": meta.get("published_date", "") or (item.list_date or ""),
            "doc_no": meta.get("doc_no", ""),
            "metadata": json.dumps(
                {"block": meta, "block_as_printed": parsed.metadata_original, "page_meta": parsed.page_meta},
                ensure_ascii=False,
            ),
            "body_text": parsed.body_text,
            "body_text_original": parsed.body_text_original,
            "cover_letter": parsed.cover_letter,
            "next_year_plan": parsed.next_year_plan,
            "sections": json.dumps(
                [s.__dict__ for s in parsed.sections], ensure_ascii=False
            ),
            "source_format": item.source_format,
            "attachment_urls": " ".join(attachments),
            "sha256": content_sha256(item),
            "flags": json.dumps([f.__dict__ for f in parsed.flags], ensure_ascii=False),
            "attachment_text": item.attachment_text,
        },
        url=url,
        list_url=canonical_url(item.list_url) if item.list_url else "",
        indicators=list(indicators.values()),
        tables=[
            {
                "table_index": t.index,
                "kind": t.kind,
                "caption": t.caption,
                "n_rows": len(t.grid),
                "n_cols": max((len(r) for r in t.grid), default=0),
                "cells": json.dumps(t.grid, ensure_ascii=False),
                "source": t.source,
            }
            for t in parsed.tables
        ],
        attachments=list(attachments.values()),
        etag=item.etag,
        last_modified=item.last_modified,
    )


class SQLitePipeline:
    """Writes reports and fetch failures to the SQLite database, in batches.

    Settings: ``GOVREPORTS_DB`` (path), ``GOVREPORTS_BATCH_SIZE``.  One row in
    ``crawl_runs`` per crawl records its arguments, counts and per-portal summary.

    What the crawl was and how it went (its region, arguments and portals; closing
    failures, complete portals, per-list summaries) comes from the spider's
    :class:`~govreports.ledger.CrawlLedger`.  A spider that keeps none (the default
    spider of ``scrapy shell``, say) has no crawl to record: the pipeline says so
    in the log and stores nothing, rather than record a run it knows nothing of.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("GOVREPORTS_DB")
        self.batch_size = crawler.settings.getint("GOVREPORTS_BATCH_SIZE")
        self.store: ReportStore | None = None
        self.ledger: CrawlLedger | None = None
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
        self.store = ReportStore(self.db_path)
        interrupted = self.store.interrupt_stale_runs()
        if interrupted:
            logger.info("%d earlier crawl(s) had been interrupted; this one picks up their work", interrupted)
        self.run_id = self.store.start_run(region=run.region, args=run.args, portals=run.portal_rows())
        self.crawler.stats.set_value("govreports/run_id", self.run_id)
        self.crawler.stats.set_value("govreports/db", str(self.store.path))
        logger.info("Storing reports in %s (run %s)", self.store.path, self.run_id)

    def process_item(self, item):
        if self.store is None:
            return item
        adapter = ItemAdapter(item)
        if isinstance(item, FetchFailureItem):
            self._add_failure(item)
            if len(self.failures) >= self.batch_size:
                self._flush()
            return item
        if isinstance(item, SeenItem):
            self.seen.append({name: adapter[name] for name in ("url", "revalidated", "etag", "last_modified")})
        elif isinstance(item, DiscoveredColumnItem):
            self.store.remember_column(adapter["portal_id"], adapter["list_url"])
        elif isinstance(item, GoneItem):
            if self.store.mark_gone(adapter["url"], adapter["reason"]):
                self.crawler.stats.inc_value("govreports/reports_gone")
                self.crawler.stats.inc_value(f"govreports/portal/{adapter['portal_id']}/removed")
        elif isinstance(item, ReportItem):
            self.pending.append(record_from_item(item))
        if len(self.pending) + len(self.seen) >= self.batch_size:
            self._flush()
        return item

    def _add_failure(self, item: FetchFailureItem) -> None:
        adapter = ItemAdapter(item)
        fields = ("portal_id", "url", "reason", "http_status", "attempts", "last_error")
        self.failures.append({"run_id": self.run_id, **{name: adapter[name] for name in fields},
                              "kind": str(adapter["kind"]), "at": now_iso()})
        self.crawler.stats.inc_value("govreports/failures")
        self.crawler.stats.inc_value(f"govreports/portal/{adapter['portal_id']}/failures")
        self.crawler.stats.inc_value(f"govreports/portal/{adapter['portal_id']}/{KIND_COUNTER_PREFIX}{adapter['kind']}")

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
        if self.store is None or self.ledger is None:
            return
        for failure in self.ledger.closing_failures():
            self._add_failure(failure)
        self._flush()
        if reason == "finished":
            for portal_id in self.ledger.complete_portals():
                removed = self.store.mark_unseen_removed(portal_id, self.run_id)
                self.crawler.stats.inc_value("govreports/reports_removed", removed)
                if removed:
                    self.crawler.stats.inc_value(f"govreports/portal/{portal_id}/removed", removed)
            for summary in self.ledger.list_summaries():
                self.store.record_list_crawl(summary.list_url, summary.portal_id, summary.pages, summary.complete)
        stats = self.crawler.stats
        counts = {
            "new": stats.get_value("govreports/reports_new", 0),
            "updated": stats.get_value("govreports/reports_updated", 0),
            "unchanged": stats.get_value("govreports/reports_unchanged", 0),
            "non_reports": stats.get_value("govreports/non_reports", 0),
            "failures": stats.get_value("govreports/failures", 0),
        }
        self.store.finish_run(self.run_id, reason, counts, portal_summary(stats.get_stats()))
        database = str(self.store.path)
        self.store.close()
        self.store = None
        self.crawler.signals.send_catch_log(crawl_recorded, run_id=self.run_id, database=database)


def portal_summary(stats: dict) -> dict[str, dict[str, int]]:
    """Per-portal counters from the ``govreports/portal/<id>/<counter>`` stats."""
    summary: dict[str, dict[str, int]] = {}
    prefix = "govreports/portal/"
    for name, value in stats.items():
        if name.startswith(prefix):
            portal_id, _, counter = name[len(prefix):].rpartition("/")
            summary.setdefault(portal_id, {})[counter] = value
    return summary
