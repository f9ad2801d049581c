"""Hanweb 大汉 JCMS: embedded datastore records, dataproxy.jsp paging, answers."""

from __future__ import annotations

from pathlib import Path

from govreports.platforms import Page
from govreports.platforms.hanweb import Hanweb

FIXTURES = Path(__file__).parent / "fixtures" / "platforms" / "hanweb"
ZJ_URL = "http://www.fuyang.gov.cn/col/col1229505631/index.html"
JS_URL = "http://www.jiangning.gov.cn/col/col73512/index.html"
GF_URL = "http://www.gfx.gov.cn/col/col1229001122/index.html"
PROXY = "http://www.fuyang.gov.cn/module/jpage/dataproxy.jsp"
ZJ_FORM = (
    ("col", "1"), ("appid", "1"), ("webid", "3396"), ("path", "/"), ("columnid", "1229505631"),
    ("sourceContentType", "1"), ("unitid", "7543749"), ("webname", "杭州市富阳区人民政府"),
    ("permissiontype", "0"),
)


def page(name: str, url: str) -> Page:
    return Page(url=url, text=(FIXTURES / name).read_text(encoding="utf-8"))


def zhejiang():
    return Hanweb().parse_list(page("col_zhejiang.html", ZJ_URL))


def test_records_become_candidates_in_order_with_absolute_urls():
    urls = [c.url for c in zhejiang().candidates[:2]]
    assert urls == [
        "http://www.fuyang.gov.cn/art/2024/1/10/art_1229505631_59012345.html",
        "http://www.fuyang.gov.cn/art/2024/2/11/art_1229505631_59012344.html",  # relative href
    ]


def test_title_comes_from_the_title_attribute_not_the_truncated_text():
    titles = {c.title for c in zhejiang().candidates}
    assert "关于印发《富阳区2021年政府信息公开工作要点》的通知" in titles


def test_record_date_is_read_from_its_span():
    first = zhejiang().candidates[0]
    assert (first.title, first.published) == ("富阳区2023年政府信息公开工作年度报告", "2024-01-10")


def test_every_embedded_record_is_a_candidate():
    record_urls = [c.url for c in zhejiang().candidates if "/art/" in c.url]
    assert len(record_urls) == 45


def test_page_links_outside_the_datastore_are_kept_after_the_records():
    urls = [c.url for c in zhejiang().candidates]
    assert "http://www.fuyang.gov.cn/col/col1229505630/index.html" in urls[45:]


def test_column_page_with_total_requests_every_remaining_group_as_post():
    assert zhejiang().next_requests[0].url == f"{PROXY}?startrecord=46&endrecord=90&perpage=15"


def test_last_group_ends_at_the_total():
    assert [r.url for r in zhejiang().next_requests][-1] == f"{PROXY}?startrecord=91&endrecord=131&perpage=15"


def test_group_requests_are_posts_read_by_hanweb():
    assert {(r.method, r.platform) for r in zhejiang().next_requests} == {("POST", "hanweb")}


def test_form_fields_come_from_the_page_in_jpage_order():
    assert zhejiang().next_requests[0].formdata == ZJ_FORM


def test_jiangsu_variant_keeps_its_web_jpage_proxy_and_totalrecord_tag():
    listing = Hanweb().parse_list(page("col_jiangsu.html", JS_URL))
    assert [r.url for r in listing.next_requests] == [
        "http://www.jiangning.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=21&endrecord=40&perpage=10",
        "http://www.jiangning.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=41&endrecord=57&perpage=10",
    ]


def test_jiangsu_ids_come_from_var_declarations():
    form = dict(Hanweb().parse_list(page("col_jiangsu.html", JS_URL)).next_requests[0].formdata)
    assert (form["webid"], form["unitid"], form["columnid"], form["webname"]) == (
        "37", "287433", "73512", "南京市江宁区人民政府")


def test_table_records_give_title_and_date():
    first = Hanweb().parse_list(page("col_jiangsu.html", JS_URL)).candidates[0]
    assert (first.title, first.published) == ("江宁区2023年政府信息公开工作年度报告", "2024-01-10")


def test_without_a_total_the_next_group_carries_its_fields_in_the_query():
    (request,) = Hanweb().parse_list(page("col_no_total.html", GF_URL)).next_requests
    assert request.url.startswith(
        "http://www.gfx.gov.cn/module/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
        "&col=1&appid=1&webid=88&path=%2F&columnid=1229001122&sourceContentType=1&unitid=4099123&webname="
    )


def test_camel_case_ids_and_site_name_meta_fill_the_form():
    (request,) = Hanweb().parse_list(page("col_no_total.html", GF_URL)).next_requests
    form = dict(request.formdata)
    assert (form["webid"], form["unitid"], form["columnid"], form["webname"]) == (
        "88", "4099123", "1229001122", "上饶市广丰区人民政府")


def test_short_column_without_total_is_not_paged():
    listing = Hanweb().parse_list(page("col_short.html", "http://www.gfx.gov.cn/col/col1229001199/index.html"))
    assert listing.next_requests == []


def answer(name: str, query: str):
    return Hanweb().parse_list(Page(url=f"{PROXY}?{query}", text=(FIXTURES / name).read_text(encoding="utf-8")))


FIELDS_QUERY = "col=1&appid=1&webid=3396&path=%2F&columnid=1229505631&sourceContentType=1&unitid=7543749&webname=x&permissiontype=0"


def test_dataproxy_answer_records_are_candidates():
    listing = answer("dataproxy_answer.xml", "startrecord=46&endrecord=90&perpage=15")
    assert (len(listing.candidates), listing.candidates[0].url) == (
        45, "http://www.fuyang.gov.cn/art/2024/1/10/art_1229505631_59012345.html")


def test_answer_to_a_batched_post_requests_nothing_more():
    # The column page already requested every group; its body is not visible here.
    assert answer("dataproxy_answer.xml", "startrecord=46&endrecord=90&perpage=15").next_requests == []


def test_answer_with_fields_in_query_pages_on_to_the_total():
    (request,) = answer("dataproxy_answer.xml", f"startrecord=46&endrecord=90&perpage=15&{FIELDS_QUERY}").next_requests
    assert request.url == f"{PROXY}?startrecord=91&endrecord=131&perpage=15&{FIELDS_QUERY}"


def test_answer_paging_reposts_the_form_fields():
    (request,) = answer("dataproxy_answer.xml", f"startrecord=46&endrecord=90&perpage=15&{FIELDS_QUERY}").next_requests
    assert (request.method, dict(request.formdata)["columnid"], dict(request.formdata)["webname"]) == (
        "POST", "1229505631", "x")


def test_answer_reaching_the_total_ends_paging():
    listing = answer("dataproxy_last.xml", f"startrecord=91&endrecord=131&perpage=15&{FIELDS_QUERY}")
    assert listing.next_requests == []


def test_jiangsu_page_answer_pages_by_page_number_until_totalpage():
    query = "page=5&appid=1&webid=37&path=/&columnid=73512&unitid=287433&permissiontype=0"
    (request,) = Hanweb().parse_list(Page(
        url=f"http://www.jiangning.gov.cn/module/web/jpage/dataproxy.jsp?{query}",
        text=(FIXTURES / "dataproxy_jiangsu_page.xml").read_text(encoding="utf-8"),
    )).next_requests
    assert request.url == ("http://www.jiangning.gov.cn/module/web/jpage/dataproxy.jsp?page=6&appid=1&webid=37"
                           "&path=%2F&columnid=73512&unitid=287433&permissiontype=0")


def test_jiangsu_last_page_ends_paging():
    query = "page=6&appid=1&webid=37&path=/&columnid=73512&unitid=287433&permissiontype=0"
    listing = Hanweb().parse_list(Page(
        url=f"http://www.jiangning.gov.cn/module/web/jpage/dataproxy.jsp?{query}",
        text=(FIXTURES / "dataproxy_jiangsu_page.xml").read_text(encoding="utf-8"),
    ))
    assert listing.next_requests == []


def test_page_embedding_less_than_a_group_is_continued_right_after_its_records():
    text = (FIXTURES / "col_short.html").read_text(encoding="utf-8").replace(
        "</recordset>", "</recordset><totalrecord>40</totalrecord>")
    listing = Hanweb().parse_list(Page(url="http://www.gfx.gov.cn/col/col1229001199/index.html", text=text))
    assert [r.url for r in listing.next_requests] == [
        "http://www.gfx.gov.cn/module/jpage/dataproxy.jsp?startrecord=8&endrecord=40&perpage=15"]
