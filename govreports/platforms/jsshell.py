"""Whether a list page must be rendered in a browser to show its list.

:func:`render_js_needed` is True for a *JavaScript shell*: a page whose list is
loaded by script (AJAX, or a single-page app) and that, as fetched, holds almost no
list links of its own, when no platform module can read the data the script would
load (the family modules turn such calls into :class:`~.base.ListRequest` s, which is
cheaper than a browser).  The spider then re-requests the page through the headless
browser.

Signals of a shell: an empty app root (``<div id="app"></div>``, ``#root``) or an empty
list container (``<ul id="list"></ul>``, ``<div class="news-list"></div>``), together with
script that loads data (``$.ajax``, ``$.get``/``$.post``/``$.getJSON``, ``fetch(``,
``XMLHttpRequest``, ``axios``, Vue/React/Angular bootstraps); and a body with few links
outside the page chrome (or, beside an empty container, few links with a date).
"""

from __future__ import annotations

import re

from govreports.platforms import PLATFORM_CLASSES
from govreports.platforms.base import Page
from govreports.platforms.generic import Generic
from govreports.platforms.links import anchor_candidates, selector_for

DATA_LOADING = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\s*\(|\bfetch\s*\(|XMLHttpRequest|\baxios\b|new\s+Vue\s*\(|"
    r"createApp\s*\(|ReactDOM|ng-app|\.load\s*\(\s*[\"']",
    re.IGNORECASE,
)
APP_ROOT = re.compile(r"<div[^>]+id\s*=\s*[\"'](?:app|root)[\"'][^>]*>\s*</div>", re.IGNORECASE)
EMPTY_LIST = re.compile(
    r"<(ul|ol|div|tbody|table)[^>]+(?:id|class)\s*=\s*[\"'][^\"']*(?:list|news|info|xxgk|item)[^\"']*[\"'][^>]*>"
    r"\s*</\1>",
    re.IGNORECASE,
)
# Fewer links than this outside header/footer/nav is "no list" …
FEW_LINKS = 5
# … and with an empty list container, fewer dated links than this.
FEW_DATED = 3


def readable_by_platform(page: Page) -> bool:
    """A family module (not the generic fallback) recognises the page and finds a list
    or a data request in it."""
    for cls in PLATFORM_CLASSES:
        if cls is Generic or not cls.detect(page):
            continue
        listing = cls().parse_list(page)
        if listing.next_requests or listing.sublists:
            return True
        # Links read off the page itself are no proof: a shell has chrome links too.
        if sum(1 for c in listing.candidates if c.published) >= FEW_DATED:
            return True
    return False


def render_js_needed(page: Page) -> bool:
    """True when ``page`` is a JavaScript shell no module can read (module docstring)."""
    text = page.text or ""
    if text.lstrip().startswith(("{", "[", "<?xml")) or not DATA_LOADING.search(text):
        return False  # a data answer (JSON/XML) or a page that loads nothing
    links = anchor_candidates(selector_for(page), page.base_url)
    empty_container = bool(APP_ROOT.search(text) or EMPTY_LIST.search(text))
    # A real list prints dates beside its links; a shell's chrome links mostly do not.
    dated = sum(1 for c in links if c.published)
    shell = len(links) < FEW_LINKS or (empty_container and dated < FEW_DATED)
    return shell and not readable_by_platform(page)


# A detail page showing less text than this while loading data by script is a shell.
DETAIL_SHELL_TEXT = 200
_INVISIBLE = re.compile(r"(?is)<(script|style|head|noscript)\b.*?</\1>|<[^>]+>")


def detail_needs_browser(page: Page) -> bool:
    """True for a detail page whose article is loaded by script (Epoint ``showinfo.html``,
    single-page apps): it loads data and, as fetched, shows almost no text."""
    text = page.text or ""
    if not DATA_LOADING.search(text):
        return False
    visible = re.sub(r"\s+", "", _INVISIBLE.sub(" ", text))
    return len(visible) < DETAIL_SHELL_TEXT
