"""Property-based fuzzing of the parsing entry points (Hypothesis).

Every entry point gets page-shaped hostile input built from the words, marks and tags
real reports are made of — long runs of page-furniture words, unclosed tags, deep
nesting, pipes, numerals and dates in odd places — plus arbitrary text, and must
return within a per-input time budget without raising.  The budget is generous (slow
CI machines): it catches the runaway cases (exponential regexes, quadratic loops),
not ordinary slowness; parse speed is measured by ``benchmarks/parse_speed.py``.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreports.parsing.dates import find_date, parse_date
from govreports.parsing.html import parse_html, tidy_text
from govreports.parsing.metadata import metadata_from_text
from govreports.parsing.report import parse_report_html, parse_report_text
from govreports.parsing.sections import split_body, split_sections
from govreports.parsing.tables import text_table_grids
from govreports.parsing.titles import is_report_link, report_year

# Per input: hostile pages took 10 s to minutes before their fixes; real ones take ms.
BUDGET = timedelta(seconds=3)

WORDS = [
    "大", "中", "小", "打印", "关闭", "【", "】", "[", "]", "收藏", "分享", "字号", "打印本页", "关闭窗口",
    "政府信息公开", "工作", "年度报告", "2023年", "二〇二三年", "二○一三年二月二十日", "一", "二", "十", "百",
    "（一）", "（二）", "一、", "1.", "第二十条", "项目", "本年", "新制作", "数量", "申请", "件", "条", "元", "万元",
    "行政复议", "行政诉讼", "维持", "纠正", "其他", "总计", "合计", "自然人", "法人", "|", "||||", "｜", "：", ":",
    "索引号", "发布机构", "发布日期", "成文日期", "文号", "来源", "时间", "-", "—", "/", "0", "1", "12", "3268",
    "+5", "减2", "減3", "1.5", "2024-01-31", "2024年1月31日", "3天前", "昨天", " ", "  ", "\u3000", "\xa0", "\t",
    "\n", "\n\n", "\r\n",
]
TAGS = ["<p>", "</p>", "<br>", "<div>", "</div>", "<span>", "<table>", "</table>", "<tr>", "</tr>", "<td>",
        "</td>", "<td colspan=3>", "<td rowspan=2>", "<th>", "<b>", "<title>", "</title>", "<body>",
        "<meta name=ArticleTitle content=", "<a href=x.pdf>", "</a>", "<!--", "-->", "&nbsp;", "&#12288;"]

page_words = st.lists(st.sampled_from(WORDS), max_size=300).map("".join)
text_input = st.one_of(page_words, st.text(max_size=2000))
html_input = st.one_of(
    st.lists(st.sampled_from(WORDS + TAGS), max_size=400).map("".join),
    st.text(max_size=2000),
)

FUZZ = settings(deadline=BUDGET, max_examples=150, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(html_input)
def test_parse_report_html(html):
    report = parse_report_html(html, "https://www.example.gov.cn/zwgk/2024/t1.html")
    assert isinstance(report.body_text, str)


@FUZZ
@given(text_input)
def test_parse_report_text(text):
    report = parse_report_text(text, "https://www.example.gov.cn/a.pdf")
    assert isinstance(report.body_text, str)


@FUZZ
@given(text_input)
def test_text_tables(text):
    for table in text_table_grids(text):
        assert all(isinstance(cell, str) for row in table.grid for cell in row)


@FUZZ
@given(text_input)
def test_text_tidying_and_sections(text):
    tidied = tidy_text(text)
    assert "\r" not in tidied
    split_body(tidied)
    split_sections(tidied)


@FUZZ
@given(text_input)
def test_metadata(text):
    metadata, _lines = metadata_from_text(text)
    assert all(isinstance(v, str) for v in metadata.values())


@FUZZ
@given(text_input)
def test_dates(text):
    for value in (find_date(text), parse_date(text)):
        assert value is None or value[:4].isdigit()


@FUZZ
@given(text_input)
def test_titles(text):
    year = report_year(text)
    assert year is None or isinstance(year, int)
    is_report_link(text)


@FUZZ
@given(html_input)
def test_html_tree(html):
    parse_html(html)


def test_a_line_of_page_furniture_words_does_not_stall():
    # 14 such words took 9.9 s and 18 over two minutes with the old chrome-line pattern.
    words = " ".join(["大", "中", "小", "打印", "关闭", "收藏"] * 10)
    page = f"<html><body><div class=content><p>{words} 本年度共收到政府信息公开申请12件</p></div></body></html>"
    report = parse_report_html(page, "https://www.example.gov.cn/t.html")
    assert "本年度共收到政府信息公开申请12件" in report.body_text
    assert tidy_text(words) == ""


TAIL = ("<table><tr><td>项目</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>3</td></tr></table>"
        "<p>本年度共收到政府信息公开申请12件</p>")
TITLE = "<title>某县人民政府2023年政府信息公开工作年度报告</title>"


def test_hundreds_of_unclosed_spans_keep_tables_and_text():
    # libxml2 stops at depth 256 by default: the report used to come out empty, unflagged.
    page = f"<html><head>{TITLE}</head><body><div class=content>{'<span>' * 260}正文{TAIL}</div></body></html>"
    report = parse_report_html(page, "https://www.example.gov.cn/t.html")
    assert len(report.tables) == 1
    assert "申请12件" in report.body_text
    assert not [f for f in report.flags if f.rule == "page_unreadable"]


def test_thousands_of_nested_blocks_are_read_as_text_and_flagged():
    page = f"<html><head>{TITLE}</head><body>{'<div>' * 3000}正文{TAIL}</body></html>"
    report = parse_report_html(page, "https://www.example.gov.cn/t.html")
    assert "申请12件" in report.body_text
    assert len(report.tables) == 1
    assert [f.rule for f in report.flags if f.rule == "page_unreadable"] == ["page_unreadable"]


def test_a_pasted_12_mb_image_does_not_hide_the_report():
    # libxml2's 10 MB text-node limit used to cut the page at the image.
    image = "data:image/png;base64," + "QUJD" * 3_000_000
    page = f"<html><head>{TITLE}</head><body><div class=content><p>前言</p><img src='{image}'>{TAIL}</div></body></html>"
    report = parse_report_html(page, "https://www.example.gov.cn/t.html")
    assert "申请12件" in report.body_text
    assert len(report.tables) == 1
    assert not [f for f in report.flags if f.rule == "page_unreadable"]
