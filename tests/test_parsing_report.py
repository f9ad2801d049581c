"""report: end-to-end on TRS / Hanweb shaped pages of each era."""

from pathlib import Path

import pytest

from govreports.parsing.model import Link
from govreports.parsing.report import parse_report_html, parse_report_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parsing"
URL = "http://www.example.gov.cn/zwgk/202401/t20240125_1.html"


def parse(name):
    return parse_report_html((FIXTURES / name).read_text(encoding="utf-8"), URL)


@pytest.fixture(scope="module")
def pages():
    return {
        "2021": parse("trs_2021_report.html"),
        "2019": parse("hanweb_2019_report.html"),
        "legacy": parse("trs_legacy_2013_report.html"),
        "traditional": parse("traditional_2015_text_only.html"),
    }


FIELDS = [
    ("2021", "title", "XX区2023年政府信息公开工作年度报告"),
    ("2021", "report_year", 2023),
    ("2021", "is_report", True),
    ("2021", "era", "2021"),
    ("2021", "publisher", "XX区人民政府办公室"),
    ("2021", "region_code", "340302"),
    ("2019", "title", "XX县农业农村局2019年度政府信息公开工作年度报告"),
    ("2019", "report_year", 2019),
    ("2019", "era", "2019"),
    ("2019", "publisher", "XX县农业农村局"),
    ("2019", "region_code", "330822"),
    ("legacy", "title", "XX县人民政府2013年政府信息公开工作年度报告"),
    ("legacy", "report_year", 2013),
    ("legacy", "era", "legacy"),
    ("legacy", "publisher", "XX县人民政府办公室"),
    ("traditional", "title", "XX镇2015年政府信息公开工作年度报告"),
    ("traditional", "report_year", 2015),
    ("traditional", "era", "legacy"),
    ("traditional", "is_report", True),
]


@pytest.mark.parametrize("page,field,value", FIELDS)
def test_report_fields(pages, page, field, value):
    assert getattr(pages[page], field) == value


METADATA = [
    ("2021", "index_no", "11340302003049855X/202401-00012"),
    ("2021", "publisher", "XX区人民政府办公室"),
    ("2021", "written_date", "2024-01-20"),
    ("2021", "published_date", "2024-01-25 10:30"),
    ("2021", "doc_no", ""),
    ("2021", "subject", "综合政务/其他"),
    ("2021", "disclosure_mode", "主动公开"),
    ("2021", "disclosure_scope", "面向全社会"),
    ("2021", "validity", ""),
    ("2021", "keywords", "年度报告"),
    ("2019", "index_no", "002607001/2020-00015"),
    ("2019", "written_date", "2020-01-20"),
    ("2019", "published_date", "2020-01-21"),
    ("2019", "doc_no", ""),
    ("2019", "subject", "政府信息公开年报"),
    ("2019", "validity", "长期"),
    ("legacy", "index_no", "mb2903406/2014-00038"),
    ("legacy", "written_date", "2014-03-20"),
    ("legacy", "subject", "政府信息公开年报"),
    ("legacy", "keywords", "年报"),
    ("traditional", "published_date", "2016-03-28 09:12"),
]


@pytest.mark.parametrize("page,field,value", METADATA)
def test_metadata(pages, page, field, value):
    assert pages[page].metadata[field] == value


def test_page_meta_kept_verbatim(pages):
    assert pages["2021"].page_meta["SiteIDCode"] == "3403020001"


@pytest.mark.parametrize(
    "page,links",
    [
        ("2021", [Link("http://www.example.gov.cn/group1/P020240125511111.pdf", "XX区2023年政府信息公开工作年度报告.pdf")]),
        ("2019", [Link("http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2001211.docx", "年报表格.docx"),
                  Link("http://www.example.gov.cn/zwgk/202401/P020200121.wps", "年报（WPS版）")]),
        ("legacy", []),
    ],
)
def test_attachments(pages, page, links):
    assert pages[page].attachments == links


@pytest.mark.parametrize("page", ["2021", "2019", "legacy", "traditional"])
@pytest.mark.parametrize("chrome", ["当前位置", "打印", "关闭", "分享", "上一篇", "下一篇", "扫一扫", "版权所有", "首页", "浏览次数"])
def test_chrome_not_in_body(pages, page, chrome):
    assert chrome not in pages[page].body_text


@pytest.mark.parametrize(
    "page,sections",
    [
        ("2021", ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
                  "存在的主要问题及改进情况", "其他需要报告的事项"]),
        ("legacy", ["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "收费及减免情况", "行政复议和行政诉讼情况",
                    "存在的问题及改进措施"]),
        ("traditional", ["概述", "依申请公开情况", "收费及行政复议、诉讼情况"]),
    ],
)
def test_section_headings(pages, page, sections):
    assert [s.heading for s in pages[page].sections if s.number] == sections


def test_traditional_page_is_stored_simplified_with_the_original(pages):
    report = pages["traditional"]
    assert "全面推进政府信息公开" in report.body_text and "全麵推進政府資訊公開" in report.body_text_original


@pytest.mark.parametrize("page,kinds", [("2021", ["t2", "t3", "t4"]), ("2019", ["t2", "t3", "t4", "t4", "t4"]), ("legacy", ["legacy"])])
def test_table_kinds(pages, page, kinds):
    assert [t.kind for t in pages[page].tables] == kinds


def test_to_dict_round_trips(pages):
    d = pages["2021"].to_dict()
    assert d["metadata"]["index_no"] == "11340302003049855X/202401-00012" and len(d["indicators"]) == len(pages["2021"].indicators)


@pytest.mark.parametrize(
    "html,expected",
    [
        ("<html><head><title>XX区2024年政务公开工作要点_XX区政府</title></head><body><div id='zoom'><p>一、深化重点领域信息公开，全年主动公开政府信息。</p></div></body></html>", False),
        ("<html><head><title>政府信息公开年报_XX区政府</title></head><body><ul><li><a href='a.html'>XX区2023年政府信息公开工作年度报告</a></li><li><a href='b.html'>XX区2022年政府信息公开工作年度报告</a></li></ul></body></html>", False),
        ("<html><head><title>关于报送2023年度政府信息公开工作年度报告的通知</title></head><body><div class='TRS_Editor'><p>各单位：请于1月20日前报送2023年度政府信息公开工作年度报告。</p></div></body></html>", False),
        ("", False),
    ],
)
def test_non_reports(html, expected):
    assert parse_report_html(html, URL).is_report is expected


def test_attachment_only_page():
    html = """<html><head><meta name="ArticleTitle" content="XX乡2022年政府信息公开工作年度报告"></head><body>
    <div class="TRS_Editor"><p>详见附件。</p><p><a href="./P020230120.pdf">XX乡2022年报.pdf</a></p>
    <p><a href="/files/t3.xlsx">表格</a> <a href="/x.html">相关</a></p></div></body></html>"""
    r = parse_report_html(html, "http://a.gov.cn/zw/202301/t20230120_1.html")
    assert [a.url for a in r.attachments] == ["http://a.gov.cn/zw/202301/P020230120.pdf", "http://a.gov.cn/files/t3.xlsx"]


def test_text_source_is_recorded_on_indicators():
    text = (FIXTURES / "flat_2021_report.txt").read_text(encoding="utf-8")
    r = parse_report_text(text, URL, source="attachment:report.pdf")
    assert {i.source for i in r.indicators if i.key.startswith("t3.")} == {"attachment:report.pdf"}
