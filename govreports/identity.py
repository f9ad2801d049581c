"""What makes two fetched pages the same report.

A report is identified by its 索引号 when the page prints one, otherwise by its
canonical URL (a file imported without a URL: by the SHA-256 of its bytes).  The report id stored in the database is a hash of that identity, so
it stays the same across recrawls and whichever URL or column the report was reached
through.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

# Query parameters that only say how a visitor arrived, never which page it is.
TRACKING_PARAMS = frozenset(
    {
        "from",
        "source",
        "spm",
        "share",
        "share_token",
        "isappinstalled",
        "scene",
        "clicktime",
        "wxfrom",
        "fbclid",
        "gclid",
        "_t",
        "timestamp",
    }
)
INDEX_FILES = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}

# The public-suffix list bundled with tldextract; never fetched at run time.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)  # asked of the same URL by the spider, the ledger and the store
def canonical_url(url: str) -> str:
    """Fold the ways one page's URL is written into one string.

    Scheme and host case, default ports, fragments, tracking parameters, query order
    and ``index.html``-style file names are folded; the path's case is kept (servers
    differ on it).
    """
    parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = INDEX_FILES.sub("/", parts.path) or "/"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def normalise_index_no(index_no: str) -> str:
    """索引号 for comparison: full-width folded (NFKC), all white space removed."""
    folded = unicodedata.normalize("NFKC", index_no or "")
    return re.sub(r"\s+", "", folded).upper()


def site_of(url: str) -> str:
    """The registrable domain of ``url`` (``zyhhg.gov.cn``), or ``local`` for files.

    索引号 formats are not unique across the country (``20191202-189769`` shapes repeat
    between sites), so they only identify a report within one site; sub-domains of one
    government share it.
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        return "local"
    return _site_of_host((parts.hostname or "").lower())


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> str:
    # Cached by host: a site's report URLs all differ, its host does not.
    return _extract(host).top_domain_under_public_suffix or host


def report_identity(index_no: str, url: str) -> str:
    """``ix:<site>:<索引号>`` when there is a 索引号, else ``url:<canonical url>``."""
    normalised = normalise_index_no(index_no)
    if normalised:
        return f"ix:{site_of(url)}:{normalised}"
    return f"url:{canonical_url(url)}"


def file_identity(index_no: str, url: str, file_sha256: str) -> str:
    """The identity of an imported file (``scrapy import``): its 索引号 when it prints
    one (scoped to ``url``'s site, ``local`` for a ``file:`` URL), else ``sha256:<hash of
    its bytes>``, so the same file imported twice, from any path, is one report."""
    if normalise_index_no(index_no):
        return report_identity(index_no, url)
    return f"sha256:{file_sha256}"


def report_id(identity: str) -> str:
    """A short, stable primary key for a report identity."""
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]
