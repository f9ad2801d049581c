"""``<base href>`` is honoured wherever links printed on a page are resolved."""

from __future__ import annotations

from govreports.discovery import discovery_links, sublist_links
from govreports.parsing.html import base_url
from govreports.parsing.report import parse_report_html
from govreports.platforms.base import Page
from govreports.platforms.generic import Generic
from govreports.platforms.hanweb import Hanweb
from govreports.platforms.trs import TRS
from govreports.responses import meta_refresh_target

PAGE_URL = "http://www.a.gov.cn/zwgk/nb/index.html"
BASE = '<head><base href="http://www.a.gov.cn/content/"></head>'


def test_base_url_is_the_base_href():
    assert base_url(PAGE_URL, f"<html>{BASE}<body></body></html>") == "http://www.a.gov.cn/content/"


def test_relative_base_href_resolves_against_the_page():
    assert base_url(PAGE_URL, '<base href="../nb2/">') == "http://www.a.gov.cn/zwgk/nb2/"


def test_without_base_href_the_page_url_is_kept_verbatim():
    url = "http://www.a.gov.cn/zwgk/年报/index.html"
    assert base_url(url, "<html><body><a href='x.html'>x</a></body></html>") == url


def test_base_href_in_a_comment_is_ignored():
    assert base_url(PAGE_URL, '<!-- <base href="http://old.a.gov.cn/"> --><p>x</p>') == PAGE_URL


def test_page_base_url_is_computed_from_its_text():
    assert Page(url=PAGE_URL, text=BASE).base_url == "http://www.a.gov.cn/content/"


def test_list_links_resolve_against_base_href():
    text = f"""<html>{BASE}<body><ul>
      <li><a href="t20240125_1.html">示范县2023年政府信息公开工作年度报告</a><span>2024-01-25</span></li>
    </ul><script>createPageHTML(3, 0, "index", "html");</script></body></html>"""
    result = TRS().parse_list(Page(url=PAGE_URL, text=text))
    assert [c.url for c in result.candidates] == ["http://www.a.gov.cn/content/t20240125_1.html"]


def test_generic_next_page_link_resolves_against_base_href():
    text = f'<html>{BASE}<body><a href="list_2.htm">下一页</a></body></html>'
    result = Generic().parse_list(Page(url=PAGE_URL, text=text))
    assert [r.url for r in result.next_requests] == ["http://www.a.gov.cn/content/list_2.htm"]


def test_hanweb_datastore_records_resolve_against_base_href():
    text = f"""<html>{BASE}<body><div id="1"><script type="text/xml"><datastore><recordset>
      <record><![CDATA[<li><a href="art_1_2.html">示范县2023年政府信息公开工作年度报告</a></li>]]></record>
    </recordset></datastore></script></div></body></html>"""
    result = Hanweb().parse_list(Page(url="http://www.a.gov.cn/col/col1/index.html", text=text))
    assert result.candidates[0].url == "http://www.a.gov.cn/content/art_1_2.html"


def test_discovery_links_resolve_against_base_href():
    text = f'<html>{BASE}<body><a href="xxgknb/">政府信息公开年报</a><a href="zwgk/">政务公开</a></body></html>'
    links = discovery_links(Page(url="http://www.a.gov.cn/index.html", text=text))
    assert [c.url for c in links.columns] == ["http://www.a.gov.cn/content/xxgknb/"]
    assert [c.url for c in links.hubs] == ["http://www.a.gov.cn/content/zwgk/"]


def test_sublist_links_resolve_against_base_href():
    text = '<html><head><base href="http://www.a.gov.cn/zwgk/nb/"></head><body><a href="czj/">县财政局</a></body></html>'
    found = sublist_links(Page(url="http://www.a.gov.cn/list.jsp?col=nb", text=text), "http://www.a.gov.cn/zwgk/nb/index.html")
    assert [c.url for c in found] == ["http://www.a.gov.cn/zwgk/nb/czj/"]


def test_attachment_links_resolve_against_base_href():
    text = f"""<html>{BASE}<body><div id="zoom"><p>示范县2023年政府信息公开工作年度报告</p>
      <p>详见附件：<a href="P020240125.pdf">年度报告.pdf</a></p></div></body></html>"""
    report = parse_report_html(text, PAGE_URL)
    assert [a.url for a in report.attachments] == ["http://www.a.gov.cn/content/P020240125.pdf"]


def test_meta_refresh_resolves_against_base_href():
    text = '<html><head><base href="http://www.a.gov.cn/content/"><meta http-equiv="refresh" content="0;url=new.html"></head></html>'
    assert meta_refresh_target(text, PAGE_URL) == "http://www.a.gov.cn/content/new.html"
