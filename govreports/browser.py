"""The headless browser (scrapy-playwright): what requests sent through it carry, and
how its pages are held to the same politeness as plain requests.

A page in the browser makes requests of its own.  Its navigations — a challenge page
reloading itself, a script or ``<meta>`` refresh sending it elsewhere — would escape
the per-host delay and could go on for ever (a self-reloading challenge page was
loaded 587 times in 72 s).  :class:`BrowserDownloadHandler` holds every navigation a
page makes itself to the download delay of its host (the same download slot as plain
requests, so plain requests wait after it too), counts them, and stops them past
``GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE`` per page and
``GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_HOST`` per host; a page stopped so is a
challenge that did not lift (:class:`~govreports.middlewares.AntiBotMiddleware`
records it).  Concurrency needs nothing more: a page lives inside its request's
download, which the downloader already counts against the host.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.headers import use_scrapy_headers
from scrapy_playwright.page import PageMethod

from govreports.download_handlers import LazyPlaywrightDownloadHandler
from govreports.paging import positive_int

# Request meta the browser writes: how many navigations its page made (its own first
# one included), and whether some were stopped at a cap.
NAVIGATIONS = "browser_navigations"
NAVIGATIONS_CAPPED = "browser_navigations_capped"


def browser_available(settings: BaseSettings) -> bool:
    """Whether requests marked for the browser can go through one: scrapy-playwright
    handles http and https (``DOWNLOAD_HANDLERS``), and the browser executable of
    ``PLAYWRIGHT_LAUNCH_OPTIONS`` (if one is named) exists."""
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    for scheme in ("http", "https"):
        handler = handlers.get(scheme)
        if not handler or not issubclass(load_object(handler), ScrapyPlaywrightDownloadHandler):
            return False
    executable = (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path", "")
    return not executable or Path(executable).exists()


def browser_meta() -> dict:
    """Request meta that sends a request through the headless browser and waits
    until the page's own scripts (AJAX lists, challenge reloads) have settled; its page
    is watched by :class:`NavigationGuard` (see :func:`watch_page`)."""
    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
        "playwright_page_init_callback": "govreports.browser.watch_page",
    }


# The request each open page was opened for (set by watch_page, read by NavigationGuard).
_PAGE_REQUESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def watch_page(page, request: Request) -> None:
    """scrapy-playwright's page init callback: remember which request a page is for,
    so that its navigations are counted in that request's meta."""
    _PAGE_REQUESTS[page] = request
    request.meta[NAVIGATIONS] = 0
    request.meta.pop(NAVIGATIONS_CAPPED, None)


class NavigationGuard:
    """Holds the navigations pages make themselves to their host's download delay, and
    caps them per page and per host (see the module docstring).

    Settings: ``GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE`` (its own first one
    included), ``GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_HOST`` (navigations pages made
    themselves, over the crawl); the delay is the host's download slot's.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.per_page = positive_int(crawler.settings, "GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE")
        self.per_host = positive_int(crawler.settings, "GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_HOST")
        self.default_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.page_navigations: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.host_navigations: Counter[str] = Counter()  # navigations pages made themselves
        self.last_navigation: dict[str, float] = {}  # host -> time.monotonic() of its last one

    def wrap(self, abort_request):
        """An abort predicate for scrapy-playwright (``PLAYWRIGHT_ABORT_REQUEST``): this
        guard's verdict first, then ``abort_request``'s (may be None)."""
        async def guarded(playwright_request) -> bool:
            if await self.stops(playwright_request):
                return True
            if abort_request is None:
                return False
            verdict = abort_request(playwright_request)
            return bool(await verdict) if asyncio.iscoroutine(verdict) else bool(verdict)
        return guarded

    async def stops(self, playwright_request) -> bool:
        """Whether to stop a browser request: a navigation of a page's main frame past
        a cap.  Navigations let through wait their turn at the host first."""
        if not playwright_request.is_navigation_request():
            return False
        frame = playwright_request.frame
        if frame.parent_frame is not None:
            return False  # an <iframe>: part of the page, not a new page
        page = frame.page
        count = self.page_navigations.get(page, 0) + 1
        self.page_navigations[page] = count
        request = _PAGE_REQUESTS.get(page)
        if request is not None:
            request.meta[NAVIGATIONS] = count
        self.stats.inc_value("govreports/browser/navigations")
        host = urlsplit(playwright_request.url).hostname or ""
        if count == 1:
            # The request's own navigation: the downloader let it through on time.
            self.last_navigation[host] = time.monotonic()
            return False
        self.host_navigations[host] += 1
        self.stats.inc_value("govreports/browser/page_navigations")
        if count > self.per_page or self.host_navigations[host] > self.per_host:
            if request is not None:
                request.meta[NAVIGATIONS_CAPPED] = True
            self.stats.inc_value("govreports/browser/navigations_stopped")
            return True
        await self.wait_turn(host, request)
        return False

    async def wait_turn(self, host: str, request: Request | None) -> None:
        """Wait until the host's download delay (its slot's, AutoThrottle's when on) has
        passed since its last request, plain or browser; then mark this navigation in
        the download slot, so plain requests wait after it too."""
        slot = self._slot(request, host)
        delay = slot.delay if slot is not None else self.default_delay
        last = max(self.last_navigation.get(host, 0.0), slot.lastseen if slot is not None else 0.0)
        wait = last + delay - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        now = time.monotonic()
        self.last_navigation[host] = now
        if slot is not None:
            slot.lastseen = now

    def _slot(self, request: Request | None, host: str):
        """The download slot of ``host`` when it is the host of the page's ``request``
        (None for another host, or outside a running crawl)."""
        if request is None or urlsplit(request.url).hostname != host:
            return None
        try:
            downloader = self.crawler.engine.downloader
        except RuntimeError:  # no engine: not crawling
            return None
        return downloader.slots.get(downloader.get_slot_key(request))


class BrowserDownloadHandler(LazyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler, started when a request first needs the
    browser (:class:`~govreports.download_handlers.LazyPlaywrightDownloadHandler`), with
    a :class:`NavigationGuard` in front of its ``PLAYWRIGHT_ABORT_REQUEST`` predicate."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.navigation_guard = NavigationGuard(crawler)
        self.abort_request = self.navigation_guard.wrap(self.abort_request)


async def browser_headers(*, browser_type_name: str, playwright_request, scrapy_request_data: dict) -> dict:
    """Scrapy's headers (our User-Agent above all), but the browser's own cookies.

    Anti-bot scripts set their cookies in the browser (瑞数 computes one in
    JavaScript); Scrapy's cookie jar never sees those, and sending its Cookie header
    instead would fail the challenge on every page.
    """
    headers = await use_scrapy_headers(
        browser_type_name=browser_type_name,
        playwright_request=playwright_request,
        scrapy_request_data=scrapy_request_data,
    )
    browser_cookies = (await playwright_request.all_headers()).get("cookie")
    headers = {k: v for k, v in headers.items() if k.lower() != "cookie"}
    if browser_cookies:
        headers["cookie"] = browser_cookies
    return headers


# What a page needs to show its text: the document, its scripts and their data calls.
UNNEEDED_RESOURCES = frozenset({"image", "stylesheet", "font", "media"})


def skip_unneeded_resource(request) -> bool:
    """Abort images, style sheets, fonts and media in the browser: they show no text,
    and small government servers should not serve them to a crawler."""
    return request.resource_type in UNNEEDED_RESOURCES
