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
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from govreports.failure_kinds import NON_REPORT_KINDS, FailureKind

__all__ = [
    "NON_REPORT_KINDS",
    "ChallengeNotPassed",
    "FailureKind",
    "RedirectLoop",
    "RobotsForbidden",
    "failure_reason",
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
    if failure.check(DownloadConnectionRefusedError):
        return None, FailureKind.REFUSED, "connection refused"
    if failure.check(RedirectLoop):
        return None, error.kind, str(error)
    if failure.check(ChallengeNotPassed):
        return None, error.kind, f"ignored: {error}"
    if failure.check(RobotsForbidden):
        return None, error.kind, "forbidden by robots.txt"
    if failure.check(IgnoreRequest):
        return None, FailureKind.IGNORED, f"ignored: {error}"
    return None, FailureKind.ERROR, f"{failure.type.__name__}: {error}"[:300]
