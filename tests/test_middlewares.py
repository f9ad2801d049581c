"""The downloader middlewares, in process: real Scrapy requests and responses through
middlewares built by ``from_crawler`` from the project's settings."""

from __future__ import annotations

import asyncio
import inspect
import socket
import time

import pytest
import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from govreports.failures import ChallengeNotPassed, FailureKind, RedirectLoop, failure_reason
from govreports.middlewares import (
    NOT_BEFORE,
    AntiBotMiddleware,
    BackoffRetryMiddleware,
    NotBeforeMiddleware,
    OfflineCookiesMiddleware,
    RedirectLoopMiddleware,
    not_before,
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
