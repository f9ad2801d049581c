"""Shared fixtures: the local portal server (:mod:`tests.portal_server`), and crawlers
built in process for component tests.  Crawls are run by :mod:`tests.harness`."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler

from govreports import settings as project_settings
from tests.portal_server import PortalServer


@pytest.fixture(scope="session")
def portal_server():
    """The server shared by the whole session (its request log keeps growing)."""
    with PortalServer() as server:
        yield server


@pytest.fixture
def fresh_server():
    """A server of the test's own, for tests that count requests per path from the
    server's start (创宇盾 blocks, bursts of 500s) or change its state."""
    with PortalServer() as server:
        yield server


def project_crawler(**overrides) -> Crawler:
    """An in-process crawler with the project's settings (``govreports.settings``) and
    ``overrides``, and a spider attached, for building components with ``from_crawler``.
    It is a test crawler: it may go without delays (``GOVREPORTS_ALLOW_IMPOLITE_TESTING``)."""
    settings = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    crawler = get_crawler(Spider, {**settings, "GOVREPORTS_ALLOW_IMPOLITE_TESTING": True, **overrides})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return crawler
