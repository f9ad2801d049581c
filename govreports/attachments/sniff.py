"""What kind of file is this?  Decided from the bytes, never from the server's word.

Portals label attachments badly: ``.doc`` links that serve a PDF, ``.xls`` files
that are HTML tables, an HTML error page behind a ``.pdf`` link, WPS files saved
with a ``.doc`` name.  So the magic number decides the family and the extension /
content type only choose between look-alikes inside one family (doc vs wps, xls vs
et), where the bytes cannot tell them apart.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zipfile

KINDS = ("pdf", "docx", "doc", "xlsx", "xls", "wps", "et", "zip", "html", "unknown")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|script|p[\s>])", re.I | re.S)


def _hint_ext(filename: str) -> str:
    # "报告.pdf?download=1" and "/path/附件.DOC" both happen.
    name = filename.split("?", 1)[0].split("#", 1)[0]
    return os.path.splitext(name)[1].lower().lstrip(".")


def _hints(filename: str, content_type: str) -> set[str]:
    hints = {_hint_ext(filename)}
    ct = content_type.lower()
    if "wps" in ct or "kingsoft" in ct:
        hints.add("wps")
    if "ms-excel" in ct or "spreadsheet" in ct:
        hints.add("xls")
    return hints


ZIP_SNIFF_MAX_ENTRIES = 10_000  # more names than any DOCX/XLSX has: not parsed here
ZIP_SNIFF_READ = 200_000  # bytes of [Content_Types].xml read (it is a few KB)


def _zip_entry_count(data: bytes) -> int:
    """Entries the end-of-central-directory record announces (-1: not found / zip64)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return -1
    total = struct.unpack_from("<H", data, end + 10)[0]
    return -1 if total == 0xFFFF else total


def _zip_kind(data: bytes) -> str:
    # Runs on the crawl thread: reads the directory and at most ZIP_SNIFF_READ
    # inflated bytes, never a whole member (a member may inflate to gigabytes).
    if not 0 <= _zip_entry_count(data) <= ZIP_SNIFF_MAX_ENTRIES:
        return "zip"  # let the extractor (in its worker, under limits) look closer
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            types = ""
            if "[Content_Types].xml" in names:
                with zf.open("[Content_Types].xml") as fh:
                    types = fh.read(ZIP_SNIFF_READ).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        return "zip"  # PK header but unreadable: let the zip extractor report it
    if "word/document.xml" in names or "wordprocessingml.document.main" in types:
        return "docx"
    if "xl/workbook.xml" in names or "spreadsheetml.sheet.main" in types:
        return "xlsx"
    return "zip"


def ole_stream_names(data: bytes) -> list[str]:
    """Names in an OLE2 compound file's directory (WordDocument, Workbook, …).

    A minimal reader: header -> FAT (from the header's 109 DIFAT slots) -> the
    directory chain.  Enough to tell Word from Excel; raises ValueError on damage.
    """
    if not data.startswith(_OLE_MAGIC) or len(data) < 512:
        raise ValueError("not an OLE2 file")
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if sector_size not in (512, 4096):
        raise ValueError("bad OLE2 sector size")
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    difat = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < 0xFFFFFFFA]

    def sector(n: int) -> bytes:
        off = (n + 1) * sector_size
        if off + sector_size > len(data):
            raise ValueError("OLE2 sector past end of file")
        return data[off:off + sector_size]

    fat: list[int] = []
    for s in difat:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(s)))
    names: list[str] = []
    seen: set[int] = set()
    s = first_dir
    while s < 0xFFFFFFFA and s not in seen and len(seen) < 10_000:
        seen.add(s)
        block = sector(s)
        for off in range(0, sector_size, 128):
            entry = block[off:off + 128]
            length = struct.unpack_from("<H", entry, 0x40)[0]
            if 2 <= length <= 64 and entry[0x42] in (1, 2, 5):  # storage, stream, root
                names.append(entry[:length - 2].decode("utf-16-le", "replace"))
        s = fat[s] if s < len(fat) else 0xFFFFFFFE
    return names


def _ole_names_by_scan(data: bytes) -> list[str]:
    # Fallback for big or damaged files: directory names are UTF-16LE strings.
    found = []
    for name in ("WordDocument", "Workbook", "Book", "CONTENTS", "PowerPoint Document", "WpsDocument"):
        if name.encode("utf-16-le") in data:
            found.append(name)
    return found


def _ole_kind(data: bytes, hints: set[str]) -> str:
    try:
        names = ole_stream_names(data)
    except (ValueError, struct.error, IndexError):
        names = []
    if not names:
        names = _ole_names_by_scan(data)
    lowered = {n.lower() for n in names}
    if "worddocument" in lowered:
        # WPS Office writes the Word 97 format; only the name says "wps".
        return "wps" if "wps" in hints else "doc"
    if "workbook" in lowered or "book" in lowered:
        return "et" if "et" in hints else "xls"
    if "contents" in lowered or "wpsdocument" in lowered or "wps" in hints:
        return "wps"  # Works / old Kingsoft word processor
    if "et" in hints:
        return "et"
    return "unknown"


def sniff_type(data: bytes, filename: str = "", content_type: str = "") -> str:
    """One of :data:`KINDS`, from the magic number first; hints only refine a family."""
    hints = _hints(filename, content_type)
    head = data[:1024]
    if b"%PDF-" in head:  # some servers prepend a BOM or junk before the header
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, hints)
    if data.lstrip()[:5] == b"{\\rtf":
        return "doc"  # Word's RTF "doc": the .doc converter reads it
    body = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff\x00")
    if _HTML_START.match(body) or re.search(rb"<html[\s>]", head, re.I):
        return "html"
    return "unknown"


_EXT = {"pdf": "pdf", "docx": "docx", "doc": "doc", "xlsx": "xlsx", "xls": "xls", "wps": "wps",
        "et": "et", "zip": "zip", "html": "html", "unknown": "bin"}


def safe_filename(data: bytes, kind: str) -> str:
    """"<sha256>.<ext>": content-addressed, so a server-chosen name ("../../x", 200 bytes
    of GBK, "CON.doc") never reaches the file system."""
    return f"{hashlib.sha256(data).hexdigest()}.{_EXT.get(kind, 'bin')}"
