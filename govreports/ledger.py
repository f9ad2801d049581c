"""The crawl ledger: what a crawl set out to do and how it went, for whoever records it.

The spider keeps one :class:`CrawlLedger` per crawl and writes into it as it goes
(list pages read, lists stopped early or cut short, list pages that failed, reports
found, home-page discovery spent).  Components read the crawl's outcome from it
through a typed contract, never by probing spider attributes:

* :meth:`CrawlLedger.closing_failures` — failures only known at the end;
* :meth:`CrawlLedger.complete_portals` — portals whose every list was read to its end
  (their stored reports no list showed any more are gone);
* :meth:`CrawlLedger.list_summaries` — per list: pages read, whether it was covered;
* :attr:`CrawlLedger.run` — the region, arguments and portals of the crawl.

A spider that keeps a ledger is a :class:`LedgerKeeper`; :func:`ledger_of` returns its
ledger, or ``None`` for any other spider (``scrapy shell``'s default spider, say), so
a component can say clearly that it has nothing to record.

Pure bookkeeping: no Scrapy, so the rules are tested without a crawl.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from govreports.failures import FailureKind
from govreports.identity import canonical_url
from govreports.incremental import ListProgress
from govreports.items import FetchFailureItem
from govreports.registry import Portal


@dataclass(frozen=True)
class CrawlRun:
    """What a crawl was asked to do, as ``crawl_runs`` records it."""

    region: str
    args: dict[str, Any]  # the spider arguments, normalised (stored as JSON)
    portals: tuple[Portal, ...]
    # Restricted to a publication-date window (since/until): lists were not read to
    # their end, so nothing can be concluded from what they no longer show.
    windowed: bool = False

    def portal_rows(self) -> list[dict[str, object]]:
        return [p.as_row() for p in self.portals]


class ListSummary(NamedTuple):
    """How one list (column) went in this crawl."""

    list_url: str  # canonical
    portal_id: str
    pages: int  # list pages read
    complete: bool | None  # whether this crawl covered it; None when it cannot tell


@dataclass
class CrawlLedger:
    """The bookkeeping of one crawl (see the module docstring)."""

    run: CrawlRun
    # Per list, keyed by the list's canonical URL.
    list_progress: dict[str, ListProgress] = field(default_factory=dict)
    cut_short: set[str] = field(default_factory=set)  # lists whose paging hit the page guard
    # Per list as requested (the column URL the spider was given or found).
    list_pages_seen: Counter[str] = field(default_factory=Counter)
    column_portal: dict[str, str] = field(default_factory=dict)
    # Per portal.
    portal_list_pages: Counter[str] = field(default_factory=Counter)
    portal_reports: Counter[str] = field(default_factory=Counter)
    incomplete_portals: set[str] = field(default_factory=set)  # a list not read to its end
    discovering: set[str] = field(default_factory=set)  # walked from the home page
    discovery_spent: Counter[str] = field(default_factory=Counter)

    # --- written by the spider ----------------------------------------------------
    def progress(self, column: str) -> ListProgress:
        """The progress of a list (created on first use)."""
        return self.list_progress.setdefault(canonical_url(column), ListProgress())

    def list_page_read(self, portal_id: str, column: str) -> int:
        """Count a page of a list; returns how many pages of that list were read."""
        self.portal_list_pages[portal_id] += 1
        self.list_pages_seen[column] += 1
        self.column_portal[column] = portal_id
        return self.list_pages_seen[column]

    def list_stopped_early(self, portal_id: str) -> None:
        """A list whose paging stopped before its end (the recrawl rules said so)."""
        self.incomplete_portals.add(portal_id)

    def list_cut_short(self, portal_id: str, column: str) -> None:
        """A list whose paging hit the runaway-pagination guard."""
        self.incomplete_portals.add(portal_id)
        self.cut_short.add(canonical_url(column))

    def list_request_failed(self, portal_id: str, column: str | None) -> None:
        """A list page (or a home/hub page of discovery, which has no column) was
        given up on: the portal was not read to its end."""
        self.incomplete_portals.add(portal_id)
        if column is not None:
            self.progress(column).failed = True

    def report_found(self, portal_id: str) -> None:
        self.portal_reports[portal_id] += 1

    def discovery_started(self, portal_id: str) -> None:
        self.discovering.add(portal_id)

    def discovery_step(self, portal_id: str) -> int:
        """Count a request of home-page discovery; returns the requests spent so far."""
        self.discovery_spent[portal_id] += 1
        return self.discovery_spent[portal_id]

    # --- read by the components that record the crawl -----------------------------
    def closing_failures(self) -> list[FetchFailureItem]:
        """Failures only known at the end: portals whose home page led to no report
        column (no list page read, no report found)."""
        by_id = {p.portal_id: p for p in self.run.portals}
        failures = []
        for portal_id in sorted(self.discovering):
            if self.portal_list_pages[portal_id] or self.portal_reports[portal_id]:
                continue
            failures.append(FetchFailureItem(
                portal_id=portal_id, url=by_id[portal_id].home_url,
                reason=f"discovery found no report column within {self.discovery_spent[portal_id]} requests; "
                       "set list_urls in the registry",
                kind=FailureKind.DISCOVERY))
        return failures

    def list_summaries(self) -> list[ListSummary]:
        """Per list read: its canonical URL, portal, pages read and whether this crawl
        covered it."""
        summaries = []
        for column, pages in self.list_pages_seen.items():
            key = canonical_url(column)
            progress = self.list_progress.get(key, ListProgress())
            summaries.append(ListSummary(key, self.column_portal.get(column, ""), pages,
                                         progress.complete(cut_short=key in self.cut_short)))
        return summaries

    def complete_portals(self) -> list[str]:
        """Portals whose every list was read to its end in this crawl: their stored
        reports that no list showed any more can be marked removed.  None in a crawl
        restricted to a date window."""
        if self.run.windowed:
            return []
        portal_ids = dict.fromkeys(p.portal_id for p in self.run.portals)
        return [p for p in portal_ids if p not in self.incomplete_portals and self.portal_list_pages[p]]


class LedgerKeeper:
    """A spider that keeps a :class:`CrawlLedger` (set up in its ``from_crawler``).

    ``records_crawl`` is False while it only reads pages handed to it one at a time
    (``scrapy parse``, ``scrapy shell --spider``): its ledger is then scratch, and
    there is no crawl to record."""

    ledger: CrawlLedger
    records_crawl: bool = True


def ledger_of(spider: object) -> CrawlLedger | None:
    """The ledger of the crawl a spider runs, or None when it runs none (a spider that
    keeps no ledger, or one that only reads single pages)."""
    if isinstance(spider, LedgerKeeper) and spider.records_crawl:
        return spider.ledger
    return None
