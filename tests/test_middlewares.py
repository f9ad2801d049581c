"""The downloader middlewares, in process: real Scrapy requests and responses through
middlewares built by ``from_crawler`` from the project's settings."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import HtmlResponse, Response
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from govreports.browser import NAVIGATIONS, NAVIGATIONS_CAPPED
from govreports.failures import ChallengeNotPassed, FailureKind, HostUnreachable, RedirectLoop, failure_reason
from govreports.middlewares import (
    NOT_BEFORE,
    AntiBotMiddleware,
    BackoffRetryMiddleware,
    NotBeforeMiddleware,
    OfflineCookiesMiddleware,
    RedirectLoopMiddleware,
    UnreachableHostMiddleware,
    not_before,
    retry_after,
)
from tests.conftest import project_crawler

URL = "http://www.zyhhg.gov.cn/zwgk/xxgkndbg/index.html"
RUISHU_PAGE = (b"<html><head><script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];"
               b"if(!$_ts)$_ts={};$_ts.nsd=84301;</script></head><body></body></html>")
CHUANGYU_PAGE = ("<html><head><title>访问被拦截</title></head><body><p>您的访问请求可能对网站造成安全威胁，请求已被拦截。</p>"
                 "<p>如果您是网站管理员，请登录知道创宇云防御</p></body></html>").encode()
REPORT_PAGE = "<html><body><h1>红花岗区人民政府2023年政府信息公开工作年度报告</h1></body></html>".encode()


def response(request: Request, status: int = 200, body: bytes = REPORT_PAGE, **headers) -> HtmlResponse:
    return HtmlResponse(request.url, status=status, body=body, request=request,
                        headers={k.replace("_", "-"): v for k, v in headers.items()})


def wait_of(request: Request) -> float:
    """Seconds from now until the request may be sent (its not-before meta)."""
    return request.meta[NOT_BEFORE] - time.monotonic()


# --- retries with backoff ------------------------------------------------------------
@pytest.fixture
def retry():
    crawler = project_crawler(GOVREPORTS_RETRY_BACKOFF_BASE=5, GOVREPORTS_RETRY_BACKOFF_FACTOR=3,
                              GOVREPORTS_RETRY_BACKOFF_MAX=120, RETRY_TIMES=4)
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_503_is_retried_after_the_base_wait(retry):
    request = Request(URL)
    again = retry.process_response(request, response(request, 503))
    assert isinstance(again, Request) and again.meta["retry_times"] == 1 and 4.5 < wait_of(again) <= 5


def test_each_retry_waits_longer(retry):
    request = Request(URL, meta={"retry_times": 2})
    again = retry.process_response(request, response(request, 503))
    assert again.meta["retry_times"] == 3 and 44.5 < wait_of(again) <= 45


def test_wait_is_capped(retry):
    assert [retry.backoff(n) for n in (1, 2, 3, 4, 9)] == [5, 15, 45, 120, 120]


def test_timeout_is_retried_after_the_base_wait(retry):
    request = Request(URL)
    again = retry.process_exception(request, DownloadTimeoutError("took longer than 60 s"))
    assert isinstance(again, Request) and again.meta["retry_times"] == 1 and 4.5 < wait_of(again) <= 5


def test_gives_up_after_retry_times(retry):
    request = Request(URL, meta={"retry_times": 4})
    failed = response(request, 503)
    assert (retry.process_response(request, failed),
            retry.process_exception(request, DownloadTimeoutError("again"))) == (failed, None)


def test_good_response_passes_without_wait(retry):
    request = Request(URL)
    ok = response(request)
    assert retry.process_response(request, ok) is ok and NOT_BEFORE not in request.meta


def test_retries_off_when_retry_disabled():
    with pytest.raises(NotConfigured):
        BackoffRetryMiddleware.from_crawler(project_crawler(RETRY_ENABLED=False))


# --- errors that waiting does not fix, Retry-After --------------------------------------
@pytest.mark.parametrize("error", [CannotResolveHostError("no such host"), DownloadConnectionRefusedError("refused"),
                                   DNSLookupError("no such host"), TxConnectionRefusedError()])
def test_unfixable_network_error_is_retried_once_quickly(retry, error):
    request = Request(URL)
    again = retry.process_exception(request, error)
    assert isinstance(again, Request) and again.meta["retry_times"] == 1 and 1.5 < wait_of(again) <= 2
    assert retry.process_exception(again, error) is None


def test_quick_retries_follow_their_setting():
    middleware = BackoffRetryMiddleware.from_crawler(project_crawler(GOVREPORTS_UNREACHABLE_RETRIES=0))
    assert middleware.process_exception(Request(URL), CannotResolveHostError("no such host")) is None


def test_missing_local_file_is_not_retried(retry):
    error = FileNotFoundError(2, "No such file or directory", "/srv/portal/nb/index.html")
    assert retry.process_exception(Request("file:///srv/portal/nb/index.html"), error) is None


def test_missing_local_file_has_its_own_kind():
    error = FileNotFoundError(2, "No such file or directory", "/srv/portal/nb/index.html")
    assert failure_reason(Failure(error)) == (None, FailureKind.MISSING_FILE,
                                              "no such file: /srv/portal/nb/index.html")


def test_retry_after_seconds_is_waited_out(retry):
    request = Request(URL)
    again = retry.process_response(request, response(request, 429, Retry_After="30"))
    assert 29.5 < wait_of(again) <= 30


def test_retry_after_date_is_waited_out(retry):
    request = Request(URL)
    when = datetime.now(timezone.utc) + timedelta(seconds=40)
    again = retry.process_response(request, response(request, 503, Retry_After=format_datetime(when, usegmt=True)))
    assert 38 < wait_of(again) <= 40


def test_retry_after_shorter_than_the_backoff_waits_the_backoff(retry):
    request = Request(URL)
    again = retry.process_response(request, response(request, 503, Retry_After="1"))
    assert 4.5 < wait_of(again) <= 5


def test_retry_after_over_the_cap_is_not_retried(retry):
    request = Request(URL)
    answer = response(request, 503, Retry_After=str(24 * 3600))
    assert retry.process_response(request, answer) is answer


def test_unreadable_retry_after_is_the_backoff(retry):
    request = Request(URL)
    again = retry.process_response(request, response(request, 503, Retry_After="soon"))
    assert 4.5 < wait_of(again) <= 5


@pytest.mark.parametrize("value, seconds", [("120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 60.0),
                                            ("Wed, 21 Oct 2015 07:26:00 GMT", 0.0), ("later", None)])
def test_retry_after_values(value, seconds):
    now = datetime(2015, 10, 21, 7, 27, tzinfo=timezone.utc)
    assert retry_after(response(Request(URL), 503, Retry_After=value), now=now) == seconds


# --- hosts that cannot be reached --------------------------------------------------------
@pytest.fixture
def unreachable():
    return UnreachableHostMiddleware.from_crawler(project_crawler(GOVREPORTS_UNREACHABLE_AFTER=2))


def test_host_whose_first_requests_all_fail_to_connect_is_unreachable(unreachable):
    first = unreachable.process_exception(Request(URL), CannotResolveHostError("no such host"))
    with pytest.raises(HostUnreachable) as second:
        unreachable.process_exception(Request(URL + "?page=2"), CannotResolveHostError("no such host"))
    assert (first, second.value.kind, second.value.host) == (None, FailureKind.UNREACHABLE, "www.zyhhg.gov.cn")
    assert str(second.value).startswith("host www.zyhhg.gov.cn unreachable: DNS lookup failed; its first 2 requests")


def test_later_requests_to_an_unreachable_host_are_not_sent(unreachable):
    for n in range(2):
        with contextlib.suppress(HostUnreachable):
            unreachable.process_exception(Request(f"{URL}?n={n}"), DownloadConnectionRefusedError())
    with pytest.raises(HostUnreachable, match="connection refused"):
        unreachable.process_request(Request("http://www.zyhhg.gov.cn/other.html"))
    assert unreachable.process_request(Request("http://www.zunyi.gov.cn/")) is None


def test_host_that_answered_once_is_never_unreachable(unreachable):
    request = Request(URL)
    unreachable.process_response(request, response(request))
    for n in range(3):
        assert unreachable.process_exception(Request(f"{URL}?n={n}"), DownloadConnectionRefusedError()) is None


def test_other_errors_do_not_make_a_host_unreachable(unreachable):
    for n in range(3):
        assert unreachable.process_exception(Request(f"{URL}?n={n}"), DownloadTimeoutError("slow")) is None
    assert unreachable.process_request(Request(URL)) is None


def test_not_before_holds_the_request():
    request = not_before(Request(URL), 0.3)
    began = time.monotonic()
    asyncio.run(NotBeforeMiddleware().process_request(request))
    assert time.monotonic() - began >= 0.25 and NOT_BEFORE not in request.meta


# --- redirect loops --------------------------------------------------------------------
@pytest.fixture
def redirects():
    return RedirectLoopMiddleware.from_crawler(project_crawler())


def test_redirect_to_itself_is_a_redirect_loop(redirects):
    request = Request(URL)
    with pytest.raises(RedirectLoop, match=f"redirect loop: {URL} -> {URL}") as raised:
        redirects.process_response(request, response(request, 302, b"", Location=URL))
    assert failure_reason(Failure(raised.value)) == (None, FailureKind.REDIRECT_LOOP, f"redirect loop: {URL} -> {URL}")
    assert raised.value.kind == FailureKind.REDIRECT_LOOP


def test_redirect_back_along_the_chain_is_a_loop(redirects):
    first = "http://www.zyhhg.gov.cn/a.html"
    request = Request("http://www.zyhhg.gov.cn/b.html", meta={"redirect_urls": [first]})
    with pytest.raises(RedirectLoop):
        redirects.process_response(request, response(request, 301, b"", Location="/a.html"))


def test_redirect_elsewhere_passes(redirects):
    request = Request(URL)
    moved = response(request, 302, b"", Location="/zwgk/new/index.html")
    assert redirects.process_response(request, moved) is moved


def test_no_loop_check_when_redirects_are_off():
    with pytest.raises(NotConfigured):
        RedirectLoopMiddleware.from_crawler(project_crawler(REDIRECT_ENABLED=False))


# --- anti-bot answers -----------------------------------------------------------------
@pytest.fixture
def antibot():
    # The browser is available as far as settings go (Chromium's path need not exist for these tests).
    return AntiBotMiddleware.from_crawler(project_crawler(
        PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": ""}, GOVREPORTS_CHALLENGE_BACKOFF=90,
        GOVREPORTS_CHALLENGE_RETRIES=3))


def test_ruishu_412_is_retried_in_the_browser(antibot):
    request = Request(URL)
    again = antibot.process_response(request, response(request, 412, RUISHU_PAGE))
    assert isinstance(again, Request) and again.meta["playwright"] and again.dont_filter
    assert antibot.stats.get_value("govreports/antibot/瑞数 412") == 1


def test_later_requests_to_that_host_go_through_the_browser(antibot):
    request = Request(URL)
    antibot.process_response(request, response(request, 412, RUISHU_PAGE))
    later, attachment, elsewhere = (Request("http://www.zyhhg.gov.cn/zwgk/t1.html"),
                                    Request("http://www.zyhhg.gov.cn/f.pdf", meta={"no_browser": True}),
                                    Request("http://www.hc.gov.cn/zwgk/t1.html"))
    for r in (later, attachment, elsewhere):
        antibot.process_request(r)
    assert [bool(r.meta.get("playwright")) for r in (later, attachment, elsewhere)] == [True, False, False]


def test_challenge_on_a_no_browser_request_is_not_passed(antibot):
    request = Request(URL, meta={"no_browser": True})
    with pytest.raises(ChallengeNotPassed, match=r"anti-bot challenge \(瑞数 412\) needs a browser"):
        antibot.process_response(request, response(request, 412, RUISHU_PAGE))


@pytest.mark.parametrize("settings", [
    {"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/nonexistent/chromium"}},
    {"DOWNLOAD_HANDLERS": {}},  # no browser download handler configured
], ids=["no executable", "no handler"])
def test_challenge_without_a_browser_is_not_passed(settings):
    antibot = AntiBotMiddleware.from_crawler(project_crawler(**settings))
    request = Request(URL)
    with pytest.raises(ChallengeNotPassed, match="needs a browser, which is not available here") as raised:
        antibot.process_response(request, response(request, 412, RUISHU_PAGE))
    assert isinstance(raised.value, IgnoreRequest) and raised.value.kind == FailureKind.CHALLENGE


def test_chuangyu_block_is_waited_out_longer_each_time(antibot):
    request = Request(URL)
    first = antibot.process_response(request, response(request, 200, CHUANGYU_PAGE))
    second = antibot.process_response(first, response(first, 200, CHUANGYU_PAGE))
    assert (first.meta["challenge_tries"], second.meta["challenge_tries"]) == (1, 2)
    assert 89 < wait_of(first) <= 90 and 179 < wait_of(second) <= 180 and second.dont_filter


def test_chuangyu_block_that_stays_is_not_passed(antibot):
    request = Request(URL, meta={"challenge_tries": 3})
    with pytest.raises(ChallengeNotPassed, match=r"anti-bot block \(创宇盾\) still there after 3 waits"):
        antibot.process_response(request, response(request, 200, CHUANGYU_PAGE))


def test_browser_page_still_a_challenge_is_not_passed(antibot):
    request = Request(URL, meta={"playwright": True})
    with pytest.raises(ChallengeNotPassed, match="not passed even in the browser"):
        antibot.process_response(request, response(request, 412, RUISHU_PAGE))


def test_browser_page_stopped_at_the_navigation_cap_is_not_passed(antibot):
    # It kept reloading until the navigation guard stopped it: whatever it shows then
    # (here an ordinary-looking page), the challenge did not lift.
    request = Request(URL, meta={"playwright": True, NAVIGATIONS: 6, NAVIGATIONS_CAPPED: True})
    with pytest.raises(ChallengeNotPassed, match="6 navigations of the page, stopped past the cap"):
        antibot.process_response(request, response(request, 200, REPORT_PAGE))


def test_browser_page_that_passed_counts_as_200(antibot):
    request = Request(URL, meta={"playwright": True})
    assert antibot.process_response(request, response(request, 412, REPORT_PAGE)).status == 200


def test_ordinary_page_passes(antibot):
    request = Request(URL)
    page = response(request)
    assert antibot.process_response(request, page) is page


# --- cookies without fetching the public suffix list -------------------------------------
def test_scrapy_cookie_method_replaced_is_unchanged():
    """OfflineCookiesMiddleware re-implements Scrapy 2.19's private ``_process_cookies``;
    when Scrapy renames or reshapes it, this fails: port the override."""
    params = inspect.signature(CookiesMiddleware._process_cookies).parameters
    assert [(name, p.kind) for name, p in params.items()] == [
        ("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), ("cookies", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("jar", inspect.Parameter.KEYWORD_ONLY), ("request", inspect.Parameter.KEYWORD_ONLY)]
    for hook in (CookiesMiddleware.process_request, CookiesMiddleware.process_response):
        assert "self._process_cookies(" in inspect.getsource(hook)
    assert "_split_domain(" in inspect.getsource(scrapy_cookies._is_public_domain)


def test_project_replaces_scrapy_cookie_middleware():
    middlewares = project_crawler().settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    assert (middlewares["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"],
            middlewares["govreports.middlewares.OfflineCookiesMiddleware"]) == (None, 700)


def test_suffix_list_never_fetched():
    assert OfflineCookiesMiddleware.split_domain.suffix_list_urls == ()


@pytest.fixture
def cookies(monkeypatch):
    """The cookie middleware, with any connection attempt and Scrapy's own (downloading)
    suffix extractor turned into errors."""
    def no_network(*args, **kwargs):
        raise AssertionError(f"network access while handling cookies: {args}")

    def stock_extractor(domain):
        raise AssertionError("Scrapy's suffix extractor (which downloads the list) was used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(scrapy_cookies, "_split_domain", stock_extractor)
    return OfflineCookiesMiddleware.from_crawler(project_crawler())


def set_cookie(cookies: OfflineCookiesMiddleware, url: str, header: str) -> None:
    request = Request(url)
    cookies.process_request(request)
    cookies.process_response(request, Response(url, headers={"Set-Cookie": header}, request=request))


def cookie_sent(cookies: OfflineCookiesMiddleware, url: str) -> str:
    request = Request(url)
    cookies.process_request(request)
    return request.headers.get("Cookie", b"").decode()


def test_cookie_for_a_public_suffix_reaches_no_other_portal(cookies):
    set_cookie(cookies, "http://www.zyhhg.gov.cn/", "track=1; Domain=.gov.cn; Path=/")
    assert cookie_sent(cookies, "http://www.hc.gov.cn/") == ""


def test_cookie_for_the_portal_domain_is_sent_to_its_hosts(cookies):
    set_cookie(cookies, "http://www.zyhhg.gov.cn/", "JSESSIONID=abc; Domain=.zyhhg.gov.cn; Path=/")
    assert cookie_sent(cookies, "http://xxgk.zyhhg.gov.cn/index.html") == "JSESSIONID=abc"


def test_host_cookie_is_sent_back(cookies):
    set_cookie(cookies, "http://127.0.0.1:8000/a.html", "JSESSIONID=xyz; Path=/")
    assert cookie_sent(cookies, "http://127.0.0.1:8000/b.html") == "JSESSIONID=xyz"
