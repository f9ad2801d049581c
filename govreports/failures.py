"""Readable reasons for requests the crawler gave up on."""

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


def failure_reason(failure) -> tuple[int | None, str]:
    """(HTTP status, a short readable reason) for a failed request."""
    error = failure.value
    if failure.check(HttpError):
        return error.response.status, f"HTTP {error.response.status}"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return None, "timeout"
    if failure.check(ResponseDataLossError):
        return None, "truncated response: the connection closed before the whole body arrived"
    if failure.check(DownloadCancelledError):
        if "size" in str(error):
            return None, "response too large (over DOWNLOAD_MAXSIZE)"
        return None, f"download cancelled: {error}"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return None, "DNS lookup failed"
    if failure.check(DownloadConnectionRefusedError):
        return None, "connection refused"
    if failure.check(IgnoreRequest):
        message = str(error)
        if message.startswith("redirect loop"):
            return None, message
        if "robots.txt" in message:
            return None, "forbidden by robots.txt"
        return None, f"ignored: {message}"
    return None, f"{failure.type.__name__}: {error}"[:300]
