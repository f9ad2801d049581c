"""Never faster than polite: settings that would hammer a government server are refused.

Scrapy 2.19 was measured sending 10–11 requests at once to one host with
``DOWNLOAD_DELAY=0``, despite ``CONCURRENT_REQUESTS_PER_DOMAIN=2``: with no delay its
per-host slot does not hold concurrency down.  So a crawl is refused when a download
slot that may reach a web server has no delay and lets more than one request through:

* ``DOWNLOAD_DELAY`` 0 together with ``CONCURRENT_REQUESTS_PER_DOMAIN`` > 1 (AutoThrottle
  never waits less than ``DOWNLOAD_DELAY``, so it does not help);
* a ``DOWNLOAD_SLOTS`` entry with ``delay`` 0 (or none, with ``DOWNLOAD_DELAY`` 0) and a
  ``concurrency`` > 1 (or none, with ``CONCURRENT_REQUESTS_PER_DOMAIN`` > 1) — except the
  slot of local files (the demo portal, ``local-files``), behind which no server is.

"Tests" are crawls of this machine only: every portal they select (and a ``start_url``)
is on a loopback address (127.0.0.0/8, ``::1``, ``localhost``) or kept as local files;
no government server is behind them, so no delay harms anyone.  A crawl of anything else
is a crawl "outside tests", whatever sends it.  The setting
``GOVREPORTS_ALLOW_IMPOLITE_TESTING`` (default off), which the test harness
(``tests/harness.py`` ``FAST_SETTINGS``) and the benchmarks turn on, says the same for a
crawl whose portals are not known beforehand.

``scrapy crawl`` checks this before anything starts (one line, exit status 2, like a bad
argument: :mod:`govreports.commands.crawl`); :class:`PolitenessCheck`, an extension,
checks it again for crawls started any other way and stops them with
:class:`ImpoliteSettings` before a request is sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy.crawler import Crawler

from govreports.flags import flag_setting
from govreports.spiders.portal import LOCAL_FILES_SLOT

ALLOW_SETTING = "GOVREPORTS_ALLOW_IMPOLITE_TESTING"


class ImpoliteSettings(ValueError):
    """Settings that would send a server several requests at once with no delay."""


def on_this_machine(urls: Iterable[str]) -> bool:
    """Every one of ``urls`` (at least one) is a local file or on a loopback host."""
    urls = [u for u in urls if u]
    return bool(urls) and all(_is_local(u) for u in urls)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return True
    host = (parts.hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def crawl_urls(portals, start_url: str = "") -> list[str]:
    """The URLs a crawl starts from: ``start_url``, or its portals' home and list URLs."""
    if start_url:
        return [start_url]
    return [url for portal in portals for url in (portal.home_url, *portal.list_urls) if url]


def politeness_problem(settings, urls: Iterable[str] = ()) -> str | None:
    """What makes these settings impolite (one line), or None; a crawl starting from
    ``urls`` that are all on this machine is a test (see the module docstring)."""
    if flag_setting(settings, ALLOW_SETTING) or on_this_machine(urls):
        return None
    delay = settings.getfloat("DOWNLOAD_DELAY")
    per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    fix = (f"set -s DOWNLOAD_DELAY to 0.5 or more, or -s CONCURRENT_REQUESTS_PER_DOMAIN=1 "
           f"({ALLOW_SETTING}=1 is for crawls of test servers only)")
    if delay <= 0 and per_domain > 1:
        return (f"DOWNLOAD_DELAY=0 with CONCURRENT_REQUESTS_PER_DOMAIN={per_domain} would send a government "
                f"server up to {per_domain}+ requests at once without pause; {fix}")
    for name, slot in (settings.getdict("DOWNLOAD_SLOTS") or {}).items():
        if name == LOCAL_FILES_SLOT or not isinstance(slot, dict):
            continue
        slot_delay = float(slot.get("delay", delay) or 0)
        slot_concurrency = int(slot.get("concurrency", per_domain) or 0)
        if slot_delay <= 0 and slot_concurrency > 1:
            return (f"DOWNLOAD_SLOTS[{name!r}] has no delay and a concurrency of {slot_concurrency}: it would send "
                    f"that server several requests at once without pause; give it a delay of 0.5 s or more, "
                    f"or a concurrency of 1")
    return None


class PolitenessCheck:
    """Extension: stops a crawl whose settings are impolite (see the module docstring)
    before anything is fetched.  It has no off switch but the test setting."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PolitenessCheck":
        # Extensions are made once the spider is (Scrapy ≥ 2.11): its portals are known.
        spider = getattr(crawler, "spider", None)
        urls = crawl_urls(getattr(spider, "portal_by_id", {}).values(), getattr(spider, "start_url", ""))
        problem = politeness_problem(crawler.settings, urls)
        if problem:
            raise ImpoliteSettings(problem)
        return cls()
