"""Finding a portal's annual-report column from its home page.

Pure: given a page, rank its links.  The spider walks from the home page through
政务公开 / 信息公开 hubs to the 年报 column within a request budget, and remembers the
columns it found for the next run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from govreports.parsing.titles import LOOK_ALIKE
from govreports.platforms.base import Candidate, Page
from govreports.platforms.links import anchor_candidates, selector_for

# The column itself: 政府信息公开年报, 信息公开年报, 年度报告, 年报 (but not 统计年报/决算).
REPORT_COLUMN_TEXT = re.compile(r"(信息公开.{0,4}年报|年度报告|工作年报|公开年报|^年报$|年报专栏)")
REPORT_COLUMN_URL = re.compile(r"(xxgknb|zfxxgknb|gknb|ndbg|xxgkndbg|nianbao|annual)", re.IGNORECASE)
# Hubs on the way to it.
HUB_TEXT = re.compile(r"(政务公开|信息公开|政府信息公开|公开目录|法定主动公开|主动公开|公开指南|政府信息)")
HUB_URL = re.compile(r"(zwgk|xxgk|zfxxgk|gkml|fdzdgk|openness|public)", re.IGNORECASE)
NOT_A_COLUMN = LOOK_ALIKE


@dataclass(frozen=True)
class DiscoveryLinks:
    columns: list[Candidate]  # links that look like the annual-report column
    hubs: list[Candidate]  # links worth opening on the way to it


def _same_site(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    if a.scheme == "file" or b.scheme == "file":
        return a.scheme == b.scheme
    host_a, host_b = (a.hostname or ""), (b.hostname or "")
    return host_a == host_b or host_a.endswith("." + ".".join(host_b.split(".")[-3:]))


def discovery_links(page: Page) -> DiscoveryLinks:
    """The report-column links and the hub links of ``page``, best first."""
    columns, hubs = [], []
    for link in anchor_candidates(selector_for(page), page.base_url, skip_chrome=False):
        if not _same_site(link.url, page.url) or NOT_A_COLUMN.search(link.title):
            continue
        path = urlsplit(link.url).path
        if REPORT_COLUMN_TEXT.search(link.title) or (
            REPORT_COLUMN_URL.search(path) and HUB_TEXT.search(link.title)
        ):
            columns.append(link)
        elif HUB_TEXT.search(link.title) or HUB_URL.search(path):
            hubs.append(link)
    # Hubs whose text says 政务公开/信息公开 before those matched by URL only.
    hubs.sort(key=lambda c: 0 if HUB_TEXT.search(c.title) else 1)
    return DiscoveryLinks(columns=columns, hubs=hubs)


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
