"""Guangdong gkmlpt (the province-wide 政府信息公开目录 platform): HTML shell + JSON API.

Supported page shapes:

* the HTML catalogue page (``…/gkmlpt/index#{catId}``, ``…/gkmlpt/mindex``, or any page
  embedding the platform), whose script prints the site id as ``SID: '755031'``,
  ``"sid": "755031"`` or in an API URL ``/gkmlpt/api/…?sid=755031`` and, optionally, the category as
  ``CAT_ID``/``catId``/``cat_id``/``categoryId`` or in an ``/gkmlpt/api/all/{catId}`` URL;
  the URL fragment (``#5``) names the category when the page does not (Scrapy drops
  fragments from response URLs, so a registry entry should prefer the API URL);
  without any category the catalogue's "all" category 0 is listed;
* the API answer ``GET …/gkmlpt/api/all/{catId}?page=N&sid={sid}``::

      {"articles": [{"id": 4085632, "title": "…", "url": "http://…/post_4085632.html",
                     "publish_time": 1706150400, "first_publish_time": …,
                     "display_publish_time": …}, …],
       "total": 231, "page": 1}

  Keys are read tolerantly: the list under ``articles``/``data``/``list``/``items``;
  the link under ``url``/``post_url``/``link``, else built from ``id`` as
  ``/gkmlpt/content/{id//1000000}/{id//1000}/post_{id}.html``; the date from
  ``display_publish_time``/``publish_time``/``first_publish_time``/``created_at``/
  ``create_time`` as epoch seconds (or milliseconds) or a date string.

Requests: ``ListRequest(url="{base}/gkmlpt/api/all/{catId}?page=1&sid={sid}", platform="gkmlpt")``
from the HTML page, then ``page=N+1`` while ``N × page size < total`` and the page was
not empty (the page size is the answer's ``page_size``/``size`` if given, else the number
of articles on a full page).  ``{base}`` keeps a site's sub-path (``/szlhq/gkmlpt/…``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from govreports.platforms.base import Candidate, ListPage, ListRequest, Page, Platform
from govreports.platforms.links import anchor_candidates, clean_text, list_date, selector_for

# The platform's own spellings only: a bare ``siteId`` belongs to many other CMSs.
SID = re.compile(
    r"""(?<![\w.])(?:SID|["']sid["'])\s*[:=]\s*["']?(\d+)|/gkmlpt/api/[^"'\s]*?[?&]sid=(\d+)"""
)
CATEGORY = re.compile(
    r"""(?<![\w.])["']?(?:CAT_ID|CATEGORY_ID|catId|cat_id|categoryId|category_id)["']?\s*[:=]\s*["']?(\d+)"""
)
API_URL = re.compile(r"/gkmlpt/api/all/(\d+)")
API_PATH = re.compile(r"^(?P<base>.*?)/gkmlpt/api/all/(?P<cat>\d+)/?$")
GKMLPT_PATH = re.compile(r"^(?P<base>.*?)/gkmlpt(?:/|$)")
LIST_KEYS = ("articles", "data", "list", "items", "records", "rows")
URL_KEYS = ("url", "post_url", "link", "href")
DATE_KEYS = ("display_publish_time", "publish_time", "first_publish_time", "created_at",
             "create_time", "date", "pubDate")
SIZE_KEYS = ("page_size", "pageSize", "size", "per_page")
CHINA = timezone(timedelta(hours=8))


def _is_api(url: str) -> bool:
    return bool(API_PATH.match(urlsplit(url).path))


def post_url(base_url: str, post_id: int) -> str:
    """The detail page of article ``post_id`` on the site of ``base_url``."""
    match = GKMLPT_PATH.match(urlsplit(base_url).path)
    prefix = match["base"] if match else ""
    path = f"{prefix}/gkmlpt/content/{post_id // 1_000_000}/{post_id // 1000}/post_{post_id}.html"
    return urljoin(base_url, path)


def as_date(value: Any) -> str | None:
    """ISO date from epoch seconds/milliseconds (Beijing time) or a date string."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, CHINA).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    return list_date(str(value))


def _articles(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [a for a in data if isinstance(a, dict)]
    if isinstance(data, dict):
        for key in LIST_KEYS:
            value = data.get(key)
            if isinstance(value, list):
                return [a for a in value if isinstance(a, dict)]
            if isinstance(value, dict):  # {"data": {"articles": […], "total": …}}
                nested = _articles(value)
                if nested:
                    return nested
    return []


def _number(data: Any, *keys: str) -> int | None:
    if isinstance(data, dict):
        for key in keys:
            value = data.get(key)
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                return int(value)
        for key in LIST_KEYS:
            if isinstance(data.get(key), dict):
                found = _number(data[key], *keys)
                if found is not None:
                    return found
    return None


def article_candidate(article: dict[str, Any], base_url: str) -> Candidate | None:
    title = clean_text(str(article.get("title") or ""))
    link = next((article[k] for k in URL_KEYS if isinstance(article.get(k), str) and article[k].strip()), None)
    if link:
        url = urljoin(base_url, link.strip())
    elif str(article.get("id", "")).isdigit():
        url = post_url(base_url, int(article["id"]))
    else:
        return None
    if not title:
        return None
    date = next((d for d in (as_date(article.get(k)) for k in DATE_KEYS) if d), None)
    return Candidate(url=url, title=title, published=date)


class Gkmlpt(Platform):
    name = "gkmlpt"

    @classmethod
    def detect(cls, page: Page) -> bool:
        path = urlsplit(page.url).path
        if "/gkmlpt/" in path or path.endswith("/gkmlpt"):
            return True
        return "/gkmlpt/" in page.text and bool(SID.search(page.text))

    def parse_list(self, page: Page) -> ListPage:
        if _is_api(page.url) or page.text.lstrip().startswith("{"):
            return self._parse_api(page)
        result = ListPage(candidates=anchor_candidates(selector_for(page), page.base_url))
        sid = SID.search(page.text)
        if not sid:
            return result
        category = CATEGORY.search(page.text) or API_URL.search(page.text)
        fragment = urlsplit(page.url).fragment
        cat_id = category.group(1) if category else (fragment if fragment.isdigit() else "0")
        match = GKMLPT_PATH.match(urlsplit(page.url).path)
        prefix = match["base"] if match else ""
        site_id = sid.group(1) or sid.group(2)
        url = urljoin(page.url, f"{prefix}/gkmlpt/api/all/{cat_id}?" + urlencode({"page": 1, "sid": site_id}))
        result.next_requests.append(ListRequest(url=url, platform=self.name))
        return result

    def _parse_api(self, page: Page) -> ListPage:
        try:
            data = json.loads(page.text)
        except ValueError:
            return ListPage()
        articles = _articles(data)
        result = ListPage()
        for article in articles:
            candidate = article_candidate(article, page.url)
            if candidate is not None:
                result.candidates.append(candidate)
        total = _number(data, "total", "count", "totalCount")
        parts = urlsplit(page.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        current = int(query["page"]) if query.get("page", "").isdigit() else 1
        size = _number(data, *SIZE_KEYS) or len(articles)
        if not articles or total is None or current * size >= total:
            return result
        if _number(data, *SIZE_KEYS) and len(articles) < size:
            return result  # a short page is the last one
        query["page"] = str(current + 1)
        result.next_requests.append(
            ListRequest(url=parts._replace(query=urlencode(query), fragment="").geturl(), platform=self.name)
        )
        return result
