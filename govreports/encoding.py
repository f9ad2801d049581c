"""Decoding fetched HTML bytes to text.

Chinese government pages are UTF-8 or GBK.  Older sites declare ``gb2312``/``gbk``
only in a ``<meta>`` tag, some declare nothing, and some declare the wrong thing
(a Tomcat header saying ``ISO-8859-1`` in front of a GBK page, a meta tag saying
``gb2312`` on a page saved as UTF-8).  :func:`decode_html` tries, in order:

1. a byte-order mark;
2. the HTTP ``Content-Type`` charset;
3. the page's own ``<meta charset>`` / ``http-equiv`` content charset / ``<?xml encoding?>``;
4. detection: strict UTF-8, then GB18030 when the result reads as Chinese, then
   charset-normalizer.

A declaration is used only when the body decodes with it without errors; a
declaration that fails falls through to the next source.  The GB family (gb2312,
gbk, GB_2312-80, cp936 …) is always decoded as gb18030, its superset: real pages
hold characters outside GB2312.  Latin-1/ASCII declarations are ignored when the
body has non-ASCII bytes (they decode anything, so "no errors" proves nothing, and
on these sites they are almost always a server default, not the page's encoding).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16-LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
GB_FAMILY = re.compile(
    r"^(?:gb[-_ ]?2312(?:[-_ ]?80)?|gbk|x-gbk|cp936|ms936|windows-936|euc-cn|csgb2312|"
    r"csiso58gb231280|iso-ir-58|chinese|gb18030|gb[-_]?18030(?:-2000|-2005)?)$"
)
# Codecs that accept every byte sequence: a declaration of one of them proves nothing.
WEAK = {"latin_1", "iso8859-1", "ascii", "cp1252", "iso8859_1"}
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w:.+-]+)", re.IGNORECASE)
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w:.+-]+)", re.IGNORECASE)
XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']\s*([\w:.+-]+)", re.IGNORECASE)
SNIFF_BYTES = 4096
# What Chinese text decoded right looks like: ideographs and CJK/full-width punctuation.
NON_ASCII = re.compile(r"[^\x00-\x7f]")
SAMPLE_CHARS = 20000
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2010-\u201f\u00b7\u2026]")


def normalize_encoding(name: str | None) -> str | None:
    """The Python codec to decode a declared charset with, or None when unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if GB_FAMILY.match(label):
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if codec in ("gbk", "gb2312") else codec


def _decodes(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared(body: bytes, content_type_header: str | None) -> list[str]:
    """Declared encodings, most authoritative first (HTTP header, then the page)."""
    found = []
    if content_type_header:
        match = HEADER_CHARSET.search(content_type_header)
        if match:
            found.append(match.group(1))
    head = body[:SNIFF_BYTES]
    for pattern in (META_CHARSET, XML_ENCODING):
        match = pattern.search(head)
        if match:
            found.append(match.group(1).decode("ascii", "ignore"))
    return found


def looks_chinese(text: str) -> bool:
    """Most non-ASCII characters of ``text`` are Chinese (ideographs, CJK punctuation).
    The head of the page is enough and keeps this fast on large pages."""
    sample = text[:SAMPLE_CHARS]
    wide = len(NON_ASCII.findall(sample))
    return wide > 0 and len(CJK.findall(sample)) >= 0.9 * wide


def detect(body: bytes) -> tuple[str, str]:
    """Decode an undeclared (or wrongly declared) body."""
    text = _decodes(body, "utf-8")
    if text is not None:
        # Valid UTF-8 with multi-byte sequences is never an accident in GBK text.
        return text, "utf-8"
    text = _decodes(body, "gb18030")
    if text is not None and looks_chinese(text):
        return text, "gb18030"
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        encoding = normalize_encoding(best.encoding) or best.encoding
        return body.decode(encoding, errors="replace"), encoding
    return body.decode("gb18030", errors="replace"), "gb18030"


def decode_html(body: bytes, content_type_header: str | None = None) -> tuple[str, str]:
    """``(text, encoding used)`` for an HTML page's bytes; see the module docstring."""
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding
    has_non_ascii = not body.isascii()
    for name in _declared(body, content_type_header):
        encoding = normalize_encoding(name)
        if encoding is None or (encoding in WEAK and has_non_ascii):
            continue
        if encoding != "utf-8" and has_non_ascii and _decodes(body, "utf-8") is not None:
            # A GB (or other) label on a body that is valid UTF-8: the label is stale.
            return body.decode("utf-8"), "utf-8"
        text = _decodes(body, encoding)
        if text is not None:
            return text, encoding
    return detect(body)
