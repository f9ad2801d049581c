"""Downloader middlewares: waits before retries, retries with backoff, redirect loops,
anti-bot answers, and cookies without a network look-up of the public suffix list.

Each one reads its settings once, in ``from_crawler``; defaults live in
:mod:`govreports.settings` only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from http.cookiejar import Cookie
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.cookies import CookieJar
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract

from govreports.antibot import BROWSER, challenge
from govreports.browser import browser_available, browser_meta
from govreports.failures import ChallengeNotPassed, RedirectLoop

# Request meta: the time.monotonic() before which the request must not be sent.
NOT_BEFORE = "govreports_not_before"


def not_before(request: Request, delay: float) -> Request:
    """Mark ``request`` (in place) to wait ``delay`` seconds before it is sent."""
    request.meta[NOT_BEFORE] = time.monotonic() + delay
    return request


class NotBeforeMiddleware:
    """Holds a request until the time its ``govreports_not_before`` meta names.

    Retries and anti-bot waits set that time (:func:`not_before`) instead of sleeping
    themselves, so one place waits and other requests go on meanwhile.
    """

    async def process_request(self, request: Request) -> None:
        wake = request.meta.pop(NOT_BEFORE, None)
        if wake is not None:
            delay = wake - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting longer before each new try.

    Slow government servers fail in bursts; hammering them again at once only
    prolongs the burst.  The n-th retry of a request waits
    ``GOVREPORTS_RETRY_BACKOFF_BASE × GOVREPORTS_RETRY_BACKOFF_FACTOR^(n-1)`` seconds,
    capped at ``GOVREPORTS_RETRY_BACKOFF_MAX`` (by default 5/15/45/120 s); the wait
    itself is :class:`NotBeforeMiddleware`'s.  What is retried, and how often, is
    Scrapy's (``RETRY_*`` settings; off with ``RETRY_ENABLED=0``).
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff_base = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_BASE")
        middleware.backoff_factor = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_FACTOR")
        middleware.backoff_max = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_MAX")
        return middleware

    def backoff(self, retry_times: int) -> float:
        """Seconds to wait before the ``retry_times``-th retry."""
        return min(self.backoff_max, self.backoff_base * self.backoff_factor ** (retry_times - 1))

    def _with_backoff(self, result):
        if isinstance(result, Request):
            not_before(result, self.backoff(result.meta.get("retry_times", 1)))
        return result

    def process_response(self, request: Request, response: Response) -> Request | Response:
        return self._with_backoff(super().process_response(request, response))

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        return self._with_backoff(super().process_exception(request, exception))


class RedirectLoopMiddleware:
    """Turns a redirect back to a URL already on the request's redirect chain into a
    recorded failure (:class:`~govreports.failures.RedirectLoop`).

    Without it the scheduler's duplicate filter drops the looping request silently,
    and the page would be lost without a trace.  Runs before Scrapy's
    RedirectMiddleware sees the response; off when redirects are not followed
    (``REDIRECT_ENABLED=0``).
    """

    REDIRECTS = (301, 302, 303, 307, 308)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not crawler.settings.getbool("REDIRECT_ENABLED"):
            raise NotConfigured("redirects are not followed, so they cannot loop")
        return cls()

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.REDIRECTS or "Location" not in response.headers \
                or request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, response.headers["Location"].decode("latin-1"))
        chain = {request.url, *request.meta.get("redirect_urls", [])}
        if target in chain:
            raise RedirectLoop(f"redirect loop: {request.url} -> {target}")
        return response


class AntiBotMiddleware:
    """Passes or waits out anti-bot answers (see :mod:`govreports.antibot`).

    A challenge only a browser passes (瑞数 412, 加速乐, Aliyun WAF) is retried through
    the headless browser, and so is every later request to that host; a block that
    lifts by itself (创宇盾) is retried after ``GOVREPORTS_CHALLENGE_BACKOFF`` seconds
    (growing with each try) up to ``GOVREPORTS_CHALLENGE_RETRIES`` times.  Requests
    marked ``no_browser`` (attachments) never go through the browser.  What cannot be
    passed ends as a :class:`~govreports.failures.ChallengeNotPassed` failure saying
    which challenge it was.

    It has no off switch: without it a challenge page would reach the spider as a
    page that is not a report, and the failure would not say why.
    """

    HEAD_BYTES = 8192

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.wait_seconds = settings.getfloat("GOVREPORTS_CHALLENGE_BACKOFF")
        self.wait_tries = settings.getint("GOVREPORTS_CHALLENGE_RETRIES")
        self.browser_available = browser_available(settings)
        self.browser_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if host in self.browser_hosts and not request.meta.get("playwright") and not request.meta.get("no_browser"):
            request.meta.update(browser_meta())
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        head = response.body[: self.HEAD_BYTES]
        text = head.decode("utf-8", "ignore") + head.decode("gb18030", "ignore")
        cookies = [c.decode("latin-1") for c in response.headers.getlist("Set-Cookie")]
        if request.meta.get("playwright"):
            # Judge the page the browser ended on: its status and cookies are those of
            # the first navigation, the challenge it then passed.
            still = challenge(412, [], text) or challenge(200, [], text)
            if still is None:
                return response.replace(status=200) if response.status == 412 else response
            raise ChallengeNotPassed(f"anti-bot challenge not passed even in the browser ({still[1]})")
        found = challenge(response.status, cookies, text)
        if found is None:
            return response
        kind, name = found
        self.stats.inc_value(f"govreports/antibot/{name}")
        if kind == BROWSER:
            if request.meta.get("no_browser") or not self.browser_available:
                raise ChallengeNotPassed(f"anti-bot challenge ({name}) needs a browser, which is not available here")
            self.browser_hosts.add(urlsplit(request.url).hostname)
            return request.replace(meta={**request.meta, **browser_meta()}, dont_filter=True)
        tries = request.meta.get("challenge_tries", 0) + 1
        if tries > self.wait_tries:
            raise ChallengeNotPassed(f"anti-bot block ({name}) still there after {tries - 1} waits")
        retry = request.replace(meta={**request.meta, "challenge_tries": tries}, dont_filter=True)
        return not_before(retry, self.wait_seconds * tries)


class OfflineCookiesMiddleware(CookiesMiddleware):
    """Scrapy's cookie middleware, deciding which cookie domains are public suffixes
    (``gov.cn``: a cookie for it must not reach every other portal) from the public
    suffix list bundled with tldextract.

    Scrapy's own middleware asks an extractor that downloads the list on first use;
    a crawl must reach nothing but the portals, and must work offline.  Scrapy offers
    no setting for its extractor, so this class re-implements the one private method
    that uses it (``_process_cookies``, Scrapy 2.19; ``tests/test_middlewares.py``
    fails if Scrapy changes it).  Configured in place of Scrapy's in
    ``DOWNLOADER_MIDDLEWARES``; ``COOKIES_ENABLED`` and ``COOKIES_DEBUG`` apply as usual.
    """

    # No cache directory: the bundled snapshot is read in memory, nothing written.
    split_domain = TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)

    def is_public_domain(self, domain: str) -> bool:
        return not self.split_domain(domain).domain

    def _process_cookies(self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request) -> None:
        for cookie in cookies:
            cookie_domain = cookie.domain.removeprefix(".")
            hostname = urlparse_cached(request).hostname
            if hostname is None:
                continue
            request_domain = hostname.lower()
            if cookie_domain and self.is_public_domain(cookie_domain):
                if cookie_domain != request_domain:
                    continue
                cookie.domain = request_domain
            jar.set_cookie_if_ok(cookie, request)
