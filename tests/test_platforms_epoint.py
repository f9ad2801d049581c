"""Epoint 新点 WebBuilder: shell page → JSON POST; JSON answers → candidates and pages."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from govreports.platforms import Page
from govreports.platforms.epoint import Epoint

FIXTURES = Path(__file__).parent / "fixtures" / "platforms" / "epoint"
ENDPOINT = "http://www.wujiang.gov.cn/EpointWebBuilder/rest/frontAppCustomAction/getPageInfoListNew"
SHELL_PARAMS = {"siteGuid": "7eb5f7f1-9041-43ad-8e13-8fcb82ea831a", "categoryNum": "014002003", "kw": "",
                "startDate": "", "endDate": "", "pageIndex": 0, "pageSize": 15}


def page(name: str, url: str) -> Page:
    return Page(url=url, text=(FIXTURES / name).read_text(encoding="utf-8"))


def shell_request():
    (request,) = Epoint().parse_list(page("list_shell.html", "http://www.wujiang.gov.cn/zwgk/014002/014002003/")).next_requests
    return request


def answer_url(index: int) -> str:
    params = json.dumps({**SHELL_PARAMS, "pageIndex": index}, ensure_ascii=False, separators=(",", ":"))
    return f"{ENDPOINT}?{urlencode({'params': params})}"


def test_shell_posts_to_the_rest_endpoint():
    request = shell_request()
    assert (request.url.split("?")[0], request.method, request.platform) == (ENDPOINT, "POST", "epoint")


def test_shell_params_are_resolved_from_variables_and_sent_as_the_params_field():
    (field, value), = shell_request().formdata
    assert (field, json.loads(value)) == ("params", SHELL_PARAMS)


def test_params_are_mirrored_in_the_query():
    request = shell_request()
    assert dict(parse_qsl(urlsplit(request.url).query))["params"] == request.formdata[0][1]


def answer0():
    return Epoint().parse_list(page("answer_page0.json", answer_url(0)))


def test_answer_items_become_candidates():
    first = answer0().candidates[0]
    assert (first.url, first.title, first.published) == (
        "http://www.wujiang.gov.cn/zwgk/014002/014002003/20240110/3a7c1e20-1b2c-4000-a000-0000005e6f70.html",
        "吴江区2023年政府信息公开工作年度报告", "2024-01-10")


def test_guid_only_item_links_to_showinfo():
    assert answer0().candidates[3].url == \
        "http://www.wujiang.gov.cn/showinfo.html?infoGuid=3a7c1e23-1b2f-4003-a003-0000005e6f73"


def test_answer_requests_the_next_page_index():
    (request,) = answer0().next_requests
    assert json.loads(dict(request.formdata)["params"]) == {**SHELL_PARAMS, "pageIndex": 1}


def test_short_page_ends_paging():
    listing = Epoint().parse_list(page("answer_page2.json", answer_url(2)))
    assert listing.next_requests == []


def test_count_reached_ends_paging():
    items = [{"title": f"t{i}", "infourl": f"/a/{i}.html", "infodate": "2024-01-01"} for i in range(15)]
    text = json.dumps({"custom": {"infodata": items, "count": 30}})
    assert Epoint().parse_list(Page(url=answer_url(2), text=text)).next_requests == []


def test_other_list_shapes_are_found():
    text = json.dumps({"result": {"records": [{"infoTitle": "2023年度报告", "linkurl": "/x.html",
                                               "publishDate": "2024-03-01 10:00"}], "total": 1}})
    (candidate,) = Epoint().parse_list(Page(url=answer_url(0), text=text)).candidates
    assert (candidate.url, candidate.title, candidate.published) == (
        "http://www.wujiang.gov.cn/x.html", "2023年度报告", "2024-03-01")


def test_shell_without_a_json_config_requests_nothing():
    text = '<html><script src="/js/webbuilder/ewb-common.js"></script><ul id="list"></ul></html>'
    assert Epoint().parse_list(Page(url="http://www.wujiang.gov.cn/a/", text=text)).next_requests == []
