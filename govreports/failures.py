"""Why the crawler gave up on a request: a kind (for decisions) and a readable reason (for people)."""

from __future__ import annotations

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

try:  # private in Scrapy 2.19; tests/test_attachments_limits.py checks it is still raised
    from scrapy.utils._compression import _DecompressionMaxSizeExceeded
except ImportError:  # pragma: no cover
    _DecompressionMaxSizeExceeded = None

from govreports.failure_kinds import NON_REPORT_KINDS, FailureKind

__all__ = [
    "NON_REPORT_KINDS",
    "ChallengeNotPassed",
    "HostUnreachable",
    "PortalBudgetSpent",
    "FailureKind",
    "RedirectLoop",
    "RobotsForbidden",
    "UnsupportedScheme",
    "failure_reason",
    "size_limit_exceeded",
]


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already on the request's redirect chain."""

    kind = FailureKind.REDIRECT_LOOP


class RobotsForbidden(IgnoreRequest):
    """A request that the site's robots.txt forbids."""

    kind = FailureKind.ROBOTS


class ChallengeNotPassed(IgnoreRequest):
    """An anti-bot page that would not lift (or needs a browser that is not there)."""

    kind = FailureKind.CHALLENGE


class UnsupportedScheme(IgnoreRequest):
    """A request (or a redirect) to a URL the crawler never fetches: not http/https,
    or a file outside its local portal's directory (see :mod:`govreports.schemes`)."""

    kind = FailureKind.UNSUPPORTED_SCHEME


def size_limit_exceeded(error: BaseException) -> bool:
    """Was this download refused for its size (``DOWNLOAD_MAXSIZE`` or the request's
    ``download_maxsize``)?  Decided by exception type, never by message text.

    Scrapy 2.19 raises ``DownloadCancelledError`` when the announced or received body
    passes the cap (a cancelled Twisted download also becomes one, but Scrapy cancels
    downloads only for their size; timeouts are ``DownloadTimeoutError``), and
    ``IgnoreRequest`` raised from ``_DecompressionMaxSizeExceeded`` when a compressed
    body passes it while being decompressed (a gzip bomb).
    """
    if isinstance(error, DownloadCancelledError):
        return True
    cause = error.__cause__
    return (isinstance(error, IgnoreRequest) and _DecompressionMaxSizeExceeded is not None
            and isinstance(cause, _DecompressionMaxSizeExceeded))


class HostUnreachable(IgnoreRequest):
    """A request to a host that never answered: its first requests all failed at the
    connection level (DNS, refused …), so its other requests are not sent."""

    kind = FailureKind.UNREACHABLE

    def __init__(self, host: str, reason: str):
        super().__init__(f"host {host} unreachable: {reason}")
        self.host = host
        self.reason = reason


class PortalBudgetSpent(IgnoreRequest):
    """A request of a portal that spent its budget of requests or wall time: not sent
    (see :class:`govreports.middlewares.PortalBudgetMiddleware`)."""

    kind = FailureKind.PORTAL_BUDGET

    def __init__(self, portal_id: str, reason: str):
        super().__init__(f"portal {portal_id}: {reason}")
        self.portal_id = portal_id
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
    if size_limit_exceeded(error):
        return None, FailureKind.TOO_LARGE, "response too large (over DOWNLOAD_MAXSIZE)"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return None, FailureKind.DNS, "DNS lookup failed"
    if failure.check(DownloadConnectionRefusedError, TxConnectionRefusedError):
        return None, FailureKind.REFUSED, "connection refused"
    if failure.check(FileNotFoundError):
        return None, FailureKind.MISSING_FILE, f"no such file: {error.filename or error}"
    if failure.check(HostUnreachable, PortalBudgetSpent):
        return None, error.kind, str(error)
    if failure.check(RedirectLoop):
        return None, error.kind, str(error)
    if failure.check(ChallengeNotPassed):
        return None, error.kind, f"ignored: {error}"
    if failure.check(RobotsForbidden):
        return None, error.kind, "forbidden by robots.txt"
    if failure.check(UnsupportedScheme):
        return None, error.kind, str(error)
    if failure.check(IgnoreRequest):
        return None, FailureKind.IGNORED, f"ignored: {error}"
    return None, FailureKind.ERROR, f"{failure.type.__name__}: {error}"[:300]
