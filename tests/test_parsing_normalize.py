"""normalize: numbers as printed, labels for matching, Traditional -> Simplified."""

import pytest

from govreports.parsing.normalize import (
    chinese_to_int, fold_width, is_value_cell, label_key, parse_number, strip_numbering, to_simplified,
)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("78条", (78, "条")),
        ("0万元", (0, "万元")),
        ("０万元", (0, "万元")),
        ("４７１２", (4712, "")),
        ("4712", (4712, "")),
        (" 4 ", (4, "")),
        ("1,234", (1234, "")),
        ("7730.28", (7730.28, "")),
        ("7730.28万元", (7730.28, "万元")),
        ("12人次", (12, "人次")),
        ("+3", (3, "")),
        ("-2", (-2, "")),
        ("减少2", (-2, "")),
        ("增加5", (5, "")),
        ("十二件", (12, "件")),
        ("零", (0, "")),
        ("个", (None, "个")),
        ("/", (None, "")),
        ("—", (None, "")),
        ("——", (None, "")),
        ("-", (None, "")),
        ("不适用", (None, "")),
        ("", (None, "")),
        ("\u3000", (None, "")),
        ("详见附件", (None, "")),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_parse_number_keeps_int_for_integral():
    assert isinstance(parse_number("12")[0], int)


def test_parse_number_not_reported_is_not_zero():
    assert parse_number("/")[0] is None and parse_number("0")[0] == 0


@pytest.mark.parametrize(
    "text,value",
    [("十二", 12), ("二十", 20), ("二百一十五", 215), ("一万零五", 10005), ("二○一三", 2013), ("二〇二三", 2023), ("二零二一", 2021), ("三", 3)],
)
def test_chinese_to_int(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize(
    "text,value",
    [("两千零二十一", 2021), ("一万二千三百四十五", 12345), ("十", 10), ("〇", 0), ("○", 0), ("零", 0),
     ("一千零一十", 1010), ("二十万零五百", 200500), ("一亿二千万", 120_000_000), ("一万亿", 10**12)],
)
def test_chinese_to_int_hard_cases(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text,value", [("廿", 20), ("廿一", 21), ("卅", 30)])
def test_chinese_to_int_tens_characters(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text,value", [("壹贰叁", 123), ("壹佰贰拾叁", 123), ("貳拾參", 23), ("壹仟零贰拾", 1020)])
def test_chinese_to_int_financial_forms(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text,value", [("一百五", 150), ("一千五", 1500), ("一万五", 15000), ("一百零五", 105)])
def test_chinese_to_int_left_out_unit_is_the_next_lower(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text", ["十十", "一二三十", "二十三十", "万", "一万万", "十二a", ""])
def test_chinese_to_int_malformed_is_none(text):
    assert chinese_to_int(text) is None


def test_parse_number_reads_financial_numerals():
    assert parse_number("贰拾条") == (20, "条")


@pytest.mark.parametrize(
    "a,b",
    [
        ("（一）予以公开", "(一)予以公开"),
        ("（一）予以公开", "1．予 以公开"),
        ("1、属于国家秘密", "1.属于国家秘密"),
        ("总 计", "总计"),
        ("（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）", "(二)部分公开"),
        ("2.其他法律行政止公开", "2.其他法律行政法规禁止公开"),
        ("其中:1、政府公报", "政府公报"),
        ("3.危及“三安全一稳定”", "危及三安全一稳定"),
        ("⒈扩大领域", "扩大领域"),
        ("一、本年新收政府資訊公開申請數量", "本年新收政府信息公开申请数量"),
    ],
)
def test_label_key_equates_variants(a, b):
    assert label_key(a) == label_key(b)


def test_strip_numbering_keeps_label_text():
    assert strip_numbering("（三）不予公开") == "不予公开"


def test_to_simplified_converts_and_fixes_oddities():
    assert to_simplified("政府資訊公開工作年度報告，全麵推進") == "政府信息公开工作年度报告，全面推进"


def test_fold_width():
    assert fold_width("（１２）：ＡＢ\u3000") == "(12):AB "


@pytest.mark.parametrize("cell,expected", [("12", True), ("0件", True), ("/", True), ("", True), ("人次", True), ("规章", False), ("总计", False)])
def test_is_value_cell(cell, expected):
    assert is_value_cell(cell) is expected


@pytest.mark.parametrize("raw,value", [("0.00", 0), ("12.0万元", 12), ("0.5", 0.5)])
def test_parse_number_int_when_integral(raw, value):
    got = parse_number(raw)[0]
    assert got == value and isinstance(got, type(value))
