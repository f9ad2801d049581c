"""The kinds of failure the crawler records (``fetch_failures.kind``).

Plain data, no Scrapy: the storage and export code select failures by kind without
importing the crawler.  :mod:`govreports.failures` re-exports these names.
"""

from __future__ import annotations

from enum import StrEnum


class FailureKind(StrEnum):
    """What kind of failure a ``fetch_failures`` row records.

    Recrawl decisions and exports select failures by kind, never by the wording of
    their ``reason`` (which is for people and may change).
    """

    HTTP_ERROR = "http_error"  # an HTTP error status that retries did not lift
    TIMEOUT = "timeout"
    TRUNCATED = "truncated"  # the connection closed before the whole body arrived
    TOO_LARGE = "too_large"  # over DOWNLOAD_MAXSIZE or the attachment cap
    DNS = "dns"  # the host name does not resolve
    REFUSED = "refused"  # connection refused
    NETWORK = "network"  # another connection-level error
    REDIRECT_LOOP = "redirect_loop"
    ROBOTS = "robots"  # forbidden by robots.txt
    CHALLENGE = "challenge"  # an anti-bot page that would not lift
    IGNORED = "ignored"  # another request dropped by a component
    LIST_NOT_TEXT = "list_not_text"  # a list page that is not text
    NOT_A_REPORT = "not_a_report"  # listed as a report, but a look-alike page or file
    NOT_A_DOCUMENT = "not_a_document"  # listed as a report, but neither a page nor a document
    EMPTY_PAGE = "empty_page"
    DELETED_PAGE = "deleted_page"  # a 200 page saying the report was deleted
    INVALID_REPORT = "invalid_report"  # parsed, but failed the report schema
    DISCOVERY = "discovery"  # the home page led to no report column
    # A URL that is not http/https (file:, data:, ftp: …), or a local portal's file
    # outside its own directory: never requested (see govreports.schemes).
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    UNREADABLE = "unreadable"  # a damaged file, or text that cannot be decoded (scrapy import)
    NEEDS_OCR = "needs_ocr"  # an image-only or garbled PDF, and OCR is off (scrapy import)
    UNREACHABLE = "unreachable"  # a host that never answered: its other requests were dropped
    MISSING_FILE = "missing_file"  # a local file (file: URL of the registry) that is not there
    RUNAWAY_PAGING = "runaway_paging"  # a list whose pages repeat or bring nothing new: paging stopped
    PAGING_LIMIT = "paging_limit"  # a list longer than GOVREPORTS_MAX_LIST_PAGES: paging stopped
    LINK_CAP = "link_cap"  # a list page with more report links than GOVREPORTS_MAX_LINKS_PER_LIST_PAGE
    PORTAL_LINK_CAP = "portal_link_cap"  # a portal with more report links than GOVREPORTS_MAX_LINKS_PER_PORTAL
    # A portal that spent its requests or wall time (GOVREPORTS_PORTAL_MAX_REQUESTS /
    # _MAX_SECONDS): its other requests were dropped, recorded once.
    PORTAL_BUDGET = "portal_budget"
    ERROR = "error"  # anything else (the reason says what)


# Listed under a report title, fetched, and found not to be a report: a recrawl does
# not fetch these again (unless ``full=1``).
NON_REPORT_KINDS = frozenset({
    FailureKind.NOT_A_REPORT, FailureKind.NOT_A_DOCUMENT, FailureKind.EMPTY_PAGE, FailureKind.DELETED_PAGE,
})
