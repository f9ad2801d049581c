"""The browser's navigation guard, in process: navigations pages make themselves are
counted in their request's meta, stopped past the caps, and spaced by the host's delay
(see :mod:`govreports.browser`).  The Playwright request, frame and page are stand-ins
with the attributes the guard reads; a real Chromium runs in
``tests/test_hostile_portals.py``."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from scrapy import Request

from govreports.browser import NAVIGATIONS, NAVIGATIONS_CAPPED, NavigationGuard, skip_unneeded_resource, watch_page
from tests.conftest import project_crawler

URL = "http://www.zyhhg.gov.cn/zwgk/xxgkndbg/index.html"


class Page:
    """A page: only its identity matters (the guard keys its counts by it)."""


@dataclass
class Frame:
    page: Page
    parent_frame: "Frame | None" = None


@dataclass
class BrowserRequest:
    url: str
    frame: Frame
    navigation: bool = True
    resource_type: str = "document"

    def is_navigation_request(self) -> bool:
        return self.navigation


def guard(**settings) -> NavigationGuard:
    return NavigationGuard(project_crawler(**{"GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE": 3,
                                               "GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_HOST": 100,
                                               "DOWNLOAD_DELAY": 0, **settings}))


def opened(request: Request) -> Page:
    page = Page()
    asyncio.run(watch_page(page, request))
    return page


def navigate(predicate, page: Page, times: int, url: str = URL) -> list[bool]:
    async def run():
        return [await predicate(BrowserRequest(url, Frame(page))) for _ in range(times)]
    return asyncio.run(run())


def test_a_page_navigating_past_its_cap_is_stopped_and_marked():
    request = Request(URL)
    verdicts = navigate(guard().wrap(None), opened(request), 5)
    assert (verdicts, request.meta[NAVIGATIONS], request.meta[NAVIGATIONS_CAPPED]) == (
        [False, False, False, True, True], 5, True)


def test_pages_of_a_host_share_its_cap():
    check = guard(GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_HOST=2).wrap(None)
    first, second = Request(URL), Request(URL + "?2")
    navigate(check, opened(first), 3)  # its own navigation, then two of its own making
    assert (navigate(check, opened(second), 2), second.meta[NAVIGATIONS_CAPPED]) == ([False, True], True)


def test_frames_and_subresources_are_not_navigations_of_the_page():
    request = Request(URL)
    page = opened(request)
    check = guard().wrap(None)

    async def run():
        frame = Frame(page, parent_frame=Frame(page))
        return [await check(BrowserRequest(URL, frame)) for _ in range(5)] + \
            [await check(BrowserRequest(URL + ".js", Frame(page), navigation=False, resource_type="script"))
             for _ in range(5)]
    assert (asyncio.run(run()), request.meta[NAVIGATIONS]) == ([False] * 10, 0)


def test_navigations_a_page_makes_wait_for_the_host_delay():
    request = Request(URL)
    check = guard(DOWNLOAD_DELAY=0.3).wrap(None)
    page = opened(request)
    began = time.monotonic()
    navigate(check, page, 3)  # its own, then two reloads, each after the delay
    assert time.monotonic() - began >= 0.55


def test_the_project_predicate_still_decides_what_the_guard_lets_through():
    check = guard().wrap(skip_unneeded_resource)
    page = opened(Request(URL))

    async def run():
        return [await check(BrowserRequest(URL + ".png", Frame(page), navigation=False, resource_type="image")),
                await check(BrowserRequest(URL + ".js", Frame(page), navigation=False, resource_type="script"))]
    assert asyncio.run(run()) == [True, False]
