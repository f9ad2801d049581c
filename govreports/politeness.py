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

"Tests" are defined by one setting: ``GOVREPORTS_ALLOW_IMPOLITE_TESTING`` (default off),
which the test harness (``tests/harness.py`` ``FAST_SETTINGS``) and the benchmarks turn on
because they crawl only the test server on 127.0.0.1.

``scrapy crawl`` checks this before anything starts (one line, exit status 2, like a bad
argument: :mod:`govreports.commands.crawl`); :class:`PolitenessCheck`, an extension,
checks it again for crawls started any other way and stops them with
:class:`ImpoliteSettings` before a request is sent.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from govreports.flags import flag_setting
from govreports.spiders.portal import LOCAL_FILES_SLOT

ALLOW_SETTING = "GOVREPORTS_ALLOW_IMPOLITE_TESTING"


class ImpoliteSettings(ValueError):
    """Settings that would send a server several requests at once with no delay."""


def politeness_problem(settings) -> str | None:
    """What makes these settings impolite (one line), or None."""
    if flag_setting(settings, ALLOW_SETTING):
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
        problem = politeness_problem(crawler.settings)
        if problem:
            raise ImpoliteSettings(problem)
        return cls()
