"""``scrapy browse [--port N]``: the research UI — Datasette on http://127.0.0.1:N/ over
the database (``GOVREPORTS_DB``), read-only and immutable, with the project's metadata,
canned queries and dashboards (see :mod:`govreports.browse`).  Runs until Ctrl-C.

Exit status 2, with one line saying why, when there is no database or Datasette is not
installed (the line names the command that installs it); otherwise Datasette's own."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys

from scrapy.commands import ScrapyCommand

from govreports.browse import (
    DEFAULT_PORT, HOST, BrowseError, datasette_command, metadata_file, missing_packages, not_installed_message,
    prepare_database, served_as_govreports,
)

USAGE_ERROR = 2


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--port N]"

    def short_desc(self) -> str:
        return "Browse the database in Datasette (read-only): reports, search, compliance, dashboards"

    def long_desc(self) -> str:
        return (
            f"Serve the database (GOVREPORTS_DB) with Datasette on http://{HOST}:PORT/ (only on this "
            "machine), immutable: nothing is written. The project's metadata gives the tables Chinese and "
            "English titles, descriptions and facets, hides the internal tables, and adds canned queries "
            "(search with two-character words, headlines by region and year, one indicator across reports, "
            "coverage, broken rules, compliance, failures, version history) and dashboards with charts "
            "(/-/dashboards). Stop it with Ctrl-C. Needs requirements-browse.txt "
            "(bash scripts/install.sh --browse)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            return self._refuse(f"scrapy browse takes no arguments ({' '.join(args)}); the database is "
                                "GOVREPORTS_DB (-s GOVREPORTS_DB=path)")
        missing = missing_packages()
        if missing:
            return self._refuse(f"scrapy browse: {not_installed_message(missing)}")
        db_path = self.settings.get("GOVREPORTS_DB")
        try:
            database = prepare_database(db_path)
        except BrowseError as exc:
            return self._refuse(f"scrapy browse: {exc}")
        print(f"serving {database} read-only at http://{HOST}:{opts.port}/ (dashboards: "
              f"http://{HOST}:{opts.port}/-/dashboards); Ctrl-C stops it", file=sys.stderr, flush=True)
        with metadata_file() as metadata, served_as_govreports(database) as link:
            process = subprocess.Popen(datasette_command(link, metadata, opts.port))
            # Stopped with SIGTERM (a service manager, `timeout`): stop Datasette, then clean up.
            signal.signal(signal.SIGTERM, lambda signum, frame: process.terminate())
            try:
                self.exitcode = process.wait()
            except KeyboardInterrupt:  # Datasette got the Ctrl-C too, and stops
                process.wait()
                self.exitcode = 0

    def _refuse(self, message: str) -> None:
        print(message, file=sys.stderr)
        self.exitcode = USAGE_ERROR
