"""Hostile attachments built on the spot: decompression bombs and pathological PDFs.

Every builder is fast however large the bomb: a deflate stream of a repeated chunk
is made by compressing the chunk once with a full flush (byte-aligned, no reference
back into earlier data) and repeating those bytes; only the checksums walk the whole
inflated size.  Nothing here uses the code under test.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass
class Deflated:
    raw: bytes  # raw deflate stream (no zlib/gzip wrapper)
    size: int  # bytes it inflates to
    crc32: int
    adler32: int


def deflate_repeated(chunk: bytes, count: int, head: bytes = b"", tail: bytes = b"") -> Deflated:
    """``head + chunk * count + tail``, deflated in O(len(chunk)) time and space."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    segment = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc, adler = zlib.crc32(head), zlib.adler32(head)
    for _ in range(count):
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    crc, adler = zlib.crc32(tail, crc), zlib.adler32(tail, adler)
    return Deflated(first + segment * count + last, len(head) + len(chunk) * count + len(tail), crc, adler)


def deflated(data: bytes) -> Deflated:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Deflated(c.compress(data) + c.flush(), len(data), zlib.crc32(data), zlib.adler32(data))


def zip_archive(members: dict[str, Deflated], declared_sizes: dict[str, int] | None = None) -> bytes:
    """A zip of deflated members; ``declared_sizes`` makes headers lie about sizes."""
    out = io.BytesIO()
    central = []
    for name, member in members.items():
        encoded = name.encode("utf-8")
        size = (declared_sizes or {}).get(name, member.size)
        offset = out.tell()
        fields = (20, 0x800, 8, 0, 0x21, member.crc32, len(member.raw), size, len(encoded), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + member.raw)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()



def small_zip(members: dict[str, bytes]) -> bytes:
    """An ordinary zip of ``members`` (name -> bytes), made by :mod:`zipfile`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
                 b'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'wordprocessingml.document.main+xml"/></Types>')
PACKAGE_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
DOCUMENT_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                 b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
DOCUMENT_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"


def docx_bomb(inflated: int = 1024 * MiB, declared: int | None = None) -> bytes:
    """A DOCX whose word/document.xml inflates to ``inflated`` bytes of one paragraph
    of spaces (``declared``: the size its headers claim instead)."""
    document = deflate_repeated(b" " * MiB, inflated // MiB, DOCUMENT_HEAD, DOCUMENT_TAIL)
    lie = {"word/document.xml": declared} if declared is not None else None
    return zip_archive({"[Content_Types].xml": deflated(CONTENT_TYPES), "_rels/.rels": deflated(PACKAGE_RELS),
                        "word/document.xml": document}, lie)


def content_types_bomb(inflated: int = 512 * MiB) -> bytes:
    """A DOCX-looking zip whose [Content_Types].xml inflates to ``inflated`` bytes."""
    types = deflate_repeated(b" " * MiB, inflated // MiB, CONTENT_TYPES[:-len(b"</Types>")], b"</Types>")
    return zip_archive({"[Content_Types].xml": types, "_rels/.rels": deflated(PACKAGE_RELS),
                        "word/document.xml": deflated(DOCUMENT_HEAD + b"x" + DOCUMENT_TAIL)})


def zip_bomb(inflated: int = 1024 * MiB, name: str = "年度报告.pdf") -> bytes:
    return zip_archive({name: deflate_repeated(b"\0" * MiB, inflated // MiB)})


def gzip_bomb(inflated: int = 64 * MiB) -> bytes:
    """A gzip stream (Content-Encoding: gzip) of ``inflated`` zero bytes."""
    body = deflate_repeated(b"\0" * MiB, inflated // MiB)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + body.raw + struct.pack("<II", body.crc32, body.size & 0xFFFFFFFF)


def pdf(content: bytes, stream_dict: bytes = b"", media_box: tuple[int, int] = (595, 842)) -> bytes:
    """A one-page PDF with this content stream, with a correct xref table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % media_box,
        b"<< /Length %d %s>>\nstream\n" % (len(content), stream_dict) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_inflating(inflated: int = 500 * MiB) -> bytes:
    """A ~0.5 MB PDF whose FlateDecode content stream inflates to ``inflated`` bytes."""
    stream = deflate_repeated(b" " * MiB, inflated // MiB)
    return pdf(b"\x78\xda" + stream.raw + struct.pack(">I", stream.adler32), b"/Filter /FlateDecode ")


def line_grid_pdf(lines: int = 200, step: float = 4.0) -> bytes:
    """A ~10 KB PDF ruled with a ``lines`` × ``lines`` grid (every line its own path,
    ``step`` points apart: wider than pdfplumber's snapping, so every cell is a cell)."""
    end = 20 + lines * step
    ops = []
    for i in range(lines + 1):
        at = 20 + i * step
        ops.append(b"%.1f 20 m %.1f %.1f l S" % (at, at, end))
        ops.append(b"20 %.1f m %.1f %.1f l S" % (at, end, at))
    side = int(end + 20)
    return pdf(b"\n".join(ops), media_box=(side, side))
