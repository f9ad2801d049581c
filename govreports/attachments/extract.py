"""The dispatcher: bytes of a downloaded attachment in, an :class:`Extraction` out.

Pure: no network, no Scrapy, nothing written outside private temporary directories
(legacy conversion, OCR).  It never raises for a bad file: damaged, truncated,
oversized or unknown input comes back with status "failed"/"unsupported" and a
readable ``error``.

``text`` is the document in reading order with every table printed in place as
" | "-separated rows (a cell merged across columns printed once, the slots it
covers left empty so columns stay aligned), so
``parsing.report.parse_report_text(extraction.text, url, source="attachment:…")``
recovers the tables on its own.  ``tables`` holds the same tables as rectangular
grids (merged cells expanded into every slot they cover, like the HTML grids) for
callers that want them directly — use one or the other, not both, or every table
counts twice.

PDFs are read from their text layer with PDFium when the report parser vouches for
the tables in that text, else with pdfplumber (see :mod:`.pdf`; ``pdf_reader``).  A
PDF read from its text layer prints its table rows as lines of space-separated
cells, which ``parse_report_text`` reads, and has no ``tables``; ``reader`` says
which reader gave the text.

A zip comes back as one Extraction of kind "zip": ``text`` concatenates the parsed
members, each headed "=== <member name> ===", ``tables`` their tables in member
order, and ``members`` keeps every member's own Extraction (``name`` set, failures
included).  Members are read in memory, capped in size and count; their names are
never used as paths.

Limits (:mod:`.limits`): PDFs are read up to ``max_pages`` pages; zip archives (zip,
DOCX, XLSX, nested ones too) may inflate to at most ``max_inflated`` bytes together
and ``max_inflated_member`` per member, checked before a reader opens them.  A file
over those comes back with status "too_large"; running out of memory also gives
"too_large" (in the worker process, where memory is limited, that is the memory
limit).  Time is limited by the worker (:mod:`.worker`), not here.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from . import legacy
from .limits import TIMEOUT, TOO_LARGE, InflateBudget, LimitExceeded
from .pdf import READERS
from .sniff import sniff_type

DEFAULT_MAX_PAGES = 300
ZIP_MAX_MEMBERS = 50
ZIP_MAX_MEMBER_BYTES = 64 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 256 * 1024 * 1024
ZIP_MAX_DEPTH = 2  # a zip inside a zip is opened; deeper nesting is not


@dataclass
class Extraction:
    kind: str  # see sniff.KINDS
    text: str
    tables: list[list[list[str]]]
    pages: int | None  # PDF page count (all pages, even past max_pages); None for other kinds
    status: str  # "parsed" | "needs_ocr" | "failed" | "unsupported" | "too_large" | "timeout"
    error: str = ""  # why, when status is not "parsed"
    warnings: list[str] = field(default_factory=list)  # parsed, but: truncated at max_pages, text from OCR, …
    name: str = ""  # the member name inside a zip (display only, never used as a path)
    members: list["Extraction"] = field(default_factory=list)  # zip: one per member file
    reader: str = ""  # PDFs: pdfium (the text layer) | pdfplumber | ocr
    table_pages: list[int] = field(default_factory=list)  # pdfium: pages where pdfplumber would look for tables


def _fail(kind: str, error: str, status: str = "failed", pages: int | None = None) -> Extraction:
    return Extraction(kind=kind, text="", tables=[], pages=pages, status=status, error=error)


def _conversion_status(exc: Exception) -> str:
    return TIMEOUT if isinstance(exc, legacy.ConversionTimeout) else "failed"


def _out_of_memory(exc: BaseException | None) -> bool:
    """Is this a MemoryError, or raised from one (pdfplumber wraps them in
    PdfminerException)?"""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _reraise_memory_error(exc: BaseException) -> None:
    # Running out of memory is a limit, not a damaged file: extract() reports it.
    if _out_of_memory(exc):
        raise MemoryError from None


def _short(exc: BaseException) -> str:
    msg = str(exc).strip() or type(exc).__name__
    return msg if len(msg) <= 300 else msg[:300] + "…"


# ---------------------------------------------------------------------------- per kind

def _pdf(data: bytes, max_pages: int, ocr: bool, reader: str) -> Extraction:
    from .pdf import OcrUnavailable, extract_pdf

    if b"%%EOF" not in data:
        # pdfminer would rebuild a truncated file and return whatever pages survive:
        # half a report must not pass as a whole one.
        return _fail("pdf", "truncated or damaged PDF (no %%EOF marker): download incomplete?")
    try:
        res = extract_pdf(data, max_pages=max_pages, ocr=ocr, reader=reader)
    except OcrUnavailable as exc:
        return _fail("pdf", f"needs OCR but {exc}", status="needs_ocr")
    except Exception as exc:  # pdfminer raises a zoo of types for damaged files
        _reraise_memory_error(exc)
        return _fail("pdf", f"corrupt or unreadable PDF: {type(exc).__name__}: {_short(exc)}")
    out = Extraction("pdf", res.text, res.tables, res.pages, res.status, error=res.reason if res.status != "parsed" else "",
                     warnings=list(res.warnings), reader=res.reader, table_pages=res.table_pages)
    if res.status == "parsed" and res.reason:
        out.warnings.append(f"text from {res.reason}")
    if res.pages_read < res.pages:
        out.warnings.append(f"only the first {res.pages_read} of {res.pages} pages were read (max_pages)")
    return out


def _docx(data: bytes, budget: InflateBudget, kind: str = "docx") -> Extraction:
    from .docx import extract_docx

    try:
        budget.charge_package(data, "Word file")
        res = extract_docx(data)
    except LimitExceeded as exc:
        return _fail(kind, str(exc), status=exc.status)
    except Exception as exc:
        _reraise_memory_error(exc)
        return _fail(kind, f"corrupt or unreadable Word file: {type(exc).__name__}: {_short(exc)}")
    return Extraction(kind, res.text, res.tables, None, "parsed")


def _word_legacy(data: bytes, kind: str, timeout: int, budget: InflateBudget) -> Extraction:
    if legacy.soffice_binary():
        try:
            converted = legacy.libreoffice_convert(data, kind, "docx", timeout=timeout)
        except legacy.ConversionError as exc:
            return _fail(kind, str(exc), status=_conversion_status(exc))
        out = _docx(converted, budget, kind)
        out.warnings.append("converted with LibreOffice")
        return out
    if kind == "doc" and legacy.shutil.which("antiword"):
        try:
            raw = legacy.antiword_text(data, timeout=timeout)
        except legacy.ConversionError as exc:
            return _fail(kind, str(exc), status=_conversion_status(exc))
        return Extraction(kind, legacy.antiword_plain(raw).strip(), legacy.antiword_tables(raw), None, "parsed",
                          warnings=["plain text from antiword (no merged-cell structure)"])
    need = "libreoffice-writer or antiword" if kind == "doc" else "libreoffice-writer"
    return _fail(kind, f"no converter for .{kind} (install {need})")


def _sheet(data: bytes, kind: str, timeout: int, budget: InflateBudget) -> Extraction:
    from .sheets import extract_xls, extract_xlsx

    errors = []
    try:
        if kind == "xlsx":
            budget.charge_package(data, "spreadsheet")
            res = extract_xlsx(data)
        elif kind == "xls":
            res = extract_xls(data)
        else:
            raise ValueError("WPS spreadsheet: needs conversion")
        return Extraction(kind, res.text, res.tables, None, "parsed")
    except LimitExceeded as exc:
        return _fail(kind, str(exc), status=exc.status)
    except Exception as exc:
        _reraise_memory_error(exc)
        errors.append(f"{type(exc).__name__}: {_short(exc)}")
    if kind in ("xls", "et"):
        # xlrd cannot read every BIFF variant (and nothing reads .et natively): convert.
        if not legacy.soffice_binary():
            if kind == "et":
                return _fail(kind, "no converter for .et (install libreoffice-calc)")
            return _fail(kind, f"unreadable .xls ({errors[0]}); LibreOffice not installed to try a conversion")
        try:
            converted = legacy.libreoffice_convert(data, kind, "xlsx", timeout=timeout)
            budget.charge_package(converted, "converted spreadsheet")
            res = extract_xlsx(converted)
            return Extraction(kind, res.text, res.tables, None, "parsed", warnings=["converted with LibreOffice"])
        except LimitExceeded as exc:
            return _fail(kind, str(exc), status=exc.status)
        except legacy.ConversionTimeout as exc:
            return _fail(kind, str(exc), status=TIMEOUT)
        except Exception as exc:
            _reraise_memory_error(exc)
            errors.append(f"{type(exc).__name__}: {_short(exc)}")
    return _fail(kind, "corrupt or unreadable spreadsheet: " + "; ".join(errors))


def _member_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _zip(data: bytes, depth: int, budget: InflateBudget, **kw) -> Extraction:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:
        _reraise_memory_error(exc)
        return _fail("zip", f"corrupt or unreadable zip: {_short(exc)}")
    members: list[Extraction] = []
    skipped = []
    wanted: list[tuple[zipfile.ZipInfo, str]] = []
    for info in infos:
        name = _member_name(info)
        if info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("."):
            continue
        if len(wanted) >= ZIP_MAX_MEMBERS:
            skipped.append(f"more than {ZIP_MAX_MEMBERS} members: the rest were skipped")
            break
        wanted.append((info, name))
    # Members that together declare more than this file's budget make the whole
    # archive too large (a zip bomb), before anything is inflated; otherwise a member
    # over the member cap is skipped and the rest are read.
    declared = sum(info.file_size for info, _ in wanted)
    if declared > budget.left:
        zf.close()
        return _fail("zip", f"zip inflates to {declared} bytes (limit: {budget.left} bytes left of the budget "
                            "for this file's archives)", status=TOO_LARGE)
    budget.charge([info for info, _ in wanted if info.file_size <= budget.member and not info.flag_bits & 0x1])
    with zf:
        for info, name in wanted:
            if info.flag_bits & 0x1:
                member = _fail("unknown", "encrypted zip member")
            elif info.file_size > budget.member:
                member = _fail("unknown", f"zip member larger than {budget.member} bytes: skipped", status=TOO_LARGE)
            else:
                member = _zip_member(zf, info, name, depth, budget, **kw)
            member.name = name
            members.append(member)
    parsed = [m for m in members if m.status == "parsed"]
    text = "\n\n".join(f"=== {m.name} ===\n{m.text}" for m in parsed)
    tables = [t for m in parsed for t in m.tables]
    pages = sum(m.pages for m in parsed if m.pages) or None
    if parsed:
        status, error = "parsed", ""
    elif any(m.status == "needs_ocr" for m in members):
        status, error = "needs_ocr", "every readable member needs OCR"
    elif not members:
        status, error = "failed", "empty zip archive"
    else:
        status = "unsupported" if all(m.status == "unsupported" for m in members) else "failed"
        error = "no member could be extracted: " + "; ".join(f"{m.name}: {m.error}" for m in members[:5])
    warnings = skipped + [f"{m.name}: {m.status} ({m.error})" for m in members if m.status != "parsed"]
    return Extraction("zip", text, tables, pages, status, error, warnings=warnings, members=members)


def _zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, depth: int, budget: InflateBudget,
                **kw) -> Extraction:
    # Read at most the declared size + 1 byte: zipfile stops at the declared size
    # anyway, this makes sure of it.
    try:
        with zf.open(info) as fh:
            body = fh.read(info.file_size + 1)
    except Exception as exc:
        _reraise_memory_error(exc)
        return _fail("unknown", f"unreadable zip member: {_short(exc)}")
    if len(body) > info.file_size:
        return _fail("unknown", "zip member inflates past its declared size: skipped", status=TOO_LARGE)
    return _dispatch(body, name, "", depth + 1, budget=budget, **kw)


def _dispatch(data: bytes, filename: str, content_type: str, depth: int, *, ocr: bool, max_pages: int,
              timeout: int, budget: InflateBudget, pdf_reader: str) -> Extraction:
    if not data:
        return _fail("unknown", "empty file")
    kind = sniff_type(data, filename, content_type)
    if kind == "pdf":
        return _pdf(data, max_pages, ocr, pdf_reader)
    if kind == "docx":
        return _docx(data, budget)
    if kind in ("doc", "wps"):
        return _word_legacy(data, kind, timeout, budget)
    if kind in ("xlsx", "xls", "et"):
        return _sheet(data, kind, timeout, budget)
    if kind == "zip":
        if depth >= ZIP_MAX_DEPTH:
            return _fail("zip", "zip nested too deep", status="unsupported")
        return _zip(data, depth, budget, ocr=ocr, max_pages=max_pages, timeout=timeout, pdf_reader=pdf_reader)
    if kind == "html":
        return _fail("html", "an HTML page, not a document (an error page, or a report page: use parse_report_html)",
                     status="unsupported")
    return _fail("unknown", "unrecognised file type (not PDF/Word/Excel/WPS/zip by its bytes)", status="unsupported")


def extract(data: bytes, *, filename: str = "", content_type: str = "", ocr: bool = False,
            max_pages: int = DEFAULT_MAX_PAGES, max_bytes: int | None = None,
            timeout: int = legacy.DEFAULT_TIMEOUT, max_inflated: int | None = None,
            max_inflated_member: int | None = None, pdf_reader: str = "auto") -> Extraction:
    """Extract text and tables from an attachment's bytes.

    ``filename``/``content_type`` are hints only (see :func:`sniff.sniff_type`).
    ``ocr``: run Tesseract on image-only/garbage PDFs (slow; off by default, they
    come back as "needs_ocr").  ``max_pages``: read at most this many PDF pages.
    ``max_bytes``: refuse larger input outright.  ``timeout``: seconds per external
    converter run.  ``max_inflated``/``max_inflated_member``: the inflation budget of
    the file's archives (default :data:`ZIP_MAX_TOTAL_BYTES`/:data:`ZIP_MAX_MEMBER_BYTES`).
    ``pdf_reader``: how PDFs are read (:data:`.pdf.READERS`; "auto": the text layer
    when the report parser vouches for it, else pdfplumber).

    Runs in the calling process with no time or memory limit of its own: for files
    from the web use :func:`govreports.attachments.worker.extract_file`.
    """
    if pdf_reader not in READERS:  # a caller's mistake, not a bad file
        raise ValueError(f"unknown PDF reader {pdf_reader!r} (one of {', '.join(READERS)})")
    if max_bytes is not None and len(data) > max_bytes:
        return _fail(sniff_type(data[:65536], filename, content_type) if data else "unknown",
                     f"file too large: {len(data)} bytes > max_bytes={max_bytes}")
    budget = InflateBudget(ZIP_MAX_TOTAL_BYTES if max_inflated is None else max_inflated,
                           ZIP_MAX_MEMBER_BYTES if max_inflated_member is None else max_inflated_member)
    try:
        return _dispatch(data, filename, content_type, 0, ocr=ocr, max_pages=max_pages, timeout=timeout,
                         budget=budget, pdf_reader=pdf_reader)
    except Exception as exc:  # last line of defence: extract never raises for a bad file
        if not _out_of_memory(exc):
            return _fail("unknown", f"extraction crashed: {type(exc).__name__}: {_short(exc)}")
    # Out of memory: reported only now, outside the except block, whose traceback
    # kept the frames holding the memory alive.
    return _fail(sniff_type(data, filename, content_type), "ran out of memory while extracting (over the memory limit)",
                 status=TOO_LARGE)
