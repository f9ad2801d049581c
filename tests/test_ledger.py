"""The crawl ledger: what the spider records, and what the pipeline reads from it."""

from govreports.failures import FailureKind
from govreports.ledger import CrawlLedger, CrawlRun, LedgerKeeper, ListSummary, ledger_of
from govreports.registry import Portal

A = Portal(portal_id="a", region_code="520302", region_name="红花岗区", portal_name="A",
           home_url="http://a.gov.cn/", list_urls=("http://a.gov.cn/nb/index.html",))
B = Portal(portal_id="b", region_code="520303", region_name="汇川区", portal_name="B",
           home_url="http://b.gov.cn/index.html")
LIST_A = "http://a.gov.cn/nb/index.html"


def ledger(*portals: Portal, windowed: bool = False) -> CrawlLedger:
    return CrawlLedger(CrawlRun(region="遵义市", args={"region": "遵义市"}, portals=portals or (A, B),
                                windowed=windowed))


def test_run_rows_are_the_registry_rows_of_its_portals():
    assert ledger(A).run.portal_rows() == [A.as_row()]


def read_pages(book: CrawlLedger, portal_id: str, column: str, *pages: str) -> None:
    """The crawl asks for the list's first page and its next pages, and reads them all."""
    for n, page in enumerate(pages):
        book.list_page_requested(portal_id, column, page, first=n == 0)
    for page in pages:
        book.list_page_read(portal_id, column, page)


def test_list_pages_counted_per_list():
    book = ledger()
    book.list_page_read("a", LIST_A, "p0")
    assert book.list_page_read("a", LIST_A, "p1") == 2


def test_a_list_read_to_its_end_is_summarised_as_complete_and_read_whole():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0", "p1")
    assert book.list_summaries() == [ListSummary("http://a.gov.cn/nb/", "a", 2, True, True)]


def test_list_summaries_use_the_canonical_list_url():
    book = ledger()
    read_pages(book, "a", "HTTP://A.gov.cn:80/nb/index.html?utm_source=x", "p0")
    assert book.list_summaries()[0].list_url == "http://a.gov.cn/nb/"


def test_a_page_asked_for_again_is_not_asked_for_twice():
    book = ledger()
    assert [book.list_page_requested("a", LIST_A, "p0", first=True), book.list_page_requested("a", LIST_A, "p1"),
            book.list_page_requested("a", LIST_A, "p0")] == [True, True, False]


def test_a_list_with_a_failed_page_is_not_complete():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.list_page_requested("a", LIST_A, "p1")
    book.list_request_failed("a", LIST_A, "p1")
    assert tuple(book.list_summaries()[0])[3:] == (False, False)


def test_a_list_cut_short_is_not_complete():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.list_cut_short("a", LIST_A, "runaway paging")
    assert (tuple(book.list_summaries()[0])[3:], book.lists["http://a.gov.cn/nb/"].cut_short) == (
        (False, False), "runaway paging")


def test_a_list_stopped_by_the_date_window_cannot_tell():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.progress(LIST_A).window_stop = True
    assert tuple(book.list_summaries()[0])[3:] == (None, False)


def test_a_list_stopped_early_was_covered_but_not_read_whole():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.list_stopped_early("a", LIST_A)
    assert (tuple(book.list_summaries()[0])[3:], book.complete_portals()) == ((True, False), [])


def test_progress_is_one_per_canonical_list():
    book = ledger()
    assert book.progress(LIST_A) is book.progress("http://a.gov.cn/nb/")


def test_complete_portals_are_those_with_every_list_read_whole():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0", "p1")
    assert book.complete_portals() == ["a"]


def test_a_portal_without_list_pages_is_not_complete():
    assert ledger().complete_portals() == []


def test_a_portal_with_a_list_stopped_early_is_not_complete():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.list_stopped_early("a", LIST_A)
    assert book.complete_portals() == []


def test_a_portal_whose_discovery_page_failed_is_not_complete():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.navigation_page_requested("a", "hub")
    book.list_request_failed("a", None, "hub")  # a hub page of discovery has no column
    assert (book.complete_portals(), book.list_summaries()[0].complete) == ([], True)


def test_no_portal_is_complete_in_a_date_window():
    book = ledger(windowed=True)
    read_pages(book, "a", LIST_A, "p0")
    assert book.complete_portals() == []


# --- a resumed job (JOBDIR): what an earlier run read, this crawl did not --------------------------
def test_a_list_whose_first_page_was_never_answered_is_not_read_whole():
    # The resumed job asks for the list's first page again; the duplicate filter drops
    # it (the earlier run read it), and the job reads the pages left in its queue.
    book = ledger()
    book.list_page_requested("a", LIST_A, "p0", first=True)
    book.list_page_read("a", LIST_A, "p3")  # requested by the earlier run
    assert (tuple(book.list_summaries()[0])[2:], book.complete_portals()) == ((1, None, False), [])


def test_a_page_answered_that_this_crawl_never_asked_for_leaves_the_list_unread():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0", "p1")
    book.list_page_read("a", LIST_A, None)  # a queued request of an older version, without a key
    assert (book.list_summaries()[0].read_whole, book.complete_portals()) == (False, [])


def test_a_page_asked_for_and_never_answered_leaves_the_list_unread():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.list_page_requested("a", LIST_A, "p1")  # dropped by the duplicate filter: never answered
    assert (tuple(book.list_summaries()[0])[3:], book.complete_portals()) == ((None, False), [])


def test_a_list_of_a_portal_only_read_by_an_earlier_run_leaves_the_portal_unread():
    book = ledger()
    read_pages(book, "a", LIST_A, "p0")
    book.list_page_read("a", "http://a.gov.cn/nb/bm/", "q4")  # a sub-list the earlier run asked for
    assert book.complete_portals() == []


def test_discovery_pages_never_answered_leave_the_portal_unread():
    book = ledger()
    book.navigation_page_requested("b", "home")  # dropped by a resumed job's duplicate filter
    read_pages(book, "b", "http://b.gov.cn/nb/", "p0")
    assert book.complete_portals() == []


def test_discovery_pages_answered_leave_the_portal_complete():
    book = ledger()
    book.navigation_page_requested("b", "home")
    book.navigation_page_read("b", "home")
    read_pages(book, "b", "http://b.gov.cn/nb/", "p0")
    assert book.complete_portals() == ["b"]


# --- caps and unreachable hosts ----------------------------------------------------------------------
def test_report_links_are_admitted_up_to_the_portal_cap():
    book = ledger()
    admitted = [book.admit_report_link("a", f"http://a.gov.cn/t{n}.html", cap=2) for n in (1, 2, 1, 3)]
    assert (admitted, book.link_capped, "a" in book.incomplete_portals) == ([True, True, True, False], {"a"}, True)


def test_an_unreachable_host_is_noted_once_with_its_reason():
    book = ledger()
    first = book.host_unreachable("a.gov.cn", "DNS lookup failed")
    again = book.host_unreachable("a.gov.cn", "connection refused")
    assert (first, again, book.unreachable_hosts()) == (True, False, {"a.gov.cn": "DNS lookup failed"})


def test_an_event_is_the_first_time_once():
    book = ledger()
    assert [book.first_time("x"), book.first_time("x"), book.first_time("y")] == [True, False, True]


def test_discovery_that_found_nothing_is_a_closing_failure():
    book = ledger()
    book.discovery_started("b")
    for _ in range(3):
        book.discovery_step("b")
    [failure] = book.closing_failures()
    assert (failure.portal_id, failure.url, failure.kind, failure.reason) == (
        "b", "http://b.gov.cn/index.html", FailureKind.DISCOVERY,
        "discovery found no report column within 3 requests; set list_urls in the registry")


def test_discovery_that_reached_a_list_is_no_failure():
    book = ledger()
    book.discovery_started("b")
    book.list_page_read("b", "http://b.gov.cn/nb/", "p0")
    assert book.closing_failures() == []


def test_discovery_that_found_a_report_directly_is_no_failure():
    book = ledger()
    book.discovery_started("b")
    book.report_found("b")
    assert book.closing_failures() == []


def test_only_a_ledger_keeper_has_a_ledger():
    class Keeper(LedgerKeeper):
        def __init__(self, book):
            self.ledger = book

    book = ledger()
    assert (ledger_of(Keeper(book)), ledger_of(object())) == (book, None)
