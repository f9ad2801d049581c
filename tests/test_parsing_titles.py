"""titles.is_annual_report_title / report_year on real-looking list titles."""

import pytest

from govreports.parsing.titles import is_annual_report_title, report_year

REPORTS = [
    ("红花岗区人民政府2012年度信息公开工作年度报告", 2012),
    ("衢江区峡川镇2017年政府信息公开工作年度报告", 2017),
    ("淮安市人民政府2024年政府信息公开工作年度报告", 2024),
    ("XX县人民政府办公室 2023年度 政府信息公开工作 年度报告", 2023),
    ("二〇二三年度政府信息公开工作年度报告", 2023),
    ("二○一三年政府信息公开年度报告", 2013),
    ("XX区商务局２０２１年政府信息公开工作年度报告", 2021),
    ("某市政府資訊公開工作年度報告（2021年）", 2021),
    ("XX局2022年政务公开年报", 2022),
    ("XX镇2020年政府信息公开年报", 2020),
    ("XX市教育局2019年度信息公开工作年度报告", 2019),
    ("XX县2015年政府信息公开工作报告", 2015),
    ("XX街道办事处2021年度政府信息公开年度报告", 2021),
    ("2012年度政府信息公开工作年度报告及2013年度工作计划", 2012),
]

NOT_REPORTS = [
    "关于报送2012年度政府信息公开工作年度报告的报告",
    "关于报送2023年政府信息公开工作年度报告的通知",
    "关于印发2023年政府信息公开工作年度报告的通知",
    "XX县2023年政务公开工作要点",
    "2013年度政府信息公开工作计划",
    "XX区关于2022年政务公开工作要点落实情况的函",
    "XX镇2017年政务公开工作总结",
    "XX县2023年统计年报",
    "XX县2022年财政决算",
    "XX区2023年部门预算公开",
    "图解：XX区2022年政府信息公开工作年度报告",
    "XX县2021年企业年度报告公示",
    "XX市政府工作报告",
    "",
]


@pytest.mark.parametrize("title,year", REPORTS)
def test_report_titles_are_recognised(title, year):
    assert is_annual_report_title(title) is True


@pytest.mark.parametrize("title,year", REPORTS)
def test_report_year_from_title(title, year):
    assert report_year(title) == year


@pytest.mark.parametrize("title", NOT_REPORTS)
def test_look_alikes_are_rejected(title):
    assert is_annual_report_title(title) is False


@pytest.mark.parametrize(
    "title,year",
    [
        ("关于报送2012年度政府信息公开工作年度报告及2013年度政府信息公开工作计划的报告", 2012),
        ("XX县2023年政府信息公开工作年度报告（2024年1月）", 2023),
        ("年度报告", None),
        ("政务公开专栏", None),
        ("1880年度报告", None),
        ("XX区政府信息公开工作年度报告（2023）", 2023),
    ],
)
def test_report_year_edge_cases(title, year):
    assert report_year(title) == year


@pytest.mark.parametrize("title, expected", [
    ("红花岗区人民政府2023年政府信息公开工作年度报告", True),
    ("政府信息公开年报", False),  # the column, not a report
    ("政府信息公开工作年度报告", False),  # no year: not a list item worth fetching
    ("红花岗区2024年政务公开工作要点", False),
])
def test_is_report_link_needs_a_year(title, expected):
    from govreports.parsing.titles import is_report_link

    assert is_report_link(title) is expected
