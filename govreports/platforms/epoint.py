"""Epoint 新点 WebBuilder and similar JavaScript-list shells.

Supported page shapes:

* a list page whose items come from a ``…/rest/…`` JSON call, configured inline::

      var siteGuid = "7eb5f7f1-9041-43ad-8e13-8fcb82ea831a";
      $.ajax({url: "/EpointWebBuilder/rest/frontAppCustomAction/getPageInfoListNew", type: "post",
              data: {params: JSON.stringify({siteGuid: siteGuid, categoryNum: "004001",
                                             kw: "", pageIndex: 0, pageSize: 15})}})

  The endpoint is the first script string holding ``/rest/`` (one naming a list,
  ``…List…``, preferred); the parameters are the literal options of the object that
  holds ``pageIndex`` (``pageindex``/``pageNum``/``currentPage``), identifiers resolved
  from ``var x = "…"`` declarations.  Static links on the page (WebBuilder also
  renders lists as HTML, with ``showinfo.html?infoGuid=…`` or ``/{category}/{date}/{guid}.html``
  links) and a 下一页 link are read as :class:`~govreports.platforms.generic.Generic` does;
* the JSON answer: the first list of objects with a title, wherever it is nested
  (``{"custom": {"infodata": […], "count": 37}}``, ``{"data": {"list": […], "total": N}}``,
  ``{"result": {"records": […]}}`` …); each item's title from
  ``title``/``infotitle``/``name``, link from ``infourl``/``infoUrl``/``url``/``href``/
  ``linkurl``/``realurl``, else ``showinfo.html?infoGuid={infoGuid|infoid|guid}`` at the site
  root; date from ``infodate``/``infoDate``/``publishDate``/``pubDate``/``webdate``/``date``.

Requests::

    ListRequest(url="{origin}{endpoint}?params=<json>", method="POST",
                formdata=(("params", "<json>"),), platform="epoint")

``<json>`` is the page's parameter object, compact, keys in the page's order.  It is
mirrored into the query string because a :class:`~govreports.platforms.base.Page`
does not carry the POST body, and the answer must be paged on from its URL (the
servlets behind ``/rest/`` read parameters from both).  Next page: ``pageIndex + 1``
while the answer is non-empty and ``pageIndex × pageSize < total`` (counting pages
from 1 when unsure: a 0-based site costs one empty request at the end, never a
missed page).

Gaps: endpoints that want a raw JSON request body (not a ``params`` form field), and
guid-only items on sites whose ``showinfo.html`` is not at the root.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from govreports.platforms.base import Candidate, ListPage, ListRequest, Page, Platform
from govreports.platforms.generic import Generic
from govreports.platforms.links import clean_text, list_date

SCRIPT_SRC = re.compile(
    r"""<(?:script|link)[^>]+(?:src|href)\s*=\s*["'][^"']*(?:epoint|webbuilder|/ewb[-_./])""",
    re.IGNORECASE,
)
MARKERS = re.compile(r"EpointWebBuilder|frontAppCustomAction|showinfo\.html\?infoGuid=|getPageInfoList",
                     re.IGNORECASE)
REST_STRING = re.compile(r"""["']((?:https?://[^"'\s]+)?/[^"'\s]*/rest/[^"'\s]+)["']""")
INDEX_KEYS = ("pageIndex", "pageindex", "pageNum", "pagenum", "currentPage", "pageNo")
SIZE_KEYS = ("pageSize", "pagesize", "pageCount", "rows", "limit")
OBJECT = re.compile(r"\{[^{}]*\}")
PAIR = re.compile(r"""["']?([A-Za-z_]\w*)["']?\s*:\s*(?:"([^"]*)"|'([^']*)'|(-?\d+)|([A-Za-z_$][\w$.]*))""")
TITLE_KEYS = ("title", "infotitle", "infoTitle", "name")
URL_KEYS = ("infourl", "infoUrl", "url", "href", "linkurl", "linkUrl", "realurl")
GUID_KEYS = ("infoGuid", "infoguid", "infoid", "infoId", "guid")
DATE_KEYS = ("infodate", "infoDate", "publishDate", "publishdate", "pubDate", "webdate", "date", "createDate")
TOTAL_KEYS = ("count", "total", "totalCount", "totalcount", "RowCount", "rowCount", "totalRecord")


def _var(text: str, name: str) -> str | int | None:
    """The literal a ``var``/``let``/``const`` declaration gives ``name``."""
    match = re.search(
        r"\b(?:var|let|const)\s+" + re.escape(name) + r"""\s*=\s*(?:["']([^"']*)["']|(-?\d+)\b)""", text
    )
    if not match:
        return None
    return match.group(1) if match.group(1) is not None else int(match.group(2))


def list_params(text: str) -> dict[str, Any] | None:
    """The JSON call's parameter object from the page's scripts, or None."""
    for block in OBJECT.findall(text):
        params: dict[str, Any] = {}
        for key, dq, sq, number, ident in PAIR.findall(block):
            if number:
                params[key] = int(number)
            elif ident:
                if ident in ("true", "false"):
                    params[key] = ident == "true"
                else:
                    resolved = _var(text, ident.split(".")[-1])
                    if resolved is not None:
                        params[key] = resolved
            else:
                params[key] = dq or sq
        if any(k in params for k in INDEX_KEYS):
            return params
    return None


def endpoint(text: str, page_url: str) -> str | None:
    urls = REST_STRING.findall(text)
    if not urls:
        return None
    listing = [u for u in urls if re.search(r"list", u, re.IGNORECASE)]
    return urljoin(page_url, (listing or urls)[0])


def _request(url: str, params: dict[str, Any]) -> ListRequest:
    body = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
    base = urlsplit(url)._replace(query="", fragment="").geturl()
    return ListRequest(url=f"{base}?{urlencode({'params': body})}", method="POST",
                       formdata=(("params", body),), platform=Epoint.name)


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) not in (None, "")), None)


def find_items(data: Any) -> list[dict[str, Any]]:
    """The first list of title-bearing objects in ``data`` (breadth-first)."""
    queue = [data]
    while queue:
        node = queue.pop(0)
        if isinstance(node, list):
            items = [x for x in node if isinstance(x, dict)]
            if items and any(_first(x, TITLE_KEYS) for x in items):
                return items
            queue.extend(x for x in node if isinstance(x, (dict, list)))
        elif isinstance(node, dict):
            queue.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return []


def find_total(data: Any) -> int | None:
    queue = [data]
    while queue:
        node = queue.pop(0)
        if isinstance(node, dict):
            for key in TOTAL_KEYS:
                value = node.get(key)
                if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                    return int(value)
            queue.extend(v for v in node.values() if isinstance(v, dict))
    return None


def item_candidate(item: dict[str, Any], page_url: str) -> Candidate | None:
    title = clean_text(str(_first(item, TITLE_KEYS) or ""))
    link = _first(item, URL_KEYS)
    guid = _first(item, GUID_KEYS)
    if not title or not (link or guid):
        return None
    url = urljoin(page_url, str(link)) if link else urljoin(page_url, f"/showinfo.html?infoGuid={guid}")
    return Candidate(url=url, title=title, published=list_date(str(_first(item, DATE_KEYS) or "")))


class Epoint(Platform):
    name = "epoint"

    @classmethod
    def detect(cls, page: Page) -> bool:
        return bool(SCRIPT_SRC.search(page.text) or MARKERS.search(page.text) or MARKERS.search(page.url))

    def parse_list(self, page: Page) -> ListPage:
        stripped = page.text.lstrip()
        if stripped.startswith(("{", "[")):
            return self._parse_answer(page)
        result = Generic().parse_list(page)
        result.next_requests = [
            ListRequest(url=r.url, method=r.method, formdata=r.formdata, platform=self.name)
            for r in result.next_requests
        ]
        url = endpoint(page.text, page.base_url)
        params = list_params(page.text)
        if url and params:
            result.next_requests.append(_request(url, params))
        return result

    def _parse_answer(self, page: Page) -> ListPage:
        try:
            data = json.loads(page.text)
        except ValueError:
            return ListPage()
        items = find_items(data)
        result = ListPage(candidates=[c for c in (item_candidate(i, page.url) for i in items) if c])
        query = dict(parse_qsl(urlsplit(page.url).query))
        try:
            params = json.loads(query.get("params", ""))
        except ValueError:
            return result
        if not items or not isinstance(params, dict):
            return result
        index_key = next((k for k in INDEX_KEYS if k in params), None)
        size_key = next((k for k in SIZE_KEYS if k in params), None)
        if index_key is None or not str(params[index_key]).lstrip("-").isdigit():
            return result
        index = int(params[index_key])
        size = int(params[size_key]) if size_key and str(params[size_key]).isdigit() else len(items)
        total = find_total(data)
        if len(items) < size or (total is not None and max(index, 1) * size >= total):
            return result
        params[index_key] = index + 1
        result.next_requests.append(_request(page.url, params))
        return result
