"""tables: merged cells expanded, text copies turned back into grids."""

from govreports.parsing.html import parse_html
from govreports.parsing.tables import html_table_grid, split_pipe_row, text_table_grids

MERGED = """<table>
<tr><td rowspan="2" colspan="2">A</td><td colspan="2">B</td></tr>
<tr><td>b1</td><td>b2</td></tr>
<tr><td rowspan="2">C</td><td>c1</td><td>1</td><td>2</td></tr>
<tr><td>c2</td><td>3</td><td></td></tr>
</table>"""


def test_rowspan_colspan_expanded():
    table = parse_html(MERGED).xpath("//table")[0]
    assert html_table_grid(table) == [
        ["A", "A", "B", "B"],
        ["A", "A", "b1", "b2"],
        ["C", "c1", "1", "2"],
        ["C", "c2", "3", ""],
    ]


def test_nested_table_rows_are_not_mixed_in():
    html = "<table><tr><td>x<table><tr><td>inner</td></tr></table></td><td>y</td></tr></table>"
    outer = parse_html(html).xpath("//table")[0]
    assert html_table_grid(outer) == [["xinner", "y"]]


def test_pipe_row_trailing_delimiter():
    assert split_pipe_row("有效性: | 文件编号: | |") == ["有效性:", "文件编号:", ""]


def test_pipe_block_becomes_grid():
    tables = text_table_grids("前言。\n统计指标 | 单位 | 统计数 |\n收到申请数 | 0件 | |\n")
    assert tables[0].grid == [["统计指标", "单位", "统计数"], ["收到申请数", "0件", ""]]


def test_one_cell_per_line_table():
    text = "说明如下：\n指 标\n单 位\n数 量\n政府网站\n896\n\n公开查阅点查阅人数\n人次\n0\n新闻发布会\n0\n"
    (table,) = text_table_grids(text)
    assert table.rows == [["指 标"], ["单 位"], ["数 量"], ["政府网站", "896"], ["公开查阅点查阅人数", "人次", "0"], ["新闻发布会", "0"]]


def test_prose_is_not_a_table():
    assert text_table_grids("一、总体情况\n2023年，我区主动公开政府信息1523条。\n二、其他\n无。") == []


def test_legacy_header_marks_a_statistics_table():
    from govreports.parsing.indicators import classify_grid

    grid = [["政府信息公开情况统计表", "", ""], ["统计指标", "单位", "统计数"], ["主动公开政府信息数", "条", "4712"],
            ["收费金额", "万元", "7730.28"]]
    assert classify_grid(grid) == "legacy"
