"""decode_html: BOM, HTTP charset, meta charset, detection; GB family as gb18030."""

from __future__ import annotations

import codecs
from pathlib import Path

from govreports.encoding import decode_html, normalize_encoding

FIXTURES = Path(__file__).parent / "fixtures" / "platforms" / "encoding"
TITLE = "政府信息公开年报-麟游县人民政府"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_gbk_page_declared_only_in_meta_is_decoded():
    text, encoding = decode_html(body("gbk_meta_gb2312.html"), "text/html")
    assert (TITLE in text, encoding) == (True, "gb18030")


def test_gb2312_declaration_decodes_characters_outside_gb2312():
    text, _ = decode_html(body("gbk_meta_gb2312.html"), None)
    assert "朱镕基" in text  # 镕 is GBK, not GB2312


def test_gbk_declaration_decodes_gb18030_four_byte_characters():
    text, _ = decode_html(body("gb18030_meta_gbk.html"), None)
    assert "九成宫镇㐀" in text


def test_gbk_page_without_any_declaration_is_detected():
    text, encoding = decode_html(body("gbk_no_declaration.html"), None)
    assert (TITLE in text, encoding) == (True, "gb18030")


def test_utf8_page_without_any_declaration_is_detected():
    text, encoding = decode_html(body("utf8_no_declaration.html"), "text/html")
    assert (TITLE in text, encoding) == (True, "utf-8")


def test_wrong_utf8_header_on_a_gbk_page_falls_back_to_detection():
    text, encoding = decode_html(body("gbk_no_declaration.html"), "text/html; charset=UTF-8")
    assert (TITLE in text, encoding) == (True, "gb18030")


def test_wrong_utf8_meta_on_a_gbk_page_falls_back_to_detection():
    text, encoding = decode_html(body("gbk_meta_charset_utf8.html"), None)
    assert (TITLE in text, encoding) == (True, "gb18030")


def test_stale_gb2312_meta_on_a_utf8_page_is_overruled():
    text, encoding = decode_html(body("utf8_meta_gb2312.html"), None)
    assert (TITLE in text, encoding) == (True, "utf-8")


def test_server_default_latin1_header_is_ignored_for_the_meta_charset():
    text, encoding = decode_html(body("gbk_meta_gb2312.html"), "text/html;charset=ISO-8859-1")
    assert (TITLE in text, encoding) == (True, "gb18030")


def test_http_header_wins_over_meta():
    raw = '<meta charset="gb2312"><p>政府資訊公開</p>'.encode("big5")
    text, encoding = decode_html(raw, "text/html; charset=big5")
    assert (text.endswith("<p>政府資訊公開</p>"), encoding) == (True, "big5")


def test_bom_wins_over_every_declaration():
    raw = codecs.BOM_UTF8 + '<meta charset="gbk"><p>年度报告</p>'.encode("utf-8")
    assert decode_html(raw, "text/html; charset=gbk") == ('<meta charset="gbk"><p>年度报告</p>', "utf-8")


def test_utf16_bom_is_read():
    raw = codecs.BOM_UTF16_LE + "<p>年度报告</p>".encode("utf-16-le")
    assert decode_html(raw, None) == ("<p>年度报告</p>", "utf-16-le")


def test_unknown_charset_label_is_ignored():
    text, encoding = decode_html(body("utf8_no_declaration.html"), "text/html; charset=x-no-such-thing")
    assert (TITLE in text, encoding) == (True, "utf-8")


def test_non_chinese_legacy_page_is_detected_by_charset_normalizer():
    raw = ("<html><body><p>Le rapport annuel présente les données publiées "
           "par l'administration. Élaboré en décembre, révisé en février.</p></body></html>").encode("cp1252")
    text, _ = decode_html(raw, None)
    assert "présente les données publiées" in text


def test_gb_family_labels_map_to_gb18030():
    labels = ["gb2312", "GB2312", "gbk", "GBK", "GB_2312-80", "x-gbk", "cp936", "csGB2312", "'gb2312'"]
    assert {normalize_encoding(label) for label in labels} == {"gb18030"}


def test_ascii_only_page_is_utf8():
    assert decode_html(b"<html><p>annual report</p></html>", None) == ("<html><p>annual report</p></html>", "utf-8")
