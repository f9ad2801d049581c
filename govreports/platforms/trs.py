"""TRS WCM / 海云 (拓尔思): static list pages ``index.html``, ``index_1.html`` …

The page count is printed in a script, in one of these forms::

    createPageHTML(countPage, currentPage, "index", "html");
    createPageHTML('page_div', total, cur, 'list', 'shtml', rows);
    var countPage = 7; var currentPage = 0;

Page 1 is ``<prefix>.<ext>``, page n+1 is ``<prefix>_n.<ext>``.  Only the next page is
requested from each page, so that paging can stop early once a list holds only
known reports.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from govreports.platforms.base import ListPage, ListRequest, Page, Platform
from govreports.platforms.links import anchor_candidates, selector_for

_ARG = r"\s*['\"]?([\w.]+)['\"]?\s*"
CREATE_PAGE_HTML_4 = re.compile(
    r"createPageHTML\(" + ",".join([_ARG] * 4) + r"\)", re.IGNORECASE
)
CREATE_PAGE_HTML_6 = re.compile(
    r"createPageHTML\(" + ",".join([_ARG] * 6) + r"\)", re.IGNORECASE
)
COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)", re.IGNORECASE)
CURRENT_PAGE = re.compile(r"\bvar\s+currentPage\s*=\s*['\"]?(\d+)", re.IGNORECASE)
PAGE_FILE = re.compile(r"^(?P<prefix>[\w-]+?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")
TRS_ARTICLE = re.compile(r"/t\d{8}_\d+\.s?html?$")


def page_numbering(text: str) -> tuple[int, int, str | None, str | None] | None:
    """(page count, current page from 0, file prefix, extension) from the paging script."""
    match = CREATE_PAGE_HTML_6.search(text)
    if match:
        _, count, current, prefix, ext, _ = match.groups()
        if count.isdigit() and current.isdigit():
            return int(count), int(current), prefix, ext
    match = CREATE_PAGE_HTML_4.search(text)
    if match:
        count, current, prefix, ext = match.groups()
        if count.isdigit() and current.isdigit():
            return int(count), int(current), prefix, ext
    count = COUNT_PAGE.search(text)
    if count:
        current = CURRENT_PAGE.search(text)
        return int(count.group(1)), int(current.group(1)) if current else -1, None, None
    return None


def page_url(list_url: str, n: int, prefix: str | None, ext: str | None) -> str:
    """URL of page ``n`` (from 0) of the column whose page ``list_url`` is."""
    path = urlsplit(list_url).path
    name = path.rsplit("/", 1)[-1]
    match = PAGE_FILE.match(name)
    if match:
        prefix = prefix or match["prefix"]
        ext = ext or match["ext"]
    prefix, ext = prefix or "index", ext or "html"
    file_name = f"{prefix}.{ext}" if n == 0 else f"{prefix}_{n}.{ext}"
    return urljoin(list_url, file_name)


def current_page_from_url(list_url: str) -> int:
    name = urlsplit(list_url).path.rsplit("/", 1)[-1]
    match = PAGE_FILE.match(name)
    return int(match["n"]) if match and match["n"] else 0


class TRS(Platform):
    name = "trs"

    @classmethod
    def detect(cls, page: Page) -> bool:
        text = page.text
        return bool(
            CREATE_PAGE_HTML_4.search(text)
            or CREATE_PAGE_HTML_6.search(text)
            or COUNT_PAGE.search(text)
            or "TRS_Editor" in text
            or TRS_ARTICLE.search(text)
        )

    def parse_list(self, page: Page) -> ListPage:
        result = ListPage(candidates=anchor_candidates(selector_for(page), page.base_url))
        numbering = page_numbering(page.text)
        if numbering:
            count, current, prefix, ext = numbering
            if current < 0:
                current = current_page_from_url(page.url)
            if current + 1 < count:
                result.next_requests.append(
                    ListRequest(url=page_url(page.url, current + 1, prefix, ext), platform=self.name)
                )
        return result
