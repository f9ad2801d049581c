"""Breadth: shapes real pages take that the main fixtures do not cover."""

import pytest

from govreports.parsing.indicators import map_t2, map_t3
from govreports.parsing.report import parse_report_html, parse_report_text

URL = "http://www.example.gov.cn/art/2022/1/20/art_1_2.html"

HEAD = '<tr><td colspan="3">（本列数据的勾稽关系为：…）</td><td colspan="7">申请人情况</td></tr>' \
       '<tr><td colspan="3"></td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>'


def row(*cells):
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def page(body, title="XX县2021年政府信息公开工作年度报告"):
    return f"<html><head><title>{title}_XX县人民政府</title></head><body><div class='TRS_Editor'>{body}</div></body></html>"


def test_t3_split_over_two_tables_keeps_its_path():
    first = "<table>" + HEAD + row("一、本年新收政府信息公开申请数量", "", "", 1, 0, 0, 0, 0, 0, 1) + \
        row("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", 0, 0, 0, 0, 0, 0, 0) + "</table>"
    second = "<table>" + row("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", 2, 0, 0, 0, 0, 0, 2) + \
        row("", "", "2.没有现成信息需要另行制作", 3, 0, 0, 0, 0, 0, 3) + "</table>"
    r = parse_report_html(page(f"<p>正文。</p>{first}<p>（续表）</p>{second}"), URL)
    got = {i.key: i.raw for i in r.indicators}
    assert (got["t3.result.unavailable.not_held.total"], got["t3.result.unavailable.needs_creation.total"]) == ("2", "3")


def test_t3_trailing_empty_column_does_not_shift_values():
    grid = [
        ["", "", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计", ""],
        ["一、本年新收政府信息公开申请数量", "", "", "5", "1", "0", "0", "0", "0", "6", ""],
    ]
    got = {i.key: i.raw for i in map_t3(grid)}
    assert (got["t3.new.natural_person"], got["t3.new.total"]) == ("5", "6")


def test_t3_pipe_text_copy():
    text = "\n".join([
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "一、本年新收政府信息公开申请数量 | 7 | 0 | 0 | 0 | 1 | 0 | 8 |",
        "三、本年度办理结果 | （一）予以公开 | 4 | 0 | 0 | 0 | 1 | 0 | 5 |",
        " | （二）部分公开 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
    ])
    got = {i.key: i.raw for i in parse_report_text(text, URL).indicators}
    assert (got["t3.new.legal_service"], got["t3.result.disclosed.total"], got["t3.result.partial.natural_person"]) == ("1", "5", "3")


def test_t2_unknown_row_is_kept():
    grid = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "0"], ["地方性法规", "1", "0", "4"]]
    keys = [i.key for i in map_t2(grid, "2021")]
    assert "unknown:t2:地方性法规/本年制发件数" in keys


def test_html_title_site_suffix_is_stripped():
    r = parse_report_html(page("<p>一、总体情况</p><p>全年主动公开政府信息20条。</p>"), URL)
    assert r.title == "XX县2021年政府信息公开工作年度报告"


def test_li_bold_metadata_layout():
    html = """<html><body><ul class="xxgk"><li><b>索引号：</b>330111000000/2022-00001</li>
    <li><b>发布机构：</b>富阳区人民政府</li><li><b>发布日期：</b>2022-01-28</li></ul>
    <div id="zoom"><p>一、总体情况。正文正文正文正文正文正文正文正文。</p></div></body></html>"""
    r = parse_report_html(html, URL)
    assert (r.metadata["index_no"], r.metadata["publisher"], r.metadata["published_date"]) == \
        ("330111000000/2022-00001", "富阳区人民政府", "2022-01-28")


def test_text_only_report_headline_from_sentences():
    r = parse_report_html(page("<p>一、总体情况</p><p>2021年，我县主动公开政府信息４７１２条。</p>"
                               "<p>二、其他</p><p>全年未收到政府信息公开申请，未发生行政复议、行政诉讼。</p>"), URL)
    got = {i.key: (i.value, i.source) for i in r.indicators}
    # the 2021 form's own cells the sentences state come along (t3.new.total, t4.review.total)
    assert got == {"headline.proactive_total": (4712, "text"), "headline.applications_received": (0, "text"),
                   "headline.admin_reviews": (0, "text"), "headline.lawsuits": (0, "text"),
                   "t3.new.total": (0, "text"), "t4.review.total": (0, "text")}


def test_2022_report_with_2019_single_other_row_is_2021_era():
    t2 = "<table>" + row("第二十条第（一）项") + row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数") + \
        row("规章", 0, 0, 0) + "</table>"
    t3 = "<table>" + HEAD + row("三、本年度办理结果", "（六）其他处理", "（六）其他处理", 1, 0, 0, 0, 0, 0, 1) + "</table>"
    r = parse_report_html(page(t2 + t3, "XX县2022年政府信息公开工作年度报告"), URL)
    got = {i.key: i.raw for i in r.indicators}
    assert (r.era, got["t3.result.other.total"]) == ("2021", "1")


@pytest.mark.parametrize("era_word,era", [("本年新制作数量", "2019"), ("本年制发件数", "2021")])
def test_era_from_t2_header(era_word, era):
    t2 = "<table>" + row("第二十条第（一）项") + row("信息内容", era_word, "x", "y") + row("规章", 0, 0, 0) + "</table>"
    assert parse_report_html(page(t2, "XX县政府信息公开工作年度报告"), URL).era == era


def test_metadata_table_inside_the_article_is_read_and_left_out_of_the_body():
    html = page('<table><tr><td>索引号：</td><td>000014349/2022-00110</td><td>发布机构：</td><td>XX县统计局</td></tr></table>'
                "<p>一、总体情况</p><p>全年主动公开政府信息20条。</p>")
    r = parse_report_html(html, URL)
    assert (r.metadata["index_no"], r.metadata["publisher"], "索引号" in r.body_text, len(r.tables)) == \
        ("000014349/2022-00110", "XX县统计局", False, 0)


def test_pdf_page_numbers_do_not_break_a_split_label():
    text = "\n".join([
        "申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
        "一、本年新收政府信息公开申请数量", *"1000001",
        "（四）无", "— 3 —", "法提供", "1.本机关不掌握相关政府信息", *"2000002",
        "2.没有现成信息需要另行制作", *"0000000",
    ])
    got = {i.key: i.raw for i in parse_report_text(text, URL).indicators}
    assert (got["t3.result.unavailable.not_held.total"], got["t3.new.total"]) == ("2", "1")


def test_legacy_table_with_serial_column_and_group_column():
    from govreports.parsing.indicators import map_legacy

    grid = [["序号", "类别", "统计指标", "单位", "统计数"],
            ["1", "依申请公开", "收到申请数", "件", "6"],
            ["2", "行政复议", "行政复议数量", "件", "1"],
            ["3", "行政复议", "被依法纠错数", "件", "1"],
            ["4", "行政诉讼", "行政诉讼数量", "件", "2"],
            ["5", "行政诉讼", "被依法纠错数", "件", "0"]]
    got = {i.key: i.raw for i in map_legacy(grid)}
    assert got == {"legacy.apply.received": "6", "legacy.review.total": "1", "legacy.review.corrected": "1",
                   "legacy.litigation.total": "2", "legacy.litigation.corrected": "0"}


def test_t4_extra_label_and_trailing_columns():
    from govreports.parsing.indicators import map_t4

    header = ["", "行政复议", "", "", "", "", "行政诉讼", *[""] * 9, ""]
    sub = ["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, ""]
    data = ["件数", *[str(n) for n in range(1, 16)], ""]
    got = {i.key: i.raw for i in map_t4([header, sub, data])}
    assert (got["t4.review.upheld"], got["t4.litigation_after_review.total"]) == ("1", "15")


def test_legacy_table_with_serial_column_is_classified_legacy():
    from govreports.parsing.indicators import classify_grid

    grid = [["序号", "统计指标", "单位", "统计数"], ["1", "收到申请数", "件", "6"], ["2", "行政复议数量", "件", "1"]]
    assert classify_grid(grid) == "legacy"


def test_column_name_in_article_title_gives_way_to_the_heading():
    html = """<html><head><meta name="ArticleTitle" content="政府信息公开年报"></head><body>
    <h2 class="article-title">XX镇2022年政府信息公开工作年度报告</h2>
    <div id="zoom"><p>一、总体情况</p><p>全年主动公开政府信息20条。</p></div></body></html>"""
    r = parse_report_html(html, URL)
    assert (r.title, r.report_year, r.is_report) == ("XX镇2022年政府信息公开工作年度报告", 2022, True)


def test_list_page_with_titled_items_is_not_a_report():
    items = "".join(f'<li><span class="title"><a href="t{y}.html">XX区{y}年政府信息公开工作年度报告</a></span></li>' for y in (2021, 2022, 2023))
    r = parse_report_html(f"<html><head><title>政府信息公开年报_XX区</title></head><body><ul>{items}</ul></body></html>", URL)
    assert (r.is_report, r.era) == (False, None)


def test_trs_appendix_block_outside_the_article():
    html = """<html><head><meta name="ArticleTitle" content="XX局2021年政府信息公开工作年度报告"></head><body>
    <div class="TRS_Editor"><p>一、总体情况</p><p>详见附件。详见附件。详见附件。详见附件。</p></div>
    <div class="appendix"><a href="./P020220125123.pdf">XX局2021年报.pdf</a></div>
    <div class="footer"><a href="/about.html">关于我们</a></div></body></html>"""
    r = parse_report_html(html, "http://www.a.gov.cn/zwgk/202201/t20220125_9.html")
    assert [(a.url, a.text) for a in r.attachments] == [("http://www.a.gov.cn/zwgk/202201/P020220125123.pdf", "XX局2021年报.pdf")]


def test_2019_t2_flattened_without_headers_uses_positions():
    text = "\n".join(["二、主动公开政府信息情况", "第二十条第（五）项", "行政许可", "25", "+3", "310",
                      "第二十条第（八）项", "行政事业性收费", "3", "-1", "第二十条第（九）项", "政府集中采购", "6", "215.5",
                      "三、收到和处理政府信息公开申请情况"])
    r = parse_report_text(text, URL, title="XX县2019年政府信息公开工作年度报告")
    got = {i.key: i.value for i in r.indicators}
    assert (r.era, got["t2.licensing.change"], got["t2.fees.change"], got["t2.procurement.amount"]) == ("2019", 3, -1, 215.5)


def test_pdf_rows_with_values_on_the_label_line():
    text = "\n".join([
        "三、收到和处理政府信息公开申请情况",
        "申请人情况", "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计",
        "一、本年新收政府信息公开申请数量 12 1 0 0 0 0 13",
        "三、本年度办理结果",
        "（一）予以公开 5 1 0 0 0 0 6",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1",
        "（七）总计",
        "6 1 0 0 0 0 7",
    ])
    got = {i.key: i.raw for i in parse_report_text(text, URL, title="XX市2022年政府信息公开工作年度报告").indicators}
    assert (got["t3.new.total"], got["t3.result.disclosed.commercial"], got["t3.result.other.no_correction.total"],
            got["t3.result.total.total"]) == ("13", "1", "1", "7")
