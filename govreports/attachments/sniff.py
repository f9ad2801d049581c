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

import olefile

# The document kinds the extractors read; a list may link straight to one as the report.
DOCUMENT_KINDS = ("pdf", "docx", "doc", "xlsx", "xls", "wps", "et", "zip")
# Everything sniff_type answers.
KINDS = (*DOCUMENT_KINDS, "html", "unknown")
# Link extensions that make a link in a report page an attachment.  rar and ofd are
# downloaded and recorded too (as unsupported), so the report says they exist.
ATTACHMENT_LINK_EXTENSIONS = (*DOCUMENT_KINDS, "rar", "ofd")

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
    """Names of the storages and streams of an OLE2 compound file (WordDocument,
    Workbook, …), read with olefile: the header, the FAT and the directory only, no
    stream is read.  Raises ValueError when olefile cannot open the file."""
    if not data.startswith(_OLE_MAGIC):
        raise ValueError("not an OLE2 file")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return [path[-1] for path in ole.listdir(streams=True, storages=True)]
    except Exception as error:  # noqa: BLE001 - damaged bytes fail in many ways (OSError, struct.error, IndexError …)
        raise ValueError(f"unreadable OLE2 file: {error}") from error


def _ole_names_by_scan(data: bytes) -> list[str]:
    # Fallback for damaged or truncated files (a download cut short, the first 64 KiB
    # of a failed one): directory names are UTF-16LE strings.
    found = []
    for name in ("WordDocument", "Workbook", "Book", "CONTENTS", "PowerPoint Document", "WpsDocument"):
        if name.encode("utf-16-le") in data:
            found.append(name)
    return found


def _ole_kind(data: bytes, hints: set[str]) -> str:
    try:
        names = ole_stream_names(data)
    except ValueError:
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
    # Zip first: a zip whose first member is a PDF stored uncompressed has "%PDF-" in its head.
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if b"%PDF-" in head:  # some servers prepend a BOM or junk before the header
        return "pdf"
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data, hints)
    if data.lstrip()[:5] == b"{\\rtf":
        return "doc"  # Word's RTF "doc": the .doc converter reads it
    body = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff\x00")
    if _HTML_START.match(body) or re.search(rb"<html[\s>]", head, re.I):
        return "html"
    return "unknown"


_EXT = {kind: kind for kind in KINDS} | {"unknown": "bin"}


def safe_filename(data: bytes, kind: str) -> str:
    """"<sha256>.<ext>": content-addressed, so a server-chosen name ("../../x", 200 bytes
    of GBK, "CON.doc") never reaches the file system."""
    return f"{hashlib.sha256(data).hexdigest()}.{_EXT.get(kind, 'bin')}"
