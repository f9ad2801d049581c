"""Downloader middlewares."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

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
