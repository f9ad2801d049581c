"""Lonsun 龙讯 (Anhui): 信息公开 lists rendered by the ``/site/label/8888`` label service.

Supported page shapes:

* a column page that loads its list from the label service, either as a URL
  (``/site/label/8888?labelName=publicInfoList&siteId=…&organId=…&catId=…&pageIndex=1&pageSize=15``,
  anywhere in the page) or as the options of an ajax call::

      $.ajax({url: "/site/label/8888", data: {labelName: "publicInfoList", siteId: 6781961,
              organId: "6788651", catId: 2714, pageSize: 15, pageIndex: 1, file: "/c1/ah/publicInfoList"}})

  or only as ``siteId`` / ``organId`` / ``catId`` variables;
* the label's answer: an HTML fragment of
  ``<li><a href="/public/{organId}/{id}.html" title="…">…</a><span>2024-01-20</span></li>``
  with the paging it prints: ``pageCount: 12`` / ``totalPage`` / ``共12页``, or a record count
  ``共173条`` / ``totalCount: 173`` (pages = ⌈count / pageSize⌉).

Requests: ``ListRequest(url="{origin}/site/label/8888?labelName=publicInfoList&siteId=…&organId=…&catId=…
&pageIndex=1&pageSize=15[&other label options]", platform="lonsun")`` from a column page;
from a fragment, the same URL with ``pageIndex+1`` until the page count.  A column
page that also lists items statically keeps those as candidates.
"""

from __future__ import annotations

import html
import re
from math import ceil
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from govreports.platforms.base import ListPage, ListRequest, Page, Platform
from govreports.platforms.links import anchor_candidates, selector_for

LABEL_PATH = "/site/label/8888"
LABEL_URL = re.compile(r"""(?:https?://[^\s"'<>]+)?/site/label/8888\?[^\s"'<>]+""")
LABEL_CALL = re.compile(
    r"""/site/label/8888["']?\s*,.*?\bdata\s*:\s*\{(?P<options>[^{}]*)\}""", re.DOTALL
)
OPTION = re.compile(r"""["']?(\w+)["']?\s*:\s*(?:"([^"]*)"|'([^']*)'|([\w.-]+))""")
PUBLIC_LINK = re.compile(r"/public/\d+/\d+\.html")
PAGE_COUNT = (
    re.compile(r"""["']?(?:pageCount|totalPage|pageTotal|totalPages)["']?\s*[:=]\s*["']?(\d+)"""),
    re.compile(r"共\s*(\d+)\s*页"),
)
RECORD_COUNT = (
    re.compile(r"""["']?(?:totalCount|recordCount|total|count)["']?\s*[:=]\s*["']?(\d+)"""),
    re.compile(r"共\s*(\d+)\s*条"),
)
IDS = ("siteId", "organId", "catId")
DEFAULT_PAGE_SIZE = 15


def _first_int(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def label_params(text: str) -> dict[str, str] | None:
    """The ``publicInfoList`` label parameters a column page uses, or None."""
    for match in LABEL_URL.finditer(html.unescape(text)):
        params = dict(parse_qsl(urlsplit(match.group(0)).query, keep_blank_values=True))
        if params.get("labelName", "publicInfoList") == "publicInfoList" and params.get("siteId"):
            return params
    for match in LABEL_CALL.finditer(text):
        params = {}
        for key, *values in OPTION.findall(match.group("options")):
            value = next((v for v in values if v), "")
            params[key] = value
        if params.get("labelName", "publicInfoList") == "publicInfoList" and params.get("siteId"):
            return params
    # Last resort: the ids alone, as variables or options anywhere in the scripts.
    found = {}
    for key in IDS:
        match = re.search(r"""(?<![\w.])["']?""" + key + r"""["']?\s*[:=]\s*["']?(\d+)""", text)
        if match:
            found[key] = match.group(1)
    if "siteId" in found and ("catId" in found or "organId" in found):
        return {"labelName": "publicInfoList", **found}
    return None


def label_url(page_url: str, params: dict[str, str], page_index: int) -> str:
    """The label URL for page ``page_index``: the canonical parameters in a fixed order,
    then any other option the page passes (``file``, ``action`` … pick the template)."""
    ordered = {"labelName": params.get("labelName") or "publicInfoList"}
    for key in IDS:
        if params.get(key):
            ordered[key] = params[key]
    ordered["pageIndex"] = str(page_index)
    ordered["pageSize"] = params.get("pageSize") or str(DEFAULT_PAGE_SIZE)
    for key, value in params.items():
        if key not in ordered and key != "url":
            ordered[key] = value
    return urljoin(page_url, LABEL_PATH + "?" + urlencode(ordered))


class Lonsun(Platform):
    name = "lonsun"

    @classmethod
    def detect(cls, page: Page) -> bool:
        if urlsplit(page.url).path.startswith("/site/label/"):
            return True
        text = page.text
        return (
            LABEL_PATH in text
            or re.search(r"<(?:script|link)[^>]+(?:src|href)=[\"'][^\"']*lonsun", text, re.IGNORECASE) is not None
            or re.search(r"<meta[^>]+content=[\"'][^\"']*lonsun", text, re.IGNORECASE) is not None
        )

    def parse_list(self, page: Page) -> ListPage:
        result = ListPage(candidates=anchor_candidates(selector_for(page), page.base_url))
        parts = urlsplit(page.url)
        if parts.path.startswith("/site/label/"):
            result.next_requests = self._next_from_fragment(page)
            return result
        params = label_params(page.text)
        if params:
            url = label_url(page.url, params, 1)
            if url != page.url:
                result.next_requests.append(ListRequest(url=url, platform=self.name))
        return result

    def _next_from_fragment(self, page: Page) -> list[ListRequest]:
        params = dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
        current = int(params["pageIndex"]) if params.get("pageIndex", "").isdigit() else 1
        size = int(params["pageSize"]) if params.get("pageSize", "").isdigit() else DEFAULT_PAGE_SIZE
        pages = _first_int(PAGE_COUNT, page.text)
        if pages is None:
            count = _first_int(RECORD_COUNT, page.text)
            pages = ceil(count / size) if count is not None else None
        if pages is None:
            # No count printed: go on while pages come back full.
            items = len(PUBLIC_LINK.findall(page.text))
            pages = current + 1 if items >= size else current
        if current >= pages:
            return []
        params["pageIndex"] = str(current + 1)
        return [ListRequest(url=label_url(page.url, params, current + 1), platform=self.name)]
