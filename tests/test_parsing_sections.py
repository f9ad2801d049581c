"""sections: cover letter and next-year plan kept apart; numbered sections in order."""

import pytest

from govreports.parsing.sections import split_body, split_sections

PAGE = """XX局关于报送2019年度政府信息公开工作年度报告的报告
县政府办公室：
现将我局2019年度政府信息公开工作年度报告报送你办。
XX县XX局
2020年1月10日
XX局2019年政府信息公开工作年度报告
一、总体情况
全年主动公开信息100条。
二、主动公开政府信息情况
规章 | 0 | 0 | 0
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量
四、结转下年度继续办理
四、政府信息公开行政复议、行政诉讼情况
无。
2020年度政府信息公开工作计划
一、加强组织领导
二、完善制度
政府信息公开情况统计表
主动公开政府信息数 | 条 | 100
"""


@pytest.fixture(scope="module")
def parts():
    return split_body(PAGE)


def test_cover_letter(parts):
    assert parts.cover_letter.split("\n") == [
        "XX局关于报送2019年度政府信息公开工作年度报告的报告", "县政府办公室：",
        "现将我局2019年度政府信息公开工作年度报告报送你办。", "XX县XX局", "2020年1月10日"]


def test_report_heading(parts):
    assert parts.report_heading == "XX局2019年政府信息公开工作年度报告"


def test_plan(parts):
    assert parts.next_year_plan.split("\n") == ["2020年度政府信息公开工作计划", "一、加强组织领导", "二、完善制度"]


def test_tables_after_the_plan_stay_in_the_report(parts):
    assert "主动公开政府信息数 | 条 | 100" in parts.report


def test_sections_skip_table_row_labels(parts):
    assert [(s.number, s.heading) for s in split_sections(parts.report) if s.number] == [
        ("一", "总体情况"), ("二", "主动公开政府信息情况"), ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况")]


def test_no_cover_no_plan():
    p = split_body("一、总体情况\n全年主动公开信息100条。\n二、其他\n无。")
    assert (p.cover_letter, p.next_year_plan) == ("", "")


def test_section_text():
    (first, second) = split_sections("一、总体情况\n第一段。\n第二段。\n二、其他\n无。")
    assert (first.number, first.heading, first.text, second.text) == ("一", "总体情况", "第一段。\n第二段。", "无。")
