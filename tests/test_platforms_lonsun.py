"""Lonsun 龙讯: column page → /site/label/8888 request; label fragments → candidates and pages."""

from __future__ import annotations

from pathlib import Path

from govreports.platforms import Page
from govreports.platforms.lonsun import Lonsun

FIXTURES = Path(__file__).parent / "fixtures" / "platforms" / "lonsun"
LABEL = ("https://www.feixi.gov.cn/site/label/8888?labelName=publicInfoList&siteId=6781961"
         "&organId=6788651&catId=7011191&pageIndex={n}&pageSize=15")


def page(name: str, url: str) -> Page:
    return Page(url=url, text=(FIXTURES / name).read_text(encoding="utf-8"))


def column_ajax():
    return Lonsun().parse_list(page("column_ajax.html",
                                    "https://www.feixi.gov.cn/public/column/6781961?type=4&catId=7011191"))


def test_ajax_options_become_the_first_label_request():
    (request,) = column_ajax().next_requests
    assert request.url.startswith(LABEL.format(n=1) + "&")


def test_template_options_of_the_ajax_call_are_passed_on():
    (request,) = column_ajax().next_requests
    assert request.url.endswith("&file=%2Fc1%2Ffxx%2FpublicInfoList_newest")


def test_label_request_is_a_get_read_by_lonsun():
    (request,) = column_ajax().next_requests
    assert (request.method, request.platform) == ("GET", "lonsun")


def test_label_url_printed_in_the_page_is_used():
    listing = Lonsun().parse_list(page("column_url.html", "https://www.jinzhai.gov.cn/public/column/6795281"))
    assert [r.url for r in listing.next_requests] == [
        "https://www.jinzhai.gov.cn/site/label/8888?labelName=publicInfoList&siteId=6795281&organId=6795332"
        "&catId=7130291&pageIndex=1&pageSize=20&file=%2Fc1%2Fjzx%2FpublicInfoList"
    ]


def test_ids_alone_are_enough_for_a_label_request():
    text = "<html><script>var siteId = 6781961; var organId = 6788651; var catId = 7011191;</script></html>"
    listing = Lonsun().parse_list(Page(url="https://www.feixi.gov.cn/public/column/6781961", text=text))
    assert [r.url for r in listing.next_requests] == [LABEL.format(n=1)]


def fragment(name: str, n: int):
    return Lonsun().parse_list(page(name, LABEL.format(n=n)))


def test_fragment_items_become_candidates():
    first = fragment("fragment_page1.html", 1).candidates[0]
    assert (first.url, first.title, first.published) == (
        "https://www.feixi.gov.cn/public/6788651/87654221.html", "肥西县2023年政府信息公开工作年度报告", "2024-01-10")


def test_fragment_lists_all_its_items():
    assert len(fragment("fragment_page1.html", 1).candidates) == 15


def test_fragment_requests_the_next_page_index():
    assert [r.url for r in fragment("fragment_page1.html", 1).next_requests] == [LABEL.format(n=2)]


def test_last_page_of_page_count_ends_paging():
    assert fragment("fragment_page3.html", 3).next_requests == []


def test_record_count_gives_the_page_count():
    url = LABEL.format(n=3).replace("pageSize=15", "pageSize=20")
    # 共53条 at 20 a page: pages 1-3, so page 3 is the last.
    assert Lonsun().parse_list(page("fragment_count.html", url)).next_requests == []


def test_record_count_below_the_total_pages_on():
    url = LABEL.format(n=2).replace("pageSize=15", "pageSize=20")
    assert [r.url for r in Lonsun().parse_list(page("fragment_count.html", url)).next_requests] == [
        LABEL.format(n=3).replace("pageSize=15", "pageSize=20")]
