"""Legacy formats (doc, wps, xls, et) and spreadsheets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govreports.attachments import extract, legacy
from tests.harness import require_tool

FIX = Path(__file__).resolve().parent / "fixtures" / "attachments"
STAT_XLS = [["政府信息公开情况统计表"] * 3, ["统计指标", "单位", "统计数"], ["主动公开政府信息数", "条", "4712"],
            ["收费金额", "万元", "7730.28"], ["行政复议数", "件", "0"]]


@pytest.fixture
def soffice():
    require_tool(legacy.soffice_binary(), "LibreOffice")


needs_soffice = pytest.mark.usefixtures("soffice")


@needs_soffice
def test_doc_via_libreoffice_table():
    res = extract((FIX / "statistics.doc").read_bytes(), filename="统计表.doc")
    assert res.tables == [[["统计指标", "单位", "统计数"], ["主动公开政府信息数", "条", "4712"],
                           ["主动公开政府信息数", "条", "12"], ["行政复议数", "件", "0"]]]


@needs_soffice
def test_doc_via_libreoffice_text_order():
    text = extract((FIX / "statistics.doc").read_bytes()).text
    assert text.index("本年度主动公开政府信息4712条") < text.index("统计指标 | 单位") < text.index("二、存在的主要问题")


@needs_soffice
def test_wps_named_word_file_converted():
    res = extract((FIX / "statistics.doc").read_bytes(), filename="报告.wps")
    assert (res.kind, res.status) == ("wps", "parsed")


@needs_soffice
def test_et_converted():
    res = extract((FIX / "statistics.xls").read_bytes(), filename="统计表.et")
    assert (res.kind, res.tables[0]) == ("et", STAT_XLS)


def test_doc_via_antiword_when_no_libreoffice(monkeypatch):
    require_tool(shutil.which("antiword"), "antiword")
    monkeypatch.setattr(legacy, "soffice_binary", lambda: None)
    res = extract((FIX / "statistics.doc").read_bytes())
    assert res.status == "parsed" and ["主动公开政府信息数", "条", "4712"] in res.tables[0]


def test_doc_without_any_converter(monkeypatch):
    monkeypatch.setattr(legacy, "soffice_binary", lambda: None)
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    res = extract((FIX / "statistics.doc").read_bytes())
    assert (res.status, res.error) == ("failed", "no converter for .doc (install libreoffice-writer or antiword)")


def test_xlsx_sheet_grid():
    assert extract((FIX / "statistics.xlsx").read_bytes()).tables[0] == STAT_XLS


def test_xlsx_every_sheet_is_a_table():
    assert extract((FIX / "statistics.xlsx").read_bytes()).tables[1] == [["本表数据截至2012年12月31日"]]


def test_xls_sheet_grid():
    assert extract((FIX / "statistics.xls").read_bytes(), filename="统计表.xls").tables[0] == STAT_XLS


def test_xls_text_has_sheet_name_and_rows():
    text = extract((FIX / "statistics.xls").read_bytes()).text
    assert text.startswith("统计表\n") and "收费金额 | 万元 | 7730.28" in text


def test_corrupt_xlsx_fails():
    data = (FIX / "statistics.xlsx").read_bytes()
    res = extract(data[:1500])
    assert res.status == "failed" and res.error


@needs_soffice
def test_converter_timeout_is_failed(monkeypatch):
    monkeypatch.setattr(legacy, "_run", lambda *a, **k: (_ for _ in ()).throw(legacy.ConversionError("soffice timed out after 1s")))
    res = extract((FIX / "statistics.doc").read_bytes(), timeout=1)
    assert (res.status, res.error) == ("failed", "soffice timed out after 1s")
