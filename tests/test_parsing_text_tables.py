"""Tables printed as text: the same values whether a page reaches us as text, as HTML with
one <p> per line, or as HTML with <br> line breaks.

The fixtures in ``tests/fixtures/parsing/text-tables/`` are written by hand, each modelled
on a flattening seen in real copies (``../shared/samples/real-pages``) that the corpus
shows only once or twice: empty cells as extra blank lines, lone "|" lines, "|" lines
between cells, cells run together, PDF text with split heads, machine markdown, a
Traditional copy with signed changes, a blank statistics form.  The expected values
below are read off those files.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from govreports.parsing.html import element_lines, parse_html
from govreports.parsing.normalize import parse_number
from govreports.parsing.report import parse_report_html, parse_report_text
from tests.harness import SHARED, require_shared

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parsing" / "text-tables"
URL = "http://www.example.gov.cn/zwgk/t20240101_1.html"
T3 = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")


def as_p_lines(text: str) -> str:
    lines = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n"))
    return f"<html><head><meta charset=utf-8></head><body><div class=content>\n{lines}</div></body></html>"


def as_br_lines(text: str) -> str:
    lines = "<br>\n".join(html.escape(line) for line in text.split("\n"))
    return f"<html><head><meta charset=utf-8></head><body><div class=content>{lines}</div></body></html>"


SERVED = {
    "text": lambda text: parse_report_text(text, URL),
    "p_lines": lambda text: parse_report_html(as_p_lines(text), URL),
    "br_lines": lambda text: parse_report_html(as_br_lines(text), URL),
}


def values(report) -> dict:
    return {i.key: i.value for i in report.indicators}


def t3_row(row: str, cells: str) -> dict:
    """"9 2 - - - 1 12" -> the seven keys of a t3 row ("-" = an empty cell, None)."""
    return {f"t3.{row}.{c}": (None if v == "-" else float(v)) for c, v in zip(T3, cells.split())}


def check(report, expected: dict) -> None:
    got = values(report)
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not wrong, f"expected vs parsed: {wrong}"


# ------------------------------------------------------------------ 红花岗区 2012 (legacy 统计表)

HONGHUAGANG = {
    "legacy.proactive.total": 4712, "legacy.channel.gazette": 4, "legacy.channel.website": 896,
    "legacy.channel.press_conference": 0, "legacy.channel.other": 3812, "legacy.reading_room_visits": 0,
    "legacy.column_visits": 48068, "legacy.apply.received": 4, "legacy.apply.received.in_person": 0,
    "legacy.apply.received.fax": 0, "legacy.apply.received.online": 4, "legacy.apply.received.other": 0,
    "legacy.apply.rejected": 0, "legacy.apply.answered": 4, "legacy.apply.answered.agreed": 3,
    "legacy.apply.answered.partial": 0, "legacy.apply.answered.refused": 1, "legacy.apply.answered.not_exist": 0,
    "legacy.apply.answered.not_this_agency": 1, "legacy.apply.answered.told_to_amend": 0,
    "legacy.review.total": 0, "legacy.litigation.total": 0, "legacy.fees.amount": 0,
}


@pytest.fixture(scope="module")
def honghuagang_text() -> str:
    return require_shared(SHARED / "samples" / "honghuagang-2012-report.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("served", SERVED)
def test_honghuagang_legacy_table_however_served(honghuagang_text, served):
    report = SERVED[served](honghuagang_text)
    assert report.era == "legacy"
    assert "legacy" in [t.kind for t in report.tables]
    check(report, HONGHUAGANG)


# ------------------------------------------------------------------ hand-written fixtures

CASES = {
    # one cell per line, a blank line after each filled cell, one more per empty cell
    "t3-blank-line-cells-2022.txt": ("2021", 2022, {
        "t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
        "t2.normative.issued": 2, "t2.normative.repealed": None, "t2.normative.in_force": 7,
        "t2.licensing.decisions": 15, "t2.penalty.decisions": 3, "t2.coercion.decisions": 0, "t2.fees.amount": 0,
        **t3_row("new", "9 2 - - - 1 12"), **t3_row("carried_in", "- - - - - - -"),
        **t3_row("result.disclosed", "5 - - - - 1 6"), **t3_row("result.partial", "- 2 - - - - 2"),
        **t3_row("result.withheld.state_secret", "- - - - - - -"),
        **t3_row("result.withheld.process_info", "1 - - - - - 1"),
        **t3_row("result.unavailable.not_held", "3 - - - - - 3"), **t3_row("result.total", "9 2 - - - 1 12"),
    }),
    # "X |" cells, a lone "|" line per empty cell, "||" / "|||" closing merged rows; "/" marks
    "t2-t3-lone-pipe-cells-2023.txt": ("2021", 2023, {
        "t2.rules.issued": None, "t2.rules.repealed": None, "t2.rules.in_force": None,
        "t2.normative.issued": 1, "t2.normative.repealed": 0, "t2.normative.in_force": 4,
        "t2.licensing.decisions": 0, "t2.penalty.decisions": 0, "t2.coercion.decisions": 0, "t2.fees.amount": 0,
        **t3_row("new", "2 - 1 - - - 3"), **t3_row("carried_in", "- - - - - - 0"),
        **t3_row("result.disclosed", "1 - 1 - - - 2"), **t3_row("result.partial", "- - - - - - 0"),
        **t3_row("result.withheld.state_secret", "- - - - - - 0"),
    }),
    # cells on lines of their own with "|" lines between them, "||||" where cells merge
    "t2-pipe-separator-lines-2021.txt": ("2021", 2021, {
        "t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
        "t2.normative.issued": 1, "t2.normative.repealed": 0, "t2.normative.in_force": 3,
        "t2.licensing.decisions": 1286, "t2.penalty.decisions": 37, "t2.coercion.decisions": 2, "t2.fees.amount": 1.25,
    }),
    # 2019 t2 with its cells run together; "行政许可5012" (4 digits, 3 columns) cannot be split
    "t2-run-together-2020.txt": ("2019", 2020, {
        "t2.rules.made": 0, "t2.rules.published": 0, "t2.rules.total_public": 0,
        "t2.normative.made": 1, "t2.normative.published": 2, "t2.normative.total_public": 3,
        "t2.licensing.prev_items": None, "t2.licensing.change": None, "t2.licensing.decisions": None,
        "t2.other_services.prev_items": 0, "t2.other_services.change": 0, "t2.other_services.decisions": 0,
        "t2.fees.prev_items": 1, "t2.fees.change": 0, "t2.procurement.items": 0, "t2.procurement.amount": 0,
    }),
    # 2021 t2 run together: one-column rows keep their whole number
    "t2-run-together-2024.txt": ("2021", 2024, {
        "t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
        "t2.normative.issued": 1, "t2.normative.repealed": 0, "t2.normative.in_force": 4,
        "t2.licensing.decisions": 1125, "t2.penalty.decisions": 27, "t2.coercion.decisions": 0, "t2.fees.amount": 0.35,
    }),
    # PDF text: rows on one line, labels wrapped, a merged label one character per line, page
    # numbers, t4 heads split one character per line and 15 values on a line
    "t3-t4-pdf-text-2023.txt": ("2021", 2023, {
        **t3_row("new", "214 11 0 2 3 1 231"), **t3_row("carried_in", "6 0 0 0 0 0 6"),
        **t3_row("result.disclosed", "120 7 0 1 2 0 130"), **t3_row("result.partial", "18 1 0 0 0 0 19"),
        **t3_row("result.withheld.law_prohibited", "1 0 0 0 0 0 1"),
        **t3_row("result.withheld.process_info", "4 1 0 0 0 0 5"),
        **t3_row("result.withheld.enforcement_file", "0 0 0 0 0 0 0"),
        **t3_row("result.withheld.admin_query", "9 0 0 0 0 0 9"),
        **t3_row("result.unavailable.not_held", "40 2 0 1 1 1 45"),
        **t3_row("result.unavailable.needs_creation", "3 0 0 0 0 0 3"),
        **t3_row("result.not_processed.petition", "5 0 0 0 0 0 5"),
        **t3_row("result.not_processed.duplicate", "2 0 0 0 0 0 2"),
        **t3_row("result.other.no_correction", "2 0 0 0 0 0 2"), **t3_row("result.other.unpaid_fee", "0 0 0 0 0 0 0"),
        **t3_row("result.other.other", "1 0 0 0 0 0 1"), **t3_row("result.total", "211 11 0 2 3 1 228"),
        **t3_row("carried_out", "9 0 0 0 0 0 9"),
        "t4.review.upheld": 3, "t4.review.corrected": 1, "t4.review.total": 4,
        "t4.litigation_direct.upheld": 2, "t4.litigation_direct.pending": 1, "t4.litigation_direct.total": 3,
        "t4.litigation_after_review.total": 0,
    }),
    # machine markdown: t3 as one table per block under invented column names, a stray head row
    # before the last rows, t4 as three small tables named by their headings
    "t3-t4-markdown-2024.txt": ("2021", 2024, {
        "t2.rules.issued": 0, "t2.normative.issued": 5, "t2.normative.repealed": 2, "t2.normative.in_force": 41,
        "t2.licensing.decisions": 20413, "t2.penalty.decisions": 3560, "t2.coercion.decisions": 18,
        "t2.fees.amount": 812.5,
        **t3_row("new", "60 4 0 0 1 0 65"), **t3_row("carried_in", "3 0 0 0 0 0 3"),
        **t3_row("result.disclosed", "30 2 0 0 1 0 33"), **t3_row("result.partial", "6 0 0 0 0 0 6"),
        **t3_row("result.withheld.third_party", "1 0 0 0 0 0 1"),
        **t3_row("result.withheld.admin_query", "3 0 0 0 0 0 3"),
        **t3_row("result.unavailable.not_held", "14 2 0 0 0 0 16"),
        **t3_row("result.not_processed.duplicate", "1 0 0 0 0 0 1"),
        **t3_row("result.other.unpaid_fee", "0 0 0 0 0 0 0"), **t3_row("result.other.other", "1 0 0 0 0 0 1"),
        **t3_row("result.total", "60 4 0 0 1 0 65"), **t3_row("carried_out", "3 0 0 0 0 0 3"),
        "t4.review.upheld": 4, "t4.review.corrected": 1, "t4.review.pending": 2, "t4.review.total": 7,
        "t4.litigation_direct.upheld": 1, "t4.litigation_direct.total": 2,
        "t4.litigation_after_review.other": 1, "t4.litigation_after_review.total": 1,
    }),
    # Traditional, "X |" cells with a "|" line closing each row; signed changes 減2 / 增1 / +3
    "t2-traditional-cell-pipes-2020.txt": ("2019", 2020, {
        "t2.rules.made": 0, "t2.normative.made": 2, "t2.normative.published": 2, "t2.normative.total_public": 9,
        "t2.licensing.prev_items": 52, "t2.licensing.change": -2, "t2.licensing.decisions": 986,
        "t2.other_services.prev_items": 8, "t2.other_services.change": 1, "t2.other_services.decisions": 40,
        "t2.penalty.prev_items": 12, "t2.penalty.change": 3, "t2.penalty.decisions": 75,
        "t2.coercion.prev_items": None, "t2.coercion.decisions": None,
        "t2.fees.prev_items": 0, "t2.fees.change": 0, "t2.procurement.items": 4, "t2.procurement.amount": 386500,
    }),
}


@pytest.mark.parametrize("served", SERVED)
@pytest.mark.parametrize("name", CASES)
def test_fixture_values_however_served(name, served):
    era, year, expected = CASES[name]
    report = SERVED[served]((FIXTURES / name).read_text(encoding="utf-8"))
    assert (report.is_report, report.era, report.report_year) == (True, era, year)
    check(report, expected)


def test_signed_changes_keep_their_raw_cell():
    report = parse_report_text((FIXTURES / "t2-traditional-cell-pipes-2020.txt").read_text(encoding="utf-8"), URL)
    raw = {i.key: i.raw for i in report.indicators}
    assert (raw["t2.licensing.change"], raw["t2.other_services.change"], raw["t2.penalty.change"]) == ("減2", "增1", "+3")


def test_cells_that_cannot_be_split_are_kept_unmapped():
    report = parse_report_text((FIXTURES / "t2-run-together-2020.txt").read_text(encoding="utf-8"), URL)
    kept = [i for i in report.indicators if i.key.startswith("unknown:t2:") and i.raw == "5012"]
    assert kept and kept[0].value == 5012


@pytest.mark.parametrize("served", SERVED)
def test_blank_statistics_form_is_no_report_and_gives_no_values(served):
    report = SERVED[served]((FIXTURES / "statistics-form-blank.txt").read_text(encoding="utf-8"))
    assert not report.is_report
    got = values(report)
    # the row codes (01 … 11) are not values
    assert all(got.get(k) is None for k in ("legacy.proactive.total", "legacy.apply.received", "legacy.review.total"))


# ------------------------------------------------------------------ cut copies

CUT = """二、主动公开政府信息情况
第二十条第（一）项
信息内容
本年制发件数
本年废止件数
现行有效件数
规章
0
0
0
行政规范性文件
3
0
"""


@pytest.mark.parametrize("served", SERVED)
def test_a_table_cut_by_the_end_of_the_text_keeps_its_values_and_is_flagged(served):
    report = SERVED[served](CUT.rstrip("\n"))
    got = values(report)
    assert (got["t2.rules.in_force"], got["t2.normative.issued"], got["t2.normative.repealed"]) == (0, 3, 0)
    assert got.get("t2.normative.in_force") is None  # not printed before the cut
    assert [f.rule for f in report.flags if f.rule == "table_incomplete"] == ["table_incomplete"]


def test_a_complete_text_table_is_not_flagged():
    text = (FIXTURES / "t2-run-together-2024.txt").read_text(encoding="utf-8")
    assert not [f for f in parse_report_text(text, URL).flags if f.rule == "table_incomplete"]


# ------------------------------------------------------------------ HTML pages mixing both

T3_HTML = ("<table><tr><td colspan=3>申请人情况</td></tr><tr><td>自然人</td><td>商业企业</td><td>科研机构</td>"
           "<td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
           "<tr><td>一、本年新收政府信息公开申请数量</td><td>4</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>"
           "</table>")


def test_html_page_reads_t2_printed_as_text_beside_a_real_t3_table():
    t2 = "".join(f"<p>{line}</p>" for line in CUT.split("\n")[1:] + ["4"])
    page = f"<html><body><div class=content><p>二、主动公开政府信息情况</p>{t2}<p>三、收到和处理政府信息公开申请情况</p>{T3_HTML}</div></body></html>"
    report = parse_report_html(page, URL)
    got = values(report)
    assert (got["t2.normative.issued"], got["t2.normative.in_force"], got["t3.new.total"]) == (3, 4, 5)
    assert sorted(t.kind for t in report.tables) == ["t2", "t3"]


def test_html_tables_that_give_every_form_table_are_not_read_again_as_text():
    # the same t3 printed once as <table> and once as text lines: read once
    lines = "".join(f"<p>{x}</p>" for x in ["一、本年新收政府信息公开申请数量", "9", "9", "9", "9", "9", "9", "9"])
    t2 = "<table><tr><td>第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>1</td></tr></table>"
    t4 = ("<table><tr><td>行政复议</td></tr><tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
          "<tr><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>")
    page = f"<html><body><div class=content>{t2}{T3_HTML}{t4}{lines}</div></body></html>"
    report = parse_report_html(page, URL)
    assert values(report)["t3.new.total"] == 5
    assert sorted(t.kind for t in report.tables) == ["t2", "t3", "t4"]


# ------------------------------------------------------------------ pieces

def test_element_lines_keep_empty_blocks_and_mark_tables():
    root = parse_html("<div><p>规章</p><p></p><p>&nbsp;</p><p>3<br>4<br><br>5</p><table><tr><td>x</td></tr></table>"
                      "<div><p>行政许可</p></div><span>1</span>2</div>")
    assert element_lines(root, "<table>") == ["规章", "", "", "3", "4", "", "5", "<table>", "行政许可", "12"]


@pytest.mark.parametrize("raw,value", [("減3", -3), ("减少2", -2), ("減少1", -1), ("增1", 1), ("增加4", 4), ("+3", 3),
                                       ("-2", -2), ("0.092", 0.092), ("1,286", 1286), ("７", 7)])
def test_signed_and_unit_values(raw, value):
    assert parse_number(raw)[0] == value
