"""Readable failure reasons."""

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from govreports.failures import failure_reason


def reason(exc):
    try:
        raise exc
    except Exception:
        return failure_reason(Failure())


def test_http_error():
    response = Response("http://a.gov.cn/x", status=503, request=Request("http://a.gov.cn/x"))
    assert reason(HttpError(response, "Ignoring non-200 response")) == (503, "HTTP 503")


@pytest.mark.parametrize("exc, expected", [
    (DownloadTimeoutError("took longer than 60 s"), "timeout"),
    (ResponseDataLossError("data loss"), "truncated response: the connection closed before the whole body arrived"),
    (DownloadCancelledError("Expected to receive 3145737 bytes which is larger than download max size"),
     "response too large (over DOWNLOAD_MAXSIZE)"),
    (IgnoreRequest("Forbidden by robots.txt"), "forbidden by robots.txt"),
    (IgnoreRequest("redirect loop: a -> a"), "redirect loop: a -> a"),
])
def test_reasons(exc, expected):
    assert reason(exc) == (None, expected)


def test_unknown_errors_name_their_type():
    assert reason(ValueError("odd")) == (None, "ValueError: odd")
