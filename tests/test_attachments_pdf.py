"""PDF extraction: reading order, stitched tables, garbage/image-only detection, OCR."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govreports.attachments import extract
from tests.harness import SHARED, require_shared, require_tool
from govreports.attachments.grid import garbage_reason

FIX = Path(__file__).resolve().parent / "fixtures" / "attachments"
SAMPLES = SHARED / "samples"
HUAIAN = SAMPLES / "huaian-city-2024-report.pdf"


@pytest.fixture(scope="module")
def huaian():
    """pdfplumber's reading: the geometry (grids, stitching) these tests are about."""
    require_shared(HUAIAN)
    return extract(HUAIAN.read_bytes(), filename=HUAIAN.name, pdf_reader="pdfplumber")


@pytest.fixture(scope="module", params=["pdfplumber", "pdfium"])
def huaian_text(request):
    """The text, from either reader."""
    require_shared(HUAIAN)
    return extract(HUAIAN.read_bytes(), filename=HUAIAN.name, pdf_reader=request.param)


def _t3(result):
    return next(t for t in result.tables if any("本年新收" in c for row in t for c in row))


# ---------------------------------------------------------------------------- real sample

def test_huaian_parsed(huaian_text):
    assert (huaian_text.status, huaian_text.pages) == ("parsed", 6)


def test_huaian_table_shapes(huaian):
    # Table 3 was split across pages 4-5 and table 2 across pages 3-4: one grid each,
    # the same shapes as the blank national template.
    assert [(len(t), len(t[0])) for t in huaian.tables] == [(14, 4), (28, 10), (4, 15)]


def test_huaian_split_label_rejoined(huaian):
    labels = [row[1] for row in _t3(huaian) if row[2].startswith(("1.本机关", "2.没有现成", "3.补正后"))]
    assert labels == ["（四）无法提供"] * 3


def test_huaian_no_fragment_rows(huaian):
    assert not any(c in ("（四）无", "法提供") for row in _t3(huaian) for c in row)


def test_huaian_three_other_rows(huaian):
    rows = [row for row in _t3(huaian) if row[1] == "（六）其他处理"]
    assert [r[-1] for r in rows] == ["71", "6", "110"]


def test_huaian_t3_row_after_break_keeps_values(huaian):
    row = next(r for r in _t3(huaian) if r[2] == "2.没有现成信息需要另行制作")
    assert row[3:] == ["11", "0", "0", "0", "0", "0", "11"]


def test_huaian_vertical_label_spans_break(huaian):
    row = next(r for r in _t3(huaian) if r[1] == "（七）总计")
    assert row[0] == "三、本年度办理结果"


def test_huaian_text_has_section_headings_in_order(huaian_text):
    heads = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    positions = [huaian_text.text.find(h) for h in heads]
    assert -1 not in positions and positions == sorted(positions)


def test_huaian_page_numbers_dropped(huaian_text):
    assert "- 4 -" not in huaian_text.text


def test_huaian_tables_in_text_as_pipe_rows(huaian):
    assert "一、本年新收政府信息公开申请数量 |  |  | 3001 | 53 | 0 | 0 | 61 | 4 | 3119" in huaian.text


def test_huaian_framed_paragraph_is_text_not_table(huaian_text):
    # Page 1's bordered box round the intro is a one-column "table": it stays prose.
    assert "本报告由淮安市人民政府办公室" in huaian_text.text.split("一、总体情况")[0]


@pytest.mark.parametrize("reader", ["pdfplumber", "pdfium"])
def test_max_pages_truncates_with_warning(huaian, reader):
    short = extract(HUAIAN.read_bytes(), max_pages=2, pdf_reader=reader)
    assert short.pages == 6 and "三、收到" not in short.text and short.warnings


# ---------------------------------------------------------------------------- generated

@pytest.fixture(scope="module")
def split():
    return extract((FIX / "split-table.pdf").read_bytes(), pdf_reader="pdfplumber")


def test_split_fixture_one_table(split):
    assert len(split.tables) == 1


def test_split_fixture_grid(split):
    assert split.tables[0] == [
        ["办理结果", "项目", "自然人", "总计"],
        ["（三）不予公开", "1.属于国家秘密", "2", "2"],
        ["（三）不予公开", "2.其他法律行政法规禁止公开", "3", "3"],
        ["（四）无法提供", "1.本机关不掌握相关政府信息", "5", "5"],
        ["（四）无法提供", "2.没有现成信息需要另行制作", "1", "1"],
        ["（四）无法提供", "3.补正后申请内容仍不明确", "0", "0"],
        ["（七）总计", "（七）总计", "11", "11"],
    ]


def test_split_fixture_text_after_table(split):
    assert split.text.rstrip().endswith("本年度未发生政府信息公开行政复议、行政诉讼案件。")


def test_image_only_pdf_needs_ocr():
    res = extract((FIX / "image-only.pdf").read_bytes())
    assert (res.status, res.text) == ("needs_ocr", "")


def test_mojibake_pdf_needs_ocr():
    res = extract((FIX / "mojibake.pdf").read_bytes())
    assert res.status == "needs_ocr" and "Chinese" in res.error


def test_image_only_pdf_ocr():
    require_tool(shutil.which("tesseract") and shutil.which("pdftoppm"), "Tesseract OCR (and poppler's pdftoppm)")
    res = extract((FIX / "image-only.pdf").read_bytes(), ocr=True)
    assert res.status == "parsed" and "一、总体情况" in res.text


def test_ocr_without_binaries_reports_needs_ocr(monkeypatch):
    monkeypatch.setattr("govreports.attachments.pdf.shutil.which", lambda name: None)
    res = extract((FIX / "image-only.pdf").read_bytes(), ocr=True)
    assert res.status == "needs_ocr" and "tesseract" in res.error


def test_truncated_pdf_fails():
    data = (FIX / "split-table.pdf").read_bytes()
    res = extract(data[: len(data) * 2 // 3])
    assert res.status == "failed" and "truncated" in res.error


def test_garbage_pdf_body_fails_cleanly():
    res = extract(b"%PDF-1.4\n1 0 obj <<>> endobj\nthis is not a pdf\n%%EOF")
    assert res.status == "failed" and res.error


@pytest.mark.parametrize("text", ["(cid:12)(cid:34)(cid:56)(cid:78)" * 20, "\ufffd\ufffd政府\ufffd\ufffd" * 20,
                                  "ÕþÎñÐÅÏ¢¹«¿ª¹¤×÷Äê¶È±¨¸æ" * 5])
def test_garbage_detected(text):
    assert garbage_reason(text)


def test_clean_chinese_not_garbage():
    assert garbage_reason("本年度主动公开政府信息4712条，其中规章 1 件。" * 5) == ""


# ---------------------------------------------------------------------------- stitching geometry

def _table(page, rows, top=700.0, h=20.0, xs=(50.0, 250.0, 300.0, 350.0)):
    from govreports.attachments.pdf import Cell, GeoTable

    cells = [Cell(xs[k], xs[k + 1], top + r * h, top + (r + 1) * h, text)
             for r, row in enumerate(rows) for k, text in enumerate(row)]
    return GeoTable(page=page, cells=cells, top=top, bottom_page=page)


def test_whole_row_split_mid_label_becomes_one_row():
    from govreports.attachments.pdf import build_grid, stitch

    first = _table(0, [["项目", "自然人", "总计"], ["5.要求行政机关确认或重新出", "1", "1"]])
    second = _table(1, [["具已获取信息", "", ""], ["（七）总计", "9", "9"]], top=72.0)
    stitch(first, second)
    assert build_grid(first.cells)[0] == [["项目", "自然人", "总计"], ["5.要求行政机关确认或重新出具已获取信息", "1", "1"],
                                          ["（七）总计", "9", "9"]]


def test_new_numbered_row_after_break_not_glued():
    from govreports.attachments.pdf import build_grid, stitch

    first = _table(0, [["项目", "自然人", "总计"], ["1.信访举报投诉类申请", "1", "1"]])
    second = _table(1, [["2.重复申请", "2", "2"]], top=72.0)
    stitch(first, second)
    assert len(build_grid(first.cells)[0]) == 3
