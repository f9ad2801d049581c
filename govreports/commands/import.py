"""``scrapy import PATH… [--region CODE] [--url URL]``: local report files into the
database, read and stored like crawled reports (see :mod:`govreports.importing`).

One line per file (stored new / updated / unchanged with its year, era, indicator
count and region, or not stored and why), then a total line, on standard output.

Exit status: 0 when every file was handled, even if some were not reports (those are
recorded in ``fetch_failures`` with their kind); 2, with one line and nothing
stored, for a bad argument (a path that does not exist, an unknown or ambiguous
region, ``--url`` with several files or not an http(s) URL); 1 when the database
could not be written (locked by another process past ``GOVREPORTS_DB_LOCK_GIVE_UP``,
or not writable): the line says so and what was stored before.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.utils.log import configure_logging

from govreports.attachment_pipeline import AttachmentFiles
from govreports.importing import ImportArgumentError, Importer, ImportSettings, StorageFailed, collect_files
from govreports.regions import RegionError, default_index


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # no crawl, no reactor: files are read directly
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "PATH… [--region NAME_OR_CODE] [--url URL]"

    def short_desc(self) -> str:
        return "Import report files (HTML, TXT, PDF, DOC, DOCX, WPS, XLS, XLSX, ZIP) into the database"

    def long_desc(self) -> str:
        return (
            "Read report files and folders (walked recursively) with the crawl's own parsers and "
            "store them like crawled reports: identified by their 索引号, else by the SHA-256 of the "
            "file (importing a file again adds nothing). --region names the region of every file "
            "(else each file's own: the region its publisher's name starts with); --url gives the "
            "source URL of a single file (its 索引号 is then scoped to that site, and without one the "
            "URL identifies it, as in a crawl). Files that are not reports are recorded in "
            "fetch_failures with their kind. The database is GOVREPORTS_DB."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--region", help="region name or code of every file (as -a region= of the crawl)")
        parser.add_argument("--url", help="the URL a single file was published at")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # Off by default (the summary lines say what happened); -s LOG_ENABLED=1 shows the log.
        configure_logging(self.settings)
        if not args:
            return self._refuse(f"say which files or folders to import: scrapy import {self.syntax()}")
        region = None
        if opts.region:
            try:
                region = default_index().lookup(opts.region)
            except RegionError as exc:
                return self._refuse(f"cannot import: {exc}")
        if opts.url is not None and urlsplit(opts.url).scheme not in ("http", "https"):
            return self._refuse(f"cannot import: --url must be an http(s) URL, got {opts.url!r}")
        try:
            files = collect_files(args)
            if opts.url and len(files) != 1:
                raise ImportArgumentError(f"--url names the source of one file; the paths hold {len(files)}")
        except ImportArgumentError as exc:
            return self._refuse(f"cannot import: {exc}")
        importer = Importer(ImportSettings.from_settings(self.settings), AttachmentFiles.from_settings(self.settings),
                            region=region, url=opts.url or "", say=lambda line: print(line, flush=True),
                            workers=self.settings.getint("GOVREPORTS_ATTACHMENT_WORKERS", 2))
        try:
            totals = importer.run(args, files)
        except StorageFailed as exc:
            stored = sum(importer.totals.stored.values())
            print(f"import stopped: {exc}; {stored} reports were stored before, the other files were not "
                  "(run the same import again once the database is writable)", file=sys.stderr)
            self.exitcode = 1
            return
        print(totals.line(importer.run_id, importer.settings.db_path), flush=True)

    def _refuse(self, message: str) -> None:
        print(message, file=sys.stderr)
        self.exitcode = 2
