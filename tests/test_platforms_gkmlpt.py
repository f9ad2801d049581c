"""Guangdong gkmlpt: HTML shell → JSON API request; API answers → candidates and pages."""

from __future__ import annotations

import json
from pathlib import Path

from govreports.platforms import Page
from govreports.platforms.gkmlpt import Gkmlpt, as_date, post_url

FIXTURES = Path(__file__).parent / "fixtures" / "platforms" / "gkmlpt"
API = "http://www.szlhq.gov.cn/gkmlpt/api/all/2847"


def page(name: str, url: str) -> Page:
    return Page(url=url, text=(FIXTURES / name).read_text(encoding="utf-8"))


def test_shell_requests_the_api_for_the_category_in_the_url_fragment():
    listing = Gkmlpt().parse_list(page("index.html", "http://www.szlhq.gov.cn/gkmlpt/index#2847"))
    assert [(r.url, r.method, r.platform) for r in listing.next_requests] == [
        (f"{API}?page=1&sid=755033", "GET", "gkmlpt")]


def test_shell_prefers_the_category_the_page_prints():
    listing = Gkmlpt().parse_list(page("index_category.html", "http://www.szlhq.gov.cn/gkmlpt/index#99"))
    assert listing.next_requests[0].url == f"{API}?page=1&sid=755033"


def test_shell_without_category_lists_category_zero():
    listing = Gkmlpt().parse_list(page("index.html", "http://www.szlhq.gov.cn/gkmlpt/index"))
    assert listing.next_requests[0].url == "http://www.szlhq.gov.cn/gkmlpt/api/all/0?page=1&sid=755033"


def test_shell_under_a_site_sub_path_keeps_it():
    listing = Gkmlpt().parse_list(page("index.html", "http://www.szlh.gov.cn/lhqkjj/gkmlpt/index#5"))
    assert listing.next_requests[0].url == "http://www.szlh.gov.cn/lhqkjj/gkmlpt/api/all/5?page=1&sid=755033"


def api_page1():
    return Gkmlpt().parse_list(page("api_page1.json", f"{API}?page=1&sid=755033"))


def test_api_articles_become_candidates_with_their_url_and_title():
    first = api_page1().candidates[0]
    assert (first.url, first.title) == (
        "http://www.szlhq.gov.cn/gkmlpt/content/10/10912/post_10912345.html",
        "龙华区2023年政府信息公开工作年度报告",
    )


def test_epoch_publish_time_is_a_beijing_date():
    assert api_page1().candidates[1].published == "2024-01-16"


def test_article_with_only_an_id_gets_the_post_url():
    # Third article of the fixture has no "url": id 10912359.
    assert api_page1().candidates[2].url == "http://www.szlhq.gov.cn/gkmlpt/content/10/10912/post_10912359.html"


def test_api_requests_the_next_page_below_the_total():
    assert [r.url for r in api_page1().next_requests] == [f"{API}?page=2&sid=755033"]


def test_display_time_string_is_read_as_a_date():
    listing = Gkmlpt().parse_list(page("api_page3.json", f"{API}?page=3&sid=755033"))
    assert listing.candidates[0].published == "2024-01-25"


def test_empty_page_ends_paging():
    listing = Gkmlpt().parse_list(page("api_empty.json", f"{API}?page=4&sid=755033"))
    assert listing.next_requests == []


def test_page_reaching_the_total_ends_paging():
    answer = json.dumps({"articles": [{"id": 5, "title": "t"}] * 5, "total": 10})
    assert Gkmlpt().parse_list(Page(url=f"{API}?page=2&sid=1", text=answer)).next_requests == []


def test_short_page_with_declared_size_ends_paging():
    answer = json.dumps({"articles": [{"id": 5, "title": "t"}] * 3, "total": 100, "page_size": 20})
    assert Gkmlpt().parse_list(Page(url=f"{API}?page=1&sid=1", text=answer)).next_requests == []


def test_nested_data_and_alternative_keys_are_read():
    answer = json.dumps({"data": {"list": [{"title": "2023年度报告", "post_url": "/a.html",
                                            "created_at": "2024-02-01 09:00:00"}], "total": 1}})
    listing = Gkmlpt().parse_list(Page(url=f"{API}?page=1&sid=1", text=answer))
    assert listing.candidates[0] == type(listing.candidates[0])(
        url="http://www.szlhq.gov.cn/a.html", title="2023年度报告", published="2024-02-01")


def test_post_url_shape():
    assert post_url("http://x.gov.cn/gkmlpt/api/all/1?page=1", 4085632) == \
        "http://x.gov.cn/gkmlpt/content/4/4085/post_4085632.html"


def test_millisecond_timestamps_are_dates():
    assert as_date(1706150400000) == "2024-01-25"
