"""Who published a report (govreports.bodies): its body's kind and name from the title,
the registry row's body and the publisher, as real pages print them.  One assertion per
name: a hand-written list of names in the shapes real portals use (全称 and 简称, brackets,
parent regions before the name, bare level prefixes, typos of spacing)."""

from __future__ import annotations

import pytest

from govreports.bodies import (BODY_SUFFIXES, KINDS, Body, body_in_title, classify_name, classify_portal_body,
                               classify_report, clean_name, kinds_of_level)

# (name as printed, the portal's region, kind, name as keyed)
NAMES = [
    # the government: 全称, 简称, with its parents, a bare level, the region itself
    ("龙游县人民政府", "龙游县", "government", "龙游县"),
    ("龙游县政府", "龙游县", "government", "龙游县"),
    ("龙游县", "龙游县", "government", "龙游县"),
    ("浙江省龙游县人民政府", "龙游县", "government", "龙游县"),
    ("衢州市龙游县人民政府", "龙游县", "government", "龙游县"),
    ("县政府", "龙游县", "government", "龙游县"),
    ("县人民政府", "龙游县", "government", "龙游县"),
    ("贵州省人民政府", "贵州省", "government", "贵州省"),
    ("遵义市人民政府", "遵义市", "government", "遵义市"),
    ("黔南布依族苗族自治州人民政府", "黔南布依族苗族自治州", "government", "黔南布依族苗族自治州"),
    ("阿巴嘎旗人民政府", "阿巴嘎旗", "government", "阿巴嘎旗"),
    ("天津市滨海新区人民政府", "滨海新区", "government", "滨海新区"),
    ("滨海新区", "滨海新区", "government", "滨海新区"),
    ("上海市浦东新区人民政府", "浦东新区", "government", "浦东新区"),
    ("遵义市红花岗区人民政府", "遵义市", "government", "红花岗区"),  # a county's report on its city's portal
    ("本溪市人民政府", "本溪市", "government", "本溪市"),  # 本… is a place here, not "this site"
    # the general office publishes the government's report: the government's
    ("龙游县人民政府办公室", "龙游县", "government", "龙游县"),
    ("龙游县政府办公室", "龙游县", "government", "龙游县"),
    ("县政府办", "龙游县", "government", "龙游县"),
    ("沈阳市人民政府办公厅", "沈阳市", "government", "沈阳市"),
    ("吉林省人民政府办公厅", "吉林省", "government", "吉林省"),
    ("龙游县人民政府办公室（县外事办）", "龙游县", "government", "龙游县"),
    ("龙游县人民政府办公室(县政务公开办)", "龙游县", "government", "龙游县"),
    # departments: its region before it, a bare level prefix, a parent region dropped
    ("龙游县财政局", "龙游县", "department", "龙游县财政局"),
    ("县财政局", "龙游县", "department", "龙游县财政局"),
    ("区发展和改革委员会", "和平区", "department", "和平区发展和改革委员会"),
    ("浙江省龙游县教育局", "龙游县", "department", "龙游县教育局"),
    ("鄂尔多斯市国有资产监督管理委员会", "鄂尔多斯市", "department", "鄂尔多斯市国有资产监督管理委员会"),
    ("鄂尔多斯市行政审批和政务服务局", "鄂尔多斯市", "department", "鄂尔多斯市行政审批和政务服务局"),
    ("吉林省政务服务和数字化建设管理局", "吉林省", "department", "吉林省政务服务和数字化建设管理局"),
    ("福州市人民政府外事办公室", "福州市", "department", "福州市人民政府外事办公室"),
    ("昌江区委信访局", "昌江区", "department", "昌江区委信访局"),
    ("湖南省生态环境厅", "湖南省", "department", "湖南省生态环境厅"),
    ("广州市公安局荔湾区分局", "荔湾区", "department", "广州市公安局荔湾区分局"),
    ("绵阳市安州区经济合作局", "安州区", "department", "安州区经济合作局"),
    ("西安市西大街发展服务中心", "莲湖区", "department", "西安市西大街发展服务中心"),
    ("陕西省地方志办公室", "陕西省", "department", "陕西省地方志办公室"),
    ("渝中区经济和信息化委员会", "渝中区", "department", "渝中区经济和信息化委员会"),
    ("遵义市统计局", "遵义市", "department", "遵义市统计局"),
    ("遵义市红花岗区人民政府电子政务办公室", "红花岗区", "department", "红花岗区人民政府电子政务办公室"),
    ("湖南衡山萱洲国家湿地公园管理处", "衡山县", "department", "湖南衡山萱洲国家湿地公园管理处"),
    ("县卫健委", "龙游县", "department", "龙游县卫健委"),
    ("市场监督管理局", "龙游县", "department", "市场监督管理局"),
    ("县城乡建设局", "龙游县", "department", "龙游县城乡建设局"),  # 乡 inside a department's name
    ("县乡村振兴局", "龙游县", "department", "龙游县乡村振兴局"),
    ("龙游县人民检察院", "龙游县", "department", "龙游县人民检察院"),
    # towns, townships, streets, 苏木; their region before them dropped
    ("湖镇镇", "龙游县", "township", "湖镇镇"),
    ("湖镇镇人民政府", "龙游县", "township", "湖镇镇"),
    ("龙游县湖镇镇人民政府", "龙游县", "township", "湖镇镇"),
    ("高岭镇政府", "密云区", "township", "高岭镇"),
    ("环城乡", "榆树市", "township", "环城乡"),
    ("古砦仫佬族乡", "柳城县", "township", "古砦仫佬族乡"),
    ("吾合沙鲁乡人民政府", "乌恰县", "township", "吾合沙鲁乡"),
    ("中华路街道办事处", "红花岗区", "township", "中华路街道"),
    ("中华路街道办", "红花岗区", "township", "中华路街道"),
    ("中华路街道", "红花岗区", "township", "中华路街道"),
    ("南磨房地区办事处", "朝阳区", "township", "南磨房地区"),
    ("宝格都乌拉苏木", "阿巴嘎旗", "township", "宝格都乌拉苏木"),
    ("四合镇人民政府办公室", "大竹县", "township", "四合镇"),
    # development zones, with or without their 管委会; a 新区 that is no county
    ("天津经济技术开发区", "滨海新区", "zone", "天津经济技术开发区"),
    ("天津港保税区", "滨海新区", "zone", "天津港保税区"),
    ("宁波国家高新区管委会", "宁波市", "zone", "宁波国家高新区"),
    ("广东从化经济开发区管理委员会", "从化区", "zone", "广东从化经济开发区"),
    ("赣州经济技术开发区党工委管委会", "赣州市", "zone", "赣州经济技术开发区"),
    ("两江新区", "渝北区", "zone", "两江新区"),
    ("苏州工业园区", "苏州市", "zone", "苏州工业园区"),
    ("柳城县伏虎华侨管理区", "柳城县", "zone", "柳城县伏虎华侨管理区"),
    # others: villages, neighbourhoods, institutions
    ("幸福社区居委会", "红花岗区", "other", "幸福社区居委会"),
    ("幸福社区", "红花岗区", "other", "幸福社区"),
    ("龙游县人民医院", "龙游县", "other", "龙游县人民医院"),
    ("龙游县自来水有限公司", "龙游县", "other", "龙游县自来水有限公司"),
]


@pytest.mark.parametrize(("name", "region", "kind", "keyed"), NAMES)
def test_a_name_says_its_kind_and_key(name, region, kind, keyed):
    assert classify_name(clean_name(name), region) == Body(kind, keyed)


# (title, publisher, registry body, region, report year) -> (kind, name, where it was read)
REPORTS = [
    ("龙游县人民政府2023年政府信息公开工作年度报告", "", "", "龙游县", (
        "government", "龙游县", "title")),
    ("龙游县2023年政府信息公开工作年度报告", "", "", "龙游县", ("government", "龙游县", "title")),
    ("龙游县财政局2023年政府信息公开工作年度报告", "龙游县人民政府办公室", "", "龙游县", (
        "department", "龙游县财政局", "title")),
    ("关于龙游县财政局2023年政府信息公开工作年度报告", "", "", "龙游县", ("department", "龙游县财政局", "title")),
    ("龙游县财政局关于2023年政府信息公开工作年度报告", "", "", "龙游县", ("department", "龙游县财政局", "title")),
    ("龙游县 财政局 2023 年政府信息公开工作年度报告", "", "", "龙游县", ("department", "龙游县财政局", "title")),
    ("2023年度龙游县人民政府政府信息公开工作年度报告", "", "", "龙游县", ("government", "龙游县", "title")),
    ("二〇二三年龙游县财政局政府信息公开工作年度报告", "", "", "龙游县", ("department", "龙游县财政局", "title")),
    ("龙游县人民政府信息公开工作年度报告（2023年）", "", "", "龙游县", ("government", "龙游县", "title")),
    ("2023年政府信息公开工作年度报告（龙游县教育局）", "", "", "龙游县", ("department", "龙游县教育局", "title")),
    ("湖镇镇2023年政府信息公开工作年度报告", "湖镇镇", "", "龙游县", ("township", "湖镇镇", "title")),
    ("中华路街道办事处政府信息公开工作年度报告", "", "", "红花岗区", ("township", "中华路街道", "title")),
    ("宁波国家高新区管委会2023年政府信息公开工作年度报告", "", "", "宁波市", ("zone", "宁波国家高新区", "title")),
    # no name in the title: the registry row's body, else the publisher
    ("2023年政府信息公开工作年度报告", "县财政局", "", "龙游县", ("department", "龙游县财政局", "publisher")),
    ("2023年政府信息公开工作年度报告", "县政府办", "", "龙游县", ("government", "龙游县", "publisher")),
    ("2023年政府信息公开工作年度报告", "龙游县财政局，龙游县人民政府办公室", "", "龙游县", (
        "department", "龙游县财政局", "publisher")),
    ("2023年政府信息公开工作年度报告", "龙游县人民政府办公室", "高岭镇", "密云区", ("township", "高岭镇", "registry")),
    ("2023年政府信息公开工作年度报告", "", "天津港保税区", "滨海新区", ("zone", "天津港保税区", "registry")),
    ("我局2023年政府信息公开工作年度报告", "龙游县财政局", "", "龙游县", ("department", "龙游县财政局", "publisher")),
    ("本局2023年政府信息公开工作年度报告", "", "龙游县财政局", "龙游县", ("department", "龙游县财政局", "registry")),
    ("2023年政府信息公开工作年度报告", "本站原创", "", "龙游县", ("unknown", "", "")),
    ("2023年政府信息公开工作年度报告", "admin", "", "龙游县", ("unknown", "", "")),
    ("2023年政府信息公开工作年度报告", "", "", "龙游县", ("unknown", "", "")),
    # the general office: the government's when it is only the publisher (the seed's kind gc);
    # its own report, a department's, when the title or the registry row names it (as every
    # real page of shared/samples/real-pages that does so is)
    ("和平区人民政府办公室2023年政府信息公开工作年度报告", "", "", "和平区", (
        "department", "和平区人民政府办公室", "title")),
    ("宿迁市政府办公室2014年政府信息公开年度报告", "宿迁市人民政府办公室", "", "宿迁市", (
        "department", "宿迁市政府办公室", "title")),
    ("2023年上海市人民政府办公厅政府信息公开工作年度报告", "", "", "上海市", (
        "department", "上海市人民政府办公厅", "title")),
    ("县政府办2023年政府信息公开工作年度报告", "", "", "乌恰县", ("department", "乌恰县人民政府办公室", "title")),
    ("城口县人民政府机关2023年政府信息公开工作年度报告", "", "", "城口县", ("government", "城口县", "title")),
    ("天津东疆综合东疆综保区管理委员会2023年政府信息公开工作年度报告", "", "", "滨海新区", (
        "zone", "天津东疆综合东疆综保区", "title")),
    ("和平区人民政府办公室2023年政府信息公开工作年度报告", "", "和平区人民政府办公室", "和平区", (
        "department", "和平区人民政府办公室", "title")),
    ("2023年政府信息公开工作年度报告", "", "和平区人民政府办公室", "和平区", (
        "department", "和平区人民政府办公室", "registry")),
    ("区政府办2023年政府信息公开工作年度报告", "", "和平区人民政府办公室", "和平区", (
        "department", "和平区人民政府办公室", "title")),
    # a page that names another body than its registry row's is that body's
    ("龙游县人民政府2023年政府信息公开工作年度报告", "", "龙游县财政局", "龙游县", ("government", "龙游县", "title")),
    ("溪口镇2023年政府信息公开工作年度报告", "", "湖镇镇", "龙游县", ("township", "溪口镇", "title")),
]


@pytest.mark.parametrize(("title", "publisher", "portal_body", "region", "expected"), REPORTS)
def test_a_report_s_body(title, publisher, portal_body, region, expected):
    body = classify_report(title, publisher, 2023, portal_body=portal_body, region_name=region)
    assert (body.kind, body.name, body.source) == expected


@pytest.mark.parametrize(("title", "named"), [
    ("龙游县财政局2023年政府信息公开工作年度报告", "龙游县财政局"),
    ("2023年政府信息公开工作年度报告", ""),
    ("政府信息公开工作年度报告", ""),
    ("2023年度政府信息公开工作报告", ""),
    ("龙游县人民政府关于2023年度政府信息公开工作的报告", "龙游县人民政府"),
    ("《龙游县财政局2023年政府信息公开工作年度报告》", "龙游县财政局"),
    ("云南省人民政府办公厅关于做好2023年政府信息公开工作年度报告编制工作的通知", "云南省人民政府办公厅"),
])
def test_the_body_a_title_names(title, named):
    assert body_in_title(title, 2023) == named


def test_the_year_is_found_without_being_told():
    assert body_in_title("溪口镇2021年政府信息公开工作年度报告") == "溪口镇"


@pytest.mark.parametrize(("body", "region", "expected"), [
    ("", "龙游县", Body("government", "龙游县", "registry", "")),
    ("高岭镇", "密云区", Body("township", "高岭镇", "registry", "高岭镇")),
    ("和平区人民政府办公室", "和平区", Body("department", "和平区人民政府办公室", "registry", "和平区人民政府办公室")),
    ("鄂尔多斯市工业和信息化局", "鄂尔多斯市", Body("department", "鄂尔多斯市工业和信息化局", "registry",
                                                 "鄂尔多斯市工业和信息化局")),
    ("", "", Body("unknown", "", "", "")),
])
def test_a_registry_row_s_body(body, region, expected):
    assert classify_portal_body(body, region) == expected


@pytest.mark.parametrize(("level", "kinds"), [
    ("department", ("department",)), ("government", ("government",)), ("town", ("township",)),
    ("township,zone", ("township", "zone")), ("all", KINDS), (" Department ", ("department",)),
])
def test_levels(level, kinds):
    assert kinds_of_level(level) == kinds


def test_an_unknown_level_names_the_choices():
    with pytest.raises(ValueError, match="unknown level 'county'.*government, department, township"):
        kinds_of_level("county")


def test_every_suffix_once_and_every_kind_known():
    suffixes = [s for s, _, _ in BODY_SUFFIXES]
    assert len(suffixes) == len(set(suffixes))
    assert {k for _, k, _ in BODY_SUFFIXES} <= set(KINDS)


# --- the real pages of ../shared/samples/real-pages: their index says whose each is ----------------
# The index's level, and the kinds that agree with it (its "county" rows include zones'
# 管委会, which are county-level bodies).
LEVEL_KINDS = {"province": {"government"}, "city": {"government"}, "county": {"government", "zone"},
               "national department": {"department"}, "province department": {"department"},
               "city department": {"department"}, "county department": {"department"},
               "town": {"township"}, "street": {"township"}}


def test_real_pages_bodies_agree_with_their_index():
    import csv

    from govreports.parsing.report import parse_report_text
    from tests.harness import require_shared
    from tests.real_pages import REAL_PAGES

    index = require_shared(REAL_PAGES / "index.csv")
    named, wrong = 0, []
    with index.open(newline="", encoding="utf-8") as f:
        pages = [row for row in csv.DictReader(f) if row["level"] in LEVEL_KINDS and row["kind"] == "report"]
    for page in pages:
        report = parse_report_text((REAL_PAGES / page["file"]).read_text(encoding="utf-8"), "http://x.gov.cn/")
        body = classify_report(report.title, report.publisher or report.metadata.get("publisher", ""),
                               report.report_year)
        if body.kind == "unknown":  # the text copy gives neither title nor publisher
            continue
        named += 1
        if body.kind not in LEVEL_KINDS[page["level"]]:
            wrong.append((page["id"], page["level"], body, report.title, report.publisher))
    assert wrong == [] and named >= 50, (named, wrong)
