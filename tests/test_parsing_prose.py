"""Figures in prose, metadata lines, titles and report detection of text copies.

The sentences below are written in the shapes real reports use (see the real-page
expectations for the pages themselves); each test names one behaviour.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govreports.parsing.headline import from_text, headline, statements
from govreports.parsing.indicators import make_indicator
from govreports.parsing.metadata import metadata_from_text, read_tokens
from govreports.parsing.report import parse_report_html, parse_report_text, strip_pinyin_glosses
from govreports.parsing.sections import reads_like_notice, reads_like_report
from govreports.parsing.titles import is_report_column, is_report_link, names_its_body, title_from_lines

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parsing"
PROACTIVE, RECEIVED, DISCLOSED = "headline.proactive_total", "headline.applications_received", "headline.applications_disclosed"
REVIEWS, LAWSUITS, FEES = "headline.admin_reviews", "headline.lawsuits", "headline.fees"


def said(text: str) -> dict[str, float | int | None]:
    return {k: v.value for k, v in from_text(text).items()}


# --- the year's proactive total under many verbs and nouns -----------------------------------------
@pytest.mark.parametrize("text,value", [
    ("2021年，共主动公开政府信息141条，其中机构职能类信息16条。", 141),
    ("全年我镇在政府门户网站上主动公开信息数量为46件，内容涵盖政策文件等信息。", 46),
    ("2013年度主动公开信息的有5条；", 5),
    ("市政府办公室共发布各类主动公开信息96件。", 96),
    ("全年通过门户网站主动公开政务信息808件。其中，文件183件。", 808),
    ("2022年我街道通过网站等方式主动向社会公开政策文件、工作动态、行政处罚等信息1851条。", 1851),
    ("全县各级各部门共主动公开机构信息、政策文件、权责清单等方面政府信息7579条，未发生信息公开泄密事件。", 7579),
    ("2019年，通过门户网站、公报等渠道主动公开省政府及省政府办公厅政府信息759件，其中发布规章11部。", 759),
])
def test_proactive_total_verbs_and_nouns(text, value):
    assert said(text)[PROACTIVE] == value


@pytest.mark.parametrize("text,value", [
    ("（一）主动公开。2022年，街道依托门户网站及时公开机构设置、财政预算等政府信息106条。", 106),
    ("（一）主动公开方面\n2023年通过政府门户网发布工作信息、规划计划信息等各类信息48条。", 48),
    ("（一）不断拓展主动公开的广度和深度\n全年在政务网站发布各类信息9252条，微信公众号发布2100篇。", 9252),
])
def test_a_verb_under_a_proactive_heading_is_enough(text, value):
    assert said(text)[PROACTIVE] == value


@pytest.mark.parametrize("text", [
    "（二）网站建设情况\n一年来，共在政府网站上发布各类信息共3400条。",  # the website, not proactive disclosure
    "（一）主动公开。依法做好政府信息主动公开工作，公开行政许可信息703件，公开处罚信息95件。",  # a list of parts
    "（一）主动公开。全年通过网站公开信息23条；通过公众号公开信息154条；通过公开栏公开信息60条。",
    "（一）主动公开。全年共发布各类新闻信息1247条、各类政务信息1.5万余条。",
    "全年主动公开政府信息130余条。",  # approximate
    "作为依申请公开信息数28条，不予公开信息数8条。",
    "其中主动公开政府信息17条。",
])
def test_no_proactive_total_from_parts_lists_and_approximations(text):
    assert PROACTIVE not in said(text)


@pytest.mark.parametrize("text", [
    "截至2013年底，累计主动公开政府信息21500条。",
    "自2008年《条例》实施以来，我局累计主动公开政府信息3312条。",
    "我局历年累计主动公开政府信息1200条。",
    "累计主动公开政府信息908条。",
])
def test_cumulative_totals_are_not_the_year_s(text):
    assert PROACTIVE not in said(text)


@pytest.mark.parametrize("text,value", [
    ("2012年，全局累计主动公开政府信息12条，其中概况类信息3条。", 12),  # summed over the year
    ("2013年，本机关新增主动公开政府信息1523条，截至2013年底，累计主动公开政府信息12011条。", 1523),
])
def test_cumulative_word_scoped_to_the_year(text, value):
    assert said(text).get(PROACTIVE) == value


def test_year_scoped_cumulative_under_a_proactive_heading():
    assert said("（一）主动公开\n全年通过网站、政务新媒体等多种渠道累计公开信息共44条。")[PROACTIVE] == 44


# --- units and numerals -----------------------------------------------------------------------------
@pytest.mark.parametrize("text,key,value", [
    ("全省行政机关主动公开信息62.73万条。", PROACTIVE, 627300),
    ("共新增主动公开政府信息一百二十六条。", PROACTIVE, 126),
    ("2014年，我局收到12起政府信息依申请公开，均按时办理。", RECEIVED, 12),
    ("全年共收到政府信息公开申请3宗。", RECEIVED, 3),
    ("全年共收到和处理政府信息依申请公开申请十三件，予以公开十件。", RECEIVED, 13),
    ("予以公开十件。", DISCLOSED, 10),
    ("全区受理依申请735件（含垂管单位）。", RECEIVED, 735),
    ("2021年度，我县共收到9件“依申请公开”申请，均已办结。", RECEIVED, 9),
    ("发生1起因政府信息公开引起的行政复议。", REVIEWS, 1),
    ("本年度依申请公开共收取复印费共计120元。", FEES, 120),
    ("依申请公开收取费用共计0.15万元。", FEES, 1500),
    ("依申请公开收费为零。", FEES, 0),
])
def test_units_and_chinese_numerals(text, key, value):
    assert said(text)[key] == value


def test_printed_figure_is_kept_as_raw_with_the_sentence():
    ind = from_text("全省行政机关主动公开信息62.73万条。")[PROACTIVE]
    assert (ind.raw, ind.source, ind.evidence) == ("62.73万条", "text", "全省行政机关主动公开信息62.73万条。")


# --- negations, scoped to what the sentence is about -------------------------------------------------
@pytest.mark.parametrize("text,zero,not_zero", [
    ("2021年，我局未发生依申请公开政府信息方面的行政复议和行政诉讼。", {REVIEWS, LAWSUITS}, {RECEIVED}),
    ("全年未发生因政府信息公开申请被申请行政复议、提起行政诉讼情况。", {REVIEWS, LAWSUITS}, {RECEIVED}),
    ("我局未收到政府信息公开投诉及因政府信息公开提起行政诉讼和行政申诉情况。", {LAWSUITS}, {REVIEWS, RECEIVED}),
    ("没有发生针对本部门有关政府信息公开事务的行政复议案件。", {REVIEWS}, {LAWSUITS}),
    ("未发生针对本单位的行政复议案、诉讼和申述的情况。", {REVIEWS, LAWSUITS}, set()),
    ("（二）与行政复议、行政诉讼有关的费用支出：无。", set(), {REVIEWS, LAWSUITS, FEES}),
    ("（三）公民、法人和其他组织的收费情况：无。", {FEES}, {REVIEWS}),
    ("依申请受理信息公开申请：无。", {RECEIVED}, set()),
    ("我镇2016年度无申请。", {RECEIVED}, set()),
    ("2021年度未收到申请公开政府信息件。", {RECEIVED}, set()),
    ("本单位没有向依申请公开对象收取复印、传真等任何费用。", {FEES}, set()),
    ("全年未发生信息公开泄密事件。", set(), {REVIEWS, LAWSUITS, FEES, RECEIVED}),
    ("目前尚无发现应主动公开政府信息而未予公开的情况。", set(), {RECEIVED, PROACTIVE}),
    ("该行政复议件未被复议审查机关纠错。", set(), {REVIEWS}),  # denies a correction, not the review
    ("其中发生行政复议、行政诉讼案件0件。", {REVIEWS, LAWSUITS}, set()),
])
def test_negation_is_scoped_to_its_subject(text, zero, not_zero):
    values = said(text)
    assert ({k for k in zero if values.get(k) == 0}, {k for k in not_zero if k in values}) == (zero, set())


def test_a_stated_number_beats_a_negation():
    text = "本年度未发生行政复议，发生行政诉讼2起。我局收到1件政府信息公开申请，未发生因政府信息公开申请被申请行政复议。"
    assert (said(text)[REVIEWS], said(text)[LAWSUITS], said(text)[RECEIVED]) == (0, 2, 1)


def test_a_truncated_number_is_no_number():
    assert RECEIVED not in said("2023年，黔城镇收到依申请公开的申请2")


def test_letters_are_not_applications():
    assert RECEIVED not in said("“县长信箱”受理网民来信60件，办结60件。")


# --- carried over, and the era's own keys ------------------------------------------------------------
@pytest.mark.parametrize("text,key,value", [
    ("全年接收政府信息公开申请1554件，2023年结转132件；全年办理1503件，结转2025年183件。", "text.carried_in", 132),
    ("全年接收政府信息公开申请1554件，2023年结转132件；全年办理1503件，结转2025年183件。", "text.carried_out", 183),
    ("当年办结168件（含上年结转14件），结转下一年7件。", "text.carried_in", 14),
    ("予以公开3件，无法提供4件，转下年度继续办理1件。", "text.carried_out", 1),
    ("2024年，我局收到1件政府信息公开申请，结转至下一年度办理。", "text.carried_out", 1),
])
def test_carried_over_applications(text, key, value):
    assert statements(text)[key].value == value


def test_legacy_report_states_its_legacy_keys():
    heads, _ = headline([], "全年主动公开政府信息191条。本年度未收到政府信息公开申请。依申请公开收取费用共计120元。", "legacy")
    got = {i.key: (i.value, i.unit) for i in heads if i.key.startswith("legacy.")}
    assert got == {"legacy.proactive.total": (191, "条"), "legacy.apply.received": (0, "件"),
                   "legacy.fees.amount": (120, "元")}


def test_2021_report_states_its_t3_and_t4_keys():
    heads, _ = headline([], "共收到信息公开申请7件，上年度结转1件；予以公开3件，结转下年继续办理1件。未发生行政复议。", "2021")
    got = {i.key: i.value for i in heads if i.key.startswith(("t3.", "t4."))}
    assert got == {"t3.new.total": 7, "t3.carried_in.total": 1, "t3.result.disclosed.total": 3,
                   "t3.carried_out.total": 1, "t4.review.total": 0}


def test_no_era_keys_without_an_era():
    heads, _ = headline([], "共收到信息公开申请7件。", None)
    assert [i.key for i in heads] == [RECEIVED]


def test_table_value_wins_over_prose_and_the_disagreement_is_flagged():
    table = [make_indicator("t3.new.total", "5", "一、本年新收政府信息公开申请数量/总计"),
             make_indicator("t3.carried_out.total", "0", "四、结转下年度继续办理/总计")]
    heads, flags = headline(table, "全年共收到政府信息公开申请7件，结转下年继续办理2件。", "2021")
    by_key = {i.key: i for i in heads}
    assert (by_key[RECEIVED].value, by_key[RECEIVED].source, "t3.new.total" in by_key, "t3.carried_out.total" in by_key) == (
        5, "table", False, False)
    assert sorted((f.numbers["key"], f.numbers["text"], f.numbers["table"]) for f in flags) == [
        (RECEIVED, 7, 5), ("t3.carried_out.total", 2, 0)]


def test_table_and_prose_that_agree_raise_no_flag():
    _, flags = headline([make_indicator("t3.new.total", "7", "x")], "全年共收到政府信息公开申请7件。", "2021")
    assert flags == []


def test_disagreement_flagged_on_a_whole_page():
    page = (FIXTURES / "trs_2021_report.html").read_text(encoding="utf-8")
    table_value = {i.key: i.value for i in parse_report_html(page, "http://x/") .indicators}["t3.new.total"]
    page = page.replace("一、总体情况", f"一、总体情况</p><p>全年共收到政府信息公开申请{table_value + 40}件。", 1)
    report = parse_report_html(page, "http://x/")
    received = {i.key: i for i in report.indicators}[RECEIVED]
    assert (received.value, received.source != "text") == (table_value, True)
    assert [(f.numbers["text"], f.numbers["table"]) for f in report.flags if f.rule == "text_vs_table"] == [
        (table_value + 40, table_value)]


# --- whole text copies -------------------------------------------------------------------------------
def parsed(name: str):
    return parse_report_text((FIXTURES / name).read_text(encoding="utf-8"), f"http://x/{name}")


@pytest.mark.parametrize("key,value", [
    (PROACTIVE, 126), (RECEIVED, 3), (DISCLOSED, 2), (REVIEWS, 0), (FEES, 120), (LAWSUITS, None),
    ("legacy.proactive.total", 126), ("legacy.apply.received", 3), ("legacy.review.total", 0),
    ("legacy.fees.amount", 120), ("legacy.litigation.total", None),
])
def test_legacy_prose_report(key, value):
    assert {i.key: i.value for i in parsed("prose_legacy_2013.txt").indicators}.get(key) == value


@pytest.mark.parametrize("field,value", [
    ("is_report", True), ("report_year", 2013), ("era", "legacy"), ("publisher", "青石县农业局"),
    ("title", "青石县农业局2013年政府信息公开年度报告"),
])
def test_legacy_prose_report_attributes(field, value):
    assert getattr(parsed("prose_legacy_2013.txt"), field) == value


@pytest.mark.parametrize("field,value", [
    ("index_no", "11522601MB0123456X/2014-00031"), ("publisher", "青石县农业局"), ("written_date", "2014-03-20"),
    ("doc_no", ""), ("validity", ""),
])
def test_label_value_lines_without_colons(field, value):
    assert parsed("prose_legacy_2013.txt").metadata[field] == value


@pytest.mark.parametrize("key,value", [
    (PROACTIVE, 12000), (RECEIVED, 12), (DISCLOSED, 7), (REVIEWS, 0), (LAWSUITS, 1), (FEES, 0),
    ("t3.new.total", 12), ("t3.carried_in.total", 2), ("t3.result.disclosed.total", 7), ("t3.carried_out.total", 2),
    ("t4.review.total", 0),
])
def test_2021_prose_report(key, value):
    assert {i.key: i.value for i in parsed("prose_2022_street.txt").indicators}.get(key) == value


@pytest.mark.parametrize("field,value", [
    ("is_report", True), ("report_year", 2022), ("era", "2021"), ("publisher", "柳湾街道办事处"),
    ("title", "柳湾街道办事处2022年度政府信息公开工作年度报告"),
])
def test_2021_prose_report_attributes(field, value):
    assert getattr(parsed("prose_2022_street.txt"), field) == value


# --- metadata values end at the next label --------------------------------------------------------------
@pytest.mark.parametrize("tokens,field,value", [
    (["信息来源：区人民政府办公室 时间：2017-01-12 10:01"], "publisher", "区人民政府办公室"),
    (["信息来源：区人民政府办公室 时间：2017-01-12 10:01"], "published_date", "2017-01-12 10:01"),
    (["发布时间:2022-02-16 发布机构:政府办 字体:[ 大 中 小 ]"], "publisher", "政府办"),
    (["文 号: 文件分类: 所属机构:"], "doc_no", ""),
    (["作者:本站原创 | 来源:本站原创 | 时间:2019-01-18 点击数:- 分享到:"], "publisher", ""),
    (["发文日期：2009-02-27 15:19:45"], "written_date", "2009-02-27"),
    (["浏览次数:发布时间:2016-03-25 00:00"], "published_date", "2016-03-25 00:00"),
])
def test_metadata_values_end_at_the_next_label(tokens, field, value):
    assert read_tokens(tokens)[field] == value


def test_a_label_inside_a_word_is_no_label():
    # "办公时间" is not the 时间 label of a byline
    assert "published_date" not in read_tokens(["办公时间:工作日"])


def test_labels_and_values_on_lines_of_their_own():
    meta, used = metadata_from_text("其他\n索引号\n5300000010820161105\n文号\nX政办函〔2014〕6号\n来源\nX省人民政府办公厅\n"
                                    "公开日期\n2014-01-15\n\nX省人民政府办公厅关于做好年度报告工作的通知")
    assert (meta, used) == ({"index_no": "5300000010820161105", "doc_no": "X政办函〔2014〕6号",
                             "publisher": "X省人民政府办公厅", "published_date": "2014-01-15"}, set(range(1, 9)))


def test_a_lone_label_does_not_take_the_title_for_its_value():
    meta, used = metadata_from_text("文号 关键词\n时效\nXX县2013年度政府信息\n公开工作年度报告")
    assert (meta["validity"], 2 in used) == ("", False)


# --- titles of text copies ---------------------------------------------------------------------------
@pytest.mark.parametrize("lines,title", [
    (["首页 > 政务公开 > 政府信息公开年报", "XX镇2023年政府信息公开工作年度报告?", "发布时间:2024-01-19"],
     "XX镇2023年政府信息公开工作年度报告"),
    (["XX县文广新局2013年度信息公开工作", "年度报告", "一、主动公开政府信息的情况"], "XX县文广新局2013年度信息公开工作年度报告"),
    (["XX县人民政府机关", "2020年政府信息公开工作年度报告", "本报告根据…编制。"], "XX县人民政府机关2020年政府信息公开工作年度报告"),
    (["标题: | XX局2008年政府信息公开年度报告 | ||", "---|---|"], "XX局2008年政府信息公开年度报告"),
    (["XX苏木2021年政府信息公开工作年度报告.docx", "XX苏木 2021 年政府信息 公开工作年度报告 根据《条例》，…"],
     "XX苏木2021年政府信息公开工作年度报告"),
    (["XX市2018年政府信息公开工作年度报告XX市2018年政府信息公开工作年度报告 2018年，XX市全面贯彻落实" + "，" * 40],
     "XX市2018年政府信息公开工作年度报告"),
    (["托克逊县人民政府", "政府信息公开", "2024年XX镇人民政府信息公开工作年度报告"], "2024年XX镇人民政府信息公开工作年度报告"),
    (["名 称: XX街道办事处2022年度 政府信息公开工作年度报告"], "XX街道办事处2022年度政府信息公开工作年度报告"),
    (["X省人民政府办公厅关于做好2013年", "政府信息公开工作年度报告编制工作的通知", "各州、市人民政府："],
     "X省人民政府办公厅关于做好2013年政府信息公开工作年度报告编制工作的通知"),
    (["根据《条例》规定，现发布《X省2019年度政府信息公开工作报告》。", "一、总体情况"], ""),
])
def test_title_from_lines(lines, title):
    assert title_from_lines(lines)[0] == title


def test_pinyin_glosses_are_stripped():
    assert strip_pinyin_glosses("政府信息公開年度報(bào)告，統(tǒng)計") == "政府信息公開年度報告，統計"
    assert strip_pinyin_glosses("公(gong)開(kai)工(gong)作(zuo)") == "公開工作"
    assert strip_pinyin_glosses("微信(app)") == "微信(app)"  # one toneless word is not a gloss


# --- report titles without a year ----------------------------------------------------------------------
@pytest.mark.parametrize("title,in_report_column", [
    ("延安路街道办事处政府信息公开工作年度报告", True),
    ("河包镇政府信息公开工作年度报告", True),
    ("XX县统计局政府信息公开年报", True),
    ("政府信息公开年报", False),  # the column's own name
    ("政府信息公开工作年度报告", False),
    ("市政府信息公开工作年度报告", False),
    ("XX区2024年政务公开工作要点", False),
    ("XX镇2023年政务公开工作计划", False),
    ("XX县政府信息公开统计年报", False),
    ("关于XX县2022年政府信息公开工作年度报告落实情况的函", False),
    ("关于报送政府信息公开工作年度报告的通知", False),
    ("政府信息公开工作年度报告格式", False),
    ("XX区政府信息公开年度报告制度", False),
])
def test_yearless_titles_are_reports_only_in_a_report_column(title, in_report_column):
    assert (is_report_link(title), is_report_link(title, report_column=True), names_its_body(title)) == (
        False, in_report_column, in_report_column)


@pytest.mark.parametrize("column,items,expected", [
    ("政府信息公开年报_XX县人民政府", [], True),
    ("XX街道_XX县人民政府", ["XX街道办事处2022年政府信息公开工作年度报告"], True),
    ("通知公告_XX县人民政府", ["XX街道办事处政府信息公开工作年度报告"], False),
    ("政务公开工作要点", [], False),
])
def test_report_column(column, items, expected):
    assert is_report_column(column, items) is expected


# --- title-less copies: a report or something else ---------------------------------------------------
REPORT_BODY = ("本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据的统计期限为2022年1月1日至2022年12月31日。\n"
               "一、总体情况\n2022年，街道全面推进政务公开。\n二、主动公开政府信息情况\n（表略）\n"
               "三、收到和处理政府信息公开申请情况\n全年未收到政府信息公开申请。")
NOTICE_BODY = ("各乡镇人民政府，县政府各部门：\n现将《关于做好2022年政府信息公开工作年度报告编制工作的通知》转发给你们，"
               "请认真贯彻执行。\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况")


def test_title_less_report_is_a_report_with_its_year():
    report = parse_report_text(REPORT_BODY, "http://x/")
    assert (report.is_report, report.report_year, report.era, report.title) == (True, 2022, "2021", "")


def test_notice_quoting_the_format_is_not_a_report():
    report = parse_report_text(NOTICE_BODY, "http://x/")
    assert (reads_like_report(NOTICE_BODY), reads_like_notice(NOTICE_BODY), report.is_report) == (True, True, False)


def test_rules_with_articles_are_not_a_report():
    rules = ("第三条 各镇（街）负责编制本区域的政府信息公开年度报告。\n第四条 年度报告主要包括以下内容：\n"
             "（一）主动公开政府信息的情况；\n（二）依申请公开政府信息的情况；\n（三）因政府信息公开申请行政复议、提起行政诉讼的情况；")
    assert parse_report_text(rules, "http://x/").is_report is False


def test_table_heads_citing_articles_are_not_rules():
    assert reads_like_notice("第二十条(五)项\n信息内容\n第二十条(六)项\n第二十条第（八）项") is False


@pytest.mark.parametrize("text,year", [
    ("现将我局2014年政府信息公开情况报告如下。\n一、主动公开政府信息情况", 2014),
    ("根据《条例》规定，现发布《X省2019年度政府信息公开工作报告》。\n一、总体情况", 2019),
    ("本报告信息数据统计期限为：2016年1月1日——2016年12月31日。", 2016),
    ("现将夏镇20241月1日至12月31日期间的政府信息公开情况报告如下", 2024),
    ("一、概述\n2018年，X省全面推进政务公开。\n2018年，X省印发了《2019年工作要点》。", 2018),
])
def test_report_year_from_the_page(text, year):
    assert parse_report_text(text + "\n二、主动公开政府信息情况\n三、依申请公开政府信息情况", "http://x/").report_year == year


def test_2020_report_in_the_old_layout_is_legacy():
    text = ("2020年度XX镇政府信息公开工作报告\n引 言\n本报告所列数据的统计期限为2020年1月1日至2020年12月31日。\n"
            "一 、政府信息公开工作的基本概况\n配备1名兼职工作人员。")
    assert parse_report_text(text, "http://x/").era == "legacy"


def test_2019_form_with_an_old_first_heading_stays_2019():
    text = ("2019年XX乡政府信息公开工作年度报告\n一、概述\n本年报所列数据的统计期限自2019年1月1日起。\n"
            "二、主动公开政府信息情况\n第二十条(五)项\n信息内容上一年项目数量本年增/减处理决定数量")
    assert parse_report_text(text, "http://x/").era == "2019"
