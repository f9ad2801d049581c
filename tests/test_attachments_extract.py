"""The dispatcher: lying names, zips, size caps, and nothing escaping as an exception."""

from __future__ import annotations

import importlib
from pathlib import Path

from govreports.attachments import Extraction, extract
from tests.hostile_files import small_zip

FIX = Path(__file__).resolve().parent / "fixtures" / "attachments"


def test_pdf_bytes_named_doc_parsed_as_pdf():
    res = extract((FIX / "split-table.pdf").read_bytes(), filename="报告.doc", content_type="application/msword")
    assert (res.kind, res.status) == ("pdf", "parsed")


def test_oversized_input_refused():
    data = (FIX / "split-table.pdf").read_bytes()
    res = extract(data, max_bytes=len(data) - 1)
    assert res.status == "failed" and "too large" in res.error


def test_size_cap_not_hit():
    data = (FIX / "split-table.pdf").read_bytes()
    assert extract(data, max_bytes=len(data)).status == "parsed"


def test_empty_input_failed():
    assert extract(b"").status == "failed"


def test_html_is_unsupported():
    res = extract("<html><body>附件不存在</body></html>".encode(), filename="a.pdf")
    assert (res.kind, res.status) == ("html", "unsupported")


def test_zip_members_concatenated():
    data = small_zip({"附件1.pdf": (FIX / "split-table.pdf").read_bytes(), "附件2.xlsx": (FIX / "statistics.xlsx").read_bytes()})
    res = extract(data, filename="附件.zip")
    assert (res.kind, res.status, len(res.members), len(res.tables)) == ("zip", "parsed", 2, 3)


def test_zip_member_names_in_text():
    data = small_zip({"附件1.pdf": (FIX / "split-table.pdf").read_bytes()})
    assert extract(data).text.startswith("=== 附件1.pdf ===\n")


def test_zip_traversal_name_not_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = small_zip({"../../evil.xlsx": (FIX / "statistics.xlsx").read_bytes()})
    res = extract(data)
    assert res.members[0].name == "../../evil.xlsx" and not any(tmp_path.parent.parent.glob("evil*"))


def test_zip_bomb_member_skipped(monkeypatch):
    # The package re-exports the function extract(), hiding the module of that name.
    monkeypatch.setattr(importlib.import_module("govreports.attachments.extract"), "ZIP_MAX_MEMBER_BYTES", 1000)
    data = small_zip({"big.pdf": b"%PDF-1.4\n" + b"0" * 100_000})
    res = extract(data)
    assert res.status == "failed" and "larger than" in res.members[0].error


def test_corrupt_zip_failed():
    res = extract(b"PK\x03\x04" + b"\0" * 100)
    assert res.status == "failed" and res.error


def test_never_raises_on_random_bytes():
    import random

    rnd = random.Random(7)
    for head in (b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b""):
        res = extract(head + bytes(rnd.randrange(256) for _ in range(3000)) + b"%%EOF")
        assert isinstance(res, Extraction) and res.status in ("failed", "unsupported", "needs_ocr")
