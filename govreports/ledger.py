"""The crawl ledger: what a crawl set out to do and how it went, for whoever records it.

The spider keeps one :class:`CrawlLedger` per crawl and writes into it as it goes
(list pages requested and read, lists stopped early or cut short, pages that failed,
reports found, home-page discovery spent, hosts that could not be reached).
Components read the crawl's outcome from it through a typed contract, never by
probing spider attributes:

* :meth:`CrawlLedger.closing_failures` — failures only known at the end;
* :meth:`CrawlLedger.complete_portals` — portals this crawl read whole (their stored
  reports no list showed any more are gone);
* :meth:`CrawlLedger.list_summaries` — per list: pages read, whether it was covered,
  whether it was read whole;
* :meth:`CrawlLedger.unreachable_hosts` — hosts that could not be reached, and why;
* :attr:`CrawlLedger.run` — the region, arguments and portals of the crawl.

**Removal needs a whole reading.**  A list is *read whole* (:attr:`ListReading.read_whole`)
only when this one crawl requested its first page, read it, and read every further
page it asked for, to the last, with no failure, no early stop and no cap or guard
cutting it short.  A paused and resumed job (``JOBDIR``) does not read again the list
pages its earlier run read (Scrapy's duplicate filter drops them), a killed or partial
crawl stops half-way: neither reads a list whole, so neither can conclude that a report
a list no longer shows is gone.

A spider that keeps a ledger is a :class:`LedgerKeeper`; :func:`ledger_of` returns its
ledger, or ``None`` for any other spider (``scrapy shell``'s default spider, say), so
a component can say clearly that it has nothing to record.

Pure bookkeeping, so the rules are tested without a crawl.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from govreports.activity import PortalActivity
from govreports.failures import FailureKind
from govreports.identity import canonical_url
from govreports.incremental import ListProgress
from govreports.items import FetchFailureItem
from govreports.paging import PagingWatch
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
    complete: bool | None  # whether this crawl covered it (for the next crawl's early stops); None: cannot tell
    # Read from its first page to its last within this crawl, with no failure and no
    # early stop: only then does what it no longer shows say anything.
    read_whole: bool = False


@dataclass
class ListReading:
    """One list (column) as this crawl read it, page by page.

    Pages are known by a key: the spider uses Scrapy's request fingerprint, so two
    requests the duplicate filter would take for one are one page here too.  A page
    this crawl never requested but got an answer for comes from an earlier run of a
    resumed job (``JOBDIR``): that run read the rest of the list, this one did not.
    """

    portal_id: str
    first_page: str = ""  # key of the list's own page (its column URL), once requested
    requested: set[str] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)  # read, or given up on
    pages: int = 0  # pages read (a page read again through the browser counts again)
    earlier_pages: int = 0  # pages answered that an earlier run requested
    cut_short: str = ""  # why paging stopped before the list's end (a cap, a runaway, the page limit)
    stopped_early: bool = False  # the recrawl rules stopped its paging before its end
    progress: ListProgress = field(default_factory=ListProgress)  # the recrawl rules' view (early stops)
    watch: PagingWatch = field(default_factory=PagingWatch)  # runaway detection

    @property
    def pending(self) -> set[str]:
        """Pages requested and never answered (the duplicate filter of a resumed job
        dropped them: an earlier run read them)."""
        return self.requested - self.answered

    @property
    def read_by_this_crawl(self) -> bool:
        """Every page of the list this crawl saw, it requested and read itself, from the first."""
        return bool(self.first_page) and self.first_page in self.answered and not self.earlier_pages \
            and not self.pending

    @property
    def read_whole(self) -> bool:
        """Read from its first page to its last within this crawl, with no failure:
        the only reading after which its stored reports it no longer shows are gone."""
        return self.read_by_this_crawl and not (self.progress.failed or self.cut_short or self.stopped_early
                                                or self.progress.window_stop)

    def complete(self) -> bool | None:
        """Whether this crawl covered the list, for the next crawl's early stops (a list
        stopped early by those rules counts: an earlier crawl read the rest); None when
        it cannot tell (a date window, a list partly read by an earlier run of a job)."""
        if self.progress.window_stop:
            return None
        if self.progress.failed or self.cut_short:
            return False
        return True if self.read_by_this_crawl else None


@dataclass
class CrawlLedger:
    """The bookkeeping of one crawl (see the module docstring)."""

    run: CrawlRun
    lists: dict[str, ListReading] = field(default_factory=dict)  # by canonical list URL
    # Per portal.
    portal_list_pages: Counter[str] = field(default_factory=Counter)
    portal_reports: Counter[str] = field(default_factory=Counter)
    incomplete_portals: set[str] = field(default_factory=set)  # something of it not read to its end
    discovering: set[str] = field(default_factory=set)  # walked from the home page
    discovery_spent: Counter[str] = field(default_factory=Counter)
    # Home and hub pages of discovery, by portal: requested / answered by this crawl, and
    # answered though an earlier run requested them.
    navigation_requested: dict[str, set[str]] = field(default_factory=dict)
    navigation_answered: dict[str, set[str]] = field(default_factory=dict)
    navigation_earlier: Counter[str] = field(default_factory=Counter)
    report_links: dict[str, set[str]] = field(default_factory=dict)  # by portal: report links followed
    link_capped: set[str] = field(default_factory=set)  # portals that reached their link cap
    unreachable: dict[str, str] = field(default_factory=dict)  # host -> why it could not be reached
    budget_spent: dict[str, str] = field(default_factory=dict)  # portal -> which budget it spent
    once: set[str] = field(default_factory=set)  # events recorded once per crawl
    # What each portal has outstanding: done, running or still to come (govreports.activity).
    activity: PortalActivity = field(default_factory=PortalActivity)

    # --- written by the spider ----------------------------------------------------
    def reading(self, column: str, portal_id: str = "") -> ListReading:
        """The reading of a list (created on first use)."""
        reading = self.lists.setdefault(canonical_url(column), ListReading(portal_id))
        reading.portal_id = reading.portal_id or portal_id
        return reading

    def progress(self, column: str) -> ListProgress:
        """The recrawl progress of a list (created on first use)."""
        return self.reading(column).progress

    def list_page_requested(self, portal_id: str, column: str, page: str, *, first: bool = False) -> bool:
        """Note a list page this crawl asks for (``first``: the list's own page);
        returns False when this crawl asked for that page already (a paginator
        leading back to a page of the list): it need not be asked for again."""
        reading = self.reading(column, portal_id)
        if first and not reading.first_page:
            reading.first_page = page
        if page in reading.requested:
            return False
        reading.requested.add(page)
        return True

    def list_page_read(self, portal_id: str, column: str, page: str | None) -> int:
        """Count a page of a list (``page``: its key; None or a key this crawl never
        requested when an earlier run of the job asked for it); returns how many
        pages of that list were read."""
        self.portal_list_pages[portal_id] += 1
        reading = self.reading(column, portal_id)
        reading.pages += 1
        self._answered(reading, page)
        return reading.pages

    def _answered(self, reading: ListReading, page: str | None) -> None:
        if page is None or page not in reading.requested:
            reading.earlier_pages += 1
        else:
            reading.answered.add(page)

    def list_stopped_early(self, portal_id: str, column: str) -> None:
        """A list whose paging stopped before its end (the recrawl rules said so)."""
        self.incomplete_portals.add(portal_id)
        self.reading(column, portal_id).stopped_early = True

    def list_cut_short(self, portal_id: str, column: str, why: str = "cut short") -> None:
        """A list whose paging a guard stopped before its end (a link cap, a runaway
        paginator, the page limit)."""
        self.incomplete_portals.add(portal_id)
        reading = self.reading(column, portal_id)
        reading.cut_short = reading.cut_short or why

    def list_request_failed(self, portal_id: str, column: str | None, page: str | None = None) -> None:
        """A list page (or, with no column, a home/hub page of discovery) was given
        up on: the portal was not read to its end."""
        self.incomplete_portals.add(portal_id)
        if column is not None:
            reading = self.reading(column, portal_id)
            reading.progress.failed = True
            self._answered(reading, page)
        elif page is not None:
            self.navigation_answered.setdefault(portal_id, set()).add(page)

    def portal_incomplete(self, portal_id: str) -> None:
        """Something of the portal was left unread (discovery out of budget, say)."""
        self.incomplete_portals.add(portal_id)

    def navigation_page_requested(self, portal_id: str, page: str) -> bool:
        """Note a home or hub page of discovery this crawl asks for; False when it
        asked for it already."""
        requested = self.navigation_requested.setdefault(portal_id, set())
        if page in requested:
            return False
        requested.add(page)
        return True

    def navigation_page_read(self, portal_id: str, page: str | None) -> None:
        if page is None or page not in self.navigation_requested.get(portal_id, set()):
            self.navigation_earlier[portal_id] += 1
        else:
            self.navigation_answered.setdefault(portal_id, set()).add(page)

    def admit_report_link(self, portal_id: str, url: str, cap: int) -> bool:
        """Whether a report link of a portal may be followed: False once the portal
        has ``cap`` others (:attr:`link_capped` then names it)."""
        links = self.report_links.setdefault(portal_id, set())
        if url in links:
            return True
        if len(links) >= cap:
            self.link_capped.add(portal_id)
            self.incomplete_portals.add(portal_id)
            return False
        links.add(url)
        return True

    def first_time(self, event: str) -> bool:
        """True the first time ``event`` is named: what is recorded once per crawl (a
        portal's link cap, say) is recorded then."""
        if event in self.once:
            return False
        self.once.add(event)
        return True

    def host_unreachable(self, host: str, reason: str) -> bool:
        """Note a host that could not be reached; True the first time (record it once)."""
        if host in self.unreachable:
            return False
        self.unreachable[host] = reason
        return True

    def portal_budget_spent(self, portal_id: str, reason: str) -> bool:
        """Note a portal whose requests were cut by its budget: it was not read whole
        (nothing of it is marked removed).  True the first time (record it once)."""
        self.incomplete_portals.add(portal_id)
        if portal_id in self.budget_spent:
            return False
        self.budget_spent[portal_id] = reason
        return True

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
        """Per list read: its canonical URL, portal, pages read, whether this crawl
        covered it, and whether it read it whole."""
        return [ListSummary(key, reading.portal_id, reading.pages, reading.complete(), reading.read_whole)
                for key, reading in self.lists.items() if reading.pages]

    def complete_portals(self) -> list[str]:
        """Portals that this crawl read whole: every list it asked for read from its
        first page to its last within this crawl (:attr:`ListReading.read_whole`),
        every page of discovery answered, nothing failed, capped or stopped early.
        Their stored reports that no list showed any more can be marked removed.
        None in a crawl restricted to a date window."""
        if self.run.windowed:
            return []
        complete = []
        for portal_id in dict.fromkeys(p.portal_id for p in self.run.portals):
            if portal_id in self.incomplete_portals or not self.portal_list_pages[portal_id]:
                continue
            if self.navigation_earlier[portal_id] or \
                    self.navigation_requested.get(portal_id, set()) - self.navigation_answered.get(portal_id, set()):
                continue
            if all(reading.read_whole for reading in self.lists.values() if reading.portal_id == portal_id):
                complete.append(portal_id)
        return complete

    def unreachable_hosts(self) -> dict[str, str]:
        """Hosts that could not be reached, and why (DNS failure, connection refused …)."""
        return dict(self.unreachable)


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
