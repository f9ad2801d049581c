"""``scrapy import``: report files from a disk, stored like crawled reports.

Researchers have folders of reports they downloaded or were sent.  :class:`Importer`
reads them with the crawl's own functions and stores them as the crawl does:

* **Pages** — HTML, and text copies (any file that is neither a document nor binary,
  e.g. a saved ``.txt``) — are decoded by :mod:`govreports.encoding` and judged by
  :func:`govreports.verdicts.page_verdict` like a fetched page (a text copy is parsed
  with ``parse_report_text``, a page with ``parse_report_html``): a report, or not one
  and why.  Attachment links of a page that name another file being imported are read
  as that page's attachments (and that file is not imported again on its own); other
  links are kept as ``linked`` (an import reads no network).
* **Documents** — PDF, DOC, DOCX, WPS, XLS, XLSX, ET and ZIP, told by their bytes — are
  the report themselves, like a file a list links to in a crawl
  (:func:`govreports.verdicts.file_report`): kept in ``files/`` under their SHA-256,
  extracted in a worker process under the attachment limits, parsed and merged by
  :class:`govreports.attachment_pipeline.AttachmentFiles`, the attachment pipeline's
  own code.  The title, year, publisher and metadata block are the text's; a file
  whose text gives no title may have a name that does (``…2023年政府信息公开工作年度
  报告.pdf``): that name then plays the part the list's title plays in a crawl, and
  such a file is stored even when its text cannot be read, like a crawled one.  A zip
  is one report from all its members (as a crawl reads a zipped attachment), unless
  two or more members are each a report of their own: then each is one (named
  ``<zip path>/<member name>``).  Zips are read under the same inflation caps.

Then, as in the crawl: :func:`govreports.items.validate_report`,
:func:`govreports.storage.records.record_from_item`, and
:meth:`ReportStore.save_reports` in batches (``imported=True``: an import never marks a
report removed or present on its portal).  The import is one ``crawl_runs`` row whose
``args`` are ``{"import": [paths], "region": …, "url": …}``, under the portal
``import`` (``import:<region code>`` with ``--region``).  A file that is not stored
is a ``fetch_failures`` row: its ``file://`` URL (or ``--url``) and a kind
(``not_a_report``, ``invalid_report``, ``empty_page``, ``not_a_document``,
``unreadable``, ``needs_ocr``, ``too_large``, ``timeout``, ``error``).

**Identity.**  The 索引号 where the file prints one, scoped to the ``--url``'s site
(``local`` without one); else, without ``--url``, the SHA-256 of the file's bytes, so
the same file imported twice, from any folder, is one report; with ``--url``, that URL
(as the crawl identifies a report without 索引号), so a saved copy and the crawled
page are one report.

**Region.**  ``--region`` (name or code, as ``-a region=``); else the code the page
states (its ``SiteIDCode``); else the region the publisher's name starts with
(淮安市人民政府办公室 → 淮安市), or failing that the title's
(:meth:`govreports.regions.RegionIndex.region_at_start`); else none.  A name that
starts with no region, or with one shared by several (白云区), leaves it empty.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from govreports.attachment_pipeline import (
    MAX_ATTACHMENTS_PER_REPORT,
    AttachmentFiles,
    parse_attachment_text,
)
from govreports.attachments.extract import Extraction
from govreports.attachments.sniff import DOCUMENT_KINDS, sniff_type
from govreports.encoding import decode_html
from govreports.failure_kinds import FailureKind
from govreports.identity import file_identity, report_identity
from govreports.items import ReportItem, validate_report
from govreports.parsing.model import ParsedReport
from govreports.parsing.titles import is_report_link
from govreports.regions import Region, default_index
from govreports.storage import ReportStore
from govreports.storage.locking import DatabaseUnavailable, LockPatience, write_patiently
from govreports.storage.records import record_from_item
from govreports.storage.store import now_iso
from govreports.verdicts import NON_REPORT_FAILURES, FetchedPage, VerdictKind, file_report, page_verdict

IMPORT_PORTAL = "import"
HEAD_BYTES = 8192  # what is read of a file to tell a page from a document
DOCUMENT_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
# A text whose decoding replaced more than this share of characters was not text.
MAX_REPLACED_SHARE = 0.01
# Extraction statuses of a document that gave no report → the failure kind recorded.
EXTRACTION_FAILURES = {
    "failed": FailureKind.UNREADABLE,
    "needs_ocr": FailureKind.NEEDS_OCR,
    "unsupported": FailureKind.NOT_A_DOCUMENT,
    "too_large": FailureKind.TOO_LARGE,
    "timeout": FailureKind.TIMEOUT,
}
NOT_FETCHED = "not fetched: scrapy import reads local files only"


class ImportArgumentError(Exception):
    """The import cannot start as asked (a missing path, --url with several files …)."""


class StorageFailed(Exception):
    """The database could not be written: the import stopped."""


# ----------------------------------------------------------------------------- files

def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to import: each path that is a file, and every file under each folder,
    walked recursively in sorted order.  Symbolic links are followed only to files
    inside the folder being walked (never out of the tree); hidden files and folders
    (``.DS_Store``, ``.git``) are left out.  A path that does not exist raises
    :class:`ImportArgumentError`.  Each file once, in the order found."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise ImportArgumentError(f"no such file or folder: {given}")
        if path.is_file():
            found.append(path.resolve())
        elif path.is_dir():
            found += _walk(path.resolve())
        else:
            raise ImportArgumentError(f"not a file or folder: {given}")
    unique: dict[Path, None] = dict.fromkeys(found)
    return list(unique)


def _walk(root: Path) -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(root):  # does not descend into linked folders
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_file() or not target.is_relative_to(root):
                    continue
                path = target
            if path.is_file():
                files.append(path)
    return files


def file_url(path: Path) -> str:
    return path.as_uri()


def local_path(url: str) -> Path | None:
    """The file a ``file:`` URL names (None for other URLs)."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path))


def page_or_document(head: bytes, name: str) -> str:
    """``page`` (HTML), ``text`` (a text copy), ``document`` (PDF/Word/Excel/zip …) or
    ``binary`` (anything else: an image, a program …), from a file's first bytes."""
    kind = sniff_type(head, name)
    # Zip and OLE2 files (DOC, XLS, WPS …) say what they hold only further on: the
    # extractor, which reads the whole file, tells them apart.
    if kind in DOCUMENT_KINDS or head.startswith(DOCUMENT_MAGIC):
        return "document"
    if kind == "html" or name.lower().endswith(PAGE_SUFFIXES):
        return "page"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
        return "text"
    return "binary"


# ----------------------------------------------------------------------------- outcomes

@dataclass
class FileOutcome:
    """What became of one file (or one member of a zip)."""

    shown: str  # the file as the summary line names it
    url: str  # file:// URL, or --url
    item: ReportItem | None = None
    identity: str = ""
    failure: FailureKind | None = None
    reason: str = ""
    stored: str = ""  # new | updated | unchanged | seen_again, once written
    same_as: str = ""  # seen_again: the file imported earlier in this run
    attachments_of: list["FileOutcome"] = field(default_factory=list)  # files read as its attachments

    def line(self) -> str:
        if self.failure is not None:
            return f"{self.shown}: not stored ({self.failure}): {self.reason}"
        item = self.item
        parsed = item.parsed
        counted = sum(1 for i in parsed.indicators if not i.key.startswith("unknown:"))
        status = {"new": "new", "updated": "updated", "unchanged": "unchanged",
                  "seen_again": "unchanged"}.get(self.stored, self.stored)
        text = (f"{self.shown}: stored {status} — {parsed.report_year} report, era {parsed.era or '?'}, "
                f"{counted} indicators, {item.source_format}, region {item.region_name or '?'}: {parsed.title}")
        if self.same_as:
            text += f" (the same report as {self.same_as})"
        problems = [f"{unquote(row['url'].rsplit('/', 1)[-1])} {row['status']}" for row in item.attachments
                    if row.get("status") not in ("parsed", "linked")]
        if problems:
            text += f" [attachment {'; '.join(problems)}]"
        return text

    @property
    def files(self) -> list["FileOutcome"]:
        return [self, *self.attachments_of]


@dataclass
class ImportTotals:
    files: int = 0
    stored: Counter = field(default_factory=Counter)  # new/updated/unchanged
    failed: Counter = field(default_factory=Counter)  # by failure kind
    attachments: int = 0  # files read as a page's attachment

    def line(self, run_id: str, db: Path) -> str:
        stored = sum(self.stored.values())
        failed = sum(self.failed.values())
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.failed.items()))
        return (f"imported {_count(self.files, 'file')}: {_count(stored, 'report')} stored ({self.stored['new']} new, "
                f"{self.stored['updated']} updated, {self.stored['unchanged']} unchanged)"
                + (f", {self.attachments} read as attachments" if self.attachments else "")
                + f", {failed} not stored" + (f" ({kinds})" if kinds else "")
                + f"; run {run_id}, database {db}")


# ----------------------------------------------------------------------------- the importer

@dataclass(frozen=True)
class ImportSettings:
    """The settings an import reads (the crawl's own: database, batch size, attachment
    size cap, lock patience)."""

    db_path: Path
    max_size: int
    batch_size: int = 50
    busy_timeout: float = 5.0
    patience: LockPatience = LockPatience()

    @classmethod
    def from_settings(cls, settings) -> "ImportSettings":
        return cls(
            db_path=Path(settings.get("GOVREPORTS_DB")),
            max_size=settings.getint("GOVREPORTS_ATTACHMENT_MAXSIZE"),
            batch_size=max(1, settings.getint("GOVREPORTS_BATCH_SIZE")),
            busy_timeout=settings.getfloat("GOVREPORTS_DB_BUSY_TIMEOUT"),
            patience=LockPatience(first_wait=settings.getfloat("GOVREPORTS_DB_LOCK_BACKOFF_BASE"),
                                  longest_wait=settings.getfloat("GOVREPORTS_DB_LOCK_BACKOFF_MAX"),
                                  give_up_after=settings.getfloat("GOVREPORTS_DB_LOCK_GIVE_UP")),
        )


class Importer:
    """Imports files into the database (see the module docstring).

    ``region``: the region every file is of (``--region``), else each file's own;
    ``url``: the source URL of the one file imported (``--url``); ``say``: where each
    summary line goes; ``workers``: documents extracted at once.
    """

    def __init__(self, settings: ImportSettings, files: AttachmentFiles, *, region: Region | None = None,
                 url: str = "", say: Callable[[str], None] = print, workers: int = 2):
        self.settings = settings
        self.files = files
        self.region = region
        self.url = url
        self.say = say
        self.workers = max(1, workers)
        self.portal_id = f"{IMPORT_PORTAL}:{region.code}" if region else IMPORT_PORTAL
        self.totals = ImportTotals()
        self.run_id = ""
        self.store: ReportStore | None = None
        self._identities: dict[str, str] = {}  # identity -> the file first stored under it

    # --- the run ------------------------------------------------------------------
    def run(self, paths: list[str], files: list[Path]) -> ImportTotals:
        """Import ``files`` (found from ``paths`` by :func:`collect_files`); raises
        :class:`StorageFailed` when the database cannot be written."""
        return asyncio.run(self._run(paths, files))

    async def _run(self, paths: list[str], files: list[Path]) -> ImportTotals:
        if self.url and len(files) != 1:
            raise ImportArgumentError(f"--url names the source of one file; {len(files)} files were given")
        try:
            await self._open(paths)
            pages, documents = [], []
            for path in files:
                kind = self._kind(path)
                (pages if kind in ("page", "text") else documents).append((path, kind))
            consumed: set[Path] = set()
            wanted = {path for path, _ in documents}
            for batch in _chunks(pages, self.settings.batch_size):
                outcomes = [await self._read_page(path, kind, wanted, consumed) for path, kind in batch]
                await self._store(outcomes)
            documents = [(path, kind) for path, kind in documents if path not in consumed]
            slots = asyncio.Semaphore(self.workers)

            async def one(path: Path) -> list[FileOutcome]:
                async with slots:
                    return await self._read_document(path)

            for batch in _chunks(documents, self.settings.batch_size):
                results = await asyncio.gather(*(one(path) for path, _ in batch))
                await self._store([outcome for outcomes in results for outcome in outcomes])
            await self._finish("finished")
        except StorageFailed:
            if self.run_id:  # one try to say so in crawl_runs (else the next crawl marks the run interrupted)
                try:
                    self.store.finish_run(self.run_id, "database_unavailable", *self._run_record())
                except sqlite3.Error:
                    pass
            raise
        finally:
            if self.store is not None:
                self.store.close()
        return self.totals

    async def _write(self, write):
        try:
            return await write_patiently(write, self.settings.patience, asyncio.sleep,
                                         on_locked=self._locked)
        except (DatabaseUnavailable, sqlite3.Error, OSError) as exc:
            problem = f"the database was {exc}" if isinstance(exc, DatabaseUnavailable) else \
                f"writing failed ({type(exc).__name__}: {exc})"
            raise StorageFailed(f"cannot store in {self.settings.db_path}: {problem}") from exc

    def _locked(self, wait: float) -> None:
        self.say(f"(database {self.settings.db_path} is locked by another process; trying again in {wait:.1f} s)")

    async def _open(self, paths: list[str]) -> None:
        settings = self.settings
        self.store = await self._write(lambda: ReportStore(settings.db_path, settings.busy_timeout))
        region = self.region
        portal = {"portal_id": self.portal_id, "region_code": region.code if region else "",
                  "region_name": region.name if region else "", "portal_name": "files read by scrapy import",
                  "home_url": "", "list_urls": "", "platform": "", "render_js": 0, "obey_robots": 1,
                  "robots_note": ""}
        args = {"import": [str(p) for p in paths], "region": region.code if region else "", "url": self.url}
        self.run_id = await self._write(lambda: self.store.start_run(
            region=region.code if region else "", args=args, portals=[portal]))

    async def _finish(self, status: str) -> None:
        counts, stats = self._run_record()
        await self._write(lambda: self.store.finish_run(self.run_id, status, counts, stats))

    def _run_record(self) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        """The counts and per-portal stats ``crawl_runs`` keeps of this import."""
        totals = self.totals
        counts = {"new": totals.stored["new"], "updated": totals.stored["updated"],
                  "unchanged": totals.stored["unchanged"],
                  "non_reports": sum(n for kind, n in totals.failed.items()
                                     if kind in (FailureKind.NOT_A_REPORT, FailureKind.NOT_A_DOCUMENT,
                                                 FailureKind.EMPTY_PAGE)),
                  "failures": sum(totals.failed.values())}
        stats = {self.portal_id: {"files": totals.files, "reports": sum(totals.stored.values()),
                                  "attachments": totals.attachments,
                                  **{f"failed_{kind}": n for kind, n in totals.failed.items()}}}
        return counts, stats

    async def _store(self, outcomes: list[FileOutcome]) -> None:
        """Write one batch (its reports in one transaction, then its failures), then
        say what became of each file."""
        reports = [o for o in outcomes if o.failure is None]
        records = [record_from_item(o.item, o.identity) for o in reports]
        if records:
            results = await self._write(lambda: self.store.save_reports(records, self.run_id, imported=True))
            for outcome, result in zip(reports, results):
                outcome.stored = result
                first = self._identities.setdefault(outcome.identity, outcome.shown)
                if result == "seen_again" or first != outcome.shown:
                    outcome.same_as = first
        failures = [{"run_id": self.run_id, "portal_id": self.portal_id, "url": o.url, "reason": o.reason,
                     "kind": str(o.failure), "http_status": None, "attempts": 1, "last_error": "",
                     "at": now_iso()} for o in outcomes if o.failure is not None]
        if failures:
            await self._write(lambda: self.store.record_failures(failures))
        for outcome in outcomes:
            self.totals.files += len(outcome.files)
            if outcome.failure is not None:
                self.totals.failed[str(outcome.failure)] += 1
            else:
                self.totals.stored["unchanged" if outcome.stored == "seen_again" else outcome.stored] += 1
            self.say(outcome.line())
            for attachment in outcome.attachments_of:
                self.totals.attachments += 1
                self.say(f"{attachment.shown}: read as an attachment of {outcome.shown}")

    # --- reading one file -----------------------------------------------------------
    def _kind(self, path: Path) -> str:
        try:
            with path.open("rb") as f:
                head = f.read(HEAD_BYTES)
        except OSError:
            return "document"  # read again (and failed properly) with the documents
        return page_or_document(head, path.name)

    def _outcome(self, path: Path, url: str = "") -> FileOutcome:
        return FileOutcome(shown=str(path), url=url or self.url or file_url(path))

    def _read_bytes(self, path: Path, outcome: FileOutcome) -> bytes | None:
        try:
            size = path.stat().st_size
            if size > self.settings.max_size:
                self._fail(outcome, FailureKind.TOO_LARGE,
                           f"{size} bytes, over GOVREPORTS_ATTACHMENT_MAXSIZE ({self.settings.max_size} bytes)")
                return None
            data = path.read_bytes()
        except OSError as exc:
            self._fail(outcome, FailureKind.ERROR, f"cannot read it: {exc.strerror or exc}")
            return None
        if not data.strip():
            self._fail(outcome, FailureKind.EMPTY_PAGE, "empty file")
            return None
        return data

    @staticmethod
    def _fail(outcome: FileOutcome, kind: FailureKind, reason: str) -> FileOutcome:
        outcome.failure, outcome.reason = kind, reason[:500]
        return outcome

    async def _read_page(self, path: Path, kind: str, wanted: set[Path], consumed: set[Path]) -> FileOutcome:
        outcome = self._outcome(path)
        data = self._read_bytes(path, outcome)
        if data is None:
            return outcome
        content_type = "text/plain" if kind == "text" else "text/html"
        text, encoding = decode_html(data, content_type)
        if text.count("\ufffd") > MAX_REPLACED_SHARE * max(1, len(text)):
            return self._fail(outcome, FailureKind.UNREADABLE,
                              f"not text in any encoding tried (read as {encoding}, much of it undecodable)")
        verdict = page_verdict(FetchedPage(url=outcome.url, status=200, body=data, text=text,
                                           content_type=content_type, list_title=title_named_by(path.name),
                                           in_browser=True))
        if verdict.kind is VerdictKind.META_REFRESH:
            return self._fail(outcome, FailureKind.NOT_A_REPORT,
                              f"not a report: a page that sends its readers to {verdict.detail}")
        if verdict.kind is not VerdictKind.REPORT:
            return self._fail(outcome, NON_REPORT_FAILURES.get(verdict.kind, FailureKind.NOT_A_REPORT),
                              verdict.detail or f"not a report ({verdict.kind})")
        item = self._item(outcome.url, data, verdict.parsed, "txt" if kind == "text" else "html")
        for link in verdict.parsed.attachments[:MAX_ATTACHMENTS_PER_REPORT]:
            row = {"url": link.url, "link_text": link.text, "fetched_at": now_iso()}
            local = local_path(link.url)
            if local is None or local.resolve() not in wanted:
                item.attachments.append({**row, "status": "linked", "error": NOT_FETCHED})
                continue
            local = local.resolve()
            attachment = self._outcome(local, file_url(local))
            body = self._read_bytes(local, attachment)
            if body is None:
                status = "too_large" if attachment.failure is FailureKind.TOO_LARGE else "failed"
                item.attachments.append({**row, "status": status, "error": attachment.reason})
            else:
                item.attachments.append(await self.files.read(item, link.url, body, row))
            consumed.add(local)
            outcome.attachments_of.append(attachment)
        return self._finish_item(outcome, item, file_identity(item.parsed.index_no, outcome.url,
                                                              item.sha256) if not self.url else "")

    async def _read_document(self, path: Path) -> list[FileOutcome]:
        outcome = self._outcome(path)
        data = self._read_bytes(path, outcome)
        if data is None:
            return [outcome]
        if page_or_document(data[:HEAD_BYTES], path.name) != "document":
            return [self._fail(outcome, FailureKind.NOT_A_DOCUMENT,
                               "not a report: neither a page nor a document (PDF, Word, Excel, WPS, zip)")]
        kept, extraction = await self.files.extract(data, path.name)
        sha = hashlib.sha256(data).hexdigest()
        members = self._member_reports(extraction, outcome.url)
        if members:
            return [self._document(self._outcome(path, url), f"{path}/{member.name}", url, data, kept, member,
                                   parsed, f"{sha}/{member.name}")
                    for member, url, parsed in members]
        return [self._document(outcome, str(path), outcome.url, data, kept, extraction, None, sha)]

    def _member_reports(self, extraction: Extraction, url: str) -> list[tuple[Extraction, str, ParsedReport]]:
        """The members of a zip that are each a report, when there are two or more."""
        if extraction.kind != "zip":
            return []
        found = []
        for member in extraction.members:
            if member.status != "parsed" or not member.text.strip():
                continue
            member_url = f"{url.rstrip('/')}/{quote(member.name)}"
            parsed = parse_attachment_text(member.text, member_url)
            if not (parsed.is_report and parsed.report_year):
                return []
            found.append((member, member_url, parsed))
        return found if len(found) >= 2 else []

    def _document(self, outcome: FileOutcome, shown: str, url: str, data: bytes, kept: Path,
                  extraction: Extraction, parsed_text: ParsedReport | None, content_key: str) -> FileOutcome:
        """A document that is the report itself: the crawl's file report (titled by
        the file's name when that names a report), then what its text says."""
        outcome.shown = shown
        name = url.rstrip("/").rsplit("/", 1)[-1]
        named = title_named_by(unquote(name))
        item = self._item(url, data, file_report(url, named, None), extraction.kind)
        readable = extraction.status == "parsed" and extraction.text.strip()
        if readable and parsed_text is None:
            parsed_text = parse_attachment_text(extraction.text, url)
        row = {"url": url, "link_text": unquote(name), "fetched_at": now_iso()}
        item.attachments.append(AttachmentFiles.merge(item, url, data, kept, extraction, row, parsed_text))
        if not (named or (readable and parsed_text.is_report)):
            if readable:
                return self._fail(outcome, FailureKind.NOT_A_REPORT,
                                  f"not a report: {parsed_text.title or _first_line(extraction.text)}")
            hint = " (OCR is off: -s GOVREPORTS_OCR=1 reads it with Tesseract)" \
                if extraction.status == "needs_ocr" and not self.files.ocr else ""
            return self._fail(outcome, EXTRACTION_FAILURES.get(extraction.status, FailureKind.UNREADABLE),
                              f"{extraction.kind} {extraction.status}: {extraction.error or '(no error given)'}{hint}")
        if parsed_text is not None:
            _fill_from_text(item.parsed, parsed_text)
        identity = file_identity(item.parsed.index_no, url, content_key) if not self.url else ""
        return self._finish_item(outcome, item, identity)

    def _item(self, url: str, data: bytes, parsed: ParsedReport, source_format: str) -> ReportItem:
        return ReportItem(portal_id=self.portal_id, region_code="", region_name="", url=url, list_url="",
                          source_format=source_format, sha256=hashlib.sha256(data).hexdigest(), parsed=parsed)

    def _finish_item(self, outcome: FileOutcome, item: ReportItem, identity: str) -> FileOutcome:
        """Region, validation (as the crawl's ValidateReportPipeline), identity."""
        region = self.region or region_of(item.parsed)
        if region is not None:
            item.region_code, item.region_name = region.code, region.name
        result = validate_report(item, latest_year=date.today().year)
        if not result:
            return self._fail(outcome, FailureKind.INVALID_REPORT, f"invalid report: {'; '.join(result.errors)}")
        outcome.item = item
        outcome.identity = identity or report_identity(item.parsed.index_no, item.url)
        return outcome


# ----------------------------------------------------------------------------- helpers

def region_of(parsed: ParsedReport) -> Region | None:
    """The region a report states (its page's ``SiteIDCode``), else the one its
    publisher's name starts with, else its title's; None when unsure."""
    index = default_index()
    if parsed.region_code:
        stated = index.get(parsed.region_code)
        if stated is not None:
            return stated
    for name in (parsed.publisher, parsed.metadata.get("publisher", ""), parsed.title):
        if name:
            region = index.region_at_start(name)
            if region is not None:
                return region
    return None


def title_named_by(file_name: str) -> str:
    """The report title a file's name gives (``淮安市人民政府2024年政府信息公开工作年度报告
    .pdf``), or "" when the name does not name a report for a year (``P0202501….pdf``).
    It plays the part of the list's title in a crawl: the title of a file whose text
    prints none."""
    stem = os.path.splitext(file_name)[0].strip()
    return stem if is_report_link(stem) else ""


def _fill_from_text(report: ParsedReport, text: ParsedReport) -> None:
    """A file report knows only what a list said of it (here: what its file name
    says, if anything); the file's own text says more.  When the text reads as a
    report, its title and year win over the name's; its metadata block (索引号, dates),
    which the merge leaves to the page, is the report's either way."""
    if text.is_report:
        report.title = text.title or report.title
        report.report_year = text.report_year or report.report_year
    else:  # a name that names a report, on a file whose text does not read as one
        report.title = report.title or text.title
        report.report_year = report.report_year or text.report_year
    report.metadata = {**text.metadata, **{k: v for k, v in report.metadata.items() if v}}
    report.metadata_original = report.metadata_original or text.metadata_original
    report.publisher = report.publisher or text.publisher
    report.region_code = report.region_code or text.region_code


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:80]
    return "(no text)"


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
