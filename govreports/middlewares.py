"""Downloader middlewares: waits before retries, retries with backoff (and Retry-After),
hosts that cannot be reached, each portal's budget of requests and time, redirect loops,
anti-bot answers, and cookies without a network look-up of the public suffix list.

Each one reads its settings once, in ``from_crawler``; defaults live in
:mod:`govreports.settings` only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http.cookiejar import Cookie
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.cookies import CookieJar
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract
from twisted.python.failure import Failure

from govreports.antibot import BROWSER, challenge
from govreports.browser import NAVIGATIONS, NAVIGATIONS_CAPPED, browser_available, browser_meta
from govreports.failures import (
    CONNECTION_ERRORS,
    UNFIXABLE_NETWORK_ERRORS,
    ChallengeNotPassed,
    HostUnreachable,
    PortalBudgetSpent,
    RedirectLoop,
    failure_reason,
)
from govreports.paging import positive_int

logger = logging.getLogger(__name__)

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


def retry_after(response: Response, now: datetime | None = None) -> float | None:
    """Seconds a response's ``Retry-After`` asks to wait (delay-seconds or an
    HTTP-date, RFC 9110), or None when it has none that can be read."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting longer before each new try.

    Slow government servers fail in bursts; hammering them again at once only
    prolongs the burst.  The n-th retry of a request waits
    ``GOVREPORTS_RETRY_BACKOFF_BASE × GOVREPORTS_RETRY_BACKOFF_FACTOR^(n-1)`` seconds,
    capped at ``GOVREPORTS_RETRY_BACKOFF_MAX`` (by default 5/15/45/120 s); the wait
    itself is :class:`NotBeforeMiddleware`'s.  What is retried, and how often, is
    Scrapy's (``RETRY_*`` settings; off with ``RETRY_ENABLED=0``), except:

    * a 429 or 503 answer with ``Retry-After`` waits what it asks (at least the
      backoff), up to ``GOVREPORTS_RETRY_AFTER_MAX`` seconds; one asking for longer is
      not retried (the answer is given up on, and says why in the log);
    * errors that waiting does not fix — a name that does not resolve, a refused
      connection — are retried at most ``GOVREPORTS_UNREACHABLE_RETRIES`` times, after
      ``GOVREPORTS_UNREACHABLE_RETRY_WAIT`` seconds: minutes of backoff would only delay
      the verdict (see :class:`UnreachableHostMiddleware`);
    * a local file (a ``file:`` URL) that cannot be read is not retried.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff_base = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_BASE")
        middleware.backoff_factor = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_FACTOR")
        middleware.backoff_max = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_MAX")
        middleware.retry_after_max = settings.getfloat("GOVREPORTS_RETRY_AFTER_MAX")
        middleware.unfixable_retries = settings.getint("GOVREPORTS_UNREACHABLE_RETRIES")
        middleware.unfixable_wait = settings.getfloat("GOVREPORTS_UNREACHABLE_RETRY_WAIT")
        return middleware

    def backoff(self, retry_times: int) -> float:
        """Seconds to wait before the ``retry_times``-th retry."""
        return min(self.backoff_max, self.backoff_base * self.backoff_factor ** (retry_times - 1))

    def _with_backoff(self, result, at_least: float = 0.0):
        if isinstance(result, Request):
            not_before(result, max(at_least, self.backoff(result.meta.get("retry_times", 1))))
        return result

    def process_response(self, request: Request, response: Response) -> Request | Response:
        asked = retry_after(response) if response.status in (429, 503) else None
        if asked is not None and asked > self.retry_after_max and not request.meta.get("dont_retry"):
            logger.warning("%s answered %d asking to come back after %d s, more than GOVREPORTS_RETRY_AFTER_MAX "
                           "(%d s): not retried", request.url, response.status, asked, self.retry_after_max)
            self.crawler.stats.inc_value("govreports/retry_after_too_long")
            return response
        return self._with_backoff(super().process_response(request, response), at_least=asked or 0.0)

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if request.meta.get("dont_retry"):
            return None
        if isinstance(exception, OSError) and urlparse_cached(request).scheme == "file":
            return None  # a missing or unreadable local file stays so
        if isinstance(exception, UNFIXABLE_NETWORK_ERRORS):
            retry = get_retry_request(
                request, spider=self.crawler.spider, reason=exception,
                max_retry_times=min(self.unfixable_retries, request.meta.get("max_retry_times", self.max_retry_times)),
                priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
                give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level))
            return not_before(retry, self.unfixable_wait) if retry is not None else None
        return self._with_backoff(super().process_exception(request, exception))


class UnreachableHostMiddleware:
    """Gives up on a host that cannot be reached, instead of trying each of its
    requests in turn.

    A host (with its port, when the URL names one) whose first
    ``GOVREPORTS_UNREACHABLE_AFTER`` tries all failed at the connection level (its name
    does not resolve, the connection is refused, times out or has no route) and which
    never answered is *unreachable*: the request that showed it, and every later request
    to it, fail with :class:`~govreports.failures.HostUnreachable` (kind ``unreachable``,
    naming the reason) without being sent, so the crawl moves on to the other portals.
    A host that answered once is never given up on this way.

    Tries count, retries included: it sees each failed try before the retry middleware
    does (``DOWNLOADER_MIDDLEWARES``), so a portal whose host is down costs its
    robots.txt and one quick retry — two tries and ``GOVREPORTS_UNREACHABLE_RETRY_WAIT``
    seconds — not a retry of every request.  A request waiting before its retry is
    dropped once its wait is over.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.after = positive_int(crawler.settings, "GOVREPORTS_UNREACHABLE_AFTER")
        self.answered: set[str] = set()  # hosts that gave any answer
        self.failed: dict[str, int] = {}  # host -> requests failed at the connection level
        self.unreachable: dict[str, str] = {}  # host -> why

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = server_of(request)
        if host in self.unreachable:
            raise HostUnreachable(host, self.unreachable[host])
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        host = server_of(request)
        if host:
            self.answered.add(host)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        host = server_of(request)
        if not host or host in self.answered or not isinstance(exception, CONNECTION_ERRORS):
            return None
        if host in self.unreachable:  # failed while the request that showed it was failing too
            raise HostUnreachable(host, self.unreachable[host]) from exception
        self.failed[host] = self.failed.get(host, 0) + 1
        if self.failed[host] < self.after:
            return None
        reason = (f"{describe_exception(exception)}; its first {self.failed[host]} requests all failed at the "
                  "connection level and none was answered, so its other requests are not sent")
        self.unreachable[host] = reason
        self.stats.inc_value("govreports/unreachable_hosts")
        logger.warning("host %s unreachable: %s", host, reason)
        raise HostUnreachable(host, reason) from exception


class PortalBudgetMiddleware:
    """Counts each portal's requests, and drops those past its budget, so that one huge
    or hostile portal cannot hold the crawl of a province for hours.

    Every request of a portal (meta ``portal_id``) that reaches it is counted in the
    stat ``govreports/portal/<id>/requests`` — retries, pages read again through the
    browser and attachments included; robots.txt and requests already dropped (an
    unreachable host) are not.  A portal's budget is ``GOVREPORTS_PORTAL_MAX_REQUESTS``
    requests and ``GOVREPORTS_PORTAL_MAX_SECONDS`` seconds from its first request (0:
    no limit).  Past either, its requests fail with
    :class:`~govreports.failures.PortalBudgetSpent` (kind ``portal_budget``, saying which
    budget) without being sent; the spider records that once per portal, and the portal
    counts as not read whole, so nothing of it is marked removed.

    Runs after :class:`UnreachableHostMiddleware` (``DOWNLOADER_MIDDLEWARES``): requests
    dropped as unreachable are not counted.
    """

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.max_requests = int(non_negative(settings, "GOVREPORTS_PORTAL_MAX_REQUESTS"))
        self.max_seconds = non_negative(settings, "GOVREPORTS_PORTAL_MAX_SECONDS")
        self.requests: dict[str, int] = {}  # portal -> requests counted
        self.first: dict[str, float] = {}  # portal -> time.monotonic() of its first request
        self.spent: dict[str, str] = {}  # portal -> why its budget is spent

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        portal_id = request.meta.get("portal_id")
        if not portal_id:
            return None
        if portal_id not in self.spent:
            now = time.monotonic()
            first = self.first.setdefault(portal_id, now)
            used = self.requests.get(portal_id, 0)
            if self.max_requests and used >= self.max_requests:
                self._spend(portal_id, f"budget of {self.max_requests} requests spent "
                                       "(GOVREPORTS_PORTAL_MAX_REQUESTS)")
            elif self.max_seconds and now - first > self.max_seconds:
                self._spend(portal_id, f"budget of {self.max_seconds:g} s spent after {used} requests "
                                       "(GOVREPORTS_PORTAL_MAX_SECONDS)")
        if portal_id in self.spent:
            raise PortalBudgetSpent(portal_id, self.spent[portal_id])
        self.requests[portal_id] = self.requests.get(portal_id, 0) + 1
        self.stats.inc_value(f"govreports/portal/{portal_id}/requests")
        return None

    def _spend(self, portal_id: str, why: str) -> None:
        self.spent[portal_id] = f"{why}; its other requests are not sent"
        self.stats.inc_value("govreports/portals_over_budget")
        logger.warning("portal %s: %s", portal_id, self.spent[portal_id])


def non_negative(settings, name: str) -> float:
    """A number setting that is 0 (no limit) or more; anything else is an error naming it."""
    value = settings.getfloat(name)
    if value < 0:
        raise ValueError(f"setting {name} must be 0 (no limit) or more, not {settings.get(name)!r}")
    return value


def server_of(request: Request) -> str:
    """The server a request goes to: its host, and its port when the URL names one."""
    return urlparse_cached(request).netloc.lower().rpartition("@")[2]


def describe_exception(exception: Exception) -> str:
    """The readable reason :func:`~govreports.failures.failure_reason` gives an exception."""
    return failure_reason(Failure(exception))[2]


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
    which challenge it was; so does a page that kept navigating in the browser until
    :class:`~govreports.browser.NavigationGuard` stopped it.

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
            if request.meta.get(NAVIGATIONS_CAPPED):
                # It kept reloading or sending itself elsewhere: it did not settle.
                what = still[1] if still else "a page that kept navigating"
                raise ChallengeNotPassed(
                    f"anti-bot challenge not passed even in the browser ({what}): {request.meta.get(NAVIGATIONS, 0)} "
                    "navigations of the page, stopped past the cap (GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE"
                    " or _PER_HOST)")
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
