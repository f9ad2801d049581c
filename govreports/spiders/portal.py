"""The ``portal`` spider: every annual report of the portals of a region.

::

    scrapy crawl portal -a region=红花岗区        # a county, by name …
    scrapy crawl portal -a region=520302          # … or code
    scrapy crawl portal -a region=贵州省           # every registered portal under a province
    scrapy crawl portal -a region=demo            # the embedded offline demo portal
    scrapy crawl portal -a start_url=URL          # one ad-hoc list or report page
    scrapy parse --spider portal -c parse_report URL   # what the spider makes of one page (no crawl)

Recrawls are incremental (see :mod:`govreports.incremental`): known report pages are
skipped (revalidated with a conditional GET every ``revalidate_days``), lists stop
paging early; ``-a full=1`` reads everything again; ``-a since=``/``until=`` restrict
the crawl to a publication-date window; ``-a grace_days=`` tunes the date stop.

The spider is thin: the registry says where to start, the platform modules read list
pages, :mod:`govreports.discovery` finds a column from a home page, and
:mod:`govreports.parsing` turns a report page into data, :mod:`govreports.verdicts`
says what a fetched report page is.  Items go to the pipelines; how the crawl went
(lists read, discovery spent, portals read to their end) is kept in the crawl ledger
(:mod:`govreports.ledger`), which the SQLite pipeline reads at the end.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import sleep

from govreports.activity import requests_in_engine
from govreports.discovery import (
    discovery_links, guess_redirect_followed, guess_verdict, page_digest, region_names, sublist_links,
)
from govreports.identity import canonical_url
from govreports.arguments import crawl_arguments
from govreports.incremental import paging_decision
from govreports.items import DiscoveredColumnItem, FetchFailureItem, GoneItem, ReportItem, SeenItem
from govreports.browser import browser_meta
from govreports.attachments.sniff import DOCUMENT_KINDS, sniff_type
from govreports.ledger import CrawlLedger, CrawlRun, LedgerKeeper
from govreports.paging import PagingLimits, positive_int
from govreports.parsing.model import ParsedReport
from govreports.parsing.report import parse_report_html
from govreports.failures import FailureKind, HostUnreachable, PortalBudgetSpent, failure_reason
from govreports.parsing.titles import is_report_column, is_report_link
from govreports.platforms import Page, get_platform
from govreports.platforms.column_paths import column_guesses
from govreports.platforms.jsshell import render_js_needed
from govreports.registry import Portal, load_portals, select_portals
from govreports.responses import page_text, validators
from govreports.schemes import FetchPolicy, shown_url
from govreports.sharding import portals_of_shard
from govreports.storage import ReportStore
from govreports.storage.store import CrawlState
from govreports.verdicts import NON_REPORT_FAILURES, FetchedPage, Verdict, VerdictKind, page_verdict

LOCAL_FILES_SLOT = "local-files"  # see DOWNLOAD_SLOTS in settings


_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _html_title(text: str) -> str:
    """A list page's <title> (the column's name, usually), cheaply."""
    m = _TITLE_TAG.search(text[:20000])
    return html.unescape(m.group(1)).strip() if m else ""


def required_int(settings, name: str) -> int:
    """A whole-number setting that has its default in ``govreports/settings.py``."""
    if settings.get(name) is None:
        raise ValueError(f"setting {name} is not set (its default is in govreports/settings.py)")
    return settings.getint(name)


class PortalSpider(LedgerKeeper, scrapy.Spider):
    """Crawls the portals a region (or a start URL) names; keeps the crawl's
    :class:`~govreports.ledger.CrawlLedger` as ``self.ledger``.

    Settings read once, in ``from_crawler``: ``PORTALS_FILE``, ``GOVREPORTS_DB`` (the
    recrawl state), the paging limits of :class:`~govreports.paging.PagingLimits`
    (``GOVREPORTS_MAX_LIST_PAGES``, ``GOVREPORTS_RUNAWAY_PAGES``,
    ``GOVREPORTS_MAX_LINKS_PER_LIST_PAGE``, ``GOVREPORTS_MAX_LINKS_PER_PORTAL``),
    ``GOVREPORTS_DISCOVERY_BUDGET``, ``GOVREPORTS_DISCOVERY_MAX_DEPTH``,
    ``GOVREPORTS_DISCOVERY_GUESSES`` and
    ``GOVREPORTS_PORTALS_AT_ONCE`` (portals crawled at once, see :meth:`room_for_a_portal`).

    Every list page and discovery page it asks for is written in the ledger under a
    key (meta ``page_key``: Scrapy's request fingerprint), and so is every answer: the
    ledger tells a list this crawl read whole from one partly read by an earlier run
    of a resumed job.
    """

    name = "portal"
    ADMISSION_POLL = 0.05  # seconds between looks for room for the next portal
    portals_at_once = 1
    custom_settings = {
        # A deleted report often answers 200 with a meta refresh to its folder; the
        # spider reads those itself (see ``parse_report``) instead of following them.
        "METAREFRESH_ENABLED": False,
    }

    def __init__(self, **kwargs: Any):
        """Spider arguments (``-a name=value``) as :mod:`govreports.arguments` reads
        them; a bad one raises :class:`~govreports.arguments.ArgumentError`.  Without
        ``region`` and ``start_url`` the spider crawls nothing: it reads the pages it
        is handed (``scrapy parse --spider portal -c parse_report <url>``), each as a
        page of an ad-hoc portal of its host, and records no crawl."""
        args = crawl_arguments(kwargs, require_target=False)
        super().__init__(**{name: value for name, value in kwargs.items() if name.startswith("_")})
        self.region = args.region
        self.start_url = args.start_url
        self.platform_arg = args.platform
        self.render_js_arg = args.render_js
        self.policy = args.policy
        self.shard = args.shard
        self.crawl_args = args.as_record()
        self.records_crawl = args.has_target
        self.portal_by_id: dict[str, Portal] = {}
        self.fetch_policy = FetchPolicy()
        self.recrawl_state = CrawlState()
        self.discovery_found: set[str] = set()  # portals whose discovery found a column

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        portals = spider.select_portals(settings.get("PORTALS_FILE")) if spider.records_crawl else []
        spider.portal_by_id = {p.portal_id: p for p in portals}
        spider.ledger = CrawlLedger(CrawlRun(region=spider.region, args=spider.crawl_args, portals=tuple(portals),
                                             windowed=bool(spider.policy.since or spider.policy.until)))
        spider.fetch_policy = FetchPolicy.of_portals(portals)
        spider.paging = PagingLimits.from_settings(settings)
        spider.discovery_budget = required_int(settings, "GOVREPORTS_DISCOVERY_BUDGET")
        spider.discovery_max_depth = required_int(settings, "GOVREPORTS_DISCOVERY_MAX_DEPTH")
        spider.discovery_guesses = required_int(settings, "GOVREPORTS_DISCOVERY_GUESSES")
        spider.portals_at_once = positive_int(settings, "GOVREPORTS_PORTALS_AT_ONCE")
        if spider.records_crawl:  # reading single pages never touches the database
            store = ReportStore(settings.get("GOVREPORTS_DB"))
            try:
                spider.recrawl_state = store.crawl_state(list(spider.portal_by_id))
            finally:
                store.close()
        return spider

    @property
    def portals(self) -> tuple[Portal, ...]:
        return self.ledger.run.portals

    def select_portals(self, portals_file: str) -> list[Portal]:
        if self.start_url:
            return [self.adhoc_portal(self.start_url)]
        selected = select_portals(self.region, load_portals(portals_file))
        portals = portals_of_shard(selected, self.shard)
        if self.shard and not portals:  # a finished crawl of nothing, not an error
            self.logger.info("shard %s holds none of the %d portals of %s: nothing to crawl",
                                self.shard, len(selected), self.region)
        return portals

    def portal_of(self, response: Response) -> Portal:
        """The portal a response belongs to (its request's ``portal_id``); a page handed
        to a spider that reads single pages belongs to an ad-hoc portal of its host."""
        portal_id = response.meta.get("portal_id", "")
        if portal_id in self.portal_by_id or self.records_crawl:
            return self.portal_by_id[portal_id]
        portal = self.adhoc_portal(response.url)
        self.portal_by_id.setdefault(portal.portal_id, portal)
        return self.portal_by_id[portal.portal_id]

    def adhoc_portal(self, url: str) -> Portal:
        host = urlsplit(url).hostname or "local"
        return Portal(
            portal_id=f"adhoc:{host}",
            region_code=self.region if self.region.isdigit() else "",
            region_name=self.region,
            portal_name=host,
            home_url="",
            list_urls=(url,),
            platform=self.platform_arg,
            render_js=self.render_js_arg,
        )

    # --- requests ------------------------------------------------------------------
    def _meta(self, portal: Portal, **extra: Any) -> dict[str, Any]:
        meta = {"portal_id": portal.portal_id, **extra}
        if not portal.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if portal.is_local:
            # Politeness protects servers; local files (the demo) have none to protect.
            meta["download_slot"] = LOCAL_FILES_SLOT
            meta["autothrottle_dont_adjust_delay"] = True
        return meta

    def _count(self, portal_id: str, counter: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"govreports/portal/{portal_id}/{counter}", n)

    def refused(self, portal: Portal, url: str, *, list_column: str | None = None, list_page: bool = False,
                via: str = "") -> FetchFailureItem | None:
        """The recorded failure of a URL the crawler never requests (see
        :mod:`govreports.schemes`), or None when ``url`` may be requested.  A refused
        list page (``list_page``; ``list_column`` its list, None for discovery) leaves
        its portal not read to its end; ``via`` says where the URL came from."""
        reason = self.fetch_policy.refusal(url, portal.portal_id)
        if reason is None:
            return None
        if via:
            reason = f"{reason} ({via})"
        if list_page:
            self.ledger.list_request_failed(portal.portal_id, list_column)
        self.logger.warning("not requesting %s: %s", shown_url(url), reason)
        return self.failure(portal, shown_url(url), FailureKind.UNSUPPORTED_SCHEME, reason)

    def list_request(self, portal: Portal, url: str, *, column: str, platform: str, method: str = "GET",
                     formdata: tuple[tuple[str, str], ...] = (),
                     first: bool = False) -> scrapy.Request | FetchFailureItem:
        if refused := self.refused(portal, url, list_column=column, list_page=True):
            return refused
        # The registry's lists, the columns discovery finds and their sub-columns are
        # annual-report columns; an ad-hoc start_url list is judged by its page.
        meta = self._meta(portal, column=column, platform=platform, report_column=not self.start_url)
        if portal.render_js:
            meta.update(browser_meta())
        meta["first_page"] = canonical_url(url) == canonical_url(column) and method == "GET"
        callback = self.parse_start if first and self.start_url else self.parse_list
        if method == "POST":
            request = scrapy.FormRequest(url, formdata=dict(formdata), callback=callback,
                                         errback=self.on_error, meta=meta)
        else:
            request = scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)
        return self._keyed(request)

    def home_request(self, portal: Portal, url: str, *, depth_left: int,
                     **discovery: Any) -> scrapy.Request | FetchFailureItem:
        """A home or hub page of discovery; ``discovery``: ``home`` (the portal's home
        page), ``counted`` (its request was counted against the budget when asked
        for), ``scope``/``named`` (a page of a parent platform, see
        :func:`~govreports.discovery.discovery_links`)."""
        if refused := self.refused(portal, url, list_page=True):
            return refused
        return self._keyed(scrapy.Request(url, callback=self.parse_home, errback=self.on_error,
                                          meta=self._meta(portal, depth_left=depth_left, **discovery)))

    def guess_request(self, portal: Portal, guesses: list[str], pending: dict[str, Any], *,
                      guessed: str = "", guess_redirected: bool = False, rest: list[str] | None = None) -> scrapy.Request:
        """The first of ``guesses`` (known column paths of the site's family): any
        answer goes to :meth:`parse_guess` (redirects too: it reads them), nothing is
        retried or recorded as failed, and ``pending`` (the rest, and the hubs to walk
        after) rides along; ``guessed``: the guess a followed redirect came from."""
        meta = self._meta(portal, guesses=guesses[1:] if rest is None else rest, pending=pending,
                          handle_httpstatus_all=True, dont_retry=True, counted=True,
                          guessed=guessed or guesses[0], guess_redirected=guess_redirected)
        return self._keyed(scrapy.Request(guesses[0], callback=self.parse_guess, errback=self.on_guess_error,
                                          meta=meta))

    def _keyed(self, request: scrapy.Request) -> scrapy.Request:
        request.meta["page_key"] = self.crawler.request_fingerprinter.fingerprint(request).hex()
        return request

    def ask(self, request: scrapy.Request | FetchFailureItem) -> bool:
        """Write a list or discovery request in the ledger as asked for by this crawl;
        False when this crawl asked for that page already (it need not again).  A
        refused URL's recorded failure always goes out."""
        if not isinstance(request, scrapy.Request):
            return True
        meta = request.meta
        if "column" in meta:
            return self.ledger.list_page_requested(meta["portal_id"], meta["column"], meta["page_key"],
                                                   first=meta.get("first_page", False))
        return self.ledger.navigation_page_requested(meta["portal_id"], meta["page_key"])

    def _asked(self, requests) -> Iterator[scrapy.Request]:
        """The requests of ``requests`` this crawl had not asked for yet."""
        for request in requests:
            if self.ask(request):
                yield request

    def report_request(self, portal: Portal, url: str, *, column: str, title: str = "",
                       date: str | None = None, report_column: bool = False) -> scrapy.Request | FetchFailureItem:
        if refused := self.refused(portal, url):
            return refused
        return scrapy.Request(
            url,
            callback=self.parse_report,
            errback=self.on_error,
            meta=self._meta(portal, column=column, list_title=title, list_date=date, report_column=report_column),
        )

    def revalidation_request(self, portal: Portal, url: str, known, *,
                             column: str) -> scrapy.Request | FetchFailureItem:
        """A conditional GET of a known report page: 304 when it has not changed."""
        if refused := self.refused(portal, url):
            return refused
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        self._count(portal.portal_id, "revalidations")
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_report,
            errback=self.on_error,
            meta=self._meta(portal, column=column, revalidate=True,
                            handle_httpstatus_list=[304, 404, 410]),
        )

    async def start(self) -> AsyncIterator[scrapy.Request | FetchFailureItem]:
        if not self.records_crawl:
            self.logger.error("nothing to crawl: say which portals, -a region=<name or code> (e.g. -a region=demo) "
                              "or -a start_url=<URL>")
            return
        for portal in self.portals:
            await self.room_for_a_portal()
            self.ledger.activity.admit(portal.portal_id)
            list_urls = portal.list_urls or tuple(self.recrawl_state.discovered.get(portal.portal_id, ()))
            if list_urls:
                for url in list_urls:
                    request = self.list_request(portal, url, column=url, platform=portal.platform, first=True)
                    if self.ask(request):
                        yield request
            elif portal.home_url:
                self.ledger.discovery_started(portal.portal_id)
                request = self.home_request(portal, portal.home_url, depth_left=self.discovery_max_depth, home=True)
                if self.ask(request):
                    yield request

    async def room_for_a_portal(self) -> None:
        """Wait until the next portal may start: fewer than ``GOVREPORTS_PORTALS_AT_ONCE``
        portals have requests outstanding, and the downloader has room.  Portals are so
        started one by one as others finish, instead of every portal's first requests
        piling up in the scheduler at once."""
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl is running: the requests are read one by one (tests)
            return
        while (
                engine.needs_backout()
                or self.ledger.activity.open_portals(requests_in_engine(engine)) >= self.portals_at_once):
            await sleep(self.ADMISSION_POLL)

    # --- callbacks -----------------------------------------------------------------
    def parse_home(self, response: Response):
        """Walk from the home page towards the annual-report column(s): the columns it
        links; else, from the home page, the known column paths of its family; else
        its hubs (see :mod:`govreports.discovery`)."""
        portal = self.portal_of(response)
        meta = response.meta
        if not meta.get("counted"):
            self.ledger.discovery_step(portal.portal_id)
        self.ledger.navigation_page_read(portal.portal_id, meta.get("page_key"))
        if not isinstance(response, TextResponse) or portal.portal_id in self.discovery_found:
            return
        page = Page(url=response.url, text=page_text(response))
        links = discovery_links(page, names=region_names(portal.region_name), scope=meta.get("scope", ""),
                                named=meta.get("named", True))
        yield from self.take_columns(portal, response, links.columns)
        if links.columns:
            return
        depth_left = meta.get("depth_left", 0) - 1
        deeper = depth_left > 0  # guesses are not levels: tried whatever the depth
        walk = {"hubs": [hub.url for hub in links.hubs] if deeper else [], "depth_left": depth_left,
                "scope": meta.get("scope", ""), "named": meta.get("named", True),
                "parents": [(p.link.url, p.scope, p.named) for p in links.parent_hubs] if deeper else [],
                "tried": []}
        guesses = column_guesses(page, self.discovery_guesses) if meta.get("home") else []
        if guesses and self.ledger.discovery_spent[portal.portal_id] < self.discovery_budget:
            self.ledger.discovery_step(portal.portal_id)
            yield from self._asked([self.guess_request(portal, guesses, {
                **walk, "home_url": response.url, "home_digest": page_digest(page.text)})])
        else:
            yield from self.walk(portal, walk)

    def take_columns(self, portal: Portal, response: Response, columns) -> Iterator:
        """The report columns a discovery page links (a link that is itself a report
        is read as one): remembered, and read as lists."""
        for column in columns:
            if is_report_link(column.title):
                yield self.report_request(portal, column.url, column=response.url, title=column.title)
                continue
            request = self.list_request(portal, column.url, column=column.url, platform=portal.platform)
            if isinstance(request, scrapy.Request):  # a refused column is not remembered
                self._count(portal.portal_id, "columns_discovered")
                self.discovery_found.add(portal.portal_id)
                yield DiscoveredColumnItem(portal_id=portal.portal_id, list_url=column.url)
            yield from self._asked([request])

    def walk(self, portal: Portal, walk: dict[str, Any]) -> Iterator:
        """The hub pages of one discovery page (then the parent platforms it leads
        to), each counted against the budget when asked for; none once the budget
        is spent or a column was found."""
        hubs = [(url, walk["scope"], walk["named"]) for url in walk["hubs"]] + list(walk.get("parents", []))
        for url, scope, named in hubs:
            if portal.portal_id in self.discovery_found:
                return
            if self.ledger.discovery_spent[portal.portal_id] >= self.discovery_budget:
                self.logger.warning("discovery budget spent on %s without finding its report column",
                                    portal.portal_id)
                self.ledger.portal_incomplete(portal.portal_id)
                return
            request = self.home_request(portal, url, depth_left=walk["depth_left"], counted=True,
                                        scope=scope, named=named)
            if isinstance(request, scrapy.Request) and url in walk.get("tried", ()):
                request = request.replace(dont_filter=True)  # fetched as a guess, not read as a hub
            if self.ask(request):  # a page asked for already costs nothing more
                self.ledger.discovery_step(portal.portal_id)
                yield request

    def parse_guess(self, response: Response):
        """The answer to a guessed column path: the column when it lists reports (read
        at once, as the column's first page), else the next guess, else the walk."""
        portal = self.portal_of(response)
        meta = response.meta
        self.ledger.navigation_page_read(portal.portal_id, meta.get("page_key"))
        guessed = meta.get("guessed", response.url)
        pending = meta["pending"]
        location = response.headers.get("Location", b"").decode("latin-1")
        if 300 <= response.status < 400 and location and portal.portal_id not in self.discovery_found:
            # Redirects are read here (guesses take every status): one to the column's
            # own index page is followed, one elsewhere (home, an error page) is a miss.
            target = response.urljoin(location)
            if guess_redirect_followed(guessed, target) and not meta.get("guess_redirected") \
                    and self.ledger.discovery_spent[portal.portal_id] < self.discovery_budget:
                self.ledger.discovery_step(portal.portal_id)
                yield from self._asked([self.guess_request(portal, [target], pending, guessed=guessed,
                                                           guess_redirected=True, rest=meta.get("guesses", []))])
                return
        if isinstance(response, TextResponse) and portal.portal_id not in self.discovery_found:
            page = Page(url=response.url, text=page_text(response), status=response.status)
            verdict = guess_verdict(page, guessed_url=guessed, home_url=pending["home_url"],
                                    home_digest=pending["home_digest"])
            self.logger.debug("discovery guess %s: %s", guessed, verdict.why)
            if verdict.is_column:  # remembered where it answered (after a redirect to its index page)
                yield from self.guessed_column(portal, response, response.url)
                return
        pending["tried"].append(guessed)
        yield from self.next_guess(portal, meta.get("guesses", []), pending)

    def on_guess_error(self, failure):
        """A guess that could not be fetched is only a wrong guess: on to the next."""
        request = failure.request
        portal = self.portal_by_id.get(request.meta.get("portal_id", ""))
        if portal is None:
            return
        self.ledger.navigation_page_read(portal.portal_id, request.meta.get("page_key"))
        yield from self.next_guess(portal, request.meta.get("guesses", []), request.meta["pending"])

    def next_guess(self, portal: Portal, guesses: list[str], pending: dict[str, Any]) -> Iterator:
        if portal.portal_id in self.discovery_found:
            return
        if guesses and self.ledger.discovery_spent[portal.portal_id] < self.discovery_budget:
            self.ledger.discovery_step(portal.portal_id)
            yield from self._asked([self.guess_request(portal, guesses, pending)])
        else:
            yield from self.walk(portal, pending)

    def guessed_column(self, portal: Portal, response: Response, column: str) -> Iterator:
        """A guess that is the report column: remembered, and its answer read as the
        list's first page (it is not fetched twice)."""
        self._count(portal.portal_id, "columns_guessed")
        self._count(portal.portal_id, "columns_discovered")
        self.discovery_found.add(portal.portal_id)
        yield DiscoveredColumnItem(portal_id=portal.portal_id, list_url=column)
        request = self.list_request(portal, column, column=column, platform=portal.platform)
        if not isinstance(request, scrapy.Request):
            yield request
            return
        self.ask(request)
        yield from self.parse_list(response.replace(request=request))

    def parse_start(self, response: Response):
        """An ad-hoc ``start_url``: a page whose own title names a report for a year is
        stored as a report; anything else is read as a list."""
        if isinstance(response, TextResponse):
            parsed = parse_report_html(page_text(response), response.url)
            if parsed.is_report and is_report_link(parsed.title):
                yield from self.parse_report(response, parsed=parsed)
                return
        yield from self.parse_list(response)

    def parse_list(self, response: Response):
        portal = self.portal_of(response)
        column = response.meta.get("column", response.url)  # a page handed alone is its own list
        self._count(portal.portal_id, "list_pages")
        pages_read = self.ledger.list_page_read(portal.portal_id, column, response.meta.get("page_key"))
        if not isinstance(response, TextResponse):
            yield self.failure(portal, response.url, FailureKind.LIST_NOT_TEXT, "list page is not text",
                               response.status)
            return
        page = Page(url=response.url, text=page_text(response), status=response.status)
        platform = get_platform(response.meta.get("platform", "auto"), page)
        listing = platform.parse_list(page)
        if not response.meta.get("playwright") and not any(is_report_link(c.title) for c in listing.candidates) \
                and render_js_needed(page):
            # A JavaScript shell: only a browser shows its list.
            self._count(portal.portal_id, "rendered_in_browser")
            yield response.request.replace(meta={**response.meta, **browser_meta()}, dont_filter=True)
            return
        reading = self.ledger.reading(column, portal.portal_id)
        runaway = reading.watch.page_read(response.url, page.text, [c.url for c in listing.candidates],
                                          self.paging.runaway_pages)
        if canonical_url(response.url) == canonical_url(column):
            sublists, failures = self._capped(portal, column, response, "sub-column links",
                                              sublist_links(page, column))
            self._count(portal.portal_id, "sublists", len(sublists))
            yield from failures
            yield from self._asked([self.list_request(portal, sub.url, column=sub.url, platform=portal.platform)
                                    for sub in sublists])
        # In a report column a title without a year that names its body is a report too
        # ("XX街道办事处政府信息公开工作年度报告"): its page says the year.
        report_column = bool(response.meta.get("report_column")) or is_report_column(
            _html_title(page.text), [c.title for c in listing.candidates])
        report_links, failures = self._capped(
            portal, column, response, "report links",
            [c for c in listing.candidates if is_report_link(c.title, report_column=report_column)])
        yield from failures
        known_flags = []
        for candidate in report_links:
            if not self.policy.in_window(candidate.published):
                self._count(portal.portal_id, "outside_window")
                continue
            url = canonical_url(candidate.url)
            if not self.ledger.admit_report_link(portal.portal_id, url, self.paging.max_links_per_portal):
                yield from self.portal_capped(portal, column, response.url)
                break
            known = self.recrawl_state.known_urls.get(url)
            if known is None and candidate.url in self.recrawl_state.known_non_reports and not self.policy.full:
                # Found not to be a report before (a deleted page, a look-alike): not again.
                self._count(portal.portal_id, "known_non_reports")
                known_flags.append(True)
                continue
            known_flags.append(known is not None)
            if known is None or self.policy.full:
                yield self.report_request(portal, candidate.url, column=column, title=candidate.title,
                                          date=candidate.published, report_column=report_column)
            elif self.policy.revalidation_due(known):
                yield self.revalidation_request(portal, candidate.url, known, column=column)
            else:
                self._count(portal.portal_id, "known_skipped")
                yield SeenItem(portal_id=portal.portal_id, url=url)
        progress = reading.progress
        progress.stopped = paging_decision(
            self.policy, progress,
            item_dates=[c.published for c in listing.candidates],
            report_links_known=known_flags,
            newest_stored=self.recrawl_state.newest_published.get(canonical_url(column)),
            previously_complete=canonical_url(column) in self.recrawl_state.complete_lists,
        )
        if listing.next_requests:  # else this was the list's last page
            yield from self.next_list_pages(portal, column, response, listing, platform.name, pages_read, runaway)
        sublists, failures = self._capped(portal, column, response, "sub-lists", listing.sublists)
        yield from failures
        yield from self._asked([self.list_request(portal, sublist, column=sublist, platform=portal.platform)
                                for sublist in sublists])

    def next_list_pages(self, portal: Portal, column: str, response: Response, listing, platform: str,
                        pages_read: int, runaway: str):
        """The list's next pages, unless its paging stops here: the recrawl rules say
        so, the portal reached its link cap, the paging runs away, or the list reached
        the page limit (each but the first recorded as a failure)."""
        progress = self.ledger.progress(column)
        if progress.stopped:
            self.ledger.list_stopped_early(portal.portal_id, column)
            self._count(portal.portal_id, "lists_stopped_early")
            self.logger.info("stopped paging %s at %s: %s", column, response.url, progress.stopped)
        elif portal.portal_id in self.ledger.link_capped:
            self.ledger.list_cut_short(portal.portal_id, column, "the portal's link cap")
        elif runaway:
            yield self.paging_stopped(portal, column, response.url, FailureKind.RUNAWAY_PAGING,
                                      f"runaway paging: {runaway}")
        elif pages_read >= self.paging.max_pages:
            yield self.paging_stopped(portal, column, response.url, FailureKind.PAGING_LIMIT,
                                      f"{pages_read} pages read (GOVREPORTS_MAX_LIST_PAGES) and the list goes on")
        else:
            yield from self._asked(
                self.list_request(portal, request.url, column=column, platform=request.platform or platform,
                                  method=request.method, formdata=request.formdata)
                for request in listing.next_requests)

    # --- how far lists are followed (govreports.paging) -----------------------------
    def _capped(self, portal: Portal, column: str, response: Response, what: str,
                links: list) -> tuple[list, list[FetchFailureItem]]:
        """The first ``GOVREPORTS_MAX_LINKS_PER_LIST_PAGE`` of a list page's ``links``, and
        the failure recording the cap when it had more (they leave the list unfinished)."""
        cap = self.paging.max_links_per_page
        if len(links) <= cap:
            return links, []
        self.ledger.list_cut_short(portal.portal_id, column, f"more than {cap} {what} on a page")
        self._count(portal.portal_id, "link_caps")
        self.logger.warning("%s lists %d %s; following the first %d (GOVREPORTS_MAX_LINKS_PER_LIST_PAGE)",
                            response.url, len(links), what, cap)
        return links[:cap], [self.failure(
            portal, response.url, FailureKind.LINK_CAP,
            f"list page with {len(links)} {what}: followed the first {cap} (GOVREPORTS_MAX_LINKS_PER_LIST_PAGE)")]

    def portal_capped(self, portal: Portal, column: str, url: str) -> Iterator[FetchFailureItem]:
        """A portal that reached ``GOVREPORTS_MAX_LINKS_PER_PORTAL`` report links: recorded
        once; its lists are not followed further."""
        self.ledger.list_cut_short(portal.portal_id, column, "the portal's link cap")
        if not self.ledger.first_time(f"link cap of {portal.portal_id}"):
            return
        cap = self.paging.max_links_per_portal
        self._count(portal.portal_id, "link_capped")
        self.logger.warning("%s has more than %d report links; the rest are not followed "
                            "(GOVREPORTS_MAX_LINKS_PER_PORTAL)", portal.portal_id, cap)
        yield self.failure(portal, url, FailureKind.PORTAL_LINK_CAP,
                           f"portal with more than {cap} report links: the rest, from this list page on, "
                           "not followed (GOVREPORTS_MAX_LINKS_PER_PORTAL)")

    def paging_stopped(self, portal: Portal, column: str, url: str, kind: FailureKind,
                       why: str) -> FetchFailureItem:
        """A list whose paging a guard stopped: recorded, and the list left unfinished."""
        self.ledger.list_cut_short(portal.portal_id, column, why)
        self._count(portal.portal_id, "lists_cut_short")
        self.logger.warning("stopped paging %s at %s: %s", column, url, why)
        return self.failure(portal, url, kind, f"stopped paging {column}: {why}")

    def parse_report(self, response: Response, parsed: ParsedReport | None = None):
        """A page a list showed under a report title, or a known report revalidated:
        acts on its :func:`~govreports.verdicts.page_verdict`."""
        portal = self.portal_of(response)
        self._count(portal.portal_id, "report_pages")
        verdict = page_verdict(self.fetched_page(response), parsed)
        match verdict.kind:
            case VerdictKind.NOT_MODIFIED:
                self._count(portal.portal_id, "not_modified")
                self.crawler.stats.inc_value("govreports/not_modified")
                yield SeenItem(portal_id=portal.portal_id, url=canonical_url(response.url), revalidated=True,
                               **validators(response))
            case VerdictKind.GONE:
                self._count(portal.portal_id, "gone")
                yield GoneItem(portal_id=portal.portal_id, url=canonical_url(response.url), reason=verdict.detail)
            case VerdictKind.META_REFRESH:
                yield self.refresh_request(portal, response, verdict.detail)
            case VerdictKind.JS_SHELL:
                # The article is loaded by script: only a browser shows it.
                self._count(portal.portal_id, "rendered_in_browser")
                yield response.request.replace(meta={**response.meta, **browser_meta()}, dont_filter=True)
            case VerdictKind.DOCUMENT:
                yield self.report_item(portal, response, verdict.parsed, source_format=verdict.detail,
                                       attachment_bodies={response.url: response.body})
            case VerdictKind.REPORT:
                yield self.report_item(portal, response, verdict.parsed, source_format="html")
            case VerdictKind.NOT_TEXT | VerdictKind.EMPTY | VerdictKind.DELETED | VerdictKind.NOT_A_REPORT:
                yield self.not_a_report(portal, response, verdict)

    def refresh_request(self, portal: Portal, response: Response, target: str) -> scrapy.Request | FetchFailureItem:
        """The page a report page's meta refresh sends to, read as the report page."""
        if refused := self.refused(portal, target, via=f"the meta refresh of {response.url}"):
            return refused
        return response.follow(target, callback=self.parse_report, errback=self.on_error, meta=dict(response.meta))

    @staticmethod
    def fetched_page(response: Response) -> FetchedPage:
        """What :func:`~govreports.verdicts.page_verdict` reads of a response."""
        document_type = sniff_type(response.body, response.url)
        return FetchedPage(
            url=response.url,
            status=response.status,
            body=response.body,
            text=page_text(response) if isinstance(response, TextResponse) else None,
            document_type=document_type if document_type in DOCUMENT_KINDS else "",
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            list_title=response.meta.get("list_title", ""),
            from_report_column=bool(response.meta.get("report_column")),
            list_date=response.meta.get("list_date"),
            revalidating=bool(response.meta.get("revalidate")),
            in_browser=bool(response.meta.get("playwright")),
        )

    def report_item(self, portal: Portal, response: Response, parsed: ParsedReport, *, source_format: str,
                    attachment_bodies: dict[str, bytes] | None = None) -> ReportItem:
        """The item of a report found at ``response`` (a page, or a file that is the
        report: then its bytes go along, so the attachment pipeline need not fetch it
        again)."""
        self._count(portal.portal_id, "reports")
        self.ledger.report_found(portal.portal_id)
        return ReportItem(
            portal_id=portal.portal_id,
            region_code=portal.region_code,
            region_name=portal.region_name,
            url=response.url,
            list_url=response.meta.get("column", ""),
            source_format=source_format,
            sha256=hashlib.sha256(response.body).hexdigest(),
            parsed=parsed,
            list_title=response.meta.get("list_title", ""),
            list_date=response.meta.get("list_date"),
            attachment_bodies=attachment_bodies or {},
            **validators(response),
        )

    # --- failures ------------------------------------------------------------------
    def failure(self, portal: Portal, url: str, kind: FailureKind, reason: str, status: int | None = None,
                attempts: int = 1, error: str = "") -> FetchFailureItem:
        return FetchFailureItem(portal_id=portal.portal_id, url=url, reason=reason, kind=kind,
                                http_status=status, attempts=attempts, last_error=error)

    def not_a_report(self, portal: Portal, response: Response, verdict: Verdict) -> FetchFailureItem:
        """A page listed as a report that is not one (deleted, empty, a look-alike)."""
        self._count(portal.portal_id, "non_reports")
        self.crawler.stats.inc_value("govreports/non_reports")
        return self.failure(portal, response.url, NON_REPORT_FAILURES[verdict.kind], verdict.detail, response.status)

    def on_error(self, failure):
        """A request given up on: recorded (a host found unreachable once, not once per
        dropped request), and written in the ledger; a known report the list showed
        but whose page failed (not with 404/410) is still seen: it was listed, so it is
        not gone."""
        request = failure.request
        portal = self.portal_by_id.get(request.meta.get("portal_id", ""))
        if portal is None:
            return
        status, kind, reason = failure_reason(failure)
        if request.callback in (self.parse_list, self.parse_start, self.parse_home):
            self.ledger.list_request_failed(portal.portal_id, request.meta.get("column"),
                                            request.meta.get("page_key"))
        elif request.callback == self.parse_report and status not in (404, 410) \
                and canonical_url(request.url) in self.recrawl_state.known_urls:
            yield SeenItem(portal_id=portal.portal_id, url=canonical_url(request.url))
        if failure.check(HostUnreachable) and not self.ledger.host_unreachable(failure.value.host,
                                                                               failure.value.reason):
            self._count(portal.portal_id, "dropped_unreachable")
            return
        if failure.check(PortalBudgetSpent) and not self.ledger.portal_budget_spent(portal.portal_id,
                                                                                    failure.value.reason):
            self._count(portal.portal_id, "dropped_over_budget")
            return
        self.logger.warning("giving up on %s: %s", request.url, reason)
        yield self.failure(portal, request.url, kind, reason, status,
                           attempts=request.meta.get("retry_times", 0) + 1,
                           error=str(failure.value)[:500])
