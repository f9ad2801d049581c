"""How far a crawl follows a list: caps on links and pages, and runaway paginators.

A hostile or broken portal can list 5,000 links on one page, or page on forever
(``index_4711.html`` repeating the same items, ``?page=N`` pages with no items at all).
A real column can also be long: ten thousand departmental reports over the years.
These rules tell the two apart, so that long columns are read to their end and
runaways are stopped early:

* a list stops paging when one of its pages repeats an earlier page of it byte for
  byte, or when :attr:`PagingLimits.runaway_pages` pages in a row brought no link the
  list had not already shown (a long real column brings new items on every page);
* as a last resort a list stops after :attr:`PagingLimits.max_pages` pages;
* a list page has at most :attr:`PagingLimits.max_links_per_page` report links
  followed, a portal at most :attr:`PagingLimits.max_links_per_portal`.

Every stop is recorded (a ``fetch_failures`` row of its own kind) and leaves the list
unfinished, so nothing is concluded from what it no longer shows.

Pure bookkeeping, tested without a crawl; the limits are settings whose defaults live
in :mod:`govreports.settings`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def positive_int(settings: BaseSettings, name: str) -> int:
    """A whole-number setting that has its default in ``govreports/settings.py``."""
    if settings.get(name) is None:
        raise ValueError(f"setting {name} is not set (its default is in govreports/settings.py)")
    value = settings.getint(name)
    if value < 1:
        raise ValueError(f"setting {name} must be a whole number of at least 1, not {settings.get(name)!r}")
    return value


@dataclass(frozen=True)
class PagingLimits:
    max_pages: int  # GOVREPORTS_MAX_LIST_PAGES: pages of one list, last resort
    runaway_pages: int  # GOVREPORTS_RUNAWAY_PAGES: pages in a row with no new link
    max_links_per_page: int  # GOVREPORTS_MAX_LINKS_PER_LIST_PAGE
    max_links_per_portal: int  # GOVREPORTS_MAX_LINKS_PER_PORTAL

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> "PagingLimits":
        return cls(
            max_pages=positive_int(settings, "GOVREPORTS_MAX_LIST_PAGES"),
            runaway_pages=positive_int(settings, "GOVREPORTS_RUNAWAY_PAGES"),
            max_links_per_page=positive_int(settings, "GOVREPORTS_MAX_LINKS_PER_LIST_PAGE"),
            max_links_per_portal=positive_int(settings, "GOVREPORTS_MAX_LINKS_PER_PORTAL"),
        )


@dataclass
class PagingWatch:
    """What the pages of one list showed so far, to tell a runaway paginator."""

    links: set[str] = field(default_factory=set)  # every link URL its pages showed
    page_hashes: dict[str, str] = field(default_factory=dict)  # page body hash -> first URL with it
    fruitless: list[str] = field(default_factory=list)  # URLs of the latest pages in a row with no new link

    def page_read(self, url: str, text: str, link_urls: list[str], runaway_pages: int) -> str:
        """Note a page of the list; returns why its paging runs away ("" when it does not).

        ``link_urls``: every link the page lists (reports, look-alikes, anything): a page
        of a real column brings at least one the list has not shown yet."""
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        earlier = self.page_hashes.get(digest)
        if earlier is None:
            self.page_hashes[digest] = url
        new_links = set(link_urls) - self.links
        self.links.update(link_urls)
        if new_links:
            self.fruitless.clear()
        else:
            self.fruitless.append(url)
        if earlier is not None and earlier != url:
            return f"page {url} repeats page {earlier}"
        if len(self.fruitless) >= runaway_pages:
            return (f"{len(self.fruitless)} pages in a row brought no new link "
                    f"({self.fruitless[0]} … {self.fruitless[-1]})")
        return ""
