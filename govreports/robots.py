"""robots.txt, obeyed by every request — also those that wait while it is fetched.

Scrapy 2.19's ``RobotsTxtMiddleware`` lets the first requests to a host wait on one
Twisted ``Deferred`` for the host's robots.txt.  Each waiter's callback returns
``None`` to the next one, so every waiter after the first is handed ``None`` —
"no robots.txt, all allowed" — and three or more first requests to a host bypass a
``Disallow``.  This middleware replaces it: each host's robots.txt is fetched once
and every waiter gets the same parser from one ``asyncio`` future.
``tests/test_robots.py`` keeps a check that the upstream middleware still behaves
so; when it stops failing that way, this module can go.

Settings as Scrapy's: ``ROBOTSTXT_OBEY``, ``ROBOTSTXT_PARSER``,
``ROBOTSTXT_USER_AGENT``; a request with ``meta["dont_obey_robotstxt"]`` is not
checked.  A robots.txt that cannot be fetched allows everything, as in Scrapy.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object

from govreports.failures import RobotsForbidden

logger = logging.getLogger(__name__)


class RobotsTxtMiddleware:
    DOWNLOAD_PRIORITY = 1000  # fetch robots.txt before the pages waiting for it

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.default_user_agent = settings["USER_AGENT"]
        self.robots_user_agent = settings["ROBOTSTXT_USER_AGENT"]
        self.parser_class = load_object(settings["ROBOTSTXT_PARSER"])
        # host -> a future of its parser (None: no usable robots.txt, all allowed)
        self.parsers: dict[str, asyncio.Future[RobotParser | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return None
        if urlparse_cached(request).scheme not in ("http", "https"):
            return None
        parser = await self.parser_for(request)
        if parser is None:
            return None
        user_agent = self.robots_user_agent or request.headers.get(b"User-Agent", self.default_user_agent)
        if not parser.allowed(request.url, user_agent):
            self.stats.inc_value("robotstxt/forbidden")
            logger.debug("Forbidden by robots.txt: %s", request)
            raise RobotsForbidden("Forbidden by robots.txt")
        return None

    async def parser_for(self, request: Request) -> RobotParser | None:
        """The parser of the request's host, fetched once; every caller waits for it."""
        url = urlparse_cached(request)
        future = self.parsers.get(url.netloc)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self.parsers[url.netloc] = future
            parser = None
            try:
                parser = await self._fetch(f"{url.scheme}://{url.netloc}/robots.txt", request)
            finally:  # even when cancelled: the waiters must not wait forever
                future.set_result(parser)
        # shield: a cancelled waiter must not cancel the future the others wait on
        return await asyncio.shield(future)

    async def _fetch(self, robots_url: str, request: Request) -> RobotParser | None:
        robots_request = Request(robots_url, priority=self.DOWNLOAD_PRIORITY,
                                 meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        self.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots_request)
        except IgnoreRequest:
            return None
        except Exception as error:  # a robots.txt that cannot be fetched allows all
            logger.warning("robots.txt of %s could not be fetched (%s): crawling as allowed",
                           robots_url, error)
            self.stats.inc_value(f"robotstxt/exception_count/{type(error)}")
            return None
        self.stats.inc_value("robotstxt/response_count")
        self.stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        parser = build_from_crawler(self.parser_class, self.crawler, response.body)
        await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=parser,
                                                        request=request)
        return parser
