"""Which URLs the crawler requests: ``http`` and ``https`` only — and the files of a
local portal (the offline demo), only inside that portal's own directory.

URLs come from places a portal controls: list links, JSON list APIs, meta refreshes,
redirects, attachment links, the columns discovery remembered in the database.  A
``file:`` link on a hostile page must never make the crawler store a local HTML file
as a report, parse a local PDF, or copy ``/etc/passwd`` into ``files/``; a ``data:``
or ``ftp:`` link is no page of a portal either.

The rule is checked twice:

* where URLs become requests — the spider (lists, discovery, refreshes, ``start_url``)
  and the attachment pipeline — so that a refused URL is recorded as a failure of
  kind ``unsupported_scheme`` with a clear reason, and the crawl goes on;
* at the last line, :class:`SchemeGuardMiddleware`, the first downloader middleware,
  which refuses any request the rule refuses (and any redirect to such a URL),
  whichever component made it, with :class:`~govreports.failures.UnsupportedScheme`.

A portal is local when the registry names its pages ``local:<path>`` (see
:mod:`govreports.registry`); its directory is :attr:`Portal.local_root`.  A ``file:``
URL is allowed only for a request of that portal (request meta ``portal_id``) whose
path, symlinks and ``..`` resolved, lies inside that directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from w3lib.url import file_uri_to_path

from govreports.failures import UnsupportedScheme
from govreports.ledger import ledger_of
from govreports.locations import inside
from govreports.registry import Portal

FETCHED_SCHEMES = frozenset({"http", "https"})
# data: URLs carry whole files; a failure row keeps the start of one.
SHOWN_URL_LENGTH = 300


def refusal(url: str, local_root: str | Path | None = None) -> str | None:
    """Why ``url`` must not be requested, or None when it may be.

    ``local_root``: the directory of the local portal the request belongs to, whose
    files (and only those) may be read through ``file:`` URLs.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return "refused: not a valid URL"
    scheme = parts.scheme.lower()
    if scheme in FETCHED_SCHEMES:
        return None if host else f"refused: an {scheme} URL without a host"
    if scheme == "file" and local_root:
        if parts.netloc not in ("", "localhost"):
            return "refused: a file: URL on another host"
        if inside(file_uri_to_path(url.strip()), local_root):
            return None
        return "refused: a file outside the local portal's own directory"
    if not scheme:
        return "refused: not an absolute URL"
    return f"refused: only http and https URLs are fetched, not {scheme}:"


def shown_url(url: str) -> str:
    """``url`` as a failure row keeps it: the start of an overlong one (a data: URL)."""
    return url if len(url) <= SHOWN_URL_LENGTH else url[:SHOWN_URL_LENGTH] + "…"


class FetchPolicy:
    """The rule for one crawl: which portal may read files of which directory."""

    def __init__(self, local_roots: Mapping[str, str] | None = None):
        self.local_roots = dict(local_roots or {})

    @classmethod
    def of_portals(cls, portals: Iterable[Portal]) -> "FetchPolicy":
        return cls({p.portal_id: p.local_root for p in portals if p.local_root})

    @classmethod
    def of_spider(cls, spider: object) -> "FetchPolicy":
        """The policy of the crawl a spider keeps the ledger of; http/https only for
        any other spider (``scrapy shell``'s, say)."""
        ledger = ledger_of(spider)
        return cls.of_portals(ledger.run.portals if ledger is not None else ())

    def refusal(self, url: str, portal_id: str | None = None) -> str | None:
        """Why a request of ``portal_id`` to ``url`` must not be made, or None."""
        return refusal(url, self.local_roots.get(portal_id or ""))


class SchemeGuardMiddleware:
    """The last line of defence (see the module docstring): refuses requests to URLs
    the crawler never fetches, and redirects to them, with
    :class:`~govreports.failures.UnsupportedScheme`.

    First in ``DOWNLOADER_MIDDLEWARES`` (its ``process_request`` runs before any
    other's; its ``process_response`` sees the redirect Scrapy declined to follow).
    It has no off switch.
    """

    REDIRECTS = (301, 302, 303, 307, 308)

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._policy: FetchPolicy | None = None
        self._policy_spider: object = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    @property
    def policy(self) -> FetchPolicy:
        spider = self.crawler.spider
        if self._policy is None or self._policy_spider is not spider:
            self._policy, self._policy_spider = FetchPolicy.of_spider(spider), spider
        return self._policy

    def process_request(self, request: Request) -> None:
        reason = self.policy.refusal(request.url, request.meta.get("portal_id"))
        if reason is not None:
            self.crawler.stats.inc_value("govreports/refused_urls")
            raise UnsupportedScheme(reason)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location") if response.status in self.REDIRECTS else None
        if location:
            target = urljoin(request.url, location.decode("latin-1"))
            # Redirects never lead to local files, not even a local portal's.
            reason = refusal(target)
            if reason is not None:
                self.crawler.stats.inc_value("govreports/refused_urls")
                raise UnsupportedScheme(f"redirect {reason} ({shown_url(target)})")
        return response
