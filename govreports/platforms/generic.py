"""Any portal: every link of the list page, and the "next page" link.

The fallback when no CMS family is recognised.  Pagination is read from the link
whose text says 下一页 / 下页 / next (or a "›"/">" arrow), so sites with
``?page=N``, ``list_2.htm`` or any other numbering are followed alike; failing that,
from a link to the same list with its page parameter (``page``, ``pageNo``,
``pageIndex``, ``curPage``, ``p``) one higher than this page's — page-number bars
and 尾页 links carry those.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from govreports.platforms.base import ListPage, ListRequest, Page, Platform
from govreports.platforms.links import anchor_candidates, clean_text, selector_for

NEXT_PAGE_TEXT = re.compile(r"^(?:下一页|下页|后一页|next|›|>|»|>>)$", re.IGNORECASE)
PAGE_PARAMS = ("page", "pageno", "pageindex", "curpage", "p", "pagenum")


def _page_param(url: str) -> tuple[str, int] | None:
    """(parameter name, page number) of a list URL's page parameter."""
    for name, value in parse_qsl(urlsplit(url).query):
        if name.lower() in PAGE_PARAMS and value.isdigit():
            return name, int(value)
    return None


def next_by_page_parameter(page_url: str, hrefs: list[str]) -> str | None:
    """The link to the same list whose page parameter is one higher than this page's."""
    here = urlsplit(page_url)
    current = _page_param(page_url)
    for href in hrefs:
        found = _page_param(href)
        target = urlsplit(href)
        if found is None or (target.netloc, target.path) != (here.netloc, here.path):
            continue
        name, number = found
        expected = current[1] + 1 if current and current[0] == name else 2
        if number == expected:
            return href
    return None


class Generic(Platform):
    name = "generic"

    @classmethod
    def detect(cls, page: Page) -> bool:
        return True

    def parse_list(self, page: Page) -> ListPage:
        selector = selector_for(page)
        result = ListPage(candidates=anchor_candidates(selector, page.base_url))
        hrefs = []
        for anchor in selector.xpath("//a[@href]"):
            text = clean_text(" ".join(anchor.xpath(".//text()").getall()))
            href = anchor.attrib["href"].strip()
            if not href or href.lower().startswith(("javascript:", "#")):
                continue
            hrefs.append(urljoin(page.base_url, href))
            if NEXT_PAGE_TEXT.match(text):
                next_url = urljoin(page.base_url, href)
                if next_url != page.url:
                    result.next_requests.append(ListRequest(url=next_url, platform=self.name))
                return result
        next_url = next_by_page_parameter(page.url, hrefs)
        if next_url:
            result.next_requests.append(ListRequest(url=next_url, platform=self.name))
        return result
