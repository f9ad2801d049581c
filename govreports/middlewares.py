"""Downloader middlewares: retries with backoff, redirect loops, anti-bot answers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import scrapy.downloadermiddlewares.cookies as _cookies_module
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from tldextract import TLDExtract

from govreports.antibot import BROWSER, challenge
from govreports.browser import browser_meta

# Scrapy's cookie middleware asks tldextract whether a cookie domain is public, and
# tldextract's default downloads the public suffix list on first use: a crawl must
# not reach beyond the portals (and must work offline), so use the bundled snapshot.
_cookies_module._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)

NOT_BEFORE = "govreports_not_before"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting longer before each new try.

    Slow government servers fail in bursts; hammering them again at once only
    prolongs the burst.  The n-th retry of a request waits
    ``GOVREPORTS_RETRY_BACKOFF_BASE × FACTOR^(n-1)`` seconds, capped at ``…_MAX``
    (defaults 5/15/45/120 s).  Other requests go on meanwhile.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        mw = super().from_crawler(crawler)
        settings = crawler.settings
        mw.backoff_base = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_BASE", 5.0)
        mw.backoff_factor = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_FACTOR", 3.0)
        mw.backoff_max = settings.getfloat("GOVREPORTS_RETRY_BACKOFF_MAX", 120.0)
        return mw

    def backoff(self, retry_times: int) -> float:
        return min(self.backoff_max, self.backoff_base * self.backoff_factor ** (retry_times - 1))

    def _retry(self, request: Request, reason) -> Request | None:
        retry_request = super()._retry(request, reason)
        if retry_request is not None:
            delay = self.backoff(retry_request.meta.get("retry_times", 1))
            retry_request.meta[NOT_BEFORE] = time.monotonic() + delay
        return retry_request

    async def process_request(self, request: Request) -> None:
        not_before = request.meta.pop(NOT_BEFORE, None)
        if not_before is not None:
            delay = not_before - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        return None


class RedirectLoopMiddleware:
    """Turns a redirect back to a URL already on the request's redirect chain into a
    recorded failure ("redirect loop").

    Without it the scheduler's duplicate filter drops the looping request silently,
    and the page would be lost without a trace.  Runs before Scrapy's
    RedirectMiddleware sees the response.
    """

    REDIRECTS = (301, 302, 303, 307, 308)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.REDIRECTS or "Location" not in response.headers:
            return response
        target = urljoin(request.url, response.headers["Location"].decode("latin-1"))
        chain = {request.url, *request.meta.get("redirect_urls", [])}
        if target in chain:
            raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        return response


class AntiBotMiddleware:
    """Passes or waits out anti-bot answers (see :mod:`govreports.antibot`).

    A challenge only a browser passes (瑞数 412, 加速乐, Aliyun WAF) is retried through
    the headless browser, and so is every later request to that host; a block that
    lifts by itself (创宇盾) is retried after ``GOVREPORTS_CHALLENGE_BACKOFF`` seconds
    (growing with each try) up to ``GOVREPORTS_CHALLENGE_RETRIES`` times.  Requests
    marked ``no_browser`` (attachments) never go through the browser.  What cannot be
    passed ends as a recorded failure saying which challenge it was.
    """

    HEAD_BYTES = 8192

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.wait_seconds = settings.getfloat("GOVREPORTS_CHALLENGE_BACKOFF", 90.0)
        self.wait_tries = settings.getint("GOVREPORTS_CHALLENGE_RETRIES", 3)
        executable = (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path", "")
        self.browser_available = not executable or Path(executable).exists()
        self.browser_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if host in self.browser_hosts and not request.meta.get("playwright") and not request.meta.get("no_browser"):
            request.meta.update(browser_meta())
        return None

    def process_response(self, request: Request, response: Response):
        head = response.body[: self.HEAD_BYTES]
        text = head.decode("utf-8", "ignore") + head.decode("gb18030", "ignore")
        cookies = [c.decode("latin-1") for c in response.headers.getlist("Set-Cookie")]
        if request.meta.get("playwright"):
            # Judge the page the browser ended on: its status and cookies are those of
            # the first navigation, the challenge it then passed.
            still = challenge(412, [], text) or challenge(200, [], text)
            if still is None:
                return response.replace(status=200) if response.status == 412 else response
            raise IgnoreRequest(f"anti-bot challenge not passed even in the browser ({still[1]})")
        found = challenge(response.status, cookies, text)
        if found is None:
            return response
        kind, name = found
        self.stats.inc_value(f"govreports/antibot/{name}")
        if kind == BROWSER:
            if request.meta.get("no_browser") or not self.browser_available:
                raise IgnoreRequest(f"anti-bot challenge ({name}) needs a browser, which is not available here")
            self.browser_hosts.add(urlsplit(request.url).hostname)
            return request.replace(meta={**request.meta, **browser_meta()}, dont_filter=True)
        tries = request.meta.get("challenge_tries", 0) + 1
        if tries > self.wait_tries:
            raise IgnoreRequest(f"anti-bot block ({name}) still there after {tries - 1} waits")
        meta = {**request.meta, "challenge_tries": tries,
                NOT_BEFORE: time.monotonic() + self.wait_seconds * tries}
        return request.replace(meta=meta, dont_filter=True)
