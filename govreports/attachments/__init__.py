"""Attachment extraction: bytes of a PDF/Word/Excel/WPS/zip file in, text and table
grids out.  Pure functions: no network, no Scrapy.

    from govreports.attachments import extract
    result = extract(data, filename="报告.pdf")
    if result.status == "parsed":
        report = parse_report_text(result.text, url, source=f"attachment:{name}")

Modules: :mod:`.sniff` (file type from magic numbers), :mod:`.pdf` (with :mod:`.pdftext`,
the fast PDFium text layer, and :mod:`.vouch`, the report parser's verdict on it),
:mod:`.docx`, :mod:`.sheets` (xls/xlsx), :mod:`.legacy` (LibreOffice/antiword for
doc/wps/et), :mod:`.extract` (the dispatcher, zip handling), :mod:`.limits` (time,
memory, page and inflated-size limits), :mod:`.worker` (extraction in a child process
under those limits: what the crawl uses for files from the web).
"""

from .extract import Extraction, extract
from .sniff import safe_filename, sniff_type

__all__ = ["Extraction", "extract", "safe_filename", "sniff_type"]
