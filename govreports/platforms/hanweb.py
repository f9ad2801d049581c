"""Hanweb 大汉 JCMS: column pages ``/col/col{COLID}/index.html`` and their ``dataproxy.jsp``.

Supported page shapes:

* the column page, whose first group of records is embedded as XML in a script::

      <div id="4421163"><script type="text/xml"><datastore>
        <nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?page=1&webid=…&columnid=…&unitid=…">]]></nextgroup>
        <recordset><record><![CDATA[<li><a href=… title=…>…</a><span>2024-01-25</span></li>]]></record>…
      </recordset></datastore></script></div>

  (also ``<script language="javascript">`` around the datastore, and a
  ``<totalrecord>`` tag inside it), followed by the jpage set-up script, e.g.
  ``$('#4421163').jpage({totalRecord:131, perPage:15, groupSize:3, proxyUrl:'/module/jpage/dataproxy.jsp',
  ajaxParam:{col:1, appid:1, webid:3396, columnid:1228972439, unitid:4421163, webname:'…'}})``
  or plain ``var unitid = 4421163;`` declarations;
* the ``dataproxy.jsp`` answer: the same ``<datastore>`` XML, bare, with
  ``<totalrecord>`` (and on Jiangsu sites ``<totalpage>``).

The ids (webid, unitid, columnid, webname …) are read wherever the page prints them:
the ``nextgroup`` link, the jpage options, ``var x = …`` / ``x: …`` / ``x=…`` forms,
in any of the usual spellings (``unitid``/``unitId``, ``columnid``/``columnId``/``colid``);
the id of the ``<div>`` holding the datastore is the unit id of last resort, and the
``/col/col{ID}/`` path the column id.

Paging (records are counted from 1; one POST fetches a *group* of ``perpage × groupSize``
records, 45 by default, exactly as the jpage script does)::

    POST {proxy}?startrecord=46&endrecord=90&perpage=15
    col=1&appid=1&webid=…&path=/&columnid=…&sourceContentType=1&unitid=…&webname=…&permissiontype=0

``{proxy}`` is ``/module/jpage/dataproxy.jsp`` or Jiangsu's ``/module/web/jpage/dataproxy.jsp``,
whichever the page uses.  The answer does not echo the form fields, and a
:class:`~govreports.platforms.base.Page` does not carry the request body, so:

* when the column page prints the record total, it requests every remaining group at
  once, each in the exact shape above;
* when it does not, it requests the next group with the form fields *also* in the
  query string (the JSP reads parameters from both), so that the answer can be paged
  on from its own URL: next ``startrecord`` = ``endrecord + 1`` until ``totalrecord``.

A ``dataproxy.jsp?page=N&…`` GET (Jiangsu) is paged by ``page`` until ``totalpage``.

The 信息公开 module's annual-report page, ``/module/xxgk/xxgkAnnualReport.jsp?area=<unified
social credit code>&fbtime=<year>``, lists one body's reports of one year (links, or
``<datastore>`` records) and offers the other years: a ``<select name="fbtime">`` whose
``<option>`` values are years (the page reloads itself with the chosen one), links
carrying ``fbtime=<year>``, or ``changeYear('2022')``-style calls.  Each year is a page
of the same list: ``?area=<the same code>&fbtime=<year>`` (GET); the page without
``fbtime`` (the newest year) asks for every other year, a year's page for the older ones.
"""

from __future__ import annotations

import html
import re
from math import ceil
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

from parsel import Selector

from govreports.platforms.base import Candidate, ListPage, ListRequest, Page, Platform
from govreports.platforms.links import anchor_candidates, selector_for

DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore>", re.IGNORECASE | re.DOTALL)
RECORD = re.compile(r"<record\b[^>]*>(.*?)</record>", re.IGNORECASE | re.DOTALL)
CDATA = re.compile(r"^\s*<!\[CDATA\[(.*?)\]\]>\s*$", re.DOTALL)
NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>(.*?)</nextgroup>", re.IGNORECASE | re.DOTALL)
TAG_NUMBER = r"<{0}\b[^>]*>\s*(?:<!\[CDATA\[)?\s*(\d+)"
# The <div id="…"> that holds the datastore script: its id is the jpage unit id.
DATASTORE_DIV = re.compile(
    r"<div[^>]*\bid\s*=\s*[\"']?(\d+)[\"']?[^>]*>\s*<script[^>]*>\s*(?:<!\[CDATA\[)?\s*<datastore",
    re.IGNORECASE,
)
JPAGE_CALL = re.compile(r"""\$\(\s*['"]#(\d+)['"]\s*\)\s*\.jpage\s*\(""")
PROXY_PATH = re.compile(r"(/module/(?:web/)?jpage/dataproxy\.jsp)", re.IGNORECASE)
COLUMN_PATH = re.compile(r"/col/col(\d+)/", re.IGNORECASE)
ANNUAL_REPORT_MODULE = re.compile(r"/module/xxgk/xxgkAnnualReport\.jsp$", re.IGNORECASE)
# The years an annual-report module page offers.
FBTIME_SELECT = re.compile(r"<select[^>]*\bname\s*=\s*[\"']?fbtime\b[^>]*>(.*?)</select>", re.IGNORECASE | re.DOTALL)
OPTION_YEAR = re.compile(r"<option[^>]*\bvalue\s*=\s*[\"']?((?:19|20)\d{2})\b", re.IGNORECASE)
FBTIME_YEAR = re.compile(r"""(?:[?&;]fbtime=|fbtime['"]?\s*[:=]\s*['"]|changeYear\(\s*['"]?)((?:19|20)\d{2})\b""",
                         re.IGNORECASE)
SELECTED_YEAR = re.compile(r"<option[^>]*\bvalue\s*=\s*[\"']?((?:19|20)\d{2})\b[^>]*\bselected", re.IGNORECASE)
SITE_NAME = re.compile(r"<meta[^>]+name=[\"']SiteName[\"'][^>]+content=[\"']([^\"']+)", re.IGNORECASE)
GENERATOR = re.compile(r"<meta[^>]+name=[\"']generator[\"'][^>]+content=[\"'][^\"']*hanweb", re.IGNORECASE)

# Form fields of a dataproxy POST, in the order the jpage script sends them, with the
# spellings sites use for each and the default when a page does not print it.
FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("col", ("col",), "1"),
    ("appid", ("appid", "appId"), "1"),
    ("webid", ("webid", "webId", "siteid", "siteId"), ""),
    ("path", ("path",), "/"),
    ("columnid", ("columnid", "columnId", "colid", "colId"), ""),
    ("sourceContentType", ("sourceContentType", "sourcecontenttype"), "1"),
    ("unitid", ("unitid", "unitId", "uid"), ""),
    ("webname", ("webname", "webName"), ""),
    ("permissiontype", ("permissiontype", "permissionType"), "0"),
)
PAGING_KEYS = ("startrecord", "endrecord", "perpage", "page")
DEFAULT_PER_PAGE = 15
DEFAULT_GROUP_SIZE = 3
# Requests issued at once from a column page; the spider's page cap is the real limit.
MAX_GROUP_REQUESTS = 200


SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def scripts(text: str) -> str:
    """The pages's script code (only there are the jpage options; scanning the whole
    page would read ``clip-path: …`` in a style as a ``path`` option).  A bare
    dataproxy answer has no script tags and is returned whole."""
    blocks = SCRIPT.findall(text)
    return "\n".join(blocks) if blocks else text


def _option(text: str, *names: str) -> str | None:
    """The value ``text`` (script code) gives one of ``names``: ``name: 1``, ``name = '1'``,
    ``"name":"1"``, ``var name = 1;`` or ``name=1`` in a URL."""
    for name in names:
        pattern = (
            r"(?<![\w.])[\"']?" + re.escape(name)
            + r"[\"']?\s*[:=]\s*(?:\"([^\"<>\n]*)\"|'([^'<>\n]*)'|([\w%.-]+))"
        )
        match = re.search(pattern, text)
        if match:
            value = next(g for g in match.groups() if g is not None)
            return unquote(html.unescape(value)).strip()
    return None


def _hidden_input(text: str, *names: str) -> str | None:
    """A hidden form field's value (older templates keep the ids there)."""
    for name in names:
        match = re.search(
            r"<input[^>]*\bname=[\"']" + re.escape(name) + r"[\"'][^>]*\bvalue=[\"']([^\"']*)", text
        )
        if match:
            return html.unescape(match.group(1)).strip()
    return None


def _number(text: str, *names: str) -> int | None:
    value = _option(text, *names)
    return int(value) if value and value.isdigit() else None


def _tag_number(text: str, tag: str) -> int | None:
    match = re.search(TAG_NUMBER.format(tag), text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def record_candidates(datastore: str, base_url: str) -> list[Candidate]:
    """The list items of the ``<record>`` elements, in order."""
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for raw in RECORD.findall(datastore):
        match = CDATA.match(raw)
        fragment = match.group(1) if match else html.unescape(raw)
        for candidate in anchor_candidates(Selector(text=fragment), base_url, skip_chrome=False):
            if candidate.url not in seen:
                seen.add(candidate.url)
                candidates.append(candidate)
    return candidates


def _form_fields(text: str, page_url: str) -> dict[str, str]:
    """The dataproxy form fields, read from the nextgroup link first (it is the
    exact request the page itself would send), then from the scripts."""
    nextgroup = NEXTGROUP.search(text)
    query: dict[str, str] = {}
    if nextgroup:
        href = re.search(r"href\s*=\s*[\"']([^\"']+)", html.unescape(nextgroup.group(1)))
        if href:
            query = dict(parse_qsl(urlsplit(href.group(1)).query, keep_blank_values=True))
    code = scripts(text)
    fields = {}
    for field, spellings, default in FIELDS:
        value = next((query[s] for s in spellings if query.get(s)), None)
        if value is None:
            value = _option(code, *spellings) or _hidden_input(text, *spellings)
        fields[field] = value if value else default
    if not fields["unitid"]:
        div = DATASTORE_DIV.search(text) or JPAGE_CALL.search(text)
        fields["unitid"] = div.group(1) if div else ""
    if not fields["columnid"]:
        column = COLUMN_PATH.search(urlsplit(page_url).path)
        fields["columnid"] = column.group(1) if column else ""
    if not fields["webname"]:
        site = SITE_NAME.search(text)
        fields["webname"] = html.unescape(site.group(1)).strip() if site else ""
    return fields


def _proxy_url(text: str, page_url: str) -> str:
    """The data proxy's URL.  A configured ``proxyUrl`` is used whole: sites served
    under a sub-path (``/county/module/jpage/dataproxy.jsp``) keep their prefix."""
    configured = _option(scripts(text), "proxyUrl", "proxyurl", "dataproxy")
    if configured and PROXY_PATH.search(configured):
        return urljoin(page_url, configured.split("?", 1)[0])
    path = PROXY_PATH.search(text)
    return urljoin(page_url, path.group(1) if path else "/module/jpage/dataproxy.jsp")


def _group_request(proxy: str, start: int, end: int, per_page: int,
                   fields: dict[str, str], *, fields_in_query: bool) -> ListRequest:
    query = [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page))]
    if fields_in_query:
        query += list(fields.items())
    return ListRequest(url=f"{proxy}?{urlencode(query)}", method="POST",
                       formdata=tuple(fields.items()), platform=Hanweb.name)


class Hanweb(Platform):
    name = "hanweb"

    @classmethod
    def detect(cls, page: Page) -> bool:
        text = page.text
        return bool(
            GENERATOR.search(text)
            or PROXY_PATH.search(text)
            or PROXY_PATH.search(page.url)
            or ANNUAL_REPORT_MODULE.search(urlsplit(page.url).path)
            or (DATASTORE.search(text) and RECORD.search(text))
            or JPAGE_CALL.search(text)
        )

    def parse_list(self, page: Page) -> ListPage:
        if ANNUAL_REPORT_MODULE.search(urlsplit(page.url).path):
            return self._parse_annual_report_module(page)
        datastore = DATASTORE.search(page.text)
        body = datastore.group(1) if datastore else ""
        result = ListPage(candidates=record_candidates(body, page.base_url))
        if PROXY_PATH.search(urlsplit(page.url).path):
            result.next_requests = self._next_from_answer(page, body)
            return result
        # A column page: the embedded records, then the rest of its links.
        seen = {c.url for c in result.candidates}
        for candidate in anchor_candidates(selector_for(page), page.base_url):
            if candidate.url not in seen:
                seen.add(candidate.url)
                result.candidates.append(candidate)
        if datastore:
            result.next_requests = self._next_from_column(page, body)
        return result

    def _parse_annual_report_module(self, page: Page) -> ListPage:
        """A year of the annual-report module: its links and records, and the other
        years it offers as further pages (see the module docstring)."""
        datastore = DATASTORE.search(page.text)
        candidates = record_candidates(datastore.group(1), page.base_url) if datastore else []
        seen = {c.url for c in candidates}
        candidates += [c for c in anchor_candidates(selector_for(page), page.base_url) if c.url not in seen]
        return ListPage(candidates=candidates, next_requests=[
            ListRequest(url=url, platform=self.name) for url in annual_report_years(page)])

    def _next_from_column(self, page: Page, datastore: str) -> list[ListRequest]:
        text = page.text
        code = scripts(text)
        per_page = _number(code, "perPage", "perpage", "pageSize") or DEFAULT_PER_PAGE
        group = per_page * (_number(code, "groupSize", "groupsize") or DEFAULT_GROUP_SIZE)
        total = _tag_number(datastore, "totalrecord")
        if total is None:
            total = _number(code, "totalRecord", "totalrecord", "totalRecords")
        embedded = len(RECORD.findall(datastore))
        fields = _form_fields(text, page.url)
        proxy = _proxy_url(text, page.base_url)
        if total is not None:
            # The page embeds the first group; some templates embed only the first
            # page of it, so the next request starts right after what is embedded.
            first_end = embedded if embedded < group else max(group, embedded)
            requests = []
            for start in range(first_end + 1, total + 1, group):
                if len(requests) >= MAX_GROUP_REQUESTS:
                    break
                end = min(start + group - 1, total)
                requests.append(_group_request(proxy, start, end, per_page, fields, fields_in_query=False))
            return requests
        if embedded < group:
            return []  # no total and a short first group: that is the whole column
        return [_group_request(proxy, embedded + 1, embedded + group, per_page, fields,
                               fields_in_query=True)]

    def _next_from_answer(self, page: Page, datastore: str) -> list[ListRequest]:
        parts = urlsplit(page.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        proxy = urljoin(page.url, parts.path)
        fields = {k: v for k, v in query.items() if k not in PAGING_KEYS}
        if not fields.get("columnid") and not fields.get("columnId"):
            # The form fields came in a POST body this page cannot see: the column
            # page requested every group itself (see module docstring).
            return []
        total = _tag_number(page.text, "totalrecord")
        if query.get("startrecord", "").isdigit() and query.get("endrecord", "").isdigit():
            start, end = int(query["startrecord"]), int(query["endrecord"])
            per_page = int(query["perpage"]) if query.get("perpage", "").isdigit() else DEFAULT_PER_PAGE
            size = max(end - start + 1, per_page)
            got = len(RECORD.findall(datastore))
            if got == 0 or (total is not None and end >= total) or (total is None and got < size):
                return []
            new_end = end + size if total is None else min(end + size, total)
            return [_group_request(proxy, end + 1, new_end, per_page, fields, fields_in_query=True)]
        if "page" in query and query["page"].isdigit():
            current = int(query["page"])
            pages = _tag_number(page.text, "totalpage")
            if pages is None and total is not None:
                per_page = int(query["perpage"]) if query.get("perpage", "").isdigit() else DEFAULT_PER_PAGE
                pages = ceil(total / per_page)
            if not RECORD.search(datastore) or pages is None or current >= pages:
                return []
            query["page"] = str(current + 1)
            return [ListRequest(url=f"{proxy}?{urlencode(list(query.items()))}", platform=self.name)]
        return []


def annual_report_years(page: Page) -> list[str]:
    """The module URLs of the other years an annual-report module page offers (from a
    year's own page: the older ones), newest first, each with the page's own ``area``."""
    parts = urlsplit(page.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    selects = " ".join(m.group(1) for m in FBTIME_SELECT.finditer(page.text))
    years = set(OPTION_YEAR.findall(selects)) | set(FBTIME_YEAR.findall(page.text))
    shown = query.get("fbtime") or next(iter(SELECTED_YEAR.findall(selects)), "")
    years.discard(shown)
    if query.get("fbtime"):
        # A year's page pages on to the older years only: the newer ones are asked
        # for by the page it was reached from.
        years = {year for year in years if year < shown}
    base = urljoin(page.url, parts.path)
    urls = []
    for year in sorted(years, reverse=True):
        params = {k: v for k, v in query.items() if k != "fbtime"}
        urls.append(f"{base}?{urlencode({**params, 'fbtime': year})}")
    return urls
