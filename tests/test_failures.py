"""Why a request was given up on: its kind (set where the failure is known) and a readable reason."""

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from govreports.failures import ChallengeNotPassed, FailureKind, RedirectLoop, RobotsForbidden, failure_reason


def reason(exc):
    try:
        raise exc
    except Exception:
        return failure_reason(Failure())


def test_http_error():
    response = Response("http://a.gov.cn/x", status=503, request=Request("http://a.gov.cn/x"))
    assert reason(HttpError(response, "Ignoring non-200 response")) == (503, FailureKind.HTTP_ERROR, "HTTP 503")


@pytest.mark.parametrize("exc, kind, expected", [
    (DownloadTimeoutError("took longer than 60 s"), FailureKind.TIMEOUT, "timeout"),
    (ResponseDataLossError("data loss"), FailureKind.TRUNCATED,
     "truncated response: the connection closed before the whole body arrived"),
    (DownloadCancelledError("Expected to receive 3145737 bytes which is larger than download max size"),
     FailureKind.TOO_LARGE, "response too large (over DOWNLOAD_MAXSIZE)"),
    (RedirectLoop("redirect loop: a -> a"), FailureKind.REDIRECT_LOOP, "redirect loop: a -> a"),
    (ChallengeNotPassed("anti-bot block (创宇盾) still there after 3 waits"), FailureKind.CHALLENGE,
     "ignored: anti-bot block (创宇盾) still there after 3 waits"),
    (IgnoreRequest("dropped by a component"), FailureKind.IGNORED, "ignored: dropped by a component"),
])
def test_reasons(exc, kind, expected):
    assert reason(exc) == (None, kind, expected)


def test_robots_txt_is_told_by_its_class():
    # govreports.robots.RobotsTxtMiddleware raises RobotsForbidden (tests/test_robots.py)
    assert reason(RobotsForbidden("Forbidden by robots.txt")) == (None, FailureKind.ROBOTS,
                                                                   "forbidden by robots.txt")


def test_robots_wording_elsewhere_is_not_robots():
    assert reason(IgnoreRequest("Forbidden by robots.txt"))[1] is FailureKind.IGNORED


def test_unknown_errors_name_their_type():
    assert reason(ValueError("odd")) == (None, FailureKind.ERROR, "ValueError: odd")
