"""The real samples in ../shared/samples: legacy tables -> legacy.* and headline.*."""


import pytest

from govreports.parsing.report import parse_report_text
from tests.harness import SHARED, require_shared

SAMPLES = SHARED / "samples"
HONGHUAGANG = SAMPLES / "honghuagang-2012-report.txt"
XIACHUAN = SAMPLES / "xiachuan-town-2017-report.txt"


@pytest.fixture(autouse=True, scope="module")
def _shared_samples():
    require_shared(HONGHUAGANG)
    require_shared(XIACHUAN)


@pytest.fixture(scope="module")
def hhg():
    return parse_report_text(HONGHUAGANG.read_text(encoding="utf-8"), "http://www.zyhhg.gov.cn/t20130226.html")


@pytest.fixture(scope="module")
def xc():
    return parse_report_text(XIACHUAN.read_text(encoding="utf-8"), "http://www.qjq.gov.cn/art/2022/7/14/art_1.html")


def values(report):
    return {i.key: i for i in report.indicators}


# ------------------------------------------------------------------ 红花岗 2012

@pytest.mark.parametrize(
    "field,value",
    [("title", "红花岗区人民政府2012年度信息公开工作年度报告"), ("report_year", 2012), ("is_report", True),
     ("era", "legacy"), ("publisher", "红花岗区人民政府")],
)
def test_hhg_fields(hhg, field, value):
    assert getattr(hhg, field) == value


def test_hhg_published_date(hhg):
    assert hhg.metadata["published_date"] == "2013-02-26 14:21"


def test_hhg_has_no_index_number(hhg):
    assert hhg.index_no == ""


def test_hhg_cover_letter_is_kept_apart(hhg):
    assert hhg.cover_letter.startswith("红花岗区电子政务办公室关于报送2012年度") and "二○一三年二月二十日" in hhg.cover_letter


def test_hhg_cover_letter_not_in_sections(hhg):
    assert not any("联系人:余小冬" in s.text for s in hhg.sections)


def test_hhg_next_year_plan_is_kept_apart(hhg):
    assert hhg.next_year_plan.startswith("2013年度政府信息公开工作计划") and "强化信息公开督查机制" in hhg.next_year_plan


def test_hhg_plan_not_in_sections(hhg):
    assert not any("强化信息公开督查机制" in s.text or "强化信息公开督查机制" in s.heading for s in hhg.sections)


def test_hhg_sections(hhg):
    assert [s.number for s in hhg.sections if s.number] == ["一", "二", "三", "四", "五"]


def test_hhg_page_chrome_removed(hhg):
    assert "您当前的位置" not in hhg.body_text and "【分享】" not in hhg.body_text and "上一篇" not in hhg.body_text


@pytest.mark.parametrize(
    "key,raw,value",
    [
        ("legacy.proactive.total", "4712", 4712),
        ("legacy.channel.gazette", "4", 4),
        ("legacy.channel.website", "896", 896),
        ("legacy.channel.press_conference", "0", 0),
        ("legacy.channel.other", "3812", 3812),
        ("legacy.reading_room_visits", "0", 0),
        ("legacy.column_visits", "48068", 48068),
        ("legacy.apply.received", "4", 4),
        ("legacy.apply.received.in_person", "0", 0),
        ("legacy.apply.received.fax", "0", 0),
        ("legacy.apply.received.online", "4", 4),
        ("legacy.apply.received.other", "0", 0),
        ("legacy.apply.rejected", "0", 0),
        ("legacy.apply.answered", "4", 4),
        ("legacy.apply.answered.agreed", "3", 3),
        ("legacy.apply.answered.partial", "0", 0),
        ("legacy.apply.answered.refused", "1", 1),
        ("legacy.apply.answered.not_exist", "0", 0),
        ("legacy.apply.answered.not_this_agency", "1", 1),
        ("legacy.apply.answered.told_to_amend", "0", 0),
        ("legacy.review.total", "0", 0),
        ("legacy.review.corrected", "0", 0),
        ("legacy.litigation.total", "0", 0),
        ("legacy.litigation.corrected", "0", 0),
        ("legacy.fees.amount", "0", 0),
    ],
)
def test_hhg_legacy_cells(hhg, key, raw, value):
    ind = values(hhg)[key]
    assert (ind.raw, ind.value) == (raw, value)


def test_hhg_unit_from_the_unit_column(hhg):
    assert values(hhg)["legacy.column_visits"].unit == "人次"


@pytest.mark.parametrize(
    "key,value",
    [("headline.proactive_total", 4712), ("headline.applications_received", 4), ("headline.applications_disclosed", 3),
     ("headline.admin_reviews", 0), ("headline.lawsuits", 0), ("headline.fees", 0)],
)
def test_hhg_headline(hhg, key, value):
    assert values(hhg)[key].value == value


def test_hhg_unmapped_rows_are_kept_as_unknown(hhg):
    assert "unknown:legacy:判决变更的件数" in values(hhg)


# ------------------------------------------------------------------ 峡川镇 2017

@pytest.mark.parametrize(
    "field,value",
    [("index_no", "330803-054/2022-59460"), ("disclosure_mode", "主动公开"), ("publisher", "衢江区峡川镇"),
     ("written_date", "2022-07-14"), ("validity", ""), ("doc_no", "")],
)
def test_xc_metadata(xc, field, value):
    assert xc.metadata[field] == value


@pytest.mark.parametrize(
    "field,value",
    [("report_year", 2017), ("is_report", True), ("era", "legacy"), ("publisher", "衢江区峡川镇"), ("cover_letter", ""),
     ("next_year_plan", "")],
)
def test_xc_fields(xc, field, value):
    assert getattr(xc, field) == value


def test_xc_metadata_rows_not_in_body(xc):
    assert "330803-054" not in xc.body_text


@pytest.mark.parametrize(
    "key,raw,value,unit",
    [
        ("legacy.proactive.total", "78条", 78, "条"),
        ("legacy.proactive.normative", "30条", 30, "条"),
        ("legacy.normative.issued", "50件", 50, "件"),
        ("legacy.channel.gazette", "3条", 3, "条"),
        ("legacy.channel.website", "78条", 78, "条"),
        ("legacy.channel.weibo", "0条", 0, "条"),
        ("legacy.channel.wechat", "30条", 30, "条"),
        ("legacy.channel.other", "0条", 0, "条"),
        ("legacy.response.hot_topics", "5次", 5, "次"),
        ("legacy.response.press_conferences", "0次", 0, "次"),
        ("legacy.response.online_interviews", "0次", 0, "次"),
        ("legacy.response.policy_interpretations", "5篇", 5, "篇"),
        ("legacy.apply.received", "0件", 0, "件"),
        ("legacy.apply.received.in_person", "0件", 0, "件"),
        ("legacy.apply.received.fax", "0件", 0, "件"),
        ("legacy.apply.received.online", "0件", 0, "件"),
        ("legacy.apply.received.letter", "0件", 0, "件"),
        ("legacy.apply.closed", "0件", 0, "件"),
        ("legacy.apply.closed.on_time", "0件", 0, "件"),
        ("legacy.apply.closed.extended", "0件", 0, "件"),
        ("legacy.apply.answered", "0件", 0, "件"),
        ("legacy.apply.answered.already_public", "0件", 0, "件"),
        ("legacy.apply.answered.agreed", "0件", 0, "件"),
        ("legacy.apply.answered.partial", "0件", 0, "件"),
        ("legacy.apply.answered.refused", "0件", 0, "件"),
        ("legacy.apply.answered.not_this_agency", "0件", 0, "件"),
        ("legacy.apply.answered.not_exist", "0件", 0, "件"),
        ("legacy.apply.answered.told_to_amend", "0件", 0, "件"),
        ("legacy.apply.answered.other_channel", "0件", 0, "件"),
        ("legacy.review.total", "0件", 0, "件"),
        ("legacy.review.upheld", "0件", 0, "件"),
        ("legacy.review.corrected", "0件", 0, "件"),
        ("legacy.review.other", "0件", 0, "件"),
        ("legacy.litigation.total", "0件", 0, "件"),
        ("legacy.litigation.upheld", "0件", 0, "件"),
        ("legacy.litigation.corrected", "0件", 0, "件"),
        ("legacy.litigation.other", "0件", 0, "件"),
        ("legacy.complaints.total", "0件", 0, "件"),
        ("legacy.fees.amount", "0万元", 0, "万元"),
        ("legacy.org.units", "1个", 1, "个"),
        ("legacy.org.reading_points", "", None, "个"),
        ("legacy.org.staff", "1人", 1, "人"),
        ("legacy.org.staff_fulltime", "", None, "人"),
        ("legacy.org.staff_parttime", "1人", 1, "人"),
        ("legacy.org.budget", "", None, "万元"),
        ("legacy.meetings", "4次", 4, "次"),
        ("legacy.trainings", "1次", 1, "次"),
        ("legacy.trainees", "12人次", 12, "人次"),
    ],
)
def test_xc_legacy_cells(xc, key, raw, value, unit):
    ind = values(xc)[key]
    assert (ind.raw, ind.value, ind.unit) == (raw, value, unit)


@pytest.mark.parametrize(
    "key,value,unit",
    [("headline.proactive_total", 78, "条"), ("headline.applications_received", 0, "件"),
     ("headline.applications_disclosed", 0, "件"), ("headline.admin_reviews", 0, "件"), ("headline.lawsuits", 0, "件"),
     ("headline.fees", 0, "元")],
)
def test_xc_headline(xc, key, value, unit):
    ind = values(xc)[key]
    assert (ind.value, ind.unit) == (value, unit)


def test_xc_comparison_chart_is_not_mapped(xc):
    assert not [i for i in xc.indicators if i.raw == "60"]


def test_xc_no_flags(xc):
    assert xc.flags == []


def test_hhg_text_and_table_disagree_on_disclosed(hhg):
    # the text says 同意公开答复4件, 表2 says 3: keep the table, record the disagreement
    (flag,) = [f for f in hhg.flags if f.rule == "text_vs_table"]
    assert (flag.numbers["key"], flag.numbers["text"], flag.numbers["table"]) == ("headline.applications_disclosed", 4, 3)
