"""Crawls of many portals, in process: which portals are done, running or left
(:mod:`govreports.activity`, the scheduler that counts them), each portal's budget
(:class:`~govreports.middlewares.PortalBudgetMiddleware` and the spider's record of
it), the progress lines, and the end summary's lists of unreachable and over-budget
portals.  The real crawl of a simulated province is ``tests/test_province_crawl.py``."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from twisted.python.failure import Failure

from govreports import middlewares
from govreports.activity import DONE, LEFT, RUNNING, PortalActivity
from govreports.extensions import CrawlSummary, PortalProgress
from govreports.failures import FailureKind, PortalBudgetSpent
from govreports.items import FetchFailureItem
from govreports.middlewares import PortalBudgetMiddleware
from govreports.outcome import RunOutcome, summary_lines
from govreports.pipelines import SQLitePipeline
from govreports.scheduler import PortalScheduler
from tests.conftest import project_crawler
from tests.harness import REPO
from tests.inprocess import make_spider, portal_row, site_url

# --- done, running, left ------------------------------------------------------------------


def test_a_portal_is_left_until_admitted_running_while_anything_is_outstanding_then_done():
    activity = PortalActivity()
    states = [activity.state("a", Counter())]
    activity.admit("a")
    activity.enqueued("a")
    states.append(activity.state("a", Counter()))  # waiting in the scheduler
    activity.dequeued("a")
    states.append(activity.state("a", Counter({"a": 1})))  # in the downloader or with the spider
    states.append(activity.state("a", Counter({"b": 3})))
    assert states == [LEFT, RUNNING, RUNNING, DONE]


def test_a_tally_counts_each_state_and_names_each_portal_once_when_it_is_done():
    activity = PortalActivity()
    for portal_id in ("a", "b"):
        activity.admit(portal_id, now=9.0)
    activity.enqueued("b")
    first = activity.tally(["a", "b", "c"], Counter(), now=10.0)
    activity.dequeued("b")
    second = activity.tally(["a", "b", "c"], Counter(), now=12.0)
    third = activity.tally(["a", "b", "c"], Counter(), now=14.0)
    assert (first, second, third) == ((1, 1, 1, ["a"]), (2, 0, 1, ["b"]), (2, 0, 1, []))
    assert (activity.seconds("a"), activity.seconds("b"), activity.seconds("c")) == (1.0, 3.0, 0.0)


def test_a_request_of_an_earlier_run_of_a_job_does_not_make_the_count_negative():
    activity = PortalActivity()
    activity.admit("a")
    activity.dequeued("a")  # came from the JOBDIR queue, never counted in
    activity.enqueued("a")
    assert (activity.queued["a"], activity.sent["a"], activity.state("a", Counter())) == (1, 1, RUNNING)


def test_open_portals_are_the_admitted_ones_with_something_outstanding():
    activity = PortalActivity()
    for portal_id in ("a", "b", "c"):
        activity.admit(portal_id)
    activity.enqueued("a")
    assert activity.open_portals(Counter({"b": 2, "z": 1})) == 2


# --- the scheduler counts what it holds -------------------------------------------------------
def spider_of(tmp_path, portals=("a", "b", "c"), **settings):
    rows = [portal_row(p, lists=["list.html"], region_code="520302", region_name="红花岗区") for p in portals]
    return make_spider(tmp_path, rows, region="红花岗区", settings=settings)


def test_the_scheduler_counts_each_portals_requests_in_and_out(tmp_path):
    # (the downloader-aware queue of the settings needs a running engine; the counting does not)
    spider = spider_of(tmp_path, SCHEDULER_PRIORITY_QUEUE="scrapy.pqueues.ScrapyPriorityQueue")
    scheduler = PortalScheduler.from_crawler(spider.crawler)
    scheduler.open(spider)
    for portal_id, path in (("a", "1"), ("a", "2"), ("a", "1"), ("b", "1")):  # the second a/1 is a duplicate
        scheduler.enqueue_request(Request(site_url(portal_id, path), meta={"portal_id": portal_id}))
    scheduler.enqueue_request(Request("http://portals.test/robots.txt"))  # no portal's
    queued = dict(spider.ledger.activity.queued)
    taken = [scheduler.next_request() for _ in range(4)]
    assert (queued, len([r for r in taken if r is not None]), dict(spider.ledger.activity.queued),
            dict(spider.ledger.activity.sent)) == ({"a": 2, "b": 1}, 4, {}, {"a": 2, "b": 1})


# --- each portal's budget ---------------------------------------------------------------------
def budget(**settings) -> PortalBudgetMiddleware:
    return PortalBudgetMiddleware.from_crawler(project_crawler(**settings))


def request_of(portal_id: str, n: int = 0) -> Request:
    return Request(f"http://{portal_id}.gov.cn/t{n}.html", meta={"portal_id": portal_id})


def test_requests_past_a_portals_budget_are_not_sent_and_say_why():
    middleware = budget(GOVREPORTS_PORTAL_MAX_REQUESTS=3, GOVREPORTS_PORTAL_MAX_SECONDS=0)
    for n in range(3):
        assert middleware.process_request(request_of("huge", n)) is None
    with pytest.raises(PortalBudgetSpent) as spent:
        middleware.process_request(request_of("huge", 3))
    with pytest.raises(PortalBudgetSpent):
        middleware.process_request(request_of("huge", 4))
    assert middleware.process_request(request_of("small")) is None  # other portals go on
    assert str(spent.value) == ("portal huge: budget of 3 requests spent (GOVREPORTS_PORTAL_MAX_REQUESTS); "
                                "its other requests are not sent")
    assert middleware.stats.get_value("govreports/portal/huge/requests") == 3
    assert middleware.stats.get_value("govreports/portals_over_budget") == 1


def test_a_portals_time_runs_from_its_first_request(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(middlewares.time, "monotonic", lambda: clock[0])
    middleware = budget(GOVREPORTS_PORTAL_MAX_REQUESTS=0, GOVREPORTS_PORTAL_MAX_SECONDS=60)
    middleware.process_request(request_of("slow"))
    clock[0] += 59
    middleware.process_request(request_of("slow", 1))
    middleware.process_request(request_of("late"))  # its own clock starts now
    clock[0] += 2
    with pytest.raises(PortalBudgetSpent, match=r"budget of 60 s spent after 2 requests \(GOVREPORTS_PORTAL_MAX_SECONDS\)"):
        middleware.process_request(request_of("slow", 2))
    assert middleware.process_request(request_of("late", 1)) is None


def test_no_budget_with_zero_and_requests_of_no_portal_are_not_counted():
    middleware = budget(GOVREPORTS_PORTAL_MAX_REQUESTS=0, GOVREPORTS_PORTAL_MAX_SECONDS=0)
    for n in range(50):
        middleware.process_request(request_of("big", n))
    middleware.process_request(Request("http://big.gov.cn/robots.txt"))
    assert (middleware.stats.get_value("govreports/portal/big/requests"), middleware.spent) == (50, {})


@pytest.mark.parametrize("name", ["GOVREPORTS_PORTAL_MAX_REQUESTS", "GOVREPORTS_PORTAL_MAX_SECONDS"])
def test_a_negative_budget_is_an_error_naming_the_setting(name):
    with pytest.raises(ValueError, match=f"setting {name} must be 0 \\(no limit\\) or more, not -1"):
        budget(**{name: -1})


def budget_failure(request, portal_id="a") -> Failure:
    try:
        raise PortalBudgetSpent(portal_id, "budget of 3 requests spent (GOVREPORTS_PORTAL_MAX_REQUESTS); "
                                           "its other requests are not sent")
    except PortalBudgetSpent:
        failure = Failure()
    failure.request = request
    return failure


def spider_that_read_its_list(tmp_path):
    """A spider of portal ``a`` whose one list page was asked for and read."""
    spider = spider_of(tmp_path, portals=("a",))
    column = site_url("a", "list.html")
    listing = spider.list_request(spider.portal_by_id["a"], column, column=column, platform="auto", first=True)
    spider.ask(listing)
    spider.ledger.list_page_read("a", column, listing.meta["page_key"])
    return spider


def test_a_portal_over_budget_is_recorded_once_and_not_read_whole(tmp_path):
    spider = spider_that_read_its_list(tmp_path)
    portal, column = spider.portal_by_id["a"], site_url("a", "list.html")
    # the list page was read; its reports were dropped by the budget
    reports = [spider.report_request(portal, site_url("a", f"t{n}.html"), column=column) for n in range(3)]
    outs = [list(spider.on_error(budget_failure(request))) for request in reports]
    assert [len(out) for out in outs] == [1, 0, 0]
    [item] = outs[0]
    assert (item.kind, item.portal_id, item.reason) == (
        FailureKind.PORTAL_BUDGET, "a", "portal a: budget of 3 requests spent (GOVREPORTS_PORTAL_MAX_REQUESTS); "
                                        "its other requests are not sent")
    assert (spider.ledger.complete_portals(), spider.ledger.budget_spent) == (
        [], {"a": "budget of 3 requests spent (GOVREPORTS_PORTAL_MAX_REQUESTS); its other requests are not sent"})
    assert spider.crawler.stats.get_value("govreports/portal/a/dropped_over_budget") == 2


def test_without_its_budget_cut_the_same_portal_is_read_whole(tmp_path):
    # the other half of the test above: it is the budget that makes the difference
    assert spider_that_read_its_list(tmp_path).ledger.complete_portals() == ["a"]


# --- progress lines -----------------------------------------------------------------------------
def test_progress_off_with_zero_and_a_negative_interval_is_an_error():
    with pytest.raises(NotConfigured):
        PortalProgress.from_crawler(project_crawler(GOVREPORTS_PROGRESS_INTERVAL=0))
    with pytest.raises(ValueError, match="GOVREPORTS_PROGRESS_INTERVAL must be 0"):
        PortalProgress.from_crawler(project_crawler(GOVREPORTS_PROGRESS_INTERVAL=-5))


def test_progress_lines_count_portals_reports_failures_and_name_each_done_portal_once(tmp_path):
    spider = spider_of(tmp_path)
    progress = PortalProgress.from_crawler(spider.crawler)
    progress.ledger = spider.ledger
    stats, activity = spider.crawler.stats, spider.ledger.activity
    for portal_id in ("a", "b"):
        activity.admit(portal_id)
    activity.enqueued("b")
    stats.set_value("govreports/portal/a/requests", 4)
    stats.set_value("govreports/portal/a/reports", 2)
    stats.set_value("govreports/portal/b/requests", 1)
    stats.set_value("govreports/failures", 1)
    stats.set_value("govreports/portal/a/failures", 1)
    first = progress.progress_lines(closing=True)
    second = progress.progress_lines(closing=True)
    assert first[0] == ("progress: 1/3 portals done, 1 running, 1 left; 2 reports found, 1 failures recorded, "
                        "5 requests")
    assert first[1].startswith("  done: a: 4 requests, 2 reports, 1 failures, ") and first[1].endswith(" s")
    assert first[2] == "  running: b (1 requests, 0 reports)"
    assert [line for line in second if "done:" in line] == []


# --- the end summary: unreachable portals and those over budget ------------------------------------
def summary_of(capsys, tmp_path, failures) -> list[str]:
    spider = spider_of(tmp_path)
    CrawlSummary.from_crawler(spider.crawler)
    pipeline = SQLitePipeline.from_crawler(spider.crawler)
    spider.crawler.stats.set_value("govreports/portal/c/list_pages", 1)  # c read a page: it was reached

    async def crawl():
        await pipeline.open_spider()
        for portal_id, kind, reason in failures:
            await pipeline.process_item(FetchFailureItem(portal_id=portal_id, url=site_url(portal_id, "list.html"),
                                                         reason=reason, kind=kind))
        await pipeline.close_spider()
        await pipeline.spider_closed("finished")

    asyncio.run(crawl())
    return capsys.readouterr().out.splitlines()


def test_summary_lists_unreachable_portals_and_those_cut_by_their_budget_with_the_reasons(capsys, tmp_path):
    lines = summary_of(capsys, tmp_path, [
        ("a", FailureKind.UNREACHABLE, "host a.gov.cn unreachable: connection refused"),
        ("a", FailureKind.DNS, "DNS lookup failed"),
        ("b", FailureKind.PORTAL_BUDGET, "portal b: budget of 5000 requests spent"),
        ("c", FailureKind.TIMEOUT, "timeout"),  # a page of it was read: reached, only slow once
    ])
    start = lines.index("  unreachable portals (1):")
    assert lines[start:start + 4] == [
        "  unreachable portals (1):",
        "    a: host a.gov.cn unreachable: connection refused",
        "  portals cut short by their budget (1):",
        "    b: portal b: budget of 5000 requests spent",
    ]


def test_summary_has_no_such_lists_when_every_portal_was_reached(capsys, tmp_path):
    lines = summary_of(capsys, tmp_path, [("c", FailureKind.HTTP_ERROR, "HTTP 404")])
    assert [line for line in lines if "unreachable" in line or "budget" in line] == []


def test_a_summary_of_many_portals_shows_those_with_the_most_reports_and_counts_the_rest():
    outcome = RunOutcome(
        run_id="r", database="db", status="finished", new=10, updated=0, unchanged=0, failures=4,
        portals={f"p{n:02}": {"reports": n % 4} for n in range(12)},
        portal_failures={f"p{n:02}": {FailureKind.UNREACHABLE: f"host p{n:02} unreachable"} for n in (0, 4, 8)})
    lines = summary_lines(outcome, max_portals=2)
    assert lines[1] == "  12 portals, 9 of them with reports; the 2 with the most reports:"
    assert [line.split(":")[0].strip() for line in lines[2:4]] == ["p03", "p07"]
    assert lines[4].startswith("  … and 10 more portals")
    assert lines[5:9] == ["  unreachable portals (3):", "    p00: host p00 unreachable",
                          "    p04: host p04 unreachable", "    … and 1 more (scrapy export failures -o -)"]
    assert len([line for line in summary_lines(outcome) if line.startswith("  p")]) == 12  # no cap


# --- idle connections ------------------------------------------------------------------------------
HANDLER_POOL = """
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from govreports.browser import BrowserDownloadHandler
from tests.conftest import project_crawler
handler = BrowserDownloadHandler.from_crawler(project_crawler(GOVREPORTS_IDLE_CONNECTION_SECONDS=7))
print(handler._pool.cachedConnectionTimeout)
"""


def test_idle_connections_are_kept_only_as_long_as_the_setting_says():
    # in a process of its own: the handler needs an installed reactor
    result = subprocess.run([sys.executable, "-c", HANDLER_POOL], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "7.0", result.stderr[-2000:]
