"""Reading list items off a page: the link, its title, the date printed beside it."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from parsel import Selector

from govreports.parsing.dates import find_date
from govreports.platforms.base import Candidate, Page

SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
# Containers that are page chrome, not the list: matched on whole class tokens and
# ids, because list classes contain the same words ("xxgk_nav_list" is a list).
CHROME_NAMES = ("header", "footer", "nav", "navbar", "topnav", "top-nav", "menu", "top", "foot", "head")


def _chrome_xpath() -> str:
    tests = ["self::header", "self::footer", "self::nav"]
    for name in CHROME_NAMES:
        tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
        tests.append(f"@id = '{name}'")
    return "ancestor::*[" + " or ".join(tests) + "]"


CHROME_XPATH = _chrome_xpath()


def list_date(text: str, *, now: dt.datetime | dt.date | None = None) -> str | None:
    """The first date printed in ``text``, as ISO ``YYYY-MM-DD``.

    Lists print 2024-01-25, 2024/01/25, 2024.01.25 or 2024年1月25日, sometimes in
    brackets, and some print "3天前"/"昨天", read relative to ``now`` (default: today
    in China); view counters and times are never the date.  Read by
    :func:`govreports.parsing.dates.find_date`, the one date reader."""
    found = find_date(text or "", now=now)
    return found[:10] if found else None


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def anchor_candidates(selector: Selector, base_url: str, *, skip_chrome: bool = True,
                      now: dt.datetime | dt.date | None = None) -> list[Candidate]:
    """Every link of the page as a candidate: URL, title (the ``title`` attribute wins
    over the visible text, which lists often truncate with "…"), and the date printed
    in the same list item or table row (relative dates against ``now``).

    ``base_url`` resolves the links: the page's base URL (:attr:`Page.base_url`, which
    honours ``<base href>``), not necessarily its address."""
    seen: set[str] = set()
    candidates = []
    for anchor in selector.xpath("//a[@href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP_SCHEMES):
            continue
        if skip_chrome and anchor.xpath(CHROME_XPATH):
            continue
        url = urljoin(base_url, href)
        if url in seen:
            continue
        text = clean_text(" ".join(anchor.xpath(".//text()").getall()))
        title = clean_text(anchor.attrib.get("title", "")) or text
        if not title:
            continue
        item = anchor.xpath("ancestor::*[self::li or self::tr or self::dd or self::dl][1]")
        context = " ".join(item[0].xpath(".//text()").getall()) if item else ""
        seen.add(url)
        candidates.append(Candidate(url=url, title=title, published=list_date(context, now=now)))
    return candidates


def selector_for(page: Page) -> Selector:
    return Selector(text=page.text or "<html></html>", base_url=page.url)
