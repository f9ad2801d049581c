"""metadata: the 目录 block in table / dl / span / text-row layouts, empty labels stay empty."""

import pytest

from govreports.parsing.html import find_content, parse_html
from govreports.parsing.metadata import metadata_from_html, metadata_from_text, read_tokens

SIX_COLUMNS = """<html><body>
<table class="xxgk"><tr><td>索 引 号：</td><td>000014349/2017-00110</td><td>发布机构：</td><td>XX市统计局</td><td>成文日期：</td><td>2018年01月25日</td></tr>
<tr><td>文号：</td><td></td><td>主题分类：</td><td>统计</td><td>发布日期：</td><td>2018-01-26</td></tr>
<tr><td>有效性：</td><td>有效</td><td>关键词：</td><td>年报</td><td>公开范围：</td><td>面向全社会</td></tr></table>
<div class="TRS_Editor"><p>正文内容正文内容正文内容正文内容正文内容正文内容。</p></div></body></html>"""

TWO_COLUMNS = """<html><body><table>
<tr><th>索引号</th><td>0142768-8/2022-00185</td></tr>
<tr><th>发文机关</th><td>XX县人民政府</td></tr>
<tr><th>发文字号</th><td>X政发〔2022〕3号</td></tr>
<tr><th>发布日期</th><td>2022.03.01</td></tr>
<tr><th>公开方式</th><td>主动公开</td></tr></table>
<div id="zoom"><p>正文内容正文内容正文内容正文内容正文内容正文内容。</p></div></body></html>"""

SPANS = """<html><body><div class="info">
<span>索引号：01527918X-2020-153077</span><span>信息分类：年度报告</span>
<span>发布单位：</span><span>XX街道办事处</span>
<span>生成日期：二〇二〇年一月二十日</span><span>时效：</span>
</div><div class="article-content"><p>正文内容正文内容正文内容正文内容正文内容正文内容。</p></div></body></html>"""

CASES = [
    (SIX_COLUMNS, "index_no", "000014349/2017-00110"),
    (SIX_COLUMNS, "publisher", "XX市统计局"),
    (SIX_COLUMNS, "written_date", "2018-01-25"),
    (SIX_COLUMNS, "published_date", "2018-01-26"),
    (SIX_COLUMNS, "doc_no", ""),
    (SIX_COLUMNS, "subject", "统计"),
    (SIX_COLUMNS, "validity", "有效"),
    (SIX_COLUMNS, "keywords", "年报"),
    (SIX_COLUMNS, "disclosure_scope", "面向全社会"),
    (TWO_COLUMNS, "index_no", "0142768-8/2022-00185"),
    (TWO_COLUMNS, "publisher", "XX县人民政府"),
    (TWO_COLUMNS, "doc_no", "X政发〔2022〕3号"),
    (TWO_COLUMNS, "published_date", "2022-03-01"),
    (TWO_COLUMNS, "disclosure_mode", "主动公开"),
    (SPANS, "index_no", "01527918X-2020-153077"),
    (SPANS, "subject", "年度报告"),
    (SPANS, "publisher", "XX街道办事处"),
    (SPANS, "written_date", "2020-01-20"),
    (SPANS, "validity", ""),
]


@pytest.mark.parametrize("page,field,value", CASES)
def test_metadata_block_layouts(page, field, value):
    tree = parse_html(page)
    assert metadata_from_html(tree, find_content(tree))[field] == value


def test_metadata_does_not_read_the_article_body():
    page = SIX_COLUMNS.replace("正文内容正文内容", "发布机构：正文里的机构")
    tree = parse_html(page)
    assert metadata_from_html(tree, find_content(tree))["publisher"] == "XX市统计局"


TEXT_ROWS = """索引号: | 330803-054/2022-59460 | 公开方式: | 主动公开 | ||
发布单位: | XX镇 | 成文日期: | 2022-07-14 | ||
有效性: | 文件编号: | ||||
规范性文件登记: |
正文第一段，正文第一段，正文第一段，正文第一段，正文第一段，正文第一段，正文第一段，正文第一段，正文第一段。
"""


@pytest.mark.parametrize(
    "field,value",
    [("index_no", "330803-054/2022-59460"), ("disclosure_mode", "主动公开"), ("publisher", "XX镇"),
     ("written_date", "2022-07-14"), ("validity", ""), ("doc_no", "")],
)
def test_metadata_text_rows_with_empty_cells(field, value):
    assert metadata_from_text(TEXT_ROWS)[0][field] == value


def test_metadata_text_rows_reports_the_lines_it_used():
    assert metadata_from_text(TEXT_ROWS)[1] == {0, 1, 2, 3}


@pytest.mark.parametrize(
    "field,value",
    [("published_date", "2013-02-26 14:21"), ("publisher", "XX区政府办")],
)
def test_visible_date_source_line(field, value):
    meta = read_tokens(["发布日期:2013年02月26日 14:21浏览次数: 1234 来源：XX区政府办 文章字号:"])
    assert meta[field] == value


def test_view_counter_is_not_a_date():
    meta = read_tokens(["发布日期：", "浏览次数：20240125"])
    assert meta["published_date"] == ""


def test_higher_priority_publisher_label_wins():
    assert read_tokens(["来源：", "XX网", "发布机构：", "XX局"])["publisher"] == "XX局"
