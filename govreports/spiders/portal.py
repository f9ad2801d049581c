"""The ``portal`` spider: every annual report of the portals of a region.

::

    scrapy crawl portal -a region=红花岗区        # a county, by name …
    scrapy crawl portal -a region=520302          # … or code
    scrapy crawl portal -a region=贵州省           # every registered portal under a province
    scrapy crawl portal -a region=demo            # the embedded offline demo portal
    scrapy crawl portal -a start_url=URL          # one ad-hoc list or report page

Recrawls are incremental (see :mod:`govreports.incremental`): known report pages are
skipped (revalidated with a conditional GET every ``revalidate_days``), lists stop
paging early; ``-a full=1`` reads everything again; ``-a since=``/``until=`` restrict
the crawl to a publication-date window; ``-a grace_days=`` tunes the date stop.

The spider is thin: the registry says where to start, the platform modules read list
pages, :mod:`govreports.discovery` finds a column from a home page, and
:mod:`govreports.parsing` turns a report page into data.  Items go to the pipelines.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from govreports.discovery import discovery_links, sublist_links
from govreports.identity import canonical_url
from govreports.flags import parse_flag
from govreports.incremental import ListProgress, RecrawlPolicy, paging_decision
from govreports.items import DiscoveredColumnItem, FetchFailureItem, GoneItem, ReportItem, SeenItem
from govreports.browser import browser_meta
from govreports.attachments.sniff import DOCUMENT_KINDS, sniff_type
from govreports.parsing.model import Link, ParsedReport
from govreports.parsing.report import parse_report_html
from govreports.failures import failure_reason
from govreports.parsing.titles import is_report_link, report_year
from govreports.platforms import Page, get_platform, platform_name
from govreports.platforms.jsshell import detail_needs_browser, render_js_needed
from govreports.registry import Portal, load_portals, select_portals
from govreports.responses import deleted_page_target, meta_refresh_target, page_text, validators
from govreports.storage import ReportStore
from govreports.storage.store import CrawlState

LOCAL_FILES_SLOT = "local-files"  # see DOWNLOAD_SLOTS in settings
# How many requests home-page discovery may spend per portal before giving up.
DISCOVERY_BUDGET = 60
DISCOVERY_MAX_DEPTH = 3


class PortalSpider(scrapy.Spider):
    name = "portal"
    custom_settings = {
        # A deleted report often answers 200 with a meta refresh to its folder; the
        # spider reads those itself (see ``parse_report``) instead of following them.
        "METAREFRESH_ENABLED": False,
    }

    def __init__(
        self,
        region: str | None = None,
        start_url: str | None = None,
        platform: str = "auto",
        render_js: str = "0",
        full: str = "0",
        revalidate_days: str | None = None,
        since: str | None = None,
        until: str | None = None,
        grace_days: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not region and not start_url:
            raise ValueError("say which portals to crawl: -a region=<name or code> or -a start_url=<URL>")
        self.region = region or ""
        self.start_url = start_url or ""
        self.platform_arg = platform_name(platform)
        self.render_js_arg = parse_flag(render_js, name="render_js", default=False)
        self.policy = RecrawlPolicy.from_args(full=full, revalidate_days=revalidate_days, since=since,
                                              until=until, grace_days=grace_days)
        self.crawl_args = {"region": self.region, "start_url": self.start_url, "platform": platform,
                           "full": self.policy.full, "revalidate_days": self.policy.revalidate_days,
                           "since": since or "", "until": until or "", "grace_days": self.policy.grace_days}
        self.portals: list[Portal] = []
        self.portal_by_id: dict[str, Portal] = {}
        self.recrawl_state = CrawlState()
        self.discovery_spent: Counter[str] = Counter()
        self.list_pages_seen: Counter[str] = Counter()
        self.list_progress: dict[str, ListProgress] = {}
        self.column_portal: dict[str, str] = {}
        self.cut_short: set[str] = set()  # lists whose paging hit GOVREPORTS_MAX_LIST_PAGES
        self.incomplete_portals: set[str] = set()
        self.discovering: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.portals = spider.select_portals(crawler.settings.get("PORTALS_FILE"))
        spider.portal_by_id = {p.portal_id: p for p in spider.portals}
        spider.max_list_pages = crawler.settings.getint("GOVREPORTS_MAX_LIST_PAGES")
        store = ReportStore(crawler.settings.get("GOVREPORTS_DB"))
        try:
            spider.recrawl_state = store.crawl_state(list(spider.portal_by_id))
        finally:
            store.close()
        return spider

    def closing_failures(self) -> list[FetchFailureItem]:
        """Failures only known at the end: portals whose home page led to no report column."""
        failures = []
        for portal_id in sorted(self.discovering):
            stats = self.crawler.stats
            if not stats.get_value(f"govreports/portal/{portal_id}/list_pages", 0) and not stats.get_value(
                    f"govreports/portal/{portal_id}/reports", 0):
                portal = self.portal_by_id[portal_id]
                failures.append(self.failure(
                    portal, portal.home_url,
                    f"discovery found no report column within {self.discovery_spent[portal_id]} requests; "
                    "set list_urls in the registry"))
        return failures

    def list_summaries(self) -> list[tuple[str, str, int, bool | None]]:
        """(list URL, portal, pages read, whether this crawl covered it) per list."""
        summaries = []
        for column, pages in self.list_pages_seen.items():
            key = canonical_url(column)
            progress = self.list_progress.get(key, ListProgress())
            summaries.append((key, self.column_portal.get(column, ""), pages,
                              progress.complete(cut_short=key in self.cut_short)))
        return summaries

    def complete_portals(self) -> list[str]:
        """Portals whose every list was read to its end in this crawl: their stored
        reports that no list showed any more can be marked removed."""
        if self.policy.since or self.policy.until:
            return []
        return [p for p in self.portal_by_id if p not in self.incomplete_portals
                and self.crawler.stats.get_value(f"govreports/portal/{p}/list_pages", 0)]

    def select_portals(self, portals_file: str) -> list[Portal]:
        if self.start_url:
            return [self.adhoc_portal(self.start_url)]
        return select_portals(self.region, load_portals(portals_file))

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

    def list_request(self, portal: Portal, url: str, *, column: str, platform: str, method: str = "GET",
                     formdata: tuple[tuple[str, str], ...] = (), first: bool = False) -> scrapy.Request:
        meta = self._meta(portal, column=column, platform=platform)
        if portal.render_js:
            meta.update(browser_meta())
        callback = self.parse_start if first and self.start_url else self.parse_list
        if method == "POST":
            return scrapy.FormRequest(url, formdata=dict(formdata), callback=callback,
                                      errback=self.on_error, meta=meta)
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    def report_request(self, portal: Portal, url: str, *, column: str, title: str = "",
                       date: str | None = None) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_report,
            errback=self.on_error,
            meta=self._meta(portal, column=column, list_title=title, list_date=date),
        )

    def revalidation_request(self, portal: Portal, url: str, known, *, column: str) -> scrapy.Request:
        """A conditional GET of a known report page: 304 when it has not changed."""
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

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for portal in self.portals:
            list_urls = portal.list_urls or tuple(self.recrawl_state.discovered.get(portal.portal_id, ()))
            if list_urls:
                for url in list_urls:
                    yield self.list_request(portal, url, column=url, platform=portal.platform, first=True)
            elif portal.home_url:
                self.discovering.add(portal.portal_id)
                yield scrapy.Request(
                    portal.home_url,
                    callback=self.parse_home,
                    errback=self.on_error,
                    meta=self._meta(portal, depth_left=DISCOVERY_MAX_DEPTH),
                )

    # --- callbacks -----------------------------------------------------------------
    def parse_home(self, response: Response):
        """Walk from the home page towards the annual-report column(s)."""
        portal = self.portal_by_id[response.meta["portal_id"]]
        self.discovery_spent[portal.portal_id] += 1
        if not isinstance(response, TextResponse):
            return
        links = discovery_links(Page(url=response.url, text=page_text(response)))
        for column in links.columns:
            if is_report_link(column.title):
                yield self.report_request(portal, column.url, column=response.url, title=column.title)
            else:
                self._count(portal.portal_id, "columns_discovered")
                yield DiscoveredColumnItem(portal_id=portal.portal_id, list_url=column.url)
                yield self.list_request(portal, column.url, column=column.url, platform=portal.platform)
        depth_left = response.meta.get("depth_left", 0) - 1
        if links.columns or depth_left <= 0:
            return
        for hub in links.hubs:
            if self.discovery_spent[portal.portal_id] >= DISCOVERY_BUDGET:
                self.logger.warning("discovery budget spent on %s without finding its report column",
                                    portal.portal_id)
                return
            self.discovery_spent[portal.portal_id] += 1
            yield response.follow(hub.url, callback=self.parse_home, errback=self.on_error,
                                  meta=self._meta(portal, depth_left=depth_left))

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
        portal = self.portal_by_id[response.meta["portal_id"]]
        column = response.meta["column"]
        self._count(portal.portal_id, "list_pages")
        self.list_pages_seen[column] += 1
        self.column_portal[column] = portal.portal_id
        if not isinstance(response, TextResponse):
            yield self.failure(portal, response.url, "list page is not text", response.status)
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
        if canonical_url(response.url) == canonical_url(column):
            for sub in sublist_links(page, column):
                self._count(portal.portal_id, "sublists")
                yield self.list_request(portal, sub.url, column=sub.url, platform=portal.platform)
        known_flags = []
        for candidate in listing.candidates:
            if not is_report_link(candidate.title):
                continue
            if not self.policy.in_window(candidate.published):
                self._count(portal.portal_id, "outside_window")
                continue
            url = canonical_url(candidate.url)
            known = self.recrawl_state.known_urls.get(url)
            if known is None and candidate.url in self.recrawl_state.known_non_reports and not self.policy.full:
                # Found not to be a report before (a deleted page, a look-alike): not again.
                self._count(portal.portal_id, "known_non_reports")
                known_flags.append(True)
                continue
            known_flags.append(known is not None)
            if known is None or self.policy.full:
                yield self.report_request(portal, candidate.url, column=column,
                                          title=candidate.title, date=candidate.published)
            elif self.policy.revalidation_due(known):
                yield self.revalidation_request(portal, candidate.url, known, column=column)
            else:
                self._count(portal.portal_id, "known_skipped")
                yield SeenItem(portal_id=portal.portal_id, url=url)
        progress = self.list_progress.setdefault(canonical_url(column), ListProgress())
        progress.stopped = paging_decision(
            self.policy, progress,
            item_dates=[c.published for c in listing.candidates],
            report_links_known=known_flags,
            newest_stored=self.recrawl_state.newest_published.get(canonical_url(column)),
            previously_complete=canonical_url(column) in self.recrawl_state.complete_lists,
        )
        if progress.stopped:
            if listing.next_requests:
                self.incomplete_portals.add(portal.portal_id)
                self._count(portal.portal_id, "lists_stopped_early")
                self.logger.info("stopped paging %s at %s: %s", column, response.url, progress.stopped)
        elif self.list_pages_seen[column] >= self.max_list_pages:
            self.incomplete_portals.add(portal.portal_id)
            self.cut_short.add(canonical_url(column))
            self.logger.warning("stopped paging %s after %d pages", column, self.max_list_pages)
        else:
            for request in listing.next_requests:
                yield self.list_request(portal, request.url, column=column,
                                        platform=request.platform or platform.name,
                                        method=request.method, formdata=request.formdata)
        for sublist in listing.sublists:
            yield self.list_request(portal, sublist, column=sublist, platform=portal.platform)

    def parse_report(self, response: Response, parsed: ParsedReport | None = None):
        portal = self.portal_by_id[response.meta["portal_id"]]
        self._count(portal.portal_id, "report_pages")
        text = page_text(response) if isinstance(response, TextResponse) else ""
        if response.meta.get("revalidate"):
            if response.status == 304:
                self._count(portal.portal_id, "not_modified")
                self.crawler.stats.inc_value("govreports/not_modified")
                yield SeenItem(portal_id=portal.portal_id, url=canonical_url(response.url), revalidated=True,
                               **validators(response))
                return
            if response.status in (404, 410) or deleted_page_target(text, response.url):
                self._count(portal.portal_id, "gone")
                yield GoneItem(portal_id=portal.portal_id, url=canonical_url(response.url),
                               reason=f"HTTP {response.status}" if response.status != 200 else "deleted page")
                return
        if sniff_type(response.body, response.url) in DOCUMENT_KINDS:
            yield from self.report_file(portal, response)
            return
        if not isinstance(response, TextResponse):
            content_type = response.headers.get("Content-Type", b"").decode("latin-1")
            yield self.not_a_report(portal, response, f"not a report: not a page or document ({content_type})")
            return
        if not response.body.strip():
            yield self.not_a_report(portal, response, "empty page")
            return
        gone_to = deleted_page_target(text, response.url)
        if gone_to:
            yield self.not_a_report(portal, response, f"not a report: deleted page (meta refresh to {gone_to})")
            return
        refresh = meta_refresh_target(text, response.url)
        if refresh and refresh != response.url:
            yield response.follow(refresh, callback=self.parse_report, errback=self.on_error,
                                  meta=dict(response.meta))
            return
        if parsed is None:
            parsed = parse_report_html(text, response.url)
        if not parsed.is_report and not response.meta.get("playwright") and \
                detail_needs_browser(Page(url=response.url, text=text)):
            # The article is loaded by script: only a browser shows it.
            self._count(portal.portal_id, "rendered_in_browser")
            yield response.request.replace(meta={**response.meta, **browser_meta()}, dont_filter=True)
            return
        if not parsed.is_report:
            yield self.not_a_report(portal, response, f"not a report: {parsed.title or '(no title)'}")
            return
        self._count(portal.portal_id, "reports")
        yield ReportItem(
            portal_id=portal.portal_id,
            region_code=portal.region_code,
            region_name=portal.region_name,
            url=response.url,
            list_url=response.meta.get("column", ""),
            source_format="html",
            sha256=hashlib.sha256(response.body).hexdigest(),
            parsed=parsed,
            list_title=response.meta.get("list_title", ""),
            list_date=response.meta.get("list_date"),
            **validators(response),
        )

    def report_file(self, portal: Portal, response: Response):
        """A list item that links straight to a PDF/Word/Excel file: the file is the
        report.  Its title is the one the list printed; the attachment pipeline reads
        the numbers from the file itself."""
        title = response.meta.get("list_title", "")
        if not is_report_link(title):
            yield self.not_a_report(portal, response, f"not a report: a file listed as {title!r}")
            return
        self._count(portal.portal_id, "reports")
        parsed = ParsedReport(url=response.url, title=title, report_year=report_year(title), is_report=True,
                              metadata={"published_date": response.meta.get("list_date") or ""},
                              attachments=[Link(url=response.url, text=title)])
        yield ReportItem(
            portal_id=portal.portal_id,
            region_code=portal.region_code,
            region_name=portal.region_name,
            url=response.url,
            list_url=response.meta.get("column", ""),
            source_format=sniff_type(response.body, response.url),
            sha256=hashlib.sha256(response.body).hexdigest(),
            parsed=parsed,
            list_title=title,
            list_date=response.meta.get("list_date"),
            attachment_bodies={response.url: response.body},
            **validators(response),
        )

    # --- failures ------------------------------------------------------------------
    def failure(self, portal: Portal, url: str, reason: str, status: int | None = None,
                attempts: int = 1, error: str = "") -> FetchFailureItem:
        return FetchFailureItem(portal_id=portal.portal_id, url=url, reason=reason,
                                http_status=status, attempts=attempts, last_error=error)

    def not_a_report(self, portal: Portal, response: Response, reason: str) -> FetchFailureItem:
        """A page listed as a report that is not one (deleted, empty, a look-alike)."""
        self._count(portal.portal_id, "non_reports")
        self.crawler.stats.inc_value("govreports/non_reports")
        return self.failure(portal, response.url, reason, response.status)

    def on_error(self, failure):
        request = failure.request
        portal = self.portal_by_id.get(request.meta.get("portal_id", ""))
        if portal is None:
            return
        status, reason = failure_reason(failure)
        if request.callback in (self.parse_list, self.parse_start, self.parse_home):
            self.incomplete_portals.add(portal.portal_id)
            if "column" in request.meta:
                self.list_progress.setdefault(canonical_url(request.meta["column"]), ListProgress()).failed = True
        self.logger.warning("giving up on %s: %s", request.url, reason)
        yield self.failure(portal, request.url, reason, status,
                           attempts=request.meta.get("retry_times", 0) + 1,
                           error=str(failure.value)[:500])
