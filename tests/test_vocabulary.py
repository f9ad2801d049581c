"""Facts defined once and used everywhere: yes/no words, platform names, the
look-alike documents, attachment kinds."""

from __future__ import annotations

import pytest

from govreports.attachments.sniff import ATTACHMENT_LINK_EXTENSIONS, DOCUMENT_KINDS, KINDS
from govreports.discovery import discovery_links
from govreports.flags import NO, YES, parse_flag
from govreports.parsing.report import parse_report_html
from govreports.parsing.titles import LOOK_ALIKE_KINDS, is_report_link
from govreports.platforms import AUTO, PLATFORM_NAMES, PLATFORMS, Page, platform_name
from govreports.registry import RegistryError, load_portals
from govreports.spiders.portal import PortalSpider
from tests.harness import write_registry


# --- yes/no ---------------------------------------------------------------------------------
@pytest.mark.parametrize("word, value", [(w, True) for w in YES] + [(w, False) for w in NO]
                         + [("Yes", True), (" TRUE ", True), ("N", False), (True, True), (False, False)])
def test_flag_words(word, value):
    assert parse_flag(word, name="full") is value


@pytest.mark.parametrize("empty", ["", None, "  "])
def test_empty_flag_is_the_default(empty):
    assert (parse_flag(empty, name="x", default=True), parse_flag(empty, name="x", default=False)) == (True, False)


@pytest.mark.parametrize("bad", ["2", "maybe", "是", ""])
def test_other_flag_values_are_errors(bad):
    with pytest.raises(ValueError, match=f"obey_robots must be 1 or 0 .*not {bad!r}"):
        parse_flag(bad, name="obey_robots")


def test_spider_flag_argument_uses_the_same_words():
    spider = PortalSpider(start_url="http://www.zyhhg.gov.cn/", full="yes", render_js="Y")
    assert (spider.policy.full, spider.render_js_arg) == (True, True)


def test_spider_flag_argument_error():
    with pytest.raises(ValueError, match="full must be 1 or 0"):
        PortalSpider(start_url="http://www.zyhhg.gov.cn/", full="perhaps")


def registry_row(**fields) -> dict[str, str]:
    return {"region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区人民政府",
            "home_url": "http://www.zyhhg.gov.cn/", "platform": "auto", "render_js": "0", **fields}


def test_registry_flag_uses_the_same_words(tmp_path):
    (portal,) = load_portals(write_registry(tmp_path / "p.csv", [registry_row(
        render_js="yes", obey_robots="no", robots_note="the portal forbids every crawler, reports included")]))
    assert (portal.render_js, portal.obey_robots) == (True, False)


def test_registry_flag_error_names_line_and_column(tmp_path):
    path = write_registry(tmp_path / "p.csv", [registry_row(render_js="perhaps")])
    with pytest.raises(RegistryError, match="line 2: render_js must be 1 or 0"):
        load_portals(path)


# --- platform names -------------------------------------------------------------------------
def test_platform_names_are_the_families_and_auto():
    assert set(PLATFORM_NAMES) == {"trs", "hanweb", "gkmlpt", "lonsun", "epoint", "generic", AUTO} == {*PLATFORMS, AUTO}


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_registry_and_spider_accept_every_platform_name(tmp_path, name):
    (portal,) = load_portals(write_registry(tmp_path / "p.csv", [registry_row(platform=name.upper())]))
    spider = PortalSpider(start_url="http://www.zyhhg.gov.cn/", platform=name)
    assert (portal.platform, spider.platform_arg) == (name, name)


def test_empty_platform_is_auto():
    assert platform_name("") == AUTO


def test_unknown_platform_is_an_error_for_registry_and_spider(tmp_path):
    path = write_registry(tmp_path / "p.csv", [registry_row(platform="wordpress")])
    with pytest.raises(RegistryError, match="line 2: platform 'wordpress' is not one of .*trs.*auto"):
        load_portals(path)
    with pytest.raises(ValueError, match="platform 'wordpress' is not one of"):
        PortalSpider(start_url="http://www.zyhhg.gov.cn/", platform="WordPress")


# --- look-alikes ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", LOOK_ALIKE_KINDS)
def test_look_alike_title_is_not_a_report_link(kind):
    assert not is_report_link(f"红花岗区2023年政府信息公开{kind}")


@pytest.mark.parametrize("kind", LOOK_ALIKE_KINDS)
def test_look_alike_page_is_not_a_report(kind):
    title = f"红花岗区2023年政务公开{kind}"
    html = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1><div id='zoom'>"
            "<p>一、概述</p><p>二、主动公开政府信息情况</p><p>现将2023年度政府信息公开工作年度报告如下。</p>"
            "</div></body></html>")
    assert parse_report_html(html, "http://www.zyhhg.gov.cn/zwgk/t1.html").is_report is False


@pytest.mark.parametrize("kind", LOOK_ALIKE_KINDS)
def test_look_alike_link_is_neither_column_nor_hub(kind):
    page = Page(url="http://www.zyhhg.gov.cn/index.html", text=(
        f'<html><body><a href="/zwgk/xxgk/index.html">政府信息公开{kind}</a></body></html>'))
    links = discovery_links(page)
    assert (links.columns, links.hubs) == ([], [])


# --- attachment kinds -----------------------------------------------------------------------
def test_document_kinds_are_sniffed_kinds_and_link_extensions():
    assert set(DOCUMENT_KINDS) <= set(KINDS) and set(DOCUMENT_KINDS) <= set(ATTACHMENT_LINK_EXTENSIONS)


@pytest.mark.parametrize("ext", ATTACHMENT_LINK_EXTENSIONS)
def test_every_attachment_extension_is_found_in_a_report_page(ext):
    html = (f"<html><body><div id='zoom'><p>红花岗区2023年政府信息公开工作年度报告，详见附件。</p>"
            f"<a href='/files/P0201.{ext.upper()}'>附件</a><a href='/zwgk/t2.html'>上一篇</a></div></body></html>")
    report = parse_report_html(html, "http://www.zyhhg.gov.cn/zwgk/t1.html")
    assert [link.url for link in report.attachments] == [f"http://www.zyhhg.gov.cn/files/P0201.{ext.upper()}"]
