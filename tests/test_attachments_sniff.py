"""File-type sniffing: magic numbers decide, names and content types only refine."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from govreports.attachments.sniff import ole_stream_names, safe_filename, sniff_type

FIX = Path(__file__).resolve().parent / "fixtures" / "attachments"


def read(name: str) -> bytes:
    return (FIX / name).read_bytes()


def test_pdf_named_doc_is_pdf():
    assert sniff_type(read("split-table.pdf"), filename="年度报告.doc", content_type="application/msword") == "pdf"


def test_pdf_header_after_junk_bytes():
    assert sniff_type(b"\xef\xbb\xbf\r\n" + read("split-table.pdf")) == "pdf"


def test_docx_named_pdf_is_docx():
    assert sniff_type(read("merged.docx"), filename="report.pdf") == "docx"


def test_xlsx_is_xlsx():
    assert sniff_type(read("statistics.xlsx"), filename="统计表.xls") == "xlsx"


def test_plain_zip_is_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    assert sniff_type(buf.getvalue(), filename="a.docx") == "zip"


def test_ole_doc_by_stream_name():
    assert "WordDocument" in ole_stream_names(read("statistics.doc"))


def test_ole_doc_is_doc_even_named_xls():
    assert sniff_type(read("statistics.doc"), filename="x.xls") == "doc"


def test_ole_doc_named_wps_is_wps():
    assert sniff_type(read("statistics.doc"), filename="报告.wps") == "wps"


def test_ole_xls_by_workbook_stream():
    assert sniff_type(read("statistics.xls"), filename="x.doc") == "xls"


def test_ole_xls_named_et_is_et():
    assert sniff_type(read("statistics.xls"), filename="统计表.et") == "et"


def test_html_error_page_behind_pdf_link():
    assert sniff_type(b"  <!DOCTYPE html><html><body>404</body></html>", filename="a.pdf") == "html"


def test_unknown_bytes_ignore_extension():
    assert sniff_type(b"just some text", filename="a.pdf", content_type="application/pdf") == "unknown"


def test_safe_filename_is_content_hash():
    name = safe_filename(b"abc", "pdf")
    assert re.fullmatch(r"[0-9a-f]{64}\.pdf", name) and name.startswith("ba7816bf")


def test_safe_filename_unknown_kind_gets_bin():
    assert safe_filename(b"abc", "../../etc").endswith(".bin")


def test_ole_names_read_without_opening_a_stream(monkeypatch):
    import olefile

    def no_streams(self, *args, **kwargs):
        raise AssertionError("sniffing opened a stream")

    monkeypatch.setattr(olefile.OleFileIO, "openstream", no_streams)
    assert "Workbook" in ole_stream_names(read("statistics.xls"))


def test_damaged_ole_directory_is_a_value_error():
    data = bytearray(read("statistics.doc"))
    data[0x30:0x34] = b"\xff\xff\xff\x7f"  # first directory sector far past the end
    with pytest.raises(ValueError):
        ole_stream_names(bytes(data))


def test_damaged_ole_file_is_sniffed_by_its_stream_names():
    data = bytearray(read("statistics.xls"))
    data[0x30:0x34] = b"\xff\xff\xff\x7f"
    assert sniff_type(bytes(data), filename="x.doc") == "xls"


def test_truncated_ole_file_is_not_a_guess():
    assert sniff_type(read("statistics.doc")[:2048], filename="x.doc") == "unknown"


def test_zip_whose_first_member_is_a_stored_pdf_is_a_zip():
    # Stored (not deflated), the PDF's own "%PDF-" header sits in the zip's first bytes.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("报告.pdf", read("split-table.pdf"))
        zf.writestr("统计表.xlsx", read("statistics.xlsx"))
    assert b"%PDF-" in buf.getvalue()[:1024] and sniff_type(buf.getvalue(), "reports.zip") == "zip"
