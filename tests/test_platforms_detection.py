"""Which family reads a page (``platform=auto``), and when a page needs a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreports.platforms import PLATFORM_CLASSES, Page, detect_platform, get_platform
from govreports.platforms.jsshell import render_js_needed

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
PAGES = {
    "hanweb/col_zhejiang.html": ("http://www.fuyang.gov.cn/col/col1229505631/index.html", "hanweb"),
    "hanweb/col_jiangsu.html": ("http://www.jiangning.gov.cn/col/col73512/index.html", "hanweb"),
    "hanweb/col_no_total.html": ("http://www.gfx.gov.cn/col/col1229001122/index.html", "hanweb"),
    "gkmlpt/index.html": ("http://www.szlhq.gov.cn/gkmlpt/index", "gkmlpt"),
    "gkmlpt/api_page1.json": ("http://www.szlhq.gov.cn/gkmlpt/api/all/2847?page=1&sid=755033", "gkmlpt"),
    "lonsun/column_ajax.html": ("https://www.feixi.gov.cn/public/column/6781961", "lonsun"),
    "lonsun/column_url.html": ("https://www.jinzhai.gov.cn/public/column/6795281", "lonsun"),
    "lonsun/fragment_page1.html": ("https://www.feixi.gov.cn/site/label/8888?labelName=publicInfoList&pageIndex=1",
                                   "lonsun"),
    "epoint/list_shell.html": ("http://www.wujiang.gov.cn/zwgk/014002/014002003/", "epoint"),
    "trs/list.html": ("http://www.zyhhg.gov.cn/zwgk/xxgknb/index.html", "trs"),
    "generic/list.html": ("http://www.linyou.gov.cn/zwgk/xxgknb/list.htm", "generic"),
}


def page(name: str) -> Page:
    url, _ = PAGES[name]
    return Page(url=url, text=(FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_auto_detection_picks_the_family(name):
    assert detect_platform(page(name)).name == PAGES[name][1]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_other_family_claims_the_page(name):
    claimed = {cls.name for cls in PLATFORM_CLASSES if cls.detect(page(name))} - {"generic"}
    assert claimed <= {PAGES[name][1]}


def test_hanweb_generator_meta_alone_is_recognised():
    text = '<html><head><meta name="generator" content="Hanweb JCMS"></head><body></body></html>'
    assert detect_platform(Page(url="http://x.gov.cn/", text=text)).name == "hanweb"


def test_a_link_to_a_gkmlpt_catalogue_does_not_make_a_page_gkmlpt():
    text = '<html><body><a href="/gkmlpt/index">政府信息公开目录</a><script>var siteId = 755;</script></body></html>'
    assert detect_platform(Page(url="http://www.gd.gov.cn/zwgk/", text=text)).name == "generic"


def test_trs_page_linking_to_an_epoint_trading_site_stays_trs():
    text = (FIXTURES / "trs/list.html").read_text(encoding="utf-8").replace(
        "</ul>", '<li><a href="http://ggzy.zyhhg.gov.cn/showinfo.html?infoGuid=ab12">交易公告</a></li></ul>')
    assert detect_platform(Page(url=PAGES["trs/list.html"][0], text=text)).name == "trs"


def test_named_platform_is_used_without_detection():
    # A dataproxy answer named by its ListRequest is read by Hanweb even with no markers.
    answer = Page(url="http://x.gov.cn/anything", text="<datastore><recordset></recordset></datastore>")
    assert get_platform("hanweb", answer).name == "hanweb"


def shell(name: str) -> Page:
    return Page(url="http://www.zyhc.gov.cn/zwgk/nb/", text=(FIXTURES / name).read_text(encoding="utf-8"))


def test_spa_shell_needs_a_browser():
    assert render_js_needed(shell("jsshell/spa_shell.html")) is True


def test_ajax_filled_empty_list_needs_a_browser():
    assert render_js_needed(shell("jsshell/ajax_list.html")) is True


def test_static_list_with_ajax_counter_needs_no_browser():
    assert render_js_needed(page("trs/list.html")) is False


def test_static_list_without_scripts_needs_no_browser():
    assert render_js_needed(page("generic/list.html")) is False


def test_shell_a_module_can_read_needs_no_browser():
    assert render_js_needed(page("epoint/list_shell.html")) is False


def test_lonsun_shell_needs_no_browser():
    assert render_js_needed(page("lonsun/column_ajax.html")) is False


def test_epoint_shell_without_readable_config_needs_a_browser():
    text = (FIXTURES / "epoint/list_shell.html").read_text(encoding="utf-8").replace(
        "/EpointWebBuilder/rest/frontAppCustomAction/getPageInfoListNew", "/api/list")
    assert render_js_needed(Page(url=PAGES["epoint/list_shell.html"][0], text=text)) is True


def test_json_answer_needs_no_browser():
    assert render_js_needed(page("gkmlpt/api_page1.json")) is False


def test_detail_shell_needs_the_browser():
    from govreports.platforms.jsshell import detail_needs_browser

    shell = ('<html><head><title>信息详情</title></head><body><div id="app"></div>'
             '<script>fetch("/api/detail/1.json").then(r => r.json())</script></body></html>')
    assert detail_needs_browser(Page(url="http://a.gov.cn/showinfo.html?infoGuid=1", text=shell)) is True


def test_detail_page_with_its_text_needs_no_browser():
    from govreports.platforms.jsshell import detail_needs_browser

    page = ("<html><body><div class='TRS_Editor'>" + "本报告根据《中华人民共和国政府信息公开条例》编制。" * 20
            + "</div><script>$.ajax({url:'/hits'})</script></body></html>")
    assert detail_needs_browser(Page(url="http://a.gov.cn/t1.html", text=page)) is False
