"""Why the crawler gave up on a request: a kind (for decisions) and a readable reason (for people)."""

from __future__ import annotations

from enum import StrEnum

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError, NoRouteError, TCPTimedOutError, TimeoutError


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
    UNREACHABLE = "unreachable"  # a host that never answered: its other requests were dropped
    MISSING_FILE = "missing_file"  # a local file (file: URL of the registry) that is not there
    RUNAWAY_PAGING = "runaway_paging"  # a list whose pages repeat or bring nothing new: paging stopped
    PAGING_LIMIT = "paging_limit"  # a list longer than GOVREPORTS_MAX_LIST_PAGES: paging stopped
    LINK_CAP = "link_cap"  # a list page with more report links than GOVREPORTS_MAX_LINKS_PER_LIST_PAGE
    PORTAL_LINK_CAP = "portal_link_cap"  # a portal with more report links than GOVREPORTS_MAX_LINKS_PER_PORTAL
    ERROR = "error"  # anything else (the reason says what)


# Listed under a report title, fetched, and found not to be a report: a recrawl does
# not fetch these again (unless ``full=1``).
NON_REPORT_KINDS = frozenset({
    FailureKind.NOT_A_REPORT, FailureKind.NOT_A_DOCUMENT, FailureKind.EMPTY_PAGE, FailureKind.DELETED_PAGE,
})


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already on the request's redirect chain."""

    kind = FailureKind.REDIRECT_LOOP


class RobotsForbidden(IgnoreRequest):
    """A request that the site's robots.txt forbids."""

    kind = FailureKind.ROBOTS


class ChallengeNotPassed(IgnoreRequest):
    """An anti-bot page that would not lift (or needs a browser that is not there)."""

    kind = FailureKind.CHALLENGE


class HostUnreachable(IgnoreRequest):
    """A request to a host that never answered: its first requests all failed at the
    connection level (DNS, refused …), so its other requests are not sent."""

    kind = FailureKind.UNREACHABLE

    def __init__(self, host: str, reason: str):
        super().__init__(f"host {host} unreachable: {reason}")
        self.host = host
        self.reason = reason


# Network errors that retrying soon does not fix: a name that does not resolve, a
# port nobody listens on.  Retried once at most, quickly (see BackoffRetryMiddleware).
UNFIXABLE_NETWORK_ERRORS = (CannotResolveHostError, DNSLookupError, DownloadConnectionRefusedError,
                            TxConnectionRefusedError)
# Connection-level failures: the host was never talked to.  A host whose first requests
# all end so is unreachable (see UnreachableHostMiddleware).
CONNECTION_ERRORS = (*UNFIXABLE_NETWORK_ERRORS, TCPTimedOutError, NoRouteError)


def failure_reason(failure) -> tuple[int | None, FailureKind, str]:
    """(HTTP status, kind, a short readable reason) for a failed request."""
    error = failure.value
    if failure.check(HttpError):
        return error.response.status, FailureKind.HTTP_ERROR, f"HTTP {error.response.status}"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return None, FailureKind.TIMEOUT, "timeout"
    if failure.check(ResponseDataLossError):
        return None, FailureKind.TRUNCATED, "truncated response: the connection closed before the whole body arrived"
    if failure.check(DownloadCancelledError):
        # Scrapy cancels a download over DOWNLOAD_MAXSIZE with the same exception as
        # any other cancelled download; only its message tells the two apart.
        if "size" in str(error):
            return None, FailureKind.TOO_LARGE, "response too large (over DOWNLOAD_MAXSIZE)"
        return None, FailureKind.ERROR, f"download cancelled: {error}"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return None, FailureKind.DNS, "DNS lookup failed"
    if failure.check(DownloadConnectionRefusedError, TxConnectionRefusedError):
        return None, FailureKind.REFUSED, "connection refused"
    if failure.check(FileNotFoundError):
        return None, FailureKind.MISSING_FILE, f"no such file: {error.filename or error}"
    if failure.check(HostUnreachable):
        return None, error.kind, str(error)
    if failure.check(RedirectLoop):
        return None, error.kind, str(error)
    if failure.check(ChallengeNotPassed):
        return None, error.kind, f"ignored: {error}"
    if failure.check(RobotsForbidden):
        return None, error.kind, "forbidden by robots.txt"
    if failure.check(IgnoreRequest):
        return None, FailureKind.IGNORED, f"ignored: {error}"
    return None, FailureKind.ERROR, f"{failure.type.__name__}: {error}"[:300]
