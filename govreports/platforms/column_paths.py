"""Where the CMS families put the annual-report column: path shapes worth a guess.

Discovery tries these before it walks a home page's links: each guess is one request
(counted against ``GOVREPORTS_DISCOVERY_BUDGET``), and the first one that answers with
a real list of reports is the column (see :func:`govreports.discovery.guess_verdict`).

The shapes were learned from the 139 report-column URLs of the registry seed (77 of
the 71 governments with a column in ``portals-seed.csv``, 62 of the department/town rows
of ``departments-seed.csv``, ``../shared/registry/``), derived there from real report
URLs.  Per shape, ``seen`` is how many of those columns have it: the hub folders
(``zwgk/``, ``xxgk/``, ``zfxxgk/``, ``zwgk/zfxxgk/`` …) and the leaf that names the
reports (``zfxxgknb`` 40 times, ``xxgknb`` 14, ``gknb`` 9, ``ndbg`` 7,
``zfxxgkndbg`` 4 …).  Shapes, not hosts: a path is guessed below the folder of the
home page a site actually answered with (``http://h/`` → ``/zwgk/zfxxgknb/``,
``http://h/ncqsh/index.shtml`` → ``/ncqsh/zwgk/zfxxgknb/``).

What cannot be guessed is not here: Hanweb's ``/col/col{ID}/`` and the ``/c{ID}/``,
``/columns/{uuid}/`` and numeric-id platforms (about a third of the seed) need their
links walked.  Hanweb's 信息公开 module is guessed when the page gives the body's
unified social credit code (``module/xxgk/xxgkAnnualReport.jsp?area=<code>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from govreports.platforms.base import Page


@dataclass(frozen=True)
class ColumnShape:
    path: str  # relative to the home page's folder; ``{area}`` is the body's credit code
    seen: int  # columns of the registry seed with this shape


# The shapes of TRS-built and look-alike static sites (most of the seed), most common
# first; ties broken by how common the hub folder and the leaf are on their own.
COMMON_SHAPES: tuple[ColumnShape, ...] = (
    ColumnShape("zwgk/zfxxgknb/", 5),
    ColumnShape("xxgk/zfxxgknb/", 5),
    ColumnShape("zfxxgk/zfxxgknb/", 3),
    ColumnShape("zwgk/xxgknb/", 3),
    ColumnShape("zwgk/zfxxgk/zfxxgknb/", 3),
    ColumnShape("zwgk/zfxxgk/xxgknb/", 2),
    ColumnShape("xxgk/xxgknb/", 2),
    ColumnShape("zwgk/xxgk/xxgknb/", 2),
    ColumnShape("gk/zfxxgk/gknb/", 2),
    ColumnShape("zwgk/zfxxgkzl/zfxxgkndbg/", 2),
    ColumnShape("zwgk/zfxxgkndgzbg/", 2),
    ColumnShape("zwgk/gknb/", 1),
    ColumnShape("zfxxgkzl/zfxxgknb/", 1),
    ColumnShape("xxgk/xxgkml/xxgknb/", 1),
)

# Guangdong sites (gkmlpt catalogue, TRS-like columns with ``content/post_…`` articles).
GKMLPT_SHAPES: tuple[ColumnShape, ...] = (
    ColumnShape("zwgk/xxgknb/", 1),
    ColumnShape("xxgk/xxgkml/xxgknb/", 1),
    ColumnShape("xxgk/ndxxgkbg/", 1),
    ColumnShape("zwgk/zfxxgkgzndbg/", 1),
)

# Hanweb JCMS: columns are numbered (``/col/col{ID}/``), but the 信息公开 module lists a
# body's reports by its credit code.
HANWEB_SHAPES: tuple[ColumnShape, ...] = (
    ColumnShape("module/xxgk/xxgkAnnualReport.jsp?area={area}", 0),
)

FAMILY_SHAPES: dict[str, tuple[ColumnShape, ...]] = {
    "gkmlpt": GKMLPT_SHAPES + COMMON_SHAPES,
    "hanweb": HANWEB_SHAPES + COMMON_SHAPES[:3],
    "trs": COMMON_SHAPES,
    "generic": COMMON_SHAPES,
}

# What a home page shows of the family that built it (its list pages carry other marks,
# see the platform modules' ``detect``).
HOME_MARKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("gkmlpt", re.compile(r"/gkmlpt/")),
    ("hanweb", re.compile(r"/col/col\d+/|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+|/module/(?:xxgk|jpage|web/jpage)/"
                          r"|name=[\"']generator[\"'][^>]*hanweb", re.IGNORECASE)),
    ("trs", re.compile(r"/t\d{8}_\d+\.s?html?|TRS_|trs_", re.IGNORECASE)),
)

# A unified social credit code (统一社会信用代码): 18 characters, no I, O, S, V or Z.
CREDIT_CODE = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
AREA_PARAMETER = re.compile(rf"[?&;]area=({CREDIT_CODE})(?![0-9A-Z])")
CREDIT_CODE_TEXT = re.compile(rf"(?:统一社会信用代码|信用代码)\s*[:：]?\s*({CREDIT_CODE})(?![0-9A-Z])")


def home_family(page: Page) -> str:
    """The CMS family a home page shows (``generic`` when it shows none)."""
    for family, marks in HOME_MARKS:
        if marks.search(page.text):
            return family
    return "generic"


def credit_codes(text: str) -> list[str]:
    """The unified social credit codes a page gives for its body: the ``area=`` of its
    信息公开 module links first, then a printed 统一社会信用代码."""
    found = AREA_PARAMETER.findall(text) + CREDIT_CODE_TEXT.findall(text)
    return list(dict.fromkeys(found))


def home_folder(url: str) -> str:
    """The folder guesses are made below: that of the page (``http://h/a/index.html`` →
    ``http://h/a/``)."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{folder}"


def column_guesses(page: Page, limit: int) -> list[str]:
    """Up to ``limit`` URLs where the report column of the site of home page ``page``
    may be, most likely first: the shapes of its family, then the common ones; a
    module shape only with the credit code the page gives."""
    if limit <= 0:
        return []
    folder = home_folder(page.url)
    codes = credit_codes(page.text)
    guesses: list[str] = []
    for shape in FAMILY_SHAPES[home_family(page)]:
        if "{area}" in shape.path:
            paths = [shape.path.format(area=code) for code in codes[:1]]
        else:
            paths = [shape.path]
        for path in paths:
            url = urljoin(folder, path)
            if url not in guesses and url != page.url:
                guesses.append(url)
    return guesses[:limit]
