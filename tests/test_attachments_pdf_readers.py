"""The fast PDF reader (the PDFium text layer) against pdfplumber's geometry.

The reference is pdfplumber's reading, produced by running it here (``pdf_reader=
"pdfplumber"``), never a stored copy: whatever ``extract()`` gives by default must
parse into exactly the same indicators — every t2/t3/t4/legacy/headline cell, with
its raw text, value and unit — on the shared real PDF and on every PDF fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govreports.attachments import extract
from govreports.attachments.pdftext import _join_cells, _Line, _lines, _Rules
from govreports.attachments.vouch import unvouched
from govreports.attachments.worker import extract_file
from govreports.parsing.report import parse_report_text
from tests.harness import SHARED, require_shared

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIX = FIXTURES / "attachments"
HUAIAN = SHARED / "samples" / "huaian-city-2024-report.pdf"
PDFS = [HUAIAN, *sorted(FIXTURES.rglob("*.pdf"))]


def _read(path: Path) -> bytes:
    return (require_shared(path) if path == HUAIAN else path).read_bytes()


def cells(text: str) -> list[tuple]:
    report = parse_report_text(text, "https://example.gov.cn/a.pdf", source="attachment:a.pdf")
    return sorted((i.key, i.raw, repr(i.value), i.unit) for i in report.indicators)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_every_cell_equals_pdfplumbers_reading(path):
    data = _read(path)
    reference = extract(data, filename=path.name, pdf_reader="pdfplumber")
    fast = extract(data, filename=path.name)
    assert (fast.status, fast.pages) == (reference.status, reference.pages)
    assert cells(fast.text) == cells(reference.text)


def test_the_comparison_has_cells_to_compare():
    # Equality of two empty lists proves nothing: the sample and the report fixtures
    # give every table of their form.
    for path, least in ((HUAIAN, 200), (FIX / "report-2021.pdf", 200), (FIX / "report-2013-statistics.pdf", 8)):
        keys = {k for k, *_ in cells(extract(_read(path), pdf_reader="pdfplumber").text)}
        assert len(keys) >= least, path.name
        assert any(k.startswith(("t3.", "legacy.")) for k in keys)


@pytest.mark.parametrize("name, reader, why", [
    ("huaian-city-2024-report.pdf", "pdfium", ""),
    ("report-2021.pdf", "pdfium", ""),
    ("report-2013.pdf", "pdfium", ""),  # legacy prose, no table anywhere
    ("report-2021-blank-cells.pdf", "pdfplumber", "coverage.t3"),  # blank cells lost their columns
    ("report-2021-shuffled.pdf", "pdfplumber", "out of reading order"),
    ("report-2013-statistics.pdf", "pdfplumber", "no fixed form"),  # a legacy 统计表
    ("split-table.pdf", "pdfplumber", ""),  # a t3 fragment: not the 2021 form's tables
])
def test_which_reader_reads_it(name, reader, why):
    path = HUAIAN if name == HUAIAN.name else FIX / name
    res = extract(_read(path), filename=name)
    assert (res.status, res.reader) == ("parsed", reader)
    if reader == "pdfium":
        assert res.warnings == [] and res.tables == []
    else:
        assert res.warnings[0].startswith("read with pdfplumber: ") and why in res.warnings[0]


def test_image_only_and_garbled_pdfs_still_need_ocr():
    for name in ("image-only.pdf", "mojibake.pdf"):
        res = extract((FIX / name).read_bytes())
        assert (res.status, res.text, res.warnings) == ("needs_ocr", "", [])


def test_fast_text_keeps_wrapped_cells_whole_and_drops_page_furniture():
    text = extract(_read(HUAIAN)).text
    assert "（五）不予处理" in text and "三、本年度办理结果" in text  # wrapped inside their cells
    assert "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119" in text  # a row, cells spaced
    assert "- 4 -" not in text and "\n- " not in text


def test_fast_text_drops_bare_page_numbers_and_running_heads():
    lines = extract((FIX / "report-2021.pdf").read_bytes()).text.split("\n")
    assert not any(line.strip().isdigit() for line in lines)
    assert "某某县人民政府2023年政府信息公开工作年度报告" not in lines  # the running head of pages 2-3


@pytest.mark.parametrize("name", ["huaian-city-2024-report.pdf", "report-2021-blank-cells.pdf"])
def test_worker_reads_as_extract_does(tmp_path, name):
    # The worker's child reads the text layer and the parent judges it: the same
    # verdict, and the same result, as extract() in one process.
    source = HUAIAN if name == HUAIAN.name else FIX / name
    data = _read(source)
    path = tmp_path / name
    path.write_bytes(data)
    assert extract_file(path, filename=name, kind="pdf") == extract(data, filename=name)


def test_unknown_reader_is_a_callers_error():
    with pytest.raises(ValueError, match="unknown PDF reader"):
        extract(b"%PDF-1.4", pdf_reader="fast")


# ---------------------------------------------------------------------------- the verdict

def test_verdict_wants_the_forms_tables():
    text = "某某县2023年政府信息公开工作年度报告\n一、总体情况\n本年度依法公开。\n"
    assert unvouched(text, []) == "the text lacks the t2/t3/t4 tables of the 2021 form"


def test_verdict_refuses_a_flagged_reading():
    # A row whose 总计 is not its sum: a value read into the wrong column looks like this.
    text = """某某县2023年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
（一）予以公开 2 0 0 0 0 0 5
"""
    assert "flagged (t3.row_sum" in unvouched(text, [])


def test_verdict_on_a_legacy_report_without_tables():
    prose = "某某镇2013年政府信息公开工作年度报告\n一、概述\n2013年，我镇主动公开政府信息2150条。\n"
    assert unvouched(prose, []) == ""
    assert "page 2" in unvouched(prose, [2])  # where pdfplumber would look for a table


# ---------------------------------------------------------------------------- lines and cells

def _line(text, x0, bottom, x1, top):
    return _Line(text, (x0, bottom, x1, top))


# A table of three columns (x 100 | 160 | 300 | 400), rows ruled at y 500, 470, 440.
RULES = _Rules(verticals=[(100, 440, 500), (160, 440, 500), (300, 440, 500), (400, 440, 500)],
               horizontals=[(500, 100, 400), (470, 100, 400), (440, 100, 400)])


def test_lines_wrapped_in_one_cell_are_joined():
    lines = [_line("（五）不", 102, 485, 150, 495), _line("予处理", 102, 474, 140, 484), _line("3 4", 305, 480, 330, 490)]
    assert [l.text for l in _join_cells(lines, RULES)] == ["（五）不予处理", "3 4"]


def test_cells_split_by_a_rule_or_a_column_stay_apart():
    across_rule = [_line("（一）", 102, 472, 150, 482), _line("（二）", 102, 458, 150, 468)]
    across_column = [_line("规章 1 0", 102, 485, 350, 495), _line("件", 102, 474, 120, 484)]
    assert len(_join_cells(across_rule, RULES)) == 2
    assert len(_join_cells(across_column, RULES)) == 2


def test_a_frame_round_a_paragraph_is_not_a_table():
    frame = _Rules(verticals=[(100, 400, 500), (400, 400, 500)], horizontals=[(500, 100, 400), (400, 100, 400)])
    prose = [_line("本报告由某某县人民政府办公室", 102, 485, 390, 495), _line("编制。", 102, 474, 140, 484)]
    assert len(_join_cells(prose, frame)) == 2


class _Boxes:
    """PDFium's character boxes for text whose font has no glyphs, or has them: the ink
    box of a character PDFium has no glyph for is flat (a font neither embedded nor
    installed, which depends on the machine, hence a stand-in)."""

    def __init__(self, flat):
        self.flat = flat

    def loose(self, index):
        return 10.0, 700.0, 20.0, 710.0

    def ink_height(self, index):
        return 0.0 if self.flat else 9.0


@pytest.mark.parametrize("flat", [True, False])
def test_text_without_glyphs_is_noticed(flat):
    text = "某某县\r\n报告"
    lines, unglyphed = _lines(text, len(text), _Boxes(flat))
    assert [l.text for l in lines] == ["某某县", "报告"] and unglyphed is flat
