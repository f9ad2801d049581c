"""``scrapy export {reports,indicators,tables,failures,headlines,codebook,wide,compliance} -o FILE``.

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
                "[--level L] [--excel] [--history] [--table T] [--[no-]include-unknown] [--labels]")

    def short_desc(self) -> str:
        return ("Export stored reports, indicators, tables, failures, headline figures, the codebook, "
                "a wide table or the compliance scorecard as CSV, JSON Lines or .xlsx")

    def long_desc(self) -> str:
        return (
            "Write one of the exports to FILE, in the format its extension names: .csv (UTF-8), "
            ".jsonl (JSON Lines) or .xlsx (an Excel workbook; numbers as numbers, text never run "
            "as a formula), or as --format says; '-' writes CSV to standard output. The file is "
            "replaced only once the export is complete. In CSV, text a spreadsheet would run as a "
            "formula gets a leading apostrophe (raw values only with --excel). --excel adds a "
            "byte-order mark so Excel opens the CSV as UTF-8. --region takes a name, code or code prefix "
            "(a province takes in every region under it); --year a reporting year; --level the kinds of "
            "body whose reports are wanted (government, department, township or town, zone, other, "
            "unknown, comma-separated; default all). The "
            "database is GOVREPORTS_DB (-s GOVREPORTS_DB=path or the environment). "
            "headlines: one row per report with its headline figures and compliance checks; "
            "codebook: every indicator key with its Chinese labels and unit; wide --table T: one row "
            "per report, one column per key of form table T (t2, t3, t4, legacy, headline); "
            "compliance: the scorecard, one row per body and year. An .xlsx of indicators, headlines "
            "or wide has the codebook as a second sheet; --labels adds a row of Chinese column labels."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", required=True, metavar="FILE",
                            help="output file (.csv, .jsonl or .xlsx; '-' for stdout)")
        parser.add_argument("--format", choices=FORMATS, dest="format",
                            help="csv, jsonl or xlsx (default: by the extension of FILE; needed for other names)")
        parser.add_argument("--region", help="region name, code or code prefix")
        parser.add_argument("--year", type=int, help="reporting year")
        parser.add_argument("--level", metavar="L",
                            help="reports of these kinds of body only: government, department, township (town), "
                                 "zone, other, unknown, comma-separated, or all (the default)")
        parser.add_argument("--excel", action="store_true",
                            help="CSV for Excel: UTF-8 with a byte-order mark, raw values guarded too")
        parser.add_argument("--history", action="store_true",
                            help="reports/indicators: add the earlier versions of revised reports")
        parser.add_argument("--table", metavar="T",
                            help="wide: the form table whose keys are the columns (t2, t3, t4, legacy, headline)")
        parser.add_argument("--include-unknown", action=argparse.BooleanOptionalAction, default=None,
                            help="indicators, wide (default on) and codebook (default off): also the labels "
                                 "reports printed that no canonical key names (unknown:<table>:<label>)")
        parser.add_argument("--labels", action="store_true",
                            help="headlines, wide, compliance: a second header row with Chinese column labels")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            print(f"usage: scrapy export {self.syntax()}", file=sys.stderr)
            self.exitcode = 2
            return
        db_path = self.settings.get("GOVREPORTS_DB")
        try:
            count = export(db_path, args[0], opts.output, region=opts.region, year=opts.year,
                           excel=opts.excel, history=opts.history, fmt=opts.format, table=opts.table,
                           include_unknown=opts.include_unknown, labels=opts.labels, level=opts.level)
        except OutputClosed:  # the reader had enough (-o - | head): not an error
            return
        except ExportError as exc:
            print(f"export failed: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        if opts.output != "-":
            print(f"wrote {count} {args[0]} rows to {opts.output} (from {db_path})", file=sys.stderr)
