"""DOCX: document order, merged cells (gridSpan/vMerge) and nested tables."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from govreports.attachments import extract
from tests.harness import SHARED, require_shared

FIX = Path(__file__).resolve().parent / "fixtures" / "attachments"
TEMPLATE = SHARED / "samples" / "blank-2021-template.docx"


@pytest.fixture(scope="module")
def template():
    require_shared(TEMPLATE)
    return extract(TEMPLATE.read_bytes(), filename=TEMPLATE.name)


@pytest.fixture(scope="module")
def merged():
    return extract((FIX / "merged.docx").read_bytes())


def test_template_shapes(template):
    # Verified against the file: the grids after merged-cell expansion are exactly
    # the documented 14x4, 28x10, 4x15.
    assert [(len(t), len(t[0])) for t in template.tables] == [(14, 4), (28, 10), (4, 15)]


def test_template_vmerge_label_fills_down(template):
    t3 = template.tables[1]
    assert [r[0] for r in t3[5:26]] == ["三、本年度办理结果"] * 21


def test_template_gridspan_header_fills_across(template):
    assert template.tables[2][0][:5] == ["行政复议"] * 5


def test_template_three_other_rows(template):
    assert sum(1 for r in template.tables[1] if r[1] == "（六）其他处理") == 3


def test_template_tables_between_headings(template):
    text = template.text
    assert text.index("二、主动公开政府信息情况") < text.index("信息内容 | 本年制发件数") < text.index("三、收到和处理")


def test_gridspan_expanded(merged):
    assert merged.tables[0][0] == ["政府信息公开情况统计表"] * 3


def test_vmerge_expanded(merged):
    assert [r[0] for r in merged.tables[0][2:4]] == ["主动公开政府信息数"] * 2


def test_nested_table_is_own_table(merged):
    assert merged.tables[1] == [["其中", "5"]]


def test_nested_text_not_glued_into_parent_cell(merged):
    assert merged.tables[0][3][2] == "0"


def test_merged_cell_printed_once_per_row_in_text(merged):
    assert "政府信息公开情况统计表 |  | " in merged.text


def test_paragraph_order(merged):
    assert merged.text.index("一、概述") < merged.text.index("统计指标 | 单位") < merged.text.index("二、存在的主要问题")


def test_damaged_docx_fails():
    data = (FIX / "merged.docx").read_bytes()
    res = extract(data[:2000] + b"\0" * 500)
    assert res.status == "failed" and res.error


def test_text_box_read_once():
    import docx

    d = docx.Document()
    p = d.add_paragraph("正文")
    # A text box as Word writes it: the mc:Choice drawing and the VML mc:Fallback copy.
    p._p.append(docx.oxml.parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:t>框内文字</w:t></mc:Choice><mc:Fallback><w:t>框内文字</w:t></mc:Fallback>'
        '</mc:AlternateContent></w:r>'))
    buf = io.BytesIO()
    d.save(buf)
    assert extract(buf.getvalue()).text.count("框内文字") == 1
