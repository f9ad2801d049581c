"""Discovery's pure parts: the column paths of the CMS families, the verdict on a guessed
column, the links of home, hub and parent-platform pages, Hanweb's annual-report module;
and the spider's order of tries (in process, on saved pages)."""

from __future__ import annotations

from scrapy import Request

from govreports.discovery import (
    discovery_links, guess_redirect_followed, guess_verdict, page_digest, region_names,
)
from govreports.items import DiscoveredColumnItem
from govreports.platforms import detect_platform
from govreports.platforms.base import Page
from govreports.platforms.column_paths import COMMON_SHAPES, column_guesses, credit_codes, home_family
from govreports.platforms.hanweb import Hanweb
from tests.inprocess import make_spider, of_type, portal_row, run_callback, saved_response, site_file, site_url

CODE = "11330802002601234X"


def html(body: str, title: str = "首页") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def a(href: str, text: str, date: str = "") -> str:
    return f'<li><a href="{href}">{text}</a><span>{date}</span></li>'


REPORT_2023 = "某县人民政府2023年政府信息公开工作年度报告"
REPORT_2022 = "某县人民政府2022年政府信息公开工作年度报告"


# --- the column paths of the families -----------------------------------------------------------
def test_home_family_from_the_marks_of_a_home_page():
    pages = {
        "gkmlpt": a("/gkmlpt/index", "政府信息公开目录"),
        "hanweb": a("/col/col1229100001/index.html", "政务公开"),
        "trs": a("/xwzx/202403/t20240311_100201.html", "要闻"),
        "generic": a("/news/1.html", "要闻"),
    }
    assert {family: home_family(Page(url="http://a.gov.cn/", text=html(body)))
            for family, body in pages.items()} == {f: f for f in pages}


def test_guesses_are_made_below_the_home_pages_folder_most_common_first():
    page = Page(url="http://a.gov.cn/ncqsh/index.shtml", text=html(a("/ncqsh/202401/t20240101_1.html", "要闻")))
    assert column_guesses(page, 3) == ["http://a.gov.cn/ncqsh/" + s.path for s in COMMON_SHAPES[:3]]


def test_guesses_stop_at_their_limit():
    page = Page(url="http://a.gov.cn/", text=html(""))
    assert (len(column_guesses(page, 4)), column_guesses(page, 0)) == (4, [])


def test_hanweb_module_guessed_only_with_the_credit_code_the_page_gives():
    with_code = Page(url="http://a.gov.cn/", text=html(a(f"/module/xxgk/search.jsp?area={CODE}", "信息公开检索")))
    without = Page(url="http://a.gov.cn/", text=html(a("/col/col1/index.html", "政务公开")))
    assert (column_guesses(with_code, 10)[0], any("xxgkAnnualReport" in u for u in column_guesses(without, 10))) == (
        f"http://a.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area={CODE}", False)


def test_credit_codes_from_area_parameters_and_printed_text():
    text = f'<a href="x.jsp?area={CODE}&y=1">x</a> 统一社会信用代码：11520302009412345A'
    assert credit_codes(text) == [CODE, "11520302009412345A"]


def test_a_code_too_long_or_with_forbidden_letters_is_no_credit_code():
    assert credit_codes("x.jsp?area=11330802002601234XY x.jsp?area=11330802002601234O") == []


# --- the verdict on a guessed column ---------------------------------------------------------------
GUESS = "http://a.gov.cn/zwgk/zfxxgknb/"
HOME = "http://a.gov.cn/index.html"


def column_page(body: str, title: str = "政府信息公开年报", url: str = GUESS, status: int = 200) -> Page:
    return Page(url=url, text=html(f"<ul>{body}</ul>", title), status=status)


def verdict(page: Page, home_text: str = "") -> bool:
    return guess_verdict(page, guessed_url=GUESS, home_url=HOME,
                         home_digest=page_digest(home_text) if home_text else "").is_column


def test_a_list_of_reports_at_the_guessed_path_is_the_column():
    assert verdict(column_page(a("202401/t20240126_1.html", REPORT_2023) + a("202301/t1.html", REPORT_2022)))


def test_a_guess_that_answered_404_or_500_is_not():
    body = a("202401/t20240126_1.html", REPORT_2023) + a("202301/t1.html", REPORT_2022)
    assert [verdict(column_page(body, status=s)) for s in (404, 500)] == [False, False]


def test_a_redirect_to_the_home_page_is_not_the_column():
    assert not verdict(column_page(a("/zwgk/x/202401/t1.html", REPORT_2023) + a("/y/t2.html", REPORT_2022),
                                   url=HOME))


def test_a_redirect_to_the_columns_own_index_page_is_fine():
    assert verdict(column_page(a("202401/t1.html", REPORT_2023), url=GUESS + "index.html"))


def test_a_guess_redirecting_to_its_own_index_page_is_followed_one_redirecting_home_is_not():
    assert [guess_redirect_followed(GUESS, target) for target in (
        GUESS + "index.shtml", GUESS + "index.html", HOME, "http://a.gov.cn/404.html")] == [
        True, True, False, False]


def test_a_not_found_template_answering_200_is_not_the_column():
    body = "<h2>抱歉，您访问的页面不存在！</h2>" + a("/zwgk/nb/202401/t1.html", REPORT_2023) + a("/t2.html", REPORT_2022)
    assert not verdict(column_page(body, title="某县人民政府"))


def test_the_home_page_served_under_every_path_is_not_the_column():
    home = html("<ul>" + a("/zwgk/nb/202401/t1.html", REPORT_2023) + a("/nb/t2.html", REPORT_2022) + "</ul>", "某县人民政府")
    assert not verdict(Page(url=GUESS, text=home), home_text=home)


def test_one_report_link_elsewhere_on_an_untitled_page_is_not_the_column():
    assert not verdict(column_page(a("/xwzx/202401/t1.html", REPORT_2023), title="某县人民政府"))


def test_one_report_in_the_guessed_folder_or_under_a_report_title_is():
    inside = column_page(a("/zwgk/zfxxgknb/202401/t1.html", REPORT_2023), title="某县人民政府")
    titled = column_page(a("/xwzx/202401/t1.html", REPORT_2023), title="政府信息公开年报")
    assert (verdict(inside), verdict(titled)) == (True, True)


def test_a_titled_page_whose_list_is_loaded_by_script_is_the_column_an_untitled_one_is_not():
    shell = ('<ul id="list"></ul><script>$.ajax({url: "/api/list.json", success: function (d) {}});</script>')
    assert (verdict(column_page(shell)), verdict(column_page(shell, title="某县人民政府"))) == (True, False)


def test_a_page_of_look_alikes_is_not_the_column():
    assert not verdict(column_page(a("202403/t1.html", "某县2024年政务公开工作要点")
                                   + a("202401/t2.html", "某县2023年统计年报")))


# --- links of home, hub and parent-platform pages ---------------------------------------------------
def test_the_annual_report_module_is_a_column_whatever_its_link_says():
    page = Page(url="http://a.gov.cn/col/col1/index.html",
                text=html(a(f"/module/xxgk/xxgkAnnualReport.jsp?area={CODE}", "查看")))
    assert [c.url for c in discovery_links(page).columns] == [
        f"http://a.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area={CODE}"]


def test_links_to_a_parent_platform():
    page = Page(url="http://www.jiangning.gov.cn/index.html", text=html(
        a("http://www.nanjing.gov.cn/zfxxgk/jnq/index.html", "江宁区政府信息公开")
        + a("http://www.nanjing.gov.cn/zwgk/index.html", "政务公开")
        + a("http://www.nanjing.gov.cn/zfxxgk/jnq/nb/", "政府信息公开年报")
        + a("http://www.gov.cn/", "中国政府网")))
    links = discovery_links(page, names=region_names("江宁区"))
    assert ([c.url for c in links.columns], [(h.link.url, h.scope, h.named) for h in links.parent_hubs]) == (
        ["http://www.nanjing.gov.cn/zfxxgk/jnq/nb/"],
        [("http://www.nanjing.gov.cn/zfxxgk/jnq/index.html", "http://www.nanjing.gov.cn/zfxxgk/jnq/", True),
         ("http://www.nanjing.gov.cn/zwgk/index.html", "http://www.nanjing.gov.cn/zwgk/", False)])


def test_a_portals_own_sub_hosts_are_its_site_its_citys_main_site_is_a_parent():
    city = Page(url="http://www.shuozhou.gov.cn/", text=html(a("http://szxxgk.shuozhou.gov.cn/szfxxgk/", "信息公开")))
    district = Page(url="http://ncqsh.nc.gov.cn/ncqsh/", text=html(
        a("http://www.nc.gov.cn/zwgk/", "政务公开") + a("http://ncqsh.nc.gov.cn/ncqsh/zwgk/", "政务公开")))
    city_links, district_links = discovery_links(city), discovery_links(district)
    assert ([h.url for h in city_links.hubs], [h.url for h in district_links.hubs],
            [h.link.url for h in district_links.parent_hubs]) == (
        ["http://szxxgk.shuozhou.gov.cn/szfxxgk/"], ["http://ncqsh.nc.gov.cn/ncqsh/zwgk/"], ["http://www.nc.gov.cn/zwgk/"])


def test_on_a_parent_platform_only_links_inside_the_scope_count():
    page = Page(url="http://www.nanjing.gov.cn/zfxxgk/jnq/index.html", text=html(
        a("zfxxgknb/index.html", "政府信息公开年报") + a("gkzn/index.html", "政府信息公开指南")
        + a("../zfxxgknb/index.html", "南京市政府信息公开年报") + a("../xwq/index.html", "玄武区政府信息公开")))
    links = discovery_links(page, names=region_names("江宁区"), scope="http://www.nanjing.gov.cn/zfxxgk/jnq/")
    assert ([c.url for c in links.columns], [h.url for h in links.hubs], links.parent_hubs) == (
        ["http://www.nanjing.gov.cn/zfxxgk/jnq/zfxxgknb/index.html"],
        ["http://www.nanjing.gov.cn/zfxxgk/jnq/gkzn/index.html"], [])


def test_on_a_parent_platform_entered_without_the_regions_name_a_column_must_name_it():
    page = Page(url="http://www.nanjing.gov.cn/zwgk/index.html", text=html(
        a("zfxxgknb/index.html", "政府信息公开年报") + a("jnq/nb/index.html", "江宁区政府信息公开年报")))
    links = discovery_links(page, names=region_names("江宁区"), scope="http://www.nanjing.gov.cn/zwgk/", named=False)
    assert [c.url for c in links.columns] == ["http://www.nanjing.gov.cn/zwgk/jnq/nb/index.html"]


def test_region_names_full_and_short():
    assert (region_names("江宁区"), region_names("")) == (("江宁区", "江宁"), ())


# --- Hanweb's annual-report module ------------------------------------------------------------------
MODULE = "http://a.gov.cn/module/xxgk/xxgkAnnualReport.jsp"


def module_page(query: str, selected: int = 2023) -> Page:
    options = "".join(f'<option value="{y}"{" selected" if y == selected else ""}>{y}年</option>'
                      for y in (2023, 2022, 2021))
    body = (f'<form><select name="fbtime" onchange="this.form.submit()">{options}</select></form>'
            f'<table><tr><td><a href="/art/2024/1/25/art_1229100009_501.html">{REPORT_2023}</a></td>'
            f"<td>2024-01-25</td></tr></table>")
    return Page(url=f"{MODULE}?{query}", text=html(body, "政府信息公开年度报告"))


def test_the_module_page_is_read_as_hanweb():
    assert detect_platform(module_page(f"area={CODE}")).name == "hanweb"


def test_the_modules_first_page_lists_its_reports_and_asks_for_the_other_years():
    listing = Hanweb().parse_list(module_page(f"area={CODE}"))
    assert ([c.title for c in listing.candidates], [r.url for r in listing.next_requests]) == (
        [REPORT_2023], [f"{MODULE}?area={CODE}&fbtime=2022", f"{MODULE}?area={CODE}&fbtime=2021"])


def test_a_years_page_asks_for_the_older_years_only():
    listing = Hanweb().parse_list(module_page(f"area={CODE}&fbtime=2022", selected=2022))
    assert [r.url for r in listing.next_requests] == [f"{MODULE}?area={CODE}&fbtime=2021"]


def test_years_offered_by_script_calls_and_links_and_records_in_a_datastore():
    text = html('<a href="javascript:changeYear(\'2022\')">2022年</a> <a href="?area=X&fbtime=2020">2020年</a>'
                '<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/1.html">'
                f'{REPORT_2023}</a><span>2024-01-25</span></li>]]></record></recordset></datastore></script>')
    listing = Hanweb().parse_list(Page(url=f"{MODULE}?area=X", text=text))
    assert ([c.url for c in listing.candidates if c.title == REPORT_2023], [r.url for r in listing.next_requests]) == (
        ["http://a.gov.cn/art/1.html"], [f"{MODULE}?area=X&fbtime=2022", f"{MODULE}?area=X&fbtime=2020"])


# --- the spider's order of tries --------------------------------------------------------------------
SITE = "home_only"


def home_spider(tmp_path, **settings):
    return make_spider(tmp_path, [portal_row(SITE, home="index.html")], region=SITE, settings=settings)


def read_the_home_page(spider):
    portal = spider.portal_by_id[SITE]
    request = spider.home_request(portal, site_url(SITE, "index.html"), depth_left=3, home=True)
    spider.ask(request)
    return run_callback(request, saved_response(request, site_file(SITE, "index.html")))


def test_the_home_page_leads_to_the_first_guess_before_its_hubs(tmp_path):
    spider = home_spider(tmp_path)
    [guess] = of_type(read_the_home_page(spider), Request)
    assert (guess.url, guess.callback, spider.ledger.discovery_spent[SITE]) == (
        site_url(SITE, COMMON_SHAPES[0].path), spider.parse_guess, 2)


def test_guesses_are_tried_even_when_no_hub_level_is_left(tmp_path):
    spider = home_spider(tmp_path, GOVREPORTS_DISCOVERY_MAX_DEPTH=1, GOVREPORTS_DISCOVERY_GUESSES=1)
    portal = spider.portal_by_id[SITE]
    request = spider.home_request(portal, site_url(SITE, "index.html"), depth_left=1, home=True)
    [guess] = of_type(run_callback(request, saved_response(request, site_file(SITE, "index.html"))), Request)
    after = run_callback(guess, saved_response(guess, body=b"<html>404</html>", status=404))
    assert (guess.callback, of_type(after, Request)) == (spider.parse_guess, [])


def test_wrong_guesses_lead_to_the_next_then_to_the_hubs(tmp_path):
    spider = home_spider(tmp_path, GOVREPORTS_DISCOVERY_GUESSES=2)
    [guess] = of_type(read_the_home_page(spider), Request)
    [second] = of_type(run_callback(guess, saved_response(guess, body=b"<html>404</html>", status=404)), Request)
    hubs = of_type(run_callback(second, saved_response(second, body=b"<html>404</html>", status=404)), Request)
    assert (second.url, site_url(SITE, "zwgk/index.html") in {h.url for h in hubs},
            {h.callback for h in hubs}) == (site_url(SITE, COMMON_SHAPES[1].path), True, {spider.parse_home})


def test_a_guess_that_is_the_column_is_remembered_and_read_at_once(tmp_path):
    spider = home_spider(tmp_path)
    [guess] = of_type(read_the_home_page(spider), Request)
    column = site_url(SITE, "zwgk/zfxxgk/xxgknb/")
    request = spider.guess_request(spider.portal_by_id[SITE], [column], guess.meta["pending"])
    out = run_callback(request, saved_response(request, site_file(SITE, "zwgk/zfxxgk/xxgknb/index.html")))
    reports = {r.url for r in of_type(out, Request) if r.callback == spider.parse_report}
    assert ([i.list_url for i in of_type(out, DiscoveredColumnItem)], len(reports) > 0) == ([column], True)
