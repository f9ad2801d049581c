"""Page-level signals read from a fetched page before it is parsed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.html import get_meta_refresh, remove_tags, replace_escape_chars

from govreports.encoding import decode_html
from govreports.parsing.html import base_url

_REFRESH_WORD = re.compile("refresh", re.I)
# A deleted page keeps only its refresh tag and chrome: less visible text than this.
DELETED_PAGE_MAX_TEXT = 200


def meta_refresh_target(html: str, url: str) -> str | None:
    """The absolute URL a ``<meta http-equiv="refresh">`` sends to, if any (a relative
    one resolved against the page's ``<base href>``, as a browser does)."""
    if not _REFRESH_WORD.search(html):
        return None  # w3lib reads a refresh only from a tag naming it: skip its scan
    _, target = get_meta_refresh(html, base_url(url, html), ignore_tags=("script", "noscript"))
    return target or None


def _visible_text_length(html: str) -> int:
    body = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", html)
    return len(re.sub(r"\s+", "", replace_escape_chars(remove_tags(body))))


def deleted_page_target(html: str, url: str) -> str | None:
    """Where a deleted page sends its readers, when it is one.

    Portals answer a deleted article with a 200 page that meta-refreshes to the
    article's folder (or the home page) instead of a 404.  Such a page refreshes to
    an ancestor of its own URL and carries almost no text.
    """
    target = meta_refresh_target(html, url)
    if not target:
        return None
    page, dest = urlsplit(url), urlsplit(target)
    if (page.scheme, page.netloc) != (dest.scheme, dest.netloc):
        return None
    folder = page.path.rsplit("/", 1)[0] + "/"
    dest_path = re.sub(r"(?:index|default)\.\w+$", "", dest.path) or "/"
    if not folder.startswith(dest_path) or _visible_text_length(html) > DELETED_PAGE_MAX_TEXT:
        return None
    return target


def page_text(response) -> str:
    """The page decoded from its bytes: BOM, HTTP charset, meta charset, then detection,
    GB labels read as gb18030 (see :mod:`govreports.encoding`).  Scrapy's own decoding
    falls back to cp1252, which turns undeclared GBK pages into mojibake."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    return decode_html(response.body, content_type)[0]


def validators(response) -> dict[str, str]:
    """The page's HTTP validators, kept for conditional recrawls."""
    return {
        "etag": response.headers.get("ETag", b"").decode("latin-1"),
        "last_modified": response.headers.get("Last-Modified", b"").decode("latin-1"),
    }
