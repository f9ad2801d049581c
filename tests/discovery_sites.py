"""Home pages in the shapes of the CMS families, for discovery (served by :mod:`tests.portal_server`).

Each site is a small portal whose registry row gives only its home page; its report
column must be found by discovery (:mod:`govreports.discovery`).  Pages are written
here, in the shapes real portals of each family have (not copies of any): the paths,
the markers the families print, the 信息公开 hubs, a few look-alike documents.

========================  ==================================================================
``disc_trs``              TRS county site; the column ``xxgk/zfxxgknb/`` is linked from no page
                          (only a path guess finds it); two list pages (``createPageHTML``).
``disc_hanweb``           Hanweb JCMS site whose home page gives the body's credit code (a
                          ``module/xxgk/search.jsp?area=…`` link): the annual-report module
                          ``module/xxgk/xxgkAnnualReport.jsp?area=…&fbtime=…`` lists its reports
                          by year (a ``<select name="fbtime">``); a wrong ``area`` answers 200
                          with an empty module page.
``disc_hanweb_col``       Hanweb site without a credit code: 政务公开 ``/col/col…/`` hub →
                          ``/col/col1229200003/index.html`` (the ``<datastore>`` column).
``disc_gkmlpt``           Guangdong site (links the gkmlpt catalogue): the column
                          ``xxgk/xxgkml/xxgknb/`` redirects to its ``index.shtml``
                          (``content/post_…`` articles, 下一页 paging).
``disc_county``           a county whose column is on its city's platform, ``disc_city`` on
                          another host (127.0.0.2, :attr:`PortalServer.parent_base`): the home
                          page links "江宁区政府信息公开" there; the city's page also links its
                          own 年报 column and other districts' pages (not to be taken).
``disc_soft200``          answers 200 with a "page not found" template (site chrome, a report
                          link in a "latest" box) to every unknown path; the column is at a
                          path no family uses, linked from the 政务公开 hub.
``disc_softredirect``     the same site, answering unknown paths with a redirect to the home page.
``disc_deep``             a generic site with eight 公开 hubs of four sub-hubs each; one
                          sub-hub links the column: the walk spends most of the budget.
========================  ==================================================================

:data:`DISCOVERY_SITES` holds, per site, its registry row's region and the report
paths a crawl must store (written down by hand, not by the crawler).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

DEFAULT_PARENT = "http://127.0.0.2:9"  # replaced by the test's parent server (PortalServer.parent_base)
CREDIT_CODE = "11330802002601234X"  # 柯城区人民政府's (made up, well-formed)


@dataclass
class DiscoverySite:
    region_code: str
    region_name: str
    column: str  # where the column is (path in the site)
    reports: list[str] = field(default_factory=list)  # report paths a crawl must store
    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML
    soft_404: str = ""  # "", "page" (200 template) or "redirect" (302 home)
    redirects: dict[str, str] = field(default_factory=dict)  # path -> where it redirects (302)
    parent: str = ""  # the site on the parent host


# --- page shapes --------------------------------------------------------------------------
def page(title: str, body: str, *, site_name: str, head: str = "", nav: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}</title>
<meta name="SiteName" content="{site_name}">
{head}</head>
<body>
<div class="header"><div class="logo">{site_name}</div></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="main">{body}</div>
<div class="footer"><p>主办单位：{site_name}办公室</p></div>
</body></html>
"""


def links(items: list[tuple[str, str]], date: str = "") -> str:
    return "".join(f'<li><a href="{href}" title="{html.escape(text)}">{text}</a>'
                   f'{f"<span>{date}</span>" if date else ""}</li>' for href, text in items)


def report_page(body: str, year: int, published: str, site_name: str) -> str:
    title = f"{body}{year}年政府信息公开工作年度报告"
    text = "".join(f"<p>{p}</p>" for p in (
        f"本报告依据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、总体情况", f"{year}年，{body}认真贯彻落实政府信息公开工作要求，推进政务公开。",
        "二、主动公开政府信息情况", "详见统计表。",
        "三、收到和处理政府信息公开申请情况", "详见统计表。",
        "四、政府信息公开行政复议、行政诉讼情况", "无。",
        "五、存在的主要问题及改进情况", "公开质量有待提高。",
        "六、其他需要报告的事项", "无。"))
    meta = f'<table class="xxgk"><tr><td>发布机构：</td><td>{body}</td><td>发布日期：</td><td>{published}</td></tr></table>'
    return page(title, f"{meta}<h1>{title}</h1><div class=\"TRS_Editor\">{text}</div>", site_name=site_name)


def add_reports(site: DiscoverySite, site_name: str, reports: list[tuple[str, str, int, str]]) -> list[tuple]:
    """Report pages (path, body, year, date): written into the site and expected."""
    for path, body, year, date in reports:
        site.pages[path] = report_page(body, year, date, site_name)
        site.reports.append(path)
    return [(path, f"{body}{year}年政府信息公开工作年度报告", date) for path, body, year, date in reports]


def list_items(items: list[tuple[str, str, str]], prefix: str = "") -> str:
    return "".join(f'<li><a href="{prefix}{path}" title="{title}" target="_blank">{title}</a>'
                   f'<span class="date">{date}</span></li>' for path, title, date in items)


def trs_list(title: str, items, *, count: int, current: int, site_name: str, prefix: str = "/") -> str:
    body = (f'<div class="position">当前位置：首页 &gt; {title}</div><h2>{title}</h2>'
            f'<ul class="list">{list_items(items, prefix)}</ul>'
            f'<script>createPageHTML({count}, {current}, "index", "html");</script>')
    return page(f"{title}_{site_name}", body, site_name=site_name)


# --- the sites ------------------------------------------------------------------------------
def _trs() -> DiscoverySite:
    name, s = "岐山县人民政府", DiscoverySite("610323", "岐山县", "xxgk/zfxxgknb/")
    nav = links([("/disc_trs/index.html", "首页"), ("/disc_trs/xwzx/index.html", "新闻中心"),
                 ("/disc_trs/zwgk/index.html", "政务公开")])
    s.pages["index.html"] = page(f"首页_{name}", '<div class="news"><ul>' + links(
        [("xwzx/202403/t20240311_100201.html", "岐山县召开春耕生产工作会"),
         ("xwzx/202403/t20240308_100188.html", "岐山县开展植树活动")], "2024-03-11") + "</ul></div>",
        site_name=name, nav=nav)
    s.pages["zwgk/index.html"] = page(f"政务公开_{name}", "<ul>" + links(
        [("/disc_trs/zcwj/index.html", "政策文件"), ("/disc_trs/rsxx/index.html", "人事信息")])
        + "</ul>", site_name=name, nav=nav)
    items = add_reports(s, name, [
        ("xxgk/zfxxgknb/202401/t20240126_330011.html", "岐山县人民政府", 2023, "2024-01-26"),
        ("xxgk/zfxxgknb/202301/t20230130_310022.html", "岐山县人民政府", 2022, "2023-01-30"),
        ("xxgk/zfxxgknb/202201/t20220128_290033.html", "岐山县人民政府", 2021, "2022-01-28"),
        ("xxgk/zfxxgknb/202101/t20210129_270044.html", "岐山县人民政府", 2020, "2021-01-29")])
    lookalike = ("xxgk/zfxxgknb/202403/t20240305_340001.html", "岐山县2024年政务公开工作要点", "2024-03-05")
    s.pages["xxgk/zfxxgknb/index.html"] = trs_list("政府信息公开年报", [lookalike] + items[:2], count=2, current=0,
                                                   site_name=name, prefix="/disc_trs/")
    s.pages["xxgk/zfxxgknb/index_1.html"] = trs_list("政府信息公开年报", items[2:], count=2, current=1,
                                                     site_name=name, prefix="/disc_trs/")
    return s


def _hanweb() -> DiscoverySite:
    name, s = "衢州市柯城区人民政府", DiscoverySite("330802", "柯城区", f"module/xxgk/xxgkAnnualReport.jsp?area={CREDIT_CODE}")
    nav = links([("/disc_hanweb/index.html", "首页"), ("/disc_hanweb/col/col1229100001/index.html", "政务公开"),
                 ("/disc_hanweb/col/col1229100002/index.html", "政务服务")])
    s.pages["index.html"] = page(f"{name}", '<ul class="news">' + links(
        [("art/2024/3/12/art_1229100005_900101.html", "柯城区召开优化营商环境大会")], "2024-03-12")
        + f'</ul><div class="search"><a href="module/xxgk/search.jsp?area={CREDIT_CODE}">信息公开检索</a></div>',
        site_name=name, nav=nav, head='<meta name="generator" content="hanweb JCMS">')
    s.pages["col/col1229100001/index.html"] = page(f"政务公开 {name}", "<ul>" + links(
        [(f"/disc_hanweb/module/xxgk/xxgkAnnualReport.jsp?area={CREDIT_CODE}", "政府信息公开年报"),
         ("/disc_hanweb/col/col1229100011/index.html", "政策文件")]) + "</ul>", site_name=name, nav=nav)
    years = {}
    for year, entries in ((2023, [("art/2024/1/25/art_1229100009_501.html", "衢州市柯城区人民政府"),
                                  ("art/2024/1/22/art_1229100009_498.html", "柯城区财政局")]),
                          (2022, [("art/2023/1/30/art_1229100009_401.html", "衢州市柯城区人民政府")]),
                          (2021, [("art/2022/1/28/art_1229100009_301.html", "衢州市柯城区人民政府")])):
        years[year] = add_reports(s, name, [(p, body, year, "-".join(p.split("/")[1:4])) for p, body in entries])
    s.pages["__module__"] = ""  # answered by annual_report_module()
    s.module_years = years  # type: ignore[attr-defined]
    s.site_name = name  # type: ignore[attr-defined]
    return s


def annual_report_module(site: DiscoverySite, query: dict[str, str]) -> str:
    """The Hanweb annual-report module: one year's reports of the body ``area`` names,
    and a year select that reloads the page (a wrong code: the module, empty)."""
    years: dict[int, list] = site.module_years  # type: ignore[attr-defined]
    newest = max(years)
    year = int(query["fbtime"]) if query.get("fbtime", "").isdigit() else newest
    items = years.get(year, []) if query.get("area") == CREDIT_CODE else []
    options = "".join(f'<option value="{y}"{" selected" if y == year else ""}>{y}年</option>' for y in sorted(years, reverse=True))
    rows = "".join(f'<tr><td><a href="/disc_hanweb/{path}" target="_blank">{title}</a></td><td>{date}</td></tr>'
                   for path, title, date in items) or '<tr><td colspan="2">暂无数据</td></tr>'
    body = (f'<form name="nbform" method="get" action="xxgkAnnualReport.jsp">'
            f'<input type="hidden" name="area" value="{html.escape(query.get("area", ""))}">'
            f'年度：<select name="fbtime" onchange="document.nbform.submit()">{options}</select></form>'
            f'<table class="nb-list"><tr><th>标题</th><th>发布日期</th></tr>{rows}</table>')
    return page("政府信息公开年度报告", body, site_name=site.site_name)  # type: ignore[attr-defined]


def _hanweb_col() -> DiscoverySite:
    name, s = "开化县人民政府", DiscoverySite("330824", "开化县", "col/col1229200003/index.html")
    nav = links([("/disc_hanweb_col/index.html", "首页"), ("/disc_hanweb_col/col/col1229200001/index.html", "政务公开")])
    s.pages["index.html"] = page(name, '<ul class="news">' + links(
        [("/disc_hanweb_col/art/2024/3/2/art_1229200007_77001.html", "开化县举行春季招聘会")], "2024-03-02")
        + "</ul>", site_name=name, nav=nav, head='<meta name="generator" content="hanweb JCMS">')
    s.pages["col/col1229200001/index.html"] = page(f"政务公开 {name}", "<ul>" + links(
        [("/disc_hanweb_col/col/col1229200002/index.html", "政策文件"),
         ("/disc_hanweb_col/col/col1229200003/index.html", "政府信息公开年报"),
         ("/disc_hanweb_col/col/col1229200004/index.html", "政府信息公开指南")]) + "</ul>", site_name=name, nav=nav)
    items = add_reports(s, name, [
        ("art/2024/1/24/art_1229200003_61001.html", "开化县人民政府", 2023, "2024-01-24"),
        ("art/2023/1/29/art_1229200003_52001.html", "开化县人民政府", 2022, "2023-01-29"),
        ("art/2022/1/27/art_1229200003_43001.html", "开化县人民政府", 2021, "2022-01-27")])
    items.insert(1, ("art/2024/3/1/art_1229200003_62001.html", "开化县2024年政务公开工作要点", "2024-03-01"))
    records = "".join(f"<record><![CDATA[<li><a href=\"/disc_hanweb_col/{p}\" title=\"{t}\">{t}</a>"
                      f"<span>{d}</span></li>]]></record>" for p, t, d in items)
    s.pages["col/col1229200003/index.html"] = page(
        f"政府信息公开年报 {name}",
        f'<div id="4455667"><script type="text/xml"><datastore><totalrecord>{len(items)}</totalrecord>'
        f"<recordset>{records}</recordset></datastore></script></div>", site_name=name, nav=nav)
    return s


def _gkmlpt() -> DiscoverySite:
    name, s = "深圳市福田区人民政府", DiscoverySite("440304", "福田区", "xxgk/xxgkml/xxgknb/")
    nav = links([("/disc_gkmlpt/index.html", "首页"), ("/disc_gkmlpt/gkmlpt/index", "政府信息公开目录"),
                 ("/disc_gkmlpt/xxgk/index.html", "信息公开")])
    s.pages["index.html"] = page(name, '<ul class="news">' + links(
        [("xwzx/content/post_11200301.html", "福田区推进城市更新")], "2024-03-01") + "</ul>",
        site_name=name, nav=nav)
    s.pages["xxgk/index.html"] = page(f"信息公开 {name}", "<ul>" + links(
        [("/disc_gkmlpt/gkmlpt/index", "政府信息公开目录"), ("/disc_gkmlpt/zcfg/index.html", "政策法规")]) + "</ul>", site_name=name, nav=nav)
    items = add_reports(s, name, [
        ("xxgk/xxgkml/xxgknb/content/post_11087654.html", "深圳市福田区人民政府", 2023, "2024-01-19"),
        ("xxgk/xxgkml/xxgknb/content/post_10398765.html", "深圳市福田区人民政府", 2022, "2023-01-17"),
        ("xxgk/xxgkml/xxgknb/content/post_9509876.html", "深圳市福田区人民政府", 2021, "2022-01-21")])
    first = page(f"政府信息公开年报_{name}", '<ul class="list">' + list_items(items[:2], "/disc_gkmlpt/")
                 + '</ul><div class="pages"><a href="index_2.html">下一页</a></div>', site_name=name)
    second = page(f"政府信息公开年报_{name}", '<ul class="list">' + list_items(items[2:], "/disc_gkmlpt/")
                  + '</ul><div class="pages"><a href="index.shtml">上一页</a></div>', site_name=name)
    s.pages["xxgk/xxgkml/xxgknb/index.shtml"] = first
    s.redirects["xxgk/xxgkml/xxgknb/"] = "xxgk/xxgkml/xxgknb/index.shtml"  # the folder answers with a redirect
    s.pages["xxgk/xxgkml/xxgknb/index_2.html"] = second
    return s


def _county() -> DiscoverySite:
    name, s = "南京市江宁区人民政府", DiscoverySite("320115", "江宁区", "zfxxgk/jnq/zfxxgknb/index.html", parent="disc_city")
    nav = links([("/disc_county/index.html", "首页"), ("/disc_county/zwgk/index.html", "政务公开")])
    s.pages["index.html"] = page(name, '<ul class="news">' + links(
        [("xwzx/202403/t20240305_4200001.html", "江宁区召开经济工作会议")], "2024-03-05") + "</ul>"
        + '<div class="box"><a href="{PARENT}/disc_city/zfxxgk/jnq/index.html">江宁区政府信息公开</a>'
        + '<a href="{PARENT}/disc_city/index.html">南京市人民政府</a></div>', site_name=name, nav=nav)
    s.pages["zwgk/index.html"] = page(f"政务公开_{name}", "<ul>" + links(
        [("/disc_county/zcwj/index.html", "政策文件"), ("/disc_county/rsxx/index.html", "人事信息")]) + "</ul>",
        site_name=name, nav=nav)
    return s


def _city() -> DiscoverySite:
    name, s = "南京市人民政府", DiscoverySite("320100", "南京市", "zfxxgk/zfxxgknb/index.html")
    nav = links([("/disc_city/index.html", "首页"), ("/disc_city/zwgk/index.html", "政务公开"),
                 ("/disc_city/zfxxgk/zfxxgknb/index.html", "南京市政府信息公开年报")])
    s.pages["zfxxgk/jnq/index.html"] = page(f"江宁区政府信息公开_{name}", "<ul>" + links(
        [("gkzn/index.html", "政府信息公开指南"), ("gkzd/index.html", "政府信息公开制度"),
         ("zfxxgknb/index.html", "政府信息公开年报"), ("../xwq/index.html", "玄武区政府信息公开"),
         ("../xwq/zfxxgknb/index.html", "玄武区政府信息公开年报")]) + "</ul>", site_name=name, nav=nav)
    jnq = add_reports(s, name, [
        ("zfxxgk/jnq/zfxxgknb/202401/t20240119_4150184.html", "南京市江宁区人民政府", 2023, "2024-01-19"),
        ("zfxxgk/jnq/zfxxgknb/202301/t20230118_3760012.html", "南京市江宁区人民政府", 2022, "2023-01-18")])
    s.pages["zfxxgk/jnq/zfxxgknb/index.html"] = trs_list("政府信息公开年报", jnq, count=1, current=0,
                                                         site_name=name, prefix="/disc_city/")
    own = add_reports(s, name, [("zfxxgk/zfxxgknb/202401/t20240125_4160001.html", "南京市人民政府", 2023, "2024-01-25")])
    s.pages["zfxxgk/zfxxgknb/index.html"] = trs_list("政府信息公开年报", own, count=1, current=0, site_name=name,
                                                     prefix="/disc_city/")
    return s


def _soft(variant: str, code: str, region: str, site_name: str) -> DiscoverySite:
    site = f"disc_soft{variant}"
    s = DiscoverySite(code, region, "zwgk/zfxxgkml/nb/index.html", soft_404="page" if variant == "200" else "redirect")
    nav = links([("/" + site + "/index.html", "首页"), ("/" + site + "/zwgk/index.html", "政务公开")])
    s.pages["index.html"] = page(site_name, '<ul class="news">' + links(
        [(f"/{site}/xwzx/202403/t20240306_55001.html", f"{region}召开安全生产会")], "2024-03-06") + "</ul>",
        site_name=site_name, nav=nav)
    s.pages["zwgk/index.html"] = page(f"政务公开_{site_name}", "<ul>" + links(
        [(f"/{site}/zcwj/index.html", "政策文件"),
         (f"/{site}/zwgk/zfxxgkml/nb/index.html", "政府信息公开年报")]) + "</ul>", site_name=site_name, nav=nav)
    items = add_reports(s, site_name, [
        ("zwgk/zfxxgkml/nb/202401/t20240122_81234.html", site_name, 2023, "2024-01-22"),
        ("zwgk/zfxxgkml/nb/202301/t20230120_71234.html", site_name, 2022, "2023-01-20")])
    s.pages["zwgk/zfxxgkml/nb/index.html"] = trs_list("政府信息公开年报", items, count=1, current=0,
                                                      site_name=site_name, prefix=f"/{site}/")
    # The 200 "not found" page: the site's chrome and its newest report in a box.
    s.pages["__soft__"] = page(site_name, '<h2>抱歉，您访问的页面不存在或已删除！</h2><div class="latest"><ul>'
                               + list_items(items[:1], f"/{site}/") + "</ul></div>", site_name=site_name, nav=nav)
    return s


def _deep() -> DiscoverySite:
    name, s = "昆明市盘龙区人民政府", DiscoverySite("530103", "盘龙区", "gk/h6/s2/nb/index.html")
    hub_names = ["政务公开", "信息公开", "政府信息公开", "公开目录", "法定主动公开", "主动公开", "公开指南", "政府信息"]
    sub_names = ["政策文件公开", "重点领域信息公开", "财政信息公开", "人事信息公开"]
    nav = links([("/disc_deep/index.html", "首页")] + [(f"/disc_deep/gk/h{i}/index.html", n)
                                                       for i, n in enumerate(hub_names)])
    s.pages["index.html"] = page(name, "<p>盘龙区欢迎您</p>", site_name=name, nav=nav)
    for i, hub in enumerate(hub_names):
        s.pages[f"gk/h{i}/index.html"] = page(f"{hub}_{name}", "<ul>" + links(
            [(f"/disc_deep/gk/h{i}/s{j}/index.html", sub) for j, sub in enumerate(sub_names)]) + "</ul>",
            site_name=name, nav=nav)
        for j, sub in enumerate(sub_names):
            extra = [("/disc_deep/gk/h6/s2/nb/index.html", "政府信息公开年报")] if (i, j) == (6, 2) else []
            s.pages[f"gk/h{i}/s{j}/index.html"] = page(f"{sub}_{name}", "<ul>" + links(
                [(f"/disc_deep/gk/h{i}/s{j}/list/index.html", "通知公告")] + extra) + "</ul>", site_name=name,
                nav=nav)
    items = add_reports(s, name, [
        ("gk/h6/s2/nb/202401/t20240129_9001.html", name, 2023, "2024-01-29"),
        ("gk/h6/s2/nb/202301/t20230131_8001.html", name, 2022, "2023-01-31")])
    s.pages["gk/h6/s2/nb/index.html"] = trs_list("政府信息公开年报", items, count=1, current=0, site_name=name,
                                                 prefix="/disc_deep/")
    return s


DISCOVERY_SITES: dict[str, DiscoverySite] = {
    "disc_trs": _trs(),
    "disc_hanweb": _hanweb(),
    "disc_hanweb_col": _hanweb_col(),
    "disc_gkmlpt": _gkmlpt(),
    "disc_county": _county(),
    "disc_city": _city(),
    "disc_soft200": _soft("200", "520402", "西秀区", "安顺市西秀区人民政府"),
    "disc_softredirect": _soft("redirect", "520422", "普定县", "普定县人民政府"),
    "disc_deep": _deep(),
}
# Sites a crawl starts from (disc_city is only reached through disc_county).
DISCOVERY_PORTALS = [name for name in DISCOVERY_SITES if name != "disc_city"]


def discovery_site(handler) -> None:
    """Route: ``/<site>/<path>`` of :data:`DISCOVERY_SITES` (``{PARENT}`` in a page is
    the parent server's address, ``server.parent_base``)."""
    parts = urlsplit(handler.path)
    name, _, path = parts.path.lstrip("/").partition("/")
    site = DISCOVERY_SITES[name]
    if path in site.redirects:
        return handler.send(302, b"", headers={"Location": f"/{name}/{site.redirects[path]}"})
    if path.endswith("/") or not path:
        path += "index.html"
    if path == "module/xxgk/xxgkAnnualReport.jsp" and "__module__" in site.pages:
        return handler.send(200, annual_report_module(site, dict(parse_qsl(parts.query))).encode())
    body = site.pages.get(path)
    if body is not None and not path.startswith("__"):
        parent = getattr(handler.server, "parent_base", DEFAULT_PARENT)
        return handler.send(200, body.replace("{PARENT}", parent).encode())
    if site.soft_404 == "page":
        return handler.send(200, site.pages["__soft__"].encode())
    if site.soft_404 == "redirect":
        return handler.send(302, b"", headers={"Location": f"/{name}/index.html"})
    return handler.send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode())


DISCOVERY_ROUTES = [(f"/{name}/", discovery_site) for name in DISCOVERY_SITES]


# --- what a crawl of these sites spent on discovery ------------------------------------------
def column_folder(name: str) -> str:
    """The path prefix of a site's report column (its list pages), as served."""
    site = DISCOVERY_SITES[name]
    where = site.parent or name
    folder = site.column.split("?", 1)[0].rsplit("/", 1)[0]
    return f"/{where}/{folder}/"


def expected_paths(name: str) -> set[str]:
    """The report paths (as served) a crawl of site ``name`` must store."""
    site = DISCOVERY_SITES[name]
    if site.parent:
        column = column_folder(name)
        return {f"/{site.parent}/{p}" for p in DISCOVERY_SITES[site.parent].reports
                if f"/{site.parent}/{p}".startswith(column)}
    return {f"/{name}/{p}" for p in site.reports}


def discovery_requests(name: str, requested: list[str]) -> list[str]:
    """The requests (paths, in order) a crawl of site ``name`` made for discovery: all
    but robots.txt, its column's list pages and the report pages."""
    site = DISCOVERY_SITES[name]
    mine = (f"/{name}/", f"/{site.parent}/") if site.parent else (f"/{name}/",)
    reports = {f"/{where}/{p}" for where in (name, site.parent) if where for p in DISCOVERY_SITES[where].reports}
    return [path for path in requested if path.startswith(mine) and not path.startswith(column_folder(name))
            and urlsplit(path).path not in reports]
