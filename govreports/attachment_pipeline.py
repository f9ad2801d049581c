"""Item pipeline: download a report's attachments, extract them, merge their numbers.

For every attachment link of a report (see
:data:`govreports.attachments.sniff.ATTACHMENT_LINK_EXTENSIONS`) it

1. downloads the file through Scrapy's downloader (robots.txt, politeness, retries),
   never through the browser, capped at ``GOVREPORTS_ATTACHMENT_MAXSIZE`` bytes;
2. stores it under ``GOVREPORTS_FILES_DIR`` named by its SHA-256 and the type its
   bytes show (never a name the server chose: no path can be smuggled in); its row's
   ``path`` is that name, relative to the folder (see :func:`files_dir_of`);
3. extracts text and tables in a worker process under time, memory, page and
   inflated-size limits (:mod:`govreports.attachments.worker`, settings
   ``GOVREPORTS_ATTACHMENT_TIMEOUT``/``_MEMORY``/``_MAX_PAGES``/``_MAX_INFLATED``/
   ``_MAX_INFLATED_MEMBER``/``_WORKERS``), with OCR only when ``GOVREPORTS_OCR`` is on;
4. parses the text with the same functions as HTML pages, labels its indicators
   ``attachment:<file name>``, and merges it into the report: the richer source wins,
   disagreements are flagged (:mod:`govreports.parsing.merge`).

Every attachment gets a row with its status (parsed, needs_ocr, failed, unsupported,
too_large, timeout, download_failed) and error; a bad file never stops the crawl.
``too_large``: over the download cap (also once decompressed), or over a limit while
extracting (memory, inflated archive size); ``timeout``: over the time limit.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler

from govreports.attachments.sniff import safe_filename, sniff_type
from govreports.attachments.extract import Extraction
from govreports.attachments.worker import ExtractionWorkers
from govreports.failures import FailureKind, size_limit_exceeded
from govreports.flags import flag_setting
from govreports.items import ReportItem
from govreports.parsing.merge import merge_attachment
from govreports.parsing.model import ParsedReport
from govreports.parsing.report import parse_report_text
from govreports.schemes import FetchPolicy
from govreports.storage.store import now_iso

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS_PER_REPORT = 10


def files_dir_of(settings) -> Path:
    """Where attachments are kept: ``GOVREPORTS_FILES_DIR``, else ``files`` beside ``GOVREPORTS_DB``.
    ``attachments.path`` is relative to it (the file's name: ``<sha256>.<ext>``), so a
    database and its files folder can be moved, and shards' databases merged."""
    return Path(settings.get("GOVREPORTS_FILES_DIR") or Path(settings.get("GOVREPORTS_DB")).parent / "files")


def display_name(url: str) -> str:
    """The file name part of an attachment URL, for people only (labels, logs)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "attachment"


class AttachmentFiles:
    """The part of the pipeline that needs no downloader: keep a file under its content
    hash, extract it in a worker process under the limits, parse its text and merge it
    into the report.  ``scrapy import`` reads local files through the same object, so an
    imported file and a crawled one become the same report.

    ``files_dir``: where files are kept; ``extractor``: the worker processes; ``ocr``:
    OCR image-only PDFs.
    """

    def __init__(self, files_dir: str | Path, extractor: ExtractionWorkers, ocr: bool = False):
        self.files_dir = Path(files_dir)
        self.extractor = extractor
        self.ocr = ocr

    @classmethod
    def from_settings(cls, settings) -> "AttachmentFiles":
        """``GOVREPORTS_FILES_DIR`` (empty: ``files`` beside ``GOVREPORTS_DB``), ``GOVREPORTS_OCR``
        and the extraction limits (see :class:`~govreports.attachments.worker.ExtractionWorkers`)."""
        return cls(files_dir_of(settings), ExtractionWorkers.from_settings(settings),
                   flag_setting(settings, "GOVREPORTS_OCR"))

    def stored_file(self, path: str) -> Path:
        """The file an ``attachments.path`` names (relative to the files folder)."""
        return self.files_dir / path

    async def extract(self, body: bytes, name: str) -> tuple[Path, Extraction]:
        """Keep ``body`` and extract it (in a worker process under the limits)."""
        kind = sniff_type(body, name)
        path = self.save(body, kind)
        # In a separate process under limits: a hostile file costs at most that.
        extraction = await self.extractor.extract(path, filename=name, ocr=self.ocr, kind=kind)
        extraction.kind = extraction.kind or kind
        return path, extraction

    async def read(self, item: ReportItem, url: str, body: bytes, row: dict) -> dict:
        """The attachment ``url`` of ``item`` with its bytes: kept, extracted and merged
        into ``item``; returns its ``attachments`` row (``row`` plus what was found)."""
        name = display_name(url)
        path, extraction = await self.extract(body, name)
        return self.merge(item, url, body, path, extraction, row)

    @staticmethod
    def merge(item: ReportItem, url: str, body: bytes, path: Path, extraction: Extraction, row: dict,
              parsed_text: ParsedReport | None = None) -> dict:
        """Merge an extracted attachment into ``item`` (the richer source wins); its
        ``attachments`` row.  ``parsed_text``: the extraction's text already parsed the
        way :func:`parse_attachment_text` does."""
        row |= {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body), "type": extraction.kind,
                "pages": extraction.pages, "path": path.name, "status": extraction.status,
                "error": extraction.error}
        if extraction.status == "parsed" and extraction.text.strip():
            row["text"] = extraction.text
            source = attachment_source(url)
            parsed = parsed_text or parse_attachment_text(extraction.text, url, item.parsed.title)
            item.parsed, attachment_won = merge_attachment(item.parsed, parsed, source)
            if attachment_won:
                item.source_format = extraction.kind
            item.attachment_text = "\n\n".join(filter(None, [item.attachment_text, extraction.text]))
        else:
            logger.warning("attachment %s of %s: %s %s", url, item.url, extraction.status, extraction.error)
        return row

    def save(self, body: bytes, kind: str) -> Path:
        """Write the file once under its content hash; a crash mid-write leaves no
        half file under the final name."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / safe_filename(body, kind)
        if not path.exists():
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(body)
            os.replace(partial, path)
        return path


def attachment_source(url: str) -> str:
    """The ``source`` of what an attachment gives: ``attachment:<file name>``."""
    return f"attachment:{display_name(url)}"


def parse_attachment_text(text: str, url: str, title: str = "") -> ParsedReport:
    """An attachment's text parsed the way the crawl parses it (``title``: the report's,
    when known: the page's or the list's)."""
    return parse_report_text(text, url, source=attachment_source(url), title=title)


class AttachmentPipeline:
    """See the module docstring.  Settings: ``GOVREPORTS_ATTACHMENT_MAXSIZE``,
    ``GOVREPORTS_FILES_DIR`` (empty: ``files`` beside ``GOVREPORTS_DB``),
    ``GOVREPORTS_OCR``.

    It has no off switch: many reports keep their numbers only in an attachment, and
    a crawl without them would store those reports as if they had none.
    """

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.max_size = settings.getint("GOVREPORTS_ATTACHMENT_MAXSIZE")
        self.files = AttachmentFiles.from_settings(settings)

    @property
    def ocr(self) -> bool:
        return self.files.ocr

    @property
    def files_dir(self) -> Path:
        return self.files.files_dir

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    async def process_item(self, item):
        if not isinstance(item, ReportItem):
            return item
        for link in item.parsed.attachments[:MAX_ATTACHMENTS_PER_REPORT]:
            row = {"url": link.url, "link_text": link.text, "fetched_at": now_iso()}
            body = item.attachment_bodies.pop(link.url, None)
            if body is None:
                body, error, status = await self.download(link.url, item.portal_id)
                if body is None:
                    item.attachments.append({**row, "status": status, "error": error})
                    self.crawler.stats.inc_value(f"govreports/attachments/{status}")
                    continue
            item.attachments.append(await self.process_file(item, link.url, body, row))
        return item

    async def download(self, url: str, portal_id: str) -> tuple[bytes | None, str, str]:
        # Only http/https, or a local portal's own files (govreports.schemes): a
        # file:/data: link on a page is recorded, never read.
        refused = FetchPolicy.of_spider(self.crawler.spider).refusal(url, portal_id)
        if refused is not None:
            return None, refused, "download_failed"
        request = Request(url, meta={"no_browser": True, "portal_id": portal_id,
                                     "download_maxsize": self.max_size, "download_warnsize": 0},
                          dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # the downloader's errors are many; each becomes a status
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if size_limit_exceeded(exc):
                return None, f"over the size cap of {self.max_size} bytes ({error})"[:500], FailureKind.TOO_LARGE.value
            return None, error[:500], "download_failed"
        if response.status != 200:
            return None, f"HTTP {response.status}", "download_failed"
        return response.body, "", "downloaded"

    async def process_file(self, item: ReportItem, url: str, body: bytes, row: dict) -> dict:
        row = await self.files.read(item, url, body, row)
        self.crawler.stats.inc_value(f"govreports/attachments/{row['status']}")
        return row
