"""The http/https download handler: plain HTTP, and the headless browser only for the
requests that ask for it (request meta ``playwright``).

scrapy-playwright's handler starts Playwright (a Node.js driver process) when the
engine starts, for every command and every crawl, even one that never needs a
browser.  That start takes a while, and ``scrapy shell`` does not wait for it: the
shell's request is scheduled before the engine runs and is never picked up, so the
shell hangs for ever.  :class:`LazyPlaywrightDownloadHandler` starts Playwright only
when a request first needs the browser: ``scrapy shell``, ``scrapy parse`` and crawls
of plain-HTML portals never start it.

Idle connections are kept for reuse only ``GOVREPORTS_IDLE_CONNECTION_SECONDS``
(Twisted's pool keeps them four minutes): a crawl of hundreds of portals would
otherwise hold two sockets open for every portal it finished in the last four minutes.

It relies on two internals of scrapy-playwright 0.0.48 (the pinned version): the
engine-started hook ``_maybe_launch_in_thread`` and the start-up coroutine
``_launch``; ``tests/test_front_door.py`` fails if either goes away.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, starting Playwright on the first request that
    needs the browser instead of when the engine starts, and keeping idle connections
    ``GOVREPORTS_IDLE_CONNECTION_SECONDS``.  Settings as scrapy-playwright's
    (``PLAYWRIGHT_*``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Scrapy's HTTP/1.1 handler (the parent's parent) keeps its Twisted connection pool here.
        self._pool.cachedConnectionTimeout = crawler.settings.getfloat("GOVREPORTS_IDLE_CONNECTION_SECONDS")
        self.playwright_started = False
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Connected to ``engine_started`` by the parent class: start nothing yet."""
        return None

    async def _start_playwright(self) -> None:
        async with self._start_lock:
            if not self.playwright_started:
                await self._maybe_future_from_coro(self._launch())
                self.playwright_started = True

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            await self._start_playwright()
        return await super().download_request(request)
