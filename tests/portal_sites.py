"""The dynamic parts of the simulated portals, served by :mod:`tests.portal_server`.

:data:`ROUTES` maps a path prefix to a handler ``handler(request_handler)``; the
handler reads ``request_handler.path``, ``.headers``, ``.command``, ``.post_body``
(POST) and ``.server`` (its state), and answers with ``request_handler.send(status,
body, content_type, headers)`` or ``request_handler.serve_file(path)``.  Static pages
of the same portals live in ``tests/sites/<site>/``; the expected reports are written
down by hand in ``tests/sites/MANIFEST.json`` and ``tests/sites/PORTALS_MANIFEST.json``
(both read by :mod:`tests.harness`).

Routes (each answers the way the real CMS does, including its failures):

``/hanweb_zj/module/jpage/dataproxy.jsp``   Hanweb JCMS jpage data proxy (POST; the
    form fields ``col appid webid path columnid sourceContentType unitid webname
    permissiontype`` in the body or the query, like ``request.getParameter``; 400 when
    ``webid``/``columnid``/``unitid`` or the record range are missing, as the JSP fails).
``/gkmlpt_gd/gkmlpt/index``                 the gkmlpt catalogue page (served as HTML).
``/gkmlpt_gd/gkmlpt/api/all/``              gkmlpt JSON API ``{catId}?page=N&sid=…`` (400 without sid).
``/site/label/8888``                        Lonsun label service (host root, as on real
    Lonsun sites): ``publicInfoList`` fragments per ``pageIndex`` (400 without
    ``siteId``/``catId``).
``/js_list/api/list.json``                  the JSON a JavaScript-rendered list fetches.
``/epoint_spa/rest/``                       Epoint ``getPageInfoListNew`` (POST, form field
    ``params`` = JSON; 400 without it).
``/epoint_spa/showinfo.html``               Epoint detail ``?infoGuid=<uuid>`` (static HTML per guid).
``/ruishu/``                                瑞数 challenge: 412 + ``$_ts`` page setting a cookie by
    script, the real page only with the right cookies.
``/jsl_wait/``                              创宇盾 block page (200) for the first
    :data:`JSL_BLOCKED_TRIES` requests of each path, then the real page.
``/faults/``                                fault injection (see :data:`FAULTS`): truncated,
    failing, slow, looping, garbage, empty, oversized, look-alike, mis-declared pages.
``/attach/files/``                          report attachments (see :data:`ATTACHMENTS`): the
    real sample PDF, generated fixtures, a lying extension, a corrupt and an oversized
    file, a hostile Content-Disposition.
``/shared_samples/``                         the shared samples (PDF, DOCX, text copies) listed under
    report titles and served as they are (see :data:`SHARED_SAMPLE_LIST`).
``/limits/files/``                          hostile attachments (see :data:`HOSTILE_ATTACHMENTS`):
    decompression bombs, a line-grid PDF, a gzip bomb, a body without a length.
``/bulk/``                                  a large TRS-style portal generated on the fly
    (``server.bulk_reports`` reports, ``server.bulk_per_page`` per list page), each report
    page delayed by ``server.bulk_delay`` seconds, each list page by
    ``server.bulk_list_delay``: long enough to kill or pause a crawl half-way.
``/session/``                               the guizhou_hc site behind a session cookie.
``/local_links/``                           a list, a meta refresh, a redirect and attachment
    links pointing at local files (``file:``) and ``data:`` URLs (see :func:`hostile_links`).
``/disc_…/``                                the home-page shapes of the CMS families for
    discovery (see :mod:`tests.discovery_sites`).
``/hostile/``                               hostile portals (see :func:`hostile_portal`): runaway
    paginators (pages repeating the same items, pages with no items), a list page
    with 5,000 report links, a challenge page that reloads itself for ever.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from tests.discovery_sites import DISCOVERY_ROUTES

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "tests" / "sites"
CHINA = timezone(timedelta(hours=8))

# ---------------------------------------------------------------------------------
# Data of the dynamic lists (the detail pages they point to are static files).
# Each item: (id, title, date); which ones are reports is in PORTALS_MANIFEST.json.
# ---------------------------------------------------------------------------------

# Hanweb JCMS, 衢州市衢江区 (330803): column 1229012345, jpage unit 7654321, site 3286.
HANWEB_WEBID = "3286"
HANWEB_COLUMNID = "1229012345"
HANWEB_UNITID = "7654321"
HANWEB_PER_PAGE = 5
HANWEB_GROUP_SIZE = 2  # one POST fetches perpage × groupSize = 10 records
HANWEB_RECORDS: list[tuple[str, str, str]] = [
    ("58830001", "衢江区2024年政务公开工作要点", "2024-03-15"),
    ("58812345", "衢州市衢江区人民政府2023年政府信息公开工作年度报告", "2024-01-26"),
    ("58809876", "衢江区财政局2023年政府信息公开工作年度报告", "2024-01-22"),
    ("58807654", "衢江区教育局2023年政府信息公开工作年度报告", "2024-01-20"),
    ("58561234", "关于报送2023年度政府信息公开工作年度报告的通知", "2023-12-18"),
    ("57123456", "衢江区2023年政务公开工作要点", "2023-04-10"),
    ("56901234", "衢州市衢江区人民政府2022年政府信息公开工作年度报告", "2023-01-28"),
    ("56887766", "衢江区2022年度法治政府建设工作报告", "2023-01-10"),
    ("55512345", "衢江区统计局2022年统计年报", "2022-06-01"),
    ("54309876", "衢州市衢江区人民政府2021年政府信息公开工作年度报告", "2022-01-27"),
    # ---- records 11-20: the first dataproxy POST
    ("53201234", "衢江区2021年政务公开工作计划", "2021-05-20"),
    ("52098765", "衢州市衢江区人民政府2020年政府信息公开工作年度报告", "2021-01-29"),
    ("52087654", "衢江区人力资源和社会保障局2020年政府信息公开工作年度报告", "2021-01-25"),
    ("52011111", "衢江区2020年度政务公开工作总结", "2021-01-05"),
    ("50123456", "衢江区2020年政务公开工作要点", "2020-04-15"),
    ("49876543", "衢州市衢江区人民政府2019年政府信息公开工作年度报告", "2020-03-20"),
    ("49712345", "关于2019年度政务公开工作考核结果的通报", "2020-02-10"),
    ("47654321", "衢江区2019年政务公开工作要点", "2019-05-01"),
    ("46543210", "衢州市衢江区人民政府2018年政府信息公开工作年度报告", "2019-03-25"),
    ("45432109", "衢江区2018年政府信息公开工作要点落实情况", "2018-12-20"),
    # ---- records 21-23: the second dataproxy POST
    ("42109876", "衢州市衢江区人民政府2017年政府信息公开工作年度报告", "2018-03-28"),
    ("40987654", "衢江区财政局2016年度部门决算", "2017-08-01"),
    ("38765432", "衢州市衢江区人民政府2016年度政府信息公开工作年度报告", "2017-03-30"),
]


def hanweb_article_path(record_id: str, date: str) -> str:
    """Site-relative path of a Hanweb article: ``art/2024/1/26/art_1229012345_58812345.html``."""
    year, month, day = (int(x) for x in date.split("-"))
    return f"art/{year}/{month}/{day}/art_{HANWEB_COLUMNID}_{record_id}.html"


def hanweb_record(record_id: str, title: str, date: str) -> str:
    href = "/hanweb_zj/" + hanweb_article_path(record_id, date)
    return (f'<li class="clearfix"><a href="{href}" title="{title}" target="_blank">{title}</a>'
            f'<span class="bt-data-time">{date}</span></li>')


# gkmlpt, 深圳市南山区 (440305): site id 755003, category 2733 (政府信息公开年报), 5 per page.
GKMLPT_SID = "755003"
GKMLPT_CAT = "2733"
GKMLPT_PAGE_SIZE = 5
GKMLPT_ARTICLES: list[tuple[int, str, str]] = [
    (5190001, "南山区2024年政务公开和政务服务工作要点", "2024-03-20"),
    (5123456, "深圳市南山区人民政府2023年政府信息公开工作年度报告", "2024-01-25"),
    (5121111, "深圳市南山区财政局2023年政府信息公开工作年度报告", "2024-01-18"),
    (5098765, "关于报送2023年度政府信息公开工作年度报告的通知", "2023-12-12"),
    (4876543, "深圳市南山区人民政府2022年政府信息公开工作年度报告", "2023-01-30"),
    (4801234, "南山区2022年政务公开工作计划", "2022-09-01"),
    (4512345, "深圳市南山区人民政府2021年政府信息公开工作年度报告", "2022-01-28"),
    (4456789, "南山区统计局2021年统计年报", "2021-11-10"),
    (4123456, "深圳市南山区2020年度政府信息公开工作年度报告", "2021-01-29"),
    (4011111, "南山区2020年政务公开工作要点", "2020-05-08"),
    (3712345, "深圳市南山区2019年政府信息公开工作年度报告", "2020-01-31"),
    (3611111, "南山区关于印发2019年政务公开工作要点的通知", "2019-06-01"),
]
# Articles whose JSON carries no ``url`` (the crawler must build it from the id).
GKMLPT_NO_URL = {4876543, 4123456, 4456789}


def gkmlpt_post_path(post_id: int) -> str:
    return f"gkmlpt/content/{post_id // 1_000_000}/{post_id // 1000}/post_{post_id}.html"


# Lonsun, 合肥市瑶海区 (340102): site 6781961, organ 6789, catalogue 7011361, 5 per page.
LONSUN_SITE_ID = "6781961"
LONSUN_ORGAN_ID = "6789"
LONSUN_CAT_ID = "7011361"
LONSUN_PAGE_SIZE = 5
LONSUN_ITEMS: list[tuple[str, str, str]] = [
    ("12351234", "瑶海区2024年政务公开工作要点", "2024-03-12"),
    ("12345678", "合肥市瑶海区人民政府2023年政府信息公开工作年度报告", "2024-01-29"),
    ("12344321", "瑶海区发展和改革委员会2023年政府信息公开工作年度报告", "2024-01-19"),
    ("12339876", "关于报送2023年度政府信息公开工作年度报告的通知", "2023-12-20"),
    ("12298765", "瑶海区2023年政务公开工作计划", "2023-03-02"),
    ("12276543", "合肥市瑶海区人民政府2022年政府信息公开工作年度报告", "2023-01-30"),
    ("12187654", "瑶海区统计局2022年统计年报", "2022-07-15"),
    ("12123456", "合肥市瑶海区人民政府2021年政府信息公开工作年度报告", "2022-01-26"),
    ("12119999", "瑶海区2021年度政务公开工作总结", "2022-01-10"),
    ("12034567", "瑶海区2021年政务公开工作要点", "2021-04-18"),
    ("11987654", "合肥市瑶海区人民政府2020年政府信息公开工作年度报告", "2021-01-28"),
]


def lonsun_public_path(item_id: str) -> str:
    return f"public/{LONSUN_ORGAN_ID}/{item_id}.html"


# A list rendered by JavaScript, 包头市昆都仑区 (150203): the items the page's script fetches.
JS_LIST_ITEMS: list[tuple[str, str, str]] = [
    ("zwgk/xxgknb/content/post_1208812.html", "昆都仑区2024年政务公开工作要点", "2024-03-06"),
    ("zwgk/xxgknb/content/post_1203456.html", "包头市昆都仑区人民政府2023年政府信息公开工作年度报告", "2024-01-22"),
    ("zwgk/xxgknb/content/post_1199876.html", "关于报送2023年度政府信息公开工作年度报告的通知", "2023-12-15"),
    ("zwgk/xxgknb/content/post_1123456.html", "包头市昆都仑区人民政府2022年政府信息公开工作年度报告", "2023-01-20"),
    ("zwgk/xxgknb/content/post_1098765.html", "昆都仑区2022年政务公开工作计划", "2022-04-01"),
    ("zwgk/xxgknb/content/post_1034567.html", "包头市昆都仑区人民政府2021年政府信息公开工作年度报告", "2022-01-25"),
    ("zwgk/xxgknb/content/post_0987654.html", "昆都仑区统计局2020年统计年报", "2021-06-30"),
    ("zwgk/xxgknb/content/post_0956789.html", "包头市昆都仑区人民政府2020年政府信息公开工作年度报告", "2021-01-27"),
    # A detail page that is itself a JavaScript shell (content from /js_list/api/detail/…).
    ("zwgk/xxgknb/content/post_0901234.html", "包头市昆都仑区人民政府2018年政府信息公开工作年度报告", "2019-03-20"),
]

JS_DETAIL = {
    "0901234": {
        "title": "包头市昆都仑区人民政府2018年政府信息公开工作年度报告",
        "indexNo": "11150203011523456N/2019-01234",
        "publisher": "包头市昆都仑区人民政府办公室",
        "writtenDate": "2019-03-18",
        "pubDate": "2019-03-20 10:12",
        "content": (
            "<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自2018年1月1日起至2018年12月31日止。</p>"
            "<p><strong>一、概述</strong></p><p>2018年，我区认真贯彻落实政务公开工作部署，不断完善工作机制。</p>"
            "<p><strong>二、主动公开政府信息情况</strong></p><p>全年主动公开政府信息3256条，其中规范性文件12件。</p>"
            "<p><strong>三、依申请公开政府信息情况</strong></p><p>全年共收到政府信息公开申请27件，均已按期答复。</p>"
            "<p><strong>四、政府信息公开的收费及减免情况</strong></p><p>全年未收取任何费用。</p>"
            "<p><strong>五、因政府信息公开申请行政复议、提起行政诉讼的情况</strong></p>"
            "<p>全年未发生因政府信息公开申请提起行政复议、行政诉讼的情况。</p>"
            "<p><strong>六、存在的主要问题及改进情况</strong></p><p>公开的及时性还需进一步提高。</p>"
        ),
    },
}

# Epoint WebBuilder, 昆山市 (320583): the list JSON (0-based pageIndex, 6 per page).
EPOINT_SITE_GUID = "7eb5f7f1-9041-43ad-8e13-8fcb82ea831a"
EPOINT_CATEGORY = "004001"
EPOINT_PAGE_SIZE = 6
EPOINT_ITEMS: list[tuple[str, str, str]] = [
    ("1c6f0b9e-2d3a-4e5f-8a7b-0c1d2e3f4a51", "昆山市2024年政务公开工作要点", "2024-03-18"),
    ("3f2a1b0c-4d5e-4f60-9a8b-7c6d5e4f3a21", "昆山市人民政府2023年政府信息公开工作年度报告", "2024-01-30"),
    ("5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c11", "昆山市发展和改革委员会2023年政府信息公开工作年度报告", "2024-01-16"),
    ("7b6c5d4e-3f2a-4b1c-9d8e-7f6a5b4c3d22", "关于报送2023年度政府信息公开工作年度报告的通知", "2023-12-08"),
    ("9c8d7e6f-5a4b-4c3d-8e9f-0a1b2c3d4e33", "昆山市人民政府2022年政府信息公开工作年度报告", "2023-01-31"),
    ("0d9e8f7a-6b5c-4d4e-9f0a-1b2c3d4e5f44", "昆山市2022年政务公开工作计划", "2022-03-25"),
    ("2e1f0a9b-8c7d-4e6f-8a1b-2c3d4e5f6a55", "昆山市统计局2022年统计年报", "2022-08-10"),
    ("4f3a2b1c-0d9e-4f8a-9b2c-3d4e5f6a7b66", "昆山市人民政府2021年政府信息公开工作年度报告", "2022-01-28"),
    ("6a5b4c3d-2e1f-4a0b-8c3d-4e5f6a7b8c77", "昆山市2021年政务公开工作要点", "2021-04-20"),
    ("8b7c6d5e-4f3a-4b2c-9d4e-5f6a7b8c9d88", "昆山市人民政府2020年政府信息公开工作年度报告", "2021-01-29"),
    ("0c9d8e7f-6a5b-4c4d-8e5f-6a7b8c9d0e99", "昆山市2020年度政务公开工作总结", "2021-01-08"),
    ("1d0e9f8a-7b6c-4d5e-9f6a-7b8c9d0e1f10", "昆山市财政局2020年度部门决算", "2021-07-02"),
    ("2e1f0a9b-8c7d-4e6f-8a7b-8c9d0e1f2a20", "昆山市人民政府2019年政府信息公开工作年度报告", "2020-01-22"),
    ("3f2a1b0c-9d8e-4f7a-9b8c-9d0e1f2a3b30", "关于进一步做好政府信息公开工作年度报告编制工作的函", "2019-12-02"),
]

# 瑞数: cookie names and the token rule the challenge script implements.
RUISHU_S = "FSSBBIl1UgzbN7N80S"
RUISHU_T = "FSSBBIl1UgzbN7N80T"
# 创宇盾: how many requests of each path are blocked before the page is served.
JSL_BLOCKED_TRIES = 2


# ---------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------
def _params(handler) -> dict[str, str]:
    """Query and form parameters merged (form wins), as a servlet's getParameter sees them."""
    params = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True))
    body = getattr(handler, "post_body", b"") if handler.command == "POST" else b""
    if body:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def _json(handler, data, status: int = 200) -> None:
    handler.send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                  "application/json;charset=UTF-8")


def _bad_request(handler, message: str) -> None:
    handler.send(400, f"<html><body><h1>HTTP Status 400 – Bad Request</h1><p>{message}</p></body></html>"
                  .encode("utf-8"))


# ---------------------------------------------------------------------------------
# Hanweb JCMS: /hanweb_zj/module/jpage/dataproxy.jsp
# ---------------------------------------------------------------------------------
HANWEB_REQUIRED = ("col", "appid", "webid", "columnid", "unitid")


def hanweb_dataproxy(handler) -> None:
    params = _params(handler)
    missing = [f for f in HANWEB_REQUIRED if not params.get(f)]
    paging = [f for f in ("startrecord", "endrecord", "perpage") if not params.get(f, "").isdigit()]
    if missing or paging:
        # The real JSP throws (NumberFormatException / NullPointerException) → 400/500.
        return _bad_request(handler, "missing parameter: " + ", ".join(missing + paging))
    records: list[tuple[str, str, str]] = []
    if (params["webid"], params["columnid"], params["unitid"]) == (HANWEB_WEBID, HANWEB_COLUMNID, HANWEB_UNITID):
        records = HANWEB_RECORDS
    start, end = int(params["startrecord"]), int(params["endrecord"])
    chosen = records[max(start, 1) - 1:end]
    body = "\n".join(f"<record><![CDATA[\n{hanweb_record(*r)}\n]]></record>" for r in chosen)
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<datastore>
<totalrecord>{len(records)}</totalrecord>
<totalpage>{-(-len(records) // int(params["perpage"] or 1))}</totalpage>
<recordset>
{body}
</recordset>
</datastore>
"""
    handler.send(200, xml.encode("utf-8"), "text/xml;charset=UTF-8")


# ---------------------------------------------------------------------------------
# gkmlpt: /gkmlpt_gd/gkmlpt/index and /gkmlpt_gd/gkmlpt/api/all/{catId}?page=N&sid=…
# ---------------------------------------------------------------------------------
def gkmlpt_index(handler) -> None:
    # The catalogue page has no extension on real sites (/gkmlpt/index); send it as HTML.
    target = SITES / "gkmlpt_gd" / "gkmlpt" / "index.html"
    handler.send(200, target.read_bytes(), "text/html")


def _epoch(date: str) -> int:
    return int(datetime.strptime(date + " 09:30", "%Y-%m-%d %H:%M").replace(tzinfo=CHINA).timestamp())


def gkmlpt_api(handler) -> None:
    path = urlsplit(handler.path).path
    params = _params(handler)
    cat = path.rstrip("/").rsplit("/", 1)[-1]
    if not params.get("sid"):
        return _json(handler, {"code": 400, "msg": "sid is required"}, 400)
    if not cat.isdigit():
        return _json(handler, {"code": 404, "msg": "not found"}, 404)
    page = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
    items = GKMLPT_ARTICLES if (params["sid"], cat) == (GKMLPT_SID, GKMLPT_CAT) else []
    chosen = items[(page - 1) * GKMLPT_PAGE_SIZE: page * GKMLPT_PAGE_SIZE]
    host = handler.headers.get("Host", "127.0.0.1")
    articles = []
    for post_id, title, date in chosen:
        article = {
            "id": post_id,
            "title": title,
            "publish_time": _epoch(date),
            "first_publish_time": _epoch(date),
            "display_publish_time": _epoch(date),
            "identifier": f"11440305MB2C92{post_id % 10000:04d}X/{date[:4]}-{post_id % 100000:05d}",
            "source": "深圳市南山区人民政府办公室",
        }
        if post_id not in GKMLPT_NO_URL:
            article["url"] = f"http://{host}/gkmlpt_gd/{gkmlpt_post_path(post_id)}"
        articles.append(article)
    _json(handler, {"articles": articles, "total": len(items), "page": page, "cat_id": int(cat)})


# ---------------------------------------------------------------------------------
# Lonsun label service: /site/label/8888?labelName=publicInfoList&siteId=…&catId=…&pageIndex=N
# ---------------------------------------------------------------------------------
def lonsun_label(handler) -> None:
    params = _params(handler)
    missing = [f for f in ("labelName", "siteId", "catId") if not params.get(f)]
    if missing:
        return _bad_request(handler, "label parameters missing: " + ", ".join(missing))
    if params["labelName"] != "publicInfoList":
        return handler.send(200, b"")
    items = LONSUN_ITEMS if (params["siteId"], params["catId"]) == (LONSUN_SITE_ID, LONSUN_CAT_ID) else []
    size = int(params["pageSize"]) if params.get("pageSize", "").isdigit() and int(params["pageSize"]) > 0 \
        else 15
    index = int(params["pageIndex"]) if params.get("pageIndex", "").isdigit() and int(params["pageIndex"]) > 0 \
        else 1
    pages = max(1, -(-len(items) // size))
    chosen = items[(index - 1) * size: index * size]
    lis = "\n".join(
        f'<li><a href="/lonsun_ah/{lonsun_public_path(i)}" title="{t}" target="_blank">{t}</a>'
        f'<span class="date">{d}</span></li>'
        for i, t, d in chosen)
    fragment = f"""<ul class="clearfix xxgk_nav_list">
{lis}
</ul>
<div id="page_{params['catId']}" class="pagination"></div>
<script type="text/javascript">
Ls.pagination("#page_{params['catId']}", function (pageIndex) {{
    getInfoList(pageIndex);
}}, {{recordCount: {len(items)}, pageCount: {pages}, pageIndex: {index}, pageSize: {size}}});
</script>
"""
    handler.send(200, fragment.encode("utf-8"), "text/html;charset=UTF-8")


# ---------------------------------------------------------------------------------
# JavaScript list: /js_list/api/list.json
# ---------------------------------------------------------------------------------
def js_list_api(handler) -> None:
    _json(handler, {"code": 0, "msg": "success", "data": {
        "total": len(JS_LIST_ITEMS),
        "list": [{"title": t, "linkUrl": "/js_list/" + p, "pubDate": d} for p, t, d in JS_LIST_ITEMS],
    }})


def js_detail_api(handler) -> None:
    item_id = urlsplit(handler.path).path.rsplit("/", 1)[-1].removesuffix(".json")
    if item_id not in JS_DETAIL:
        return handler.send(404, b"{}", "application/json")
    _json(handler, {"code": 0, "data": JS_DETAIL[item_id]})


# ---------------------------------------------------------------------------------
# Epoint: /epoint_spa/rest/frontAppCustomAction/getPageInfoListNew and showinfo.html
# ---------------------------------------------------------------------------------
def epoint_rest(handler) -> None:
    if handler.command != "POST":
        return handler.send(405, b"method not allowed")
    params = _params(handler)
    try:
        query = json.loads(params.get("params", ""))
    except ValueError:
        return _bad_request(handler, "params: JSON expected")
    if not isinstance(query, dict) or not query.get("siteGuid") or not query.get("categoryNum"):
        return _bad_request(handler, "siteGuid and categoryNum are required")
    if not urlsplit(handler.path).path.endswith("/getPageInfoListNew"):
        return _json(handler, {"status": {"code": 404, "text": "no such action"}}, 404)
    items = EPOINT_ITEMS if (query["siteGuid"], query["categoryNum"]) == (EPOINT_SITE_GUID, EPOINT_CATEGORY) else []
    try:
        index = max(int(query.get("pageIndex", 0)), 0)
        size = max(int(query.get("pageSize", EPOINT_PAGE_SIZE)), 1)
    except (TypeError, ValueError):
        return _bad_request(handler, "pageIndex/pageSize must be numbers")
    chosen = items[index * size:(index + 1) * size]  # pageIndex counts from 0
    infodata = [{
        "infoid": guid,
        "title": title,
        "infodate": date,
        "categorynum": EPOINT_CATEGORY,
        "infourl": f"/epoint_spa/showinfo.html?infoGuid={guid}",
    } for guid, title, date in chosen]
    _json(handler, {"custom": {"infodata": infodata, "count": len(items)},
                    "status": {"code": 200, "text": ""}})


def epoint_showinfo(handler) -> None:
    guid = _params(handler).get("infoGuid", "")
    if not guid or not all(c in "0123456789abcdef-" for c in guid):
        return handler.send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode())
    return handler.serve_file(f"/epoint_spa/showinfo/{guid}.html")


# ---------------------------------------------------------------------------------
# 瑞数 (Ruishu): /ruishu/…  — 412 and a script challenge without the right cookies
# ---------------------------------------------------------------------------------
_ruishu_lock = threading.Lock()
_ruishu_counter = [0]


def ruishu_token(nonce: str) -> str:
    """The ``…80T`` cookie the challenge script computes from the ``…80S`` cookie."""
    acc = 7
    for ch in nonce:
        acc = (acc * 31 + ord(ch)) % 1000003
    return nonce[::-1] + "." + str(acc)


RUISHU_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Pragma" content="no-cache">
<meta http-equiv="Cache-Control" content="no-cache, no-store, must-revalidate">
<meta http-equiv="Expires" content="0">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={{}};$_ts.nsd=84301;$_ts.cd="qqrrrpAlDGVqcsAlrqLmcsVqcsGkcGAZDqlHcGVqcrqzDs9ZDqEqckZZhrAZDGL6cqVthaL6WqAzcraHEGrZfGAZUsAdDGqlWqfZHOVScaVZDGAdUqEdWsq.";$_ts.lcd=function(s){{var a=7;for(var i=0;i<s.length;i++){{a=(a*31+s.charCodeAt(i))%1000003;}}return s.split('').reverse().join('')+'.'+a;}};</script>
<script type="text/javascript" r='m'>
(function(){{
  var m = document.cookie.match(/{s}=([^;]+)/);
  var s = m ? m[1] : "{nonce}";
  document.cookie = "{t}=" + $_ts.lcd(s) + "; path=/";
  location.reload();
}})();
</script>
</head>
<body></body></html>
"""


def ruishu_gate(handler) -> None:
    cookies = SimpleCookie()
    try:
        cookies.load(handler.headers.get("Cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed header is simply no cookie
        pass
    s, t = cookies.get(RUISHU_S), cookies.get(RUISHU_T)
    if s is not None and t is not None and t.value == ruishu_token(s.value):
        return handler.serve_file()
    with _ruishu_lock:
        _ruishu_counter[0] += 1
        nonce = hashlib.sha1(f"ruishu-{_ruishu_counter[0]}".encode()).hexdigest()[:24]
    page = RUISHU_PAGE.format(s=RUISHU_S, t=RUISHU_T, nonce=nonce)
    handler.send(412, page.encode("utf-8"), "text/html", headers={
        "Set-Cookie": f"{RUISHU_S}={nonce}; Path=/; HttpOnly",
        "Server": "******",
    })


# ---------------------------------------------------------------------------------
# 创宇盾: /jsl_wait/… — blocked for the first JSL_BLOCKED_TRIES requests of each path
# ---------------------------------------------------------------------------------
JSL_BLOCK_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>访问被拦截 - 知道创宇云防御</title>
<style>body{font-family:"Microsoft YaHei";background:#f7f7f7;text-align:center}.box{margin:120px auto;width:600px;background:#fff;padding:40px}</style>
</head><body>
<div class="box">
<h2>您的访问请求可能对网站造成安全威胁，请求已被拦截</h2>
<p>当前网址：<span id="url"></span></p>
<p>客户端特征：<span id="ua"></span></p>
<p>拦截时间：<span id="time"></span></p>
<p>如果您是网站管理员，请登录知道创宇云防御</p>
<p><a href="https://defense.yunaq.com/">云防御</a></p>
</div>
<script>document.getElementById('url').innerText=location.href;document.getElementById('ua').innerText=navigator.userAgent;document.getElementById('time').innerText=new Date().toLocaleString();</script>
</body></html>
"""


def jsl_gate(handler) -> None:
    if handler.server.hit_count(handler.path) <= JSL_BLOCKED_TRIES:
        return handler.send(200, JSL_BLOCK_PAGE.encode("utf-8"), "text/html")
    return handler.serve_file()


# ---------------------------------------------------------------------------------
# Fault injection: /faults/… (a TRS-style list whose items each fail their own way)
# ---------------------------------------------------------------------------------
FAULT_REPORT = (REPO / "tests" / "sites" / "guizhou_hc" / "zwgk" / "xxgknb" / "202003" / "t20200325_212.html")
FAULT_LIST_ITEMS = [
    ("ok.html", "汇川区人民政府2019年政府信息公开工作年度报告"),
    ("truncated.html", "汇川区人民政府2018年政府信息公开工作年度报告"),
    ("burst500.html", "汇川区人民政府2017年政府信息公开工作年度报告"),
    ("always500.html", "汇川区人民政府2016年政府信息公开工作年度报告"),
    ("slow.html", "汇川区人民政府2015年政府信息公开工作年度报告"),
    ("loop.html", "汇川区人民政府2014年政府信息公开工作年度报告"),
    ("garbage.html", "汇川区人民政府2013年政府信息公开工作年度报告"),
    ("empty.html", "汇川区人民政府2012年政府信息公开工作年度报告"),
    ("huge.html", "汇川区人民政府2011年政府信息公开工作年度报告"),
    ("lookalike.html", "汇川区人民政府2010年政府信息公开工作年度报告"),
    ("wrong-charset.html", "汇川区人民政府2009年政府信息公开工作年度报告"),
]


def _fault_list(handler):
    items = "\n".join(
        f'<li><a href="{name}" title="{title}">{title}</a><span>2020-03-{25 - i:02d}</span></li>'
        for i, (name, title) in enumerate(FAULT_LIST_ITEMS)
    )
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>
<body><div class="position">您当前的位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<ul class="list">{items}</ul><script>createPageHTML(1, 0, "index", "html");</script></body></html>"""
    handler.send(200, page.encode("utf-8"))


def _fault_ok(handler):
    handler.send(200, FAULT_REPORT.read_bytes())


def _fault_truncated(handler):
    body = FAULT_REPORT.read_bytes()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 3])
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(2)


def _fault_burst500(handler):
    # 500 on the first two tries, then the page: retries with backoff get it.
    if handler.server.hit_count(handler.path) <= 2:
        return handler.send(500, b"<html><body>500 Internal Server Error</body></html>")
    return handler.send(200, FAULT_REPORT.read_bytes())


def _fault_always500(handler):
    handler.send(503, b"<html><body>503 Service Unavailable</body></html>")


def _fault_slow(handler):
    time.sleep(handler.server.slow_seconds)
    try:
        handler.send(200, FAULT_REPORT.read_bytes())
    except OSError:  # the crawler gave up first
        pass


def _fault_loop(handler):
    handler.send(302, b"", headers={"Location": "/faults/loop.html"})


def _fault_garbage(handler):
    handler.send(200, bytes(range(256)) * 40, "text/html")


def _fault_empty(handler):
    handler.send(200, b"")


def _fault_huge(handler):
    handler.send(200, b"<html><body>" + "政府信息公开".encode() * 400_000 + b"</body></html>")


def _fault_lookalike(handler):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>汇川区2024年政务公开工作要点</title></head>
<body><h1>汇川区2024年政务公开工作要点</h1><p>为深入贯彻落实……，现将2024年政务公开工作要点印发如下。</p></body></html>"""
    handler.send(200, page.encode("utf-8"))


def _fault_wrong_charset(handler):
    # Declares UTF-8 in the header but sends GBK bytes, as misconfigured servers do.
    handler.send(200, FAULT_REPORT.read_text(encoding="utf-8").replace('charset="utf-8"', "").encode("gbk", "replace"),
                  "text/html; charset=utf-8")


def fault(handler):
    handler_of_name = FAULTS.get(urlsplit(handler.path).path[len("/faults/"):])
    if handler_of_name is None:
        return handler.send(404, b"not found")
    return handler_of_name(handler)


FAULTS = {
    "index.html": _fault_list,
    "ok.html": _fault_ok,
    "truncated.html": _fault_truncated,
    "burst500.html": _fault_burst500,
    "always500.html": _fault_always500,
    "slow.html": _fault_slow,
    "loop.html": _fault_loop,
    "garbage.html": _fault_garbage,
    "empty.html": _fault_empty,
    "huge.html": _fault_huge,
    "lookalike.html": _fault_lookalike,
    "wrong-charset.html": _fault_wrong_charset,
}


# ---------------------------------------------------------------------------------
# Attachments: /attach/files/… (the static pages of the ``attach`` site link to them)
# ---------------------------------------------------------------------------------
SAMPLES = REPO.parent / "shared" / "samples"
ATTACHMENT_FIXTURES = REPO / "tests" / "fixtures" / "attachments"
PDF = "application/pdf"
ATTACHMENTS = {
    # name on the server: (file, content type, extra headers)
    "P020250120386915421552.pdf": (SAMPLES / "huaian-city-2024-report.pdf", PDF, {}),
    "P020240130777777777701.pdf": (ATTACHMENT_FIXTURES / "split-table.pdf", PDF, {}),
    "P020130301412345678901.doc": (ATTACHMENT_FIXTURES / "statistics.doc", "application/msword", {}),
    "P020130301412345678902.xls": (ATTACHMENT_FIXTURES / "statistics.xls", "application/vnd.ms-excel", {}),
    "P020240201555555555501.pdf": (ATTACHMENT_FIXTURES / "image-only.pdf", PDF, {}),
    # PDF bytes behind a .doc name and a Word content type: the extension lies.
    "tongjibiao.doc": (ATTACHMENT_FIXTURES / "split-table.pdf", "application/msword", {}),
    "download.do?fileId=7": (ATTACHMENT_FIXTURES / "statistics.xls", "application/octet-stream",
                             {"Content-Disposition": 'attachment; filename="../../../../tmp/govreports-evil.xls"'}),
    "P020240115000000000777.pdf": (ATTACHMENT_FIXTURES / "split-table.pdf", PDF, {}),
}
OVERSIZED = "P020240204999999999999.pdf"  # 3 MB
CORRUPT = "P020240203000000000001.pdf"  # the first third of a PDF


def attachment_file(handler):
    name = handler.path[len("/attach/files/"):]  # with the query: download.do?fileId=7
    if name == OVERSIZED:
        return handler.send(200, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), PDF)
    if name == CORRUPT:
        data = (ATTACHMENT_FIXTURES / "split-table.pdf").read_bytes()
        return handler.send(200, data[: len(data) // 3], PDF)
    if name not in ATTACHMENTS or not ATTACHMENTS[name][0].exists():
        return handler.send(404, b"not found")
    path, content_type, headers = ATTACHMENTS[name]
    return handler.send(200, path.read_bytes(), content_type, headers=headers)


# ---------------------------------------------------------------------------------
# The shared samples as a portal: /shared_samples/ lists each sample under the title a
# portal would give it, linking straight to the file (served as it is: PDF, DOCX, and
# the text copies as text/plain), so a crawl reads the very files `scrapy import` reads.
# ---------------------------------------------------------------------------------
SHARED_SAMPLE_LIST = [
    # (file in ../shared/samples, the list's title, content type)
    ("huaian-city-2024-report.pdf", "淮安市人民政府2024年政府信息公开工作年度报告", PDF),
    ("honghuagang-2012-report.txt", "红花岗区人民政府2012年度信息公开工作年度报告", "text/plain"),
    ("xiachuan-town-2017-report.txt", "衢江区峡川镇2017年政府信息公开工作年度报告", "text/plain"),
    # A yearless title naming its body, as town columns list their reports: fetched, so
    # the crawl reads the blank form too.
    ("blank-2021-template.docx", "某某街道办事处政府信息公开工作年度报告",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]


def shared_samples(handler):
    name = urlsplit(handler.path).path[len("/shared_samples/"):]
    if name in ("", "index.html"):
        items = "\n".join(f'<li><a href="{file}" title="{title}">{title}</a><span>2025-01-{n + 10}</span></li>'
                          for n, (file, title, _) in enumerate(SHARED_SAMPLE_LIST))
        page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>
<ul class="list">{items}</ul><script>createPageHTML(1, 0, "index", "html");</script></body></html>"""
        return handler.send(200, page.encode("utf-8"))
    for file, _, content_type in SHARED_SAMPLE_LIST:
        if name == file and (SAMPLES / file).exists():
            return handler.send(200, (SAMPLES / file).read_bytes(), content_type)
    return handler.send(404, b"not found")


# ---------------------------------------------------------------------------------
# Hostile attachments: /limits/files/… (the ``limits`` site links to them), built on
# first request: decompression bombs, a line-grid PDF, a gzip bomb, a body without a
# length over the size cap.
# ---------------------------------------------------------------------------------
def _hostile_files() -> dict[str, tuple[str, object]]:
    from tests import hostile_files as h

    return {
        # name: (what the crawl must record, builder)
        "P020240302000000000001.pdf": ("timeout", h.line_grid_pdf),
        "P020240302000000000002.docx": ("too_large", h.docx_bomb),  # document.xml: 1 GiB
        "P020240302000000000003.pdf": ("too_large", h.pdf_inflating),  # content stream: 500 MiB
        "P020240302000000000004.pdf": ("too_large", h.gzip_bomb),  # served gzip-encoded: 64 MiB
        "P020240302000000000005.pdf": ("too_large", lambda: b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)),  # no length
        "P020240302000000000006.zip": ("too_large", h.zip_bomb),  # one member of 1 GiB
        "P020240302000000000007.xls": ("parsed", lambda: (ATTACHMENT_FIXTURES / "statistics.xls").read_bytes()),
        "P020240301000000000001.pdf": ("parsed", lambda: (ATTACHMENT_FIXTURES / "split-table.pdf").read_bytes()),
    }


HOSTILE_ATTACHMENTS = {name: status for name, (status, _) in _hostile_files().items()}
_hostile_cache: dict[str, bytes] = {}
_hostile_lock = threading.Lock()


def hostile_attachment(handler):
    name = urlsplit(handler.path).path[len("/limits/files/"):]
    files = _hostile_files()
    if name not in files:
        return handler.send(404, b"not found")
    with _hostile_lock:
        if name not in _hostile_cache:
            _hostile_cache[name] = files[name][1]()
    body = _hostile_cache[name]
    if name.endswith("04.pdf"):
        return handler.send(200, body, PDF, headers={"Content-Encoding": "gzip"})
    if name.endswith("05.pdf"):
        # No Content-Length: the size shows only while the body arrives.
        handler.send_response(200)
        handler.send_header("Content-Type", PDF)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        if handler.command != "HEAD":
            handler.wfile.write(body)
        return None
    return handler.send(200, body, PDF if name.endswith(".pdf") else "application/octet-stream")


# ---------------------------------------------------------------------------------
# A large TRS-style portal generated on the fly: /bulk/…
# ---------------------------------------------------------------------------------
BULK_REPORTS = 40
BULK_PER_PAGE = 10
BULK_BODY = "汇川区人民政府"


@dataclass(frozen=True)
class BulkTemplate:
    """A real report page the ``/bulk/`` portal serves under many numbers: its file,
    the title and 索引号 it prints (replaced per report), and its reporting year."""

    path: Path
    title: str
    index_no: str
    year: int

    def title_of(self, n: int) -> str:
        return f"汇川区第{n}部门{self.year}年政府信息公开工作年度报告"

    def page(self, n: int) -> str:
        html = self.path.read_text(encoding="utf-8").replace(self.title, self.title_of(n))
        prefix = self.index_no.rsplit("-", 1)[0]
        return html.replace(self.index_no, f"{prefix}-{n:05d}")


_HC_REPORTS = REPO / "tests" / "sites" / "guizhou_hc" / "zwgk" / "xxgknb"
# The 2019 report (2019 form); the default.
BULK_2019 = BulkTemplate(_HC_REPORTS / "202003" / "t20200325_212.html",
                         "汇川区人民政府2019年政府信息公开工作年度报告", "009386521/2020-00018", 2019)
# The 2023 report (2021 form), for the benchmarks of speed and size (server.bulk_template).
BULK_2021 = BulkTemplate(_HC_REPORTS / "202403" / "t20240301_555.html",
                         "汇川区人民政府2023年政府信息公开工作年度报告", "009386521/2024-00031", 2023)
BULK_TEMPLATE = BULK_2019.path


def bulk_title(n: int) -> str:
    return BULK_2019.title_of(n)


def bulk_portal(handler):
    name = urlsplit(handler.path).path[len("/bulk/"):]
    total, per_page = handler.server.bulk_reports, handler.server.bulk_per_page
    template = handler.server.bulk_template
    pages = (total + per_page - 1) // per_page
    if name in ("index.html", "") or (name.startswith("index_") and name.endswith(".html")):
        page = 0 if name in ("index.html", "") else int(name[len("index_"):-len(".html")])
        time.sleep(handler.server.bulk_list_delay)
        first = page * per_page
        items = "\n".join(
            f'<li><a href="t{n:04d}.html" title="{template.title_of(n)}">{template.title_of(n)}</a>'
            f'<span>{template.year + 1}-03-{1 + n % 28:02d}</span></li>'
            for n in range(first, min(first + per_page, total)))
        html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门年报</title></head><body>
<ul class="list">{items}</ul><script>createPageHTML({pages}, {page}, "index", "html");</script></body></html>"""
        return handler.send(200, html.encode("utf-8"))
    if name.startswith("t") and name.endswith(".html") and name[1:-5].isdigit() and int(name[1:-5]) < total:
        n = int(name[1:-5])
        time.sleep(handler.server.bulk_delay)
        return handler.send(200, template.page(n).encode("utf-8"))
    return handler.send(404, b"not found")


# ---------------------------------------------------------------------------------
# A portal that keeps a session cookie, as JSP portals do: /session/… serves the
# guizhou_hc site's files with a ``Set-Cookie`` (for the cookie handling tests).
# ---------------------------------------------------------------------------------
def session_portal(handler) -> None:
    path = urlsplit(handler.path).path[len("/session"):]
    session = hashlib.sha1(handler.client_address[0].encode()).hexdigest()[:16]
    handler.serve_file("/guizhou_hc" + path, headers={"Set-Cookie": f"JSESSIONID={session}; Path=/; HttpOnly"})


# ---------------------------------------------------------------------------------
# A portal of local links: /local_links/… — a list whose report links, refresh, redirect and
# attachment links point at local files (a real report page and a real PDF of this
# repository, /etc/passwd) and data: URLs.  Followed, they would store a local page as a
# report and copy local files into files/; the crawler must request none of them.
# ---------------------------------------------------------------------------------
LOCAL_REPORT = FAULT_REPORT  # a real report page on this machine
LOCAL_PDF = REPO / "tests" / "fixtures" / "attachments" / "split-table.pdf"
HOSTILE_REPORT_INDEX_NO = "009386521/2020-00777"


def _data_url(content_type: str, data: bytes) -> str:
    import base64
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def hostile_links() -> dict[str, str]:
    """What each hostile link of the list points at, by list title."""
    return {
        "汇川区人民政府2018年政府信息公开工作年度报告": LOCAL_REPORT.as_uri(),
        "汇川区人民政府2017年政府信息公开工作年度报告": "file:///etc/passwd",
        "汇川区人民政府2016年政府信息公开工作年度报告": _data_url("text/html;charset=utf-8", LOCAL_REPORT.read_bytes()),
        "汇川区人民政府2015年政府信息公开工作年度报告": "refresh.html",
        "汇川区人民政府2014年政府信息公开工作年度报告": "redirect.html",
        "汇川区人民政府2013年政府信息公开工作年度报告": "report.html",
    }


def hostile_attachment_links() -> dict[str, str]:
    """The attachment links of /hostile/report.html, by link text."""
    return {"统计表.pdf": LOCAL_PDF.as_uri(), "附件.pdf": "file:///etc/passwd",
            "附件2.pdf": _data_url("application/pdf", LOCAL_PDF.read_bytes())}


def local_links_portal(handler) -> None:
    name = urlsplit(handler.path).path[len("/local_links/"):]
    if name in ("", "index.html"):
        items = "\n".join(f'<li><a href="{href}" title="{title}">{title}</a><span>2020-03-{20 - i:02d}</span></li>'
                          for i, (title, href) in enumerate(hostile_links().items()))
        page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>
<body><ul class="list">{items}</ul><script>createPageHTML(1, 0, "index", "html");</script></body></html>"""
        return handler.send(200, page.encode("utf-8"))
    if name == "refresh.html":
        page = f'<html><head><meta http-equiv="refresh" content="0;url={LOCAL_REPORT.as_uri()}"></head><body></body></html>'
        return handler.send(200, page.encode("utf-8"))
    if name == "redirect.html":
        return handler.send(302, b"", headers={"Location": LOCAL_REPORT.as_uri()})
    if name == "report.html":
        links = "".join(f'<p><a href="{href}">{text}</a></p>' for text, href in hostile_attachment_links().items())
        html = FAULT_REPORT.read_text(encoding="utf-8").replace("009386521/2020-00018", HOSTILE_REPORT_INDEX_NO)
        return handler.send(200, html.replace("</body>", f'<div class="appendix">{links}</div></body>').encode("utf-8"))


# ---------------------------------------------------------------------------------
# Hostile portals: /hostile/<kind>/… (runaway paginators, a page of 5,000 links)
# ---------------------------------------------------------------------------------
HOSTILE_ITEMS = 5  # report links on the first page of a runaway list
HOSTILE_LINKS = 5000  # report links on the one page of /hostile/links/


def hostile_title(n: int) -> str:
    return f"汇川区第{n}部门2019年政府信息公开工作年度报告"


def _hostile_list(handler, page: int, numbers) -> None:
    items = "\n".join(
        f'<li><a href="t{n:05d}.html" title="{hostile_title(n)}">{hostile_title(n)}</a><span>2020-03-01</span></li>'
        for n in numbers)
    # The paging script claims 100,000 pages: only the pages themselves can tell.
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门年报</title></head><body>
<ul class="list">{items}</ul><script>createPageHTML(100000, {page}, "index", "html");</script></body></html>"""
    handler.send(200, html.encode("utf-8"))


def _hostile_report(handler, n: int) -> None:
    html = BULK_TEMPLATE.read_text(encoding="utf-8")
    html = html.replace("汇川区人民政府2019年政府信息公开工作年度报告", hostile_title(n))
    html = html.replace("009386521/2020-00018", f"009386521/2021-{n:05d}")
    handler.send(200, html.encode("utf-8"))


# A 瑞数-looking challenge (412 + $_ts) whose page reloads itself for ever: it never lifts.
RELOAD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=84301;</script>
<script type="text/javascript">location.reload();</script>
</head><body></body></html>"""


def hostile_portal(handler) -> None:
    """``repeat/``: every page ``index_N.html`` lists the same items; ``empty/``: pages
    after the first list nothing; ``links/``: one page with :data:`HOSTILE_LINKS` report
    links; ``reload/``: every page is a challenge that reloads itself for ever.  Items
    ``tNNNNN.html`` are report pages."""
    kind, _, name = urlsplit(handler.path).path[len("/hostile/"):].partition("/")
    if kind == "reload":
        return handler.send(412, RELOAD_PAGE.encode("utf-8"), "text/html")
    if name.startswith("t") and name.endswith(".html") and name[1:-5].isdigit():
        return _hostile_report(handler, int(name[1:-5]))
    if name in ("", "index.html"):
        page = 0
    elif name.startswith("index_") and name.endswith(".html") and name[6:-5].isdigit():
        page = int(name[6:-5])
    else:
        return handler.send(404, b"not found")
    if kind == "repeat":
        return _hostile_list(handler, page, range(HOSTILE_ITEMS))
    if kind == "empty":
        return _hostile_list(handler, page, range(HOSTILE_ITEMS) if page == 0 else ())
    if kind == "links" and page == 0:
        items = "\n".join(f'<li><a href="t{n:05d}.html">{hostile_title(n)}</a></li>' for n in range(HOSTILE_LINKS))
        return handler.send(200, f"<html><body><ul>{items}</ul></body></html>".encode("utf-8"))
    return handler.send(404, b"not found")


# Path prefix -> handler; the first match answers (GET and POST alike).
ROUTES: list[tuple[str, object]] = [
    ("/hanweb_zj/module/jpage/dataproxy.jsp", hanweb_dataproxy),
    ("/gkmlpt_gd/gkmlpt/api/all/", gkmlpt_api),
    ("/gkmlpt_gd/gkmlpt/index", gkmlpt_index),
    ("/site/label/8888", lonsun_label),
    ("/js_list/api/list.json", js_list_api),
    ("/js_list/api/detail/", js_detail_api),
    ("/epoint_spa/rest/", epoint_rest),
    ("/epoint_spa/showinfo.html", epoint_showinfo),
    ("/ruishu/", ruishu_gate),
    ("/jsl_wait/", jsl_gate),
    ("/faults/", fault),
    ("/attach/files/", attachment_file),
    ("/limits/files/", hostile_attachment),
    ("/shared_samples/", shared_samples),
    ("/bulk/", bulk_portal),
    ("/session/", session_portal),
    ("/hostile/", hostile_portal),
    ("/local_links/", local_links_portal),
    *DISCOVERY_ROUTES,
]
