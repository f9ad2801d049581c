"""``scrapy export {reports,indicators,tables,failures} -o FILE [--format F]``.

Exit status 2 with one line saying why when the export cannot be made as asked (an
unknown kind, region, format or extension, no database); an output file is then left
as it was.  A closed standard output (``-o - | head``) ends the export quietly."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand

from govreports.exporting import EXPORTS, FORMATS, ExportError, OutputClosed, export


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return (f"{{{','.join(EXPORTS)}}} -o FILE [--format {{{','.join(FORMATS)}}}] [--region R] [--year Y] "
                "[--excel] [--history]")

    def short_desc(self) -> str:
        return "Export stored reports, indicators, tables or failures as CSV, JSON Lines or .xlsx"

    def long_desc(self) -> str:
        return (
            "Write one of the exports to FILE, in the format its extension names: .csv (UTF-8), "
            ".jsonl (JSON Lines) or .xlsx (an Excel workbook; numbers as numbers, text never run "
            "as a formula), or as --format says; '-' writes CSV to standard output. The file is "
            "replaced only once the export is complete. In CSV, text a spreadsheet would run as a "
            "formula gets a leading apostrophe (raw values only with --excel). --excel adds a "
            "byte-order mark so Excel opens the CSV as UTF-8. --region takes a name, code or code prefix "
            "(a province takes in every region under it); --year a reporting year. The "
            "database is GOVREPORTS_DB (-s GOVREPORTS_DB=path or the environment)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", required=True, metavar="FILE",
                            help="output file (.csv, .jsonl or .xlsx; '-' for stdout)")
        parser.add_argument("--format", choices=FORMATS, dest="format",
                            help="csv, jsonl or xlsx (default: by the extension of FILE; needed for other names)")
        parser.add_argument("--region", help="region name, code or code prefix")
        parser.add_argument("--year", type=int, help="reporting year")
        parser.add_argument("--excel", action="store_true",
                            help="CSV for Excel: UTF-8 with a byte-order mark, raw values guarded too")
        parser.add_argument("--history", action="store_true",
                            help="reports/indicators: add the earlier versions of revised reports")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            print(f"usage: scrapy export {self.syntax()}", file=sys.stderr)
            self.exitcode = 2
            return
        db_path = self.settings.get("GOVREPORTS_DB")
        try:
            count = export(db_path, args[0], opts.output, region=opts.region, year=opts.year,
                           excel=opts.excel, history=opts.history, fmt=opts.format)
        except OutputClosed:  # the reader had enough (-o - | head): not an error
            return
        except ExportError as exc:
            print(f"export failed: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        if opts.output != "-":
            print(f"wrote {count} {args[0]} rows to {opts.output} (from {db_path})", file=sys.stderr)
