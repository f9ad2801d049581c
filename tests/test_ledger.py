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


def test_list_pages_counted_per_list():
    book = ledger()
    book.list_page_read("a", LIST_A)
    assert book.list_page_read("a", LIST_A) == 2


def test_a_list_read_to_its_end_is_summarised_as_complete():
    book = ledger()
    book.list_page_read("a", LIST_A)
    book.list_page_read("a", LIST_A)
    assert book.list_summaries() == [ListSummary("http://a.gov.cn/nb/", "a", 2, True)]


def test_list_summaries_use_the_canonical_list_url():
    book = ledger()
    book.list_page_read("a", "HTTP://A.gov.cn:80/nb/index.html?utm_source=x")
    assert book.list_summaries()[0].list_url == "http://a.gov.cn/nb/"


def test_a_list_with_a_failed_page_is_not_complete():
    book = ledger()
    book.list_page_read("a", LIST_A)
    book.list_request_failed("a", LIST_A)
    assert book.list_summaries()[0].complete is False


def test_a_list_cut_short_is_not_complete():
    book = ledger()
    book.list_page_read("a", LIST_A)
    book.list_cut_short("a", LIST_A)
    assert book.list_summaries()[0].complete is False


def test_a_list_stopped_by_the_date_window_cannot_tell():
    book = ledger()
    book.list_page_read("a", LIST_A)
    book.progress(LIST_A).window_stop = True
    assert book.list_summaries()[0].complete is None


def test_progress_is_one_per_canonical_list():
    book = ledger()
    assert book.progress(LIST_A) is book.progress("http://a.gov.cn/nb/")


def test_complete_portals_are_those_with_list_pages_and_nothing_left_unread():
    book = ledger()
    book.list_page_read("a", LIST_A)
    assert book.complete_portals() == ["a"]


def test_a_portal_without_list_pages_is_not_complete():
    assert ledger().complete_portals() == []


def test_a_portal_with_a_list_stopped_early_is_not_complete():
    book = ledger()
    book.list_page_read("a", LIST_A)
    book.list_stopped_early("a")
    assert book.complete_portals() == []


def test_a_portal_whose_list_page_failed_is_not_complete():
    book = ledger()
    book.list_page_read("a", LIST_A)
    book.list_request_failed("a", None)  # a hub page of discovery has no column
    assert (book.complete_portals(), book.list_summaries()[0].complete) == ([], True)


def test_no_portal_is_complete_in_a_date_window():
    book = ledger(windowed=True)
    book.list_page_read("a", LIST_A)
    assert book.complete_portals() == []


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
    book.list_page_read("b", "http://b.gov.cn/nb/")
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
