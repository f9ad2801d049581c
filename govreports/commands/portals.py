"""``scrapy portals``: what the portal registry holds, and what the database knows of it.

    scrapy portals                          # counts for the whole registry, by province
    scrapy portals --region 贵州省           # the region's portals, one line each, with status
    scrapy portals --check                  # validate the whole registry (exit 1 on errors)
    scrapy portals --export portals.csv     # the registry and each portal's status as CSV

The registry is ``PORTALS_FILE`` and the database ``GOVREPORTS_DB`` (``-s NAME=…``); the
database is only read (:mod:`govreports.portal_status`), and need not exist yet.
``--region`` takes what ``-a region=`` takes (``all`` included) and also limits
``--export``.  Exit status: 0, 1 when ``--check`` found errors, 2 when the registry,
the region or the database cannot be used (one line on standard error saying why).
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from collections import Counter

from scrapy.commands import ScrapyCommand

from govreports.exporting import ExportError, OutputClosed, write_rows
from govreports.portal_status import NO_STATUS, STATUS_COLUMNS, PortalStatus, StatusError, read_status
from govreports.regions import RegionError, default_index
from govreports.registry import ALL, BODY_LEVEL, COLUMNS, NoPortalsError, Portal, RegistryError, load_portals, select_portals
from govreports.registry_check import ERROR, check_registry

USAGE_ERROR = 2
CHECK_FAILED = 1
LEVEL_ORDER = ("province", "city", "county", BODY_LEVEL)
# Display widths of the listing's columns (CJK characters count twice); longer text is cut.
WIDTHS = {"id": 0, "name": 26, "level": 18, "home": 34, "column": 6, "crawled": 10, "reports": 7, "failure": 40}


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell(text: str, width: int) -> str:
    """``text`` cut and padded to ``width`` display cells."""
    if display_width(text) > width:
        while display_width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - display_width(text))


def level_of(portal: Portal) -> str:
    """The registry's level, else the region's (rows written by hand often leave it out)."""
    if portal.body:
        return BODY_LEVEL
    if portal.level:
        return portal.level
    region = default_index().get(portal.region_code)
    return region.level if region else ("local" if portal.is_local else "?")


def level_counts(portals: list[Portal]) -> str:
    counts = Counter(level_of(p) for p in portals)
    ordered = [lv for lv in LEVEL_ORDER if lv in counts] + sorted(set(counts) - set(LEVEL_ORDER))
    return ", ".join(f"{lv} {counts[lv]}" for lv in ordered)


def column_state(portal: Portal, status: PortalStatus) -> str:
    """``yes``: the registry names its report column; ``found``: discovery found one; ``no``."""
    return "yes" if portal.list_urls else ("found" if status.discovered_list_urls else "no")


def failure_text(status: PortalStatus) -> str:
    if not status.last_failure_at:
        return ""
    return f"{status.last_failure_at[:10]} {status.last_failure_kind or status.last_failure}"


def listing(portals: list[Portal], status: dict[str, PortalStatus]) -> list[str]:
    header = {"id": "portal_id", "name": "name", "level": "level / body", "home": "home", "column": "column",
              "crawled": "crawled", "reports": "reports", "failure": "last failure"}
    # Ids are never cut: they are what -a region= and --region take.
    widths = {**WIDTHS, "id": max([display_width(p.portal_id) for p in portals] + [len(header["id"])])}
    lines = ["  ".join(cell(header[k], w) for k, w in widths.items()).rstrip()]
    for portal in portals:
        state = status.get(portal.portal_id, NO_STATUS)
        values = {"id": portal.portal_id, "name": portal.portal_name,
                  "level": f"{level_of(portal)}: {portal.body}" if portal.body else level_of(portal),
                  "home": portal.home_url, "column": column_state(portal, state),
                  "crawled": state.last_crawled[:10], "reports": str(state.reports) if state.last_crawled else "",
                  "failure": failure_text(state)}
        lines.append("  ".join(cell(values[k], w) for k, w in widths.items()).rstrip())
    return lines


def summary(portals: list[Portal], status: dict[str, PortalStatus]) -> list[str]:
    known = sum(1 for p in portals if p.list_urls)
    found = sum(1 for p in portals if not p.list_urls and status.get(p.portal_id, NO_STATUS).discovered_list_urls)
    crawled = sum(1 for p in portals if status.get(p.portal_id, NO_STATUS).last_crawled)
    bodies = sum(1 for p in portals if p.body)
    governments = len(portals) - bodies
    return [f"{len(portals)} portals: {governments} governments, {bodies} department/town columns "
            f"({level_counts(portals)})",
            f"report column known for {known}, found by discovery for {found}; crawled: {crawled}"]


def province_table(portals: list[Portal]) -> list[str]:
    """Per province: portals by level and how many have a known report column."""
    regions = default_index()
    by_province: dict[str, list[Portal]] = {}
    for portal in portals:
        key = portal.region_code[:2] + "0000" if portal.region_code.isdigit() else portal.region_code
        by_province.setdefault(key, []).append(portal)
    lines = []
    for code in sorted(by_province, key=lambda c: (c.isdigit(), c)):
        region = regions.get(code)
        name = region.name if region else code
        group = by_province[code]
        lines.append(f"  {cell(code, 6)}  {cell(name, 18)}  {len(group):5}  {level_counts(group)}; "
                     f"column known: {sum(1 for p in group if p.list_urls)}")
    return lines


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--region R] [--check] [--export FILE]"

    def short_desc(self) -> str:
        return "List, check or export the portal registry, with each portal's crawl status"

    def long_desc(self) -> str:
        return (
            "Without options: counts of the registered portals by province and level. --region R lists the "
            "portals under region R (a name, code or code prefix, a portal id, or 'all'): id, name, level or "
            "body, home page, whether its report column is known (yes), was found by discovery (found) or "
            "neither (no), and from the database when it was last crawled, how many reports are stored and "
            "its last failure; then the columns discovery found. --check validates the whole registry (region "
            "codes and names, levels, URLs, platforms, unique ids, one host per government of a level) and "
            "exits with status 1 on errors. --export FILE writes the registry (or --region's part of it) with "
            "the status columns as .csv, .jsonl or .xlsx. The registry is PORTALS_FILE, the database "
            "GOVREPORTS_DB (-s NAME=value); the database is only read."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--region", help=f"region name, code or code prefix, a portal id, or {ALL!r}")
        parser.add_argument("--check", action="store_true", help="validate the whole registry")
        parser.add_argument("--export", metavar="FILE", help="write the registry and status (.csv, .jsonl, .xlsx)")

    def fail(self, message: str) -> None:
        print(f"scrapy portals: {message}", file=sys.stderr)
        self.exitcode = USAGE_ERROR

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self.run_command(args, opts)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader had enough (| head): not an error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere at exit
            os.close(devnull)

    def run_command(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            return self.fail(f"unexpected argument {args[0]!r}; usage: scrapy portals {self.syntax()}")
        registry = self.settings.get("PORTALS_FILE")
        if opts.check:
            self.check(registry)
            if not (opts.region or opts.export):
                return
        try:
            portals = load_portals(registry)
        except RegistryError as exc:
            return self.fail(f"the portal registry {registry} is not usable: {exc} (scrapy portals --check lists "
                             "every problem)")
        if opts.region:
            try:
                portals = select_portals(opts.region, portals)
            except (RegionError, NoPortalsError) as exc:
                return self.fail(f"region {opts.region!r}: {exc}")
        database = self.settings.get("GOVREPORTS_DB")
        try:
            status = read_status(database)
        except StatusError as exc:
            return self.fail(str(exc))
        if opts.export:
            return self.export(portals, status, opts.export)
        if opts.region:
            return self.show_region(opts.region, portals, status, database)
        if not opts.check:
            print(f"registry {registry}")
            print("\n".join(summary(portals, status)))
            print("\n".join(province_table(portals)))
            print("scrapy portals --region <name> lists a region's portals; --check validates the registry")

    def check(self, registry: str) -> None:
        portals, problems = check_registry(registry)
        for problem in problems:
            print(problem)
        errors = sum(1 for p in problems if p.severity == ERROR)
        print(f"{registry}: {len(portals)} portals checked, {errors} errors, {len(problems) - errors} warnings")
        if errors:
            self.exitcode = CHECK_FAILED

    def show_region(self, query: str, portals: list[Portal], status: dict[str, PortalStatus], database: str) -> None:
        print(f"{query}: " + "\n".join(summary(portals, status)))
        print(f"database: {database}" + ("" if status else " (nothing crawled yet)"))
        print()
        print("\n".join(listing(portals, status)))
        discovered = [(p, status[p.portal_id].discovered_list_urls) for p in portals
                      if p.portal_id in status and status[p.portal_id].discovered_list_urls]
        if discovered:
            print("\nreport columns found by discovery:")
            for portal, urls in discovered:
                print(f"  {portal.portal_id}: {' '.join(urls)}")

    def export(self, portals: list[Portal], status: dict[str, PortalStatus], output: str) -> None:
        extra = list(dict.fromkeys(k for p in portals for k in p.extra))
        columns = [*COLUMNS, *extra, *STATUS_COLUMNS]

        def rows():
            for portal in portals:
                state = status.get(portal.portal_id, NO_STATUS)
                yield {**portal.extra, **portal.as_row(),
                       "last_crawled": state.last_crawled, "reports": state.reports if state.last_crawled else None,
                       "last_failure_at": state.last_failure_at, "last_failure_kind": state.last_failure_kind,
                       "last_failure": state.last_failure,
                       "discovered_list_urls": " ".join(state.discovered_list_urls)}
        try:
            count = write_rows(rows(), columns, output)
        except OutputClosed:
            return
        except (ExportError, OSError) as exc:
            return self.fail(f"export failed: {exc}")
        if output != "-":
            print(f"{count} portals written to {output}")
