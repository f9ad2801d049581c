"""``scrapy merge TARGET SOURCE…``: shard databases merged into one.

See :mod:`govreports.storage.merging` for the rules (idempotent: merging a source again
adds nothing; the newer version of a report wins and the other is kept in its history;
sources are opened read-only).  One line per source says what it brought.  A source
that is missing, is the target, or was written by a newer govreports ends the command
with one line and exit status 2 before anything is written; files found in neither
files folder make the exit status 1 (the rows are merged; the line names one).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

from scrapy.commands import ScrapyCommand

from govreports.storage.merging import MergeError, merge_databases

USAGE_ERROR = 2
FILES_MISSING = 1


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "TARGET SOURCE [SOURCE …] [--files-dir DIR]"

    def short_desc(self) -> str:
        return "Merge shard databases (SOURCE…) into TARGET, idempotently"

    def long_desc(self) -> str:
        return (
            "Merge the databases of shard crawls (-a shard=K/S) into TARGET (created if missing). "
            "Every table is merged by its key: a report TARGET lacks is added with its indicators, "
            "tables, attachments, URLs and versions; of two different versions of one report the newer "
            "is kept as the report and the other in its history (report_versions); runs and failures "
            "are added once. Merging the same source again adds nothing. Sources are only read. "
            "Attachment files TARGET's files folder lacks are copied from files/ beside each source. "
            "--files-dir: TARGET's files folder (default: GOVREPORTS_FILES_DIR when set, else files/ "
            "beside TARGET)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--files-dir", metavar="DIR", help="the target's files folder")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 2:
            self.fail("give the target database and at least one source: scrapy merge TARGET SOURCE…")
        target, *sources = args
        files_dir = opts.files_dir or self.settings.get("GOVREPORTS_FILES_DIR") or None
        try:
            results = merge_databases(target, sources, files_dir=files_dir, say=print)
        except (MergeError, sqlite3.Error) as exc:
            self.fail(str(exc))
        reports = sum(sum(r.reports.values()) for r in results)
        print(f"merged {len(results)} databases ({reports} reports) into {target}")
        if any(r.files_missing for r in results):
            self.exitcode = FILES_MISSING

    def fail(self, message: str) -> None:
        print(f"scrapy merge: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)
