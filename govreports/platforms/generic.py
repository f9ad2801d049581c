"""Any portal: every link of the list page, and the "next page" link.

The fallback when no CMS family is recognised.  Pagination is read from the link
whose text says 下一页 / 下页 / next (or a "›"/">" arrow), so sites with
``?page=N``, ``list_2.htm`` or any other numbering are followed alike.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from govreports.platforms.base import ListPage, ListRequest, Page, Platform
from govreports.platforms.links import anchor_candidates, clean_text, selector_for

NEXT_PAGE_TEXT = re.compile(r"^(?:下一页|下页|后一页|next|›|>|»|>>)$", re.IGNORECASE)


class Generic(Platform):
    name = "generic"

    @classmethod
    def detect(cls, page: Page) -> bool:
        return True

    def parse_list(self, page: Page) -> ListPage:
        selector = selector_for(page)
        result = ListPage(candidates=anchor_candidates(selector, page.url))
        for anchor in selector.xpath("//a[@href]"):
            text = clean_text(" ".join(anchor.xpath(".//text()").getall()))
            href = anchor.attrib["href"].strip()
            if NEXT_PAGE_TEXT.match(text) and href and not href.lower().startswith(("javascript:", "#")):
                next_url = urljoin(page.url, href)
                if next_url != page.url:
                    result.next_requests.append(ListRequest(url=next_url, platform=self.name))
                break
        return result
