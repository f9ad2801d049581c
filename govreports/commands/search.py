"""``scrapy search TERM… [--region R] [--year Y] [--limit N] [--format text|csv|jsonl]``:
the stored reports that mention every word of the term, with a snippet around it (see
:mod:`govreports.search`: two-character words such as 复议 are found too, Traditional
input is read as Simplified).

Exit status: 0 when reports match; 1 when none does (a line says so); 2, with one line,
for a bad argument (no term, an unknown region, no database)."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from scrapy.commands import ScrapyCommand

from govreports.search import DEFAULT_LIMIT, HIT_COLUMNS, SearchError, make_query, search_database, text_lines

NO_MATCH = 1
USAGE_ERROR = 2
FORMATS = ("text", "csv", "jsonl")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return f"TERM… [--region R] [--year Y] [--limit N] [--format {{{','.join(FORMATS)}}}]"

    def short_desc(self) -> str:
        return "Search the stored reports' titles, texts and attachments (short words like 复议 too)"

    def long_desc(self) -> str:
        return (
            "Print the reports whose title, body text or attachment text contains every word of TERM "
            "(words are separated by spaces; Traditional characters are read as Simplified), newest "
            "year first, each with its region, year, publisher, title, URL and a snippet around the "
            "first word. Words of three characters or more use the full-text index; shorter ones "
            "(复议, 诉讼) are looked for in the texts. --region takes a name, code or code prefix as "
            "in scrapy export; --year a reporting year. --format csv or jsonl prints one row per "
            "report (report_id, report_year, region_code, region_name, publisher, title, url, column, "
            "occurrences, snippet, removed_at). Exit status 1 when no report matches. "
            "The database is GOVREPORTS_DB."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--region", help="region name, code or code prefix")
        parser.add_argument("--year", type=int, help="reporting year")
        parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                            help=f"reports shown at most (default {DEFAULT_LIMIT})")
        parser.add_argument("--format", choices=FORMATS, default="text", dest="format",
                            help="text for people (default), or csv / jsonl rows")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        db_path = self.settings.get("GOVREPORTS_DB")
        try:
            query = make_query(" ".join(args), region=opts.region, year=opts.year, limit=opts.limit)
            results = search_database(db_path, query)
        except SearchError as exc:
            print(f"search failed: {exc}", file=sys.stderr)
            self.exitcode = USAGE_ERROR
            return
        if not results.total:
            where = "".join([f" in {opts.region}" if opts.region else "", f" of {opts.year}" if opts.year else ""])
            print(f"no report{where} mentions {' '.join(query.words)!r} (database {db_path})", file=sys.stderr)
            self.exitcode = NO_MATCH
            return
        if opts.format == "text":
            print("\n".join(text_lines(results)))
        elif opts.format == "jsonl":
            for hit in results.hits:
                print(json.dumps(hit.as_row(), ensure_ascii=False))
        else:
            writer = csv.DictWriter(sys.stdout, fieldnames=HIT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(hit.as_row() for hit in results.hits)
