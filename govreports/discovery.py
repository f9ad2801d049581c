"""Finding a portal's annual-report column from its home page.

Pure: given a page, rank its links, or judge a guessed column.  The spider tries, in
this order, within ``GOVREPORTS_DISCOVERY_BUDGET`` requests:

1. the report-column links of the home page (:func:`discovery_links`);
2. the column paths of the site's CMS family (:func:`govreports.platforms.column_paths.column_guesses`),
   one request at a time, until one answers with a real list of reports
   (:func:`guess_verdict`: soft-404 pages, redirects home and empty templates are not);
3. the 政务公开 / 信息公开 hubs of the home page, and theirs, down to
   ``GOVREPORTS_DISCOVERY_MAX_DEPTH`` levels, until a page links the column.

A county whose column sits on its city's or province's platform (another host) is
reached through the link that leads there ("江宁区政府信息公开", "政府信息公开年报"):
on that host discovery keeps inside the folder the link entered (its *scope*), and
takes a report column there only when the region is named on the way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from govreports.identity import canonical_url
from govreports.parsing.titles import LOOK_ALIKE, is_report_column, is_report_link
from govreports.platforms import detect_platform
from govreports.platforms.base import Candidate, Page
from govreports.platforms.column_paths import home_folder
from govreports.platforms.jsshell import render_js_needed
from govreports.platforms.links import anchor_candidates, selector_for
from govreports.regions import short_name

# The column itself: 政府信息公开年报, 信息公开年报, 年度报告, 年报 (but not 统计年报/决算).
REPORT_COLUMN_TEXT = re.compile(r"(信息公开.{0,4}年报|年度报告|工作年报|公开年报|^年报$|年报专栏)")
REPORT_COLUMN_URL = re.compile(r"(xxgknb|zfxxgknb|gknb|ndbg|xxgkndbg|nianbao|annual)", re.IGNORECASE)
# Hanweb's 信息公开 module that lists a body's reports by year: a column whatever its link says.
ANNUAL_REPORT_MODULE = re.compile(r"/module/xxgk/xxgkAnnualReport\.jsp", re.IGNORECASE)
# Hubs on the way to it.
HUB_TEXT = re.compile(r"(政务公开|信息公开|政府信息公开|公开目录|法定主动公开|主动公开|公开指南|政府信息)")
HUB_URL = re.compile(r"(zwgk|xxgk|zfxxgk|gkml|fdzdgk|openness|public)", re.IGNORECASE)
NOT_A_COLUMN = LOOK_ALIKE


@dataclass(frozen=True)
class ParentHub:
    """A link to another host's disclosure platform (a city's or province's that
    hosts the county's column): walked only inside ``scope``, the folder it leads to."""

    link: Candidate
    scope: str
    named: bool  # the link names the region: columns in the scope are the region's


@dataclass(frozen=True)
class DiscoveryLinks:
    columns: list[Candidate]  # links that look like the annual-report column
    hubs: list[Candidate]  # links worth opening on the way to it
    parent_hubs: list[ParentHub] = field(default_factory=list)  # the way to a parent platform


def _site_domain(host: str) -> str:
    """The domain a host's site spans: ``www.x.gov.cn`` and ``x.gov.cn`` span
    ``x.gov.cn`` (its ``xxgk.x.gov.cn`` is the same government's); a named sub-host
    (``ncqsh.nc.gov.cn``, a district on its city's domain) only itself."""
    return host[4:] if host.startswith("www.") else host


def _same_site(url: str, base: str) -> bool:
    """Whether ``url`` is on the site of page ``base``: the same host, or a sub-host of
    its site's domain.  A district on a sub-host of its city's domain links the city's
    own site as another site: a parent platform, walked only inside a scope."""
    a, b = urlsplit(url), urlsplit(base)
    if a.scheme == "file" or b.scheme == "file":
        return a.scheme == b.scheme
    host_a, host_b = (a.hostname or ""), (b.hostname or "")
    domain = _site_domain(host_b)
    return host_a == host_b or host_a == domain or host_a.endswith("." + domain)


def region_names(name: str) -> tuple[str, ...]:
    """The names a page may call a region by: its full name and its short name
    (江宁区 → 江宁区, 江宁)."""
    if not name:
        return ()
    names = [name] + [short_name(name, level) for level in ("county", "city", "province")]
    return tuple(dict.fromkeys(n for n in names if len(n) >= 2))


def _names(text: str, names: tuple[str, ...]) -> bool:
    return any(n in text for n in names)


def _is_column_link(link: Candidate) -> bool:
    path = urlsplit(link.url).path
    return bool(ANNUAL_REPORT_MODULE.search(path) or REPORT_COLUMN_TEXT.search(link.title)
                or (REPORT_COLUMN_URL.search(path) and HUB_TEXT.search(link.title)))


def discovery_links(page: Page, *, names: tuple[str, ...] = (), scope: str = "",
                    named: bool = True) -> DiscoveryLinks:
    """The report-column links and the hub links of ``page``, best first.

    ``scope``: the page is on a parent platform, entered at that folder; only links
    inside it count, and a column only when the region is ``named`` already (by the
    link that led here) or by the column's own link (one of ``names``).  Outside a
    scope, links to other hosts count only as the way to a parent platform: a link
    naming the report column is one, a 信息公开 link is a :class:`ParentHub`."""
    columns, hubs, parent_hubs = [], [], []
    for link in anchor_candidates(selector_for(page), page.base_url, skip_chrome=False):
        if NOT_A_COLUMN.search(link.title):
            continue
        if scope:
            if not link.url.startswith(scope):
                continue
        elif not _same_site(link.url, page.url):
            if urlsplit(link.url).scheme not in ("http", "https"):
                continue
            if _is_column_link(link):
                columns.append(link)
            elif HUB_TEXT.search(link.title):
                parent_hubs.append(ParentHub(link, home_folder(link.url), _names(link.title, names)))
            continue
        path = urlsplit(link.url).path
        if _is_column_link(link):
            if not scope or named or _names(link.title, names):
                columns.append(link)
        elif HUB_TEXT.search(link.title) or HUB_URL.search(path):
            hubs.append(link)
    # Hubs whose text says 政务公开/信息公开 before those matched by URL only; parent
    # platforms that name the region before those that do not.
    hubs.sort(key=lambda c: 0 if HUB_TEXT.search(c.title) else 1)
    parent_hubs.sort(key=lambda h: 0 if h.named else 1)
    return DiscoveryLinks(columns=columns, hubs=hubs, parent_hubs=parent_hubs)


# --- guessed columns -------------------------------------------------------------------
# What a "page not found" template says in its title or heading (many portals answer
# 200 with one to every unknown path).
NOT_FOUND_TEXT = re.compile(r"((?<!\d)404(?!\d)|页面不存在|页面未找到|找不到|无法找到|不存在|已删除|出错|错误页|not\s*found)",
                            re.IGNORECASE)
_TITLE_OR_HEADING = re.compile(r"<(title|h1|h2)[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)


def page_digest(text: str) -> str:
    """A short fingerprint of a page's text (a site answering every path with its home
    page is told so)."""
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:16]


@dataclass(frozen=True)
class GuessVerdict:
    is_column: bool
    why: str  # for the log: what the guessed page turned out to be
    report_links: int = 0


def guess_redirect_followed(guessed_url: str, location: str) -> bool:
    """Whether a guessed column path's redirect is worth following: to the column's own
    index page or inside its folder (``zfxxgknb`` → ``zfxxgknb/index.html``); a redirect
    elsewhere (home, an error page) says the guess was wrong."""
    folder = guessed_url if guessed_url.endswith("/") else guessed_url + "/"
    return _same_page(location, guessed_url) or location.startswith(home_folder(folder))


def _same_page(a: str, b: str) -> bool:
    def norm(url: str) -> str:
        url = canonical_url(url)
        return re.sub(r"/(?:index|default)\.s?html?$", "/", url)
    return norm(a) == norm(b)


def guess_verdict(page: Page, *, guessed_url: str, home_url: str = "", home_digest: str = "") -> GuessVerdict:
    """Whether a guessed column path answered with the report column.

    ``page`` is the answer (its URL where redirects ended).  A column is a 200 page at
    the guessed address (a redirect to its own ``index.html`` or a trailing slash is
    fine) that is not the home page under another name, not a "not found" template, and
    lists reports: at least one link titled as a report for a year, and either its own
    title names the reports or it lists two such links or one inside its folder.  A
    page titled as the column whose list is loaded by script (a JavaScript shell, or a
    family's data call) is the column too: reading it as a list loads the list."""
    if page.status != 200:
        return GuessVerdict(False, f"HTTP {page.status}")
    if not _same_page(page.url, guessed_url) and not page.url.startswith(home_folder(guessed_url)):
        return GuessVerdict(False, f"redirected to {page.url}")
    if home_url and _same_page(page.url, home_url) or home_digest and page_digest(page.text) == home_digest:
        return GuessVerdict(False, "the home page again")
    headings = " ".join(m.group(2) for m in _TITLE_OR_HEADING.finditer(page.text[:50000]))
    if NOT_FOUND_TEXT.search(re.sub(r"<[^>]+>", " ", headings)):
        return GuessVerdict(False, "a 'page not found' template")
    listing = detect_platform(page).parse_list(page)
    reports = [c for c in listing.candidates if is_report_link(c.title)]
    title = _TITLE_OR_HEADING.search(page.text[:50000])
    titled = bool(title) and is_report_column(re.sub(r"<[^>]+>", " ", title.group(2)), [])
    if not reports:
        if titled and (listing.next_requests or render_js_needed(page)):
            # Titled as the column, its list loaded by script or a data call.
            return GuessVerdict(True, "the column, its list loaded by script")
        return GuessVerdict(False, "lists no report")
    folder = home_folder(guessed_url if guessed_url.endswith("/") else page.url)
    if titled or len(reports) >= 2 or any(c.url.startswith(folder) for c in reports):
        return GuessVerdict(True, f"lists {len(reports)} reports", len(reports))
    return GuessVerdict(False, "one report link, outside the guessed folder")


# A sub-column of the report column is named after a body: a department or a town.
BODY_NAME = re.compile(r"(局|委员会|委|办公室|办|院|所|中心|镇|乡|街道|管委会|站|队|馆|厅|处|部门|单位)$")
SUBLIST_TEXT = re.compile(r"(年报|年度报告|信息公开)")
ARTICLE_PATH = re.compile(r"(/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/post_\d+\.html$|/\d{6,}\.s?html?$)")
PAGINATION = re.compile(r"/(?:index|list|default)_\d+\.s?html?$")
MAX_SUBLISTS = 60


def sublist_links(page: Page, column_url: str) -> list[Candidate]:
    """Departments' and towns' report sub-columns linked from a report column.

    Counties often publish their departments' and towns' reports in sub-columns of
    their own report column (部门年报 → 县财政局, 乡镇年报 → 峡川镇).  A sub-column is a
    link below the column's folder that is neither an article nor another page of the
    same list, named after a body (…局, …镇, …街道) or as a report column.
    """
    folder = urlsplit(column_url).path.rsplit("/", 1)[0] + "/"
    found = []
    for link in anchor_candidates(selector_for(page), page.base_url):
        parts = urlsplit(link.url)
        if (parts.scheme, parts.netloc) != urlsplit(column_url)[:2]:
            continue
        path = parts.path
        if not path.startswith(folder) or path.rsplit("/", 1)[0] + "/" == folder:
            continue  # outside the column, or a page of the column itself
        if ARTICLE_PATH.search(path) or PAGINATION.search(path) or link.published:
            continue
        title = link.title.strip()
        if BODY_NAME.search(title) or (SUBLIST_TEXT.search(title) and not re.search(r"\d{4}", title)):
            found.append(link)
        if len(found) >= MAX_SUBLISTS:
            break
    return found
