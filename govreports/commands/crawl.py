"""``scrapy crawl``, checking the portal spider's arguments before anything starts, and
saying so when a crawl stored nothing because everything failed.

Before the crawl: every ``-a`` argument (:mod:`govreports.arguments`: unknown names,
bad dates, flags, numbers, platforms and start URLs), the registry, the region
(unknown, ambiguous, or without a registered portal; near matches listed), and the
politeness of the settings (:mod:`govreports.politeness`).  A problem ends the command
with one line on standard error and exit status 2, never a traceback, nothing fetched.

With ``-a shard=K/S``, ``{shard}`` (K) and ``{shards}`` (S) in the settings
``GOVREPORTS_DB``, ``GOVREPORTS_FILES_DIR``, ``JOBDIR`` and ``LOG_FILE`` are replaced,
so one command line serves every shard: ``-s GOVREPORTS_DB=data/shard-{shard}.db``.

After the crawl: a crawl that could not store what it found (its database stayed
locked by another process, see :class:`govreports.pipelines.SQLitePipeline`) exits
with status 1; so does a finished crawl that stored nothing and saw no known report,
because every request failed, says which kinds of failure it met, what to check, and
how to list them, and exits with status 1 (:mod:`govreports.outcome`).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES

from govreports.arguments import ArgumentError, crawl_arguments
from govreports.outcome import nothing_stored_message, read_outcome
from govreports.pipelines import storage_error
from govreports.politeness import crawl_urls, politeness_problem
from govreports.regions import RegionError
from govreports.sharding import Shard
from govreports.registry import NoPortalsError, RegistryError, load_portals, select_portals

SPIDER = "portal"  # the spider whose arguments are checked
USAGE_ERROR = 2
NOTHING_STORED = 1
NOT_STORED = 1
# Settings a shard's number may be put into (see the module docstring).
SHARD_TEMPLATED_SETTINGS = ("GOVREPORTS_DB", "GOVREPORTS_FILES_DIR", "JOBDIR", "LOG_FILE")


class Command(ScrapyCrawlCommand):
    crawler: Crawler | None = None
    urls: list[str] = []  # where the crawl starts: its portals' URLs, or its start_url

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        # Here, before Scrapy starts (and logs) anything: the message is the only output.
        super().process_options(args, opts)
        if args and args[0] == SPIDER:
            spargs = opts.spargs or {}
            problem = (self.argument_problem(spargs) or politeness_problem(self.settings, self.urls)
                       or self.fill_in_shard(crawl_arguments(spargs).shard))
            if problem:
                print(f"scrapy crawl {SPIDER}: {problem}", file=sys.stderr)
                sys.exit(USAGE_ERROR)

    def fill_in_shard(self, shard: Shard | None) -> str | None:
        """``{shard}`` and ``{shards}`` in the per-shard settings replaced; what is wrong
        (a setting naming a shard in a crawl that is none), or None."""
        for name in SHARD_TEMPLATED_SETTINGS:
            value = self.settings.get(name)
            if not (isinstance(value, str) and "{shard" in value):
                continue
            if shard is None:
                return f"{name}={value} names a shard, but no -a shard=K/S is given"
            filled = value.replace("{shards}", str(shard.count)).replace("{shard}", str(shard.index))
            self.settings.set(name, filled, priority=max(self.settings.getpriority(name) or 0,
                                                         SETTINGS_PRIORITIES["cmdline"]))
        return None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if self.exitcode == 0 and self.crawler is not None:
            if storage_error(self.crawler.stats):
                self.exitcode = NOT_STORED  # the pipeline has said why
            else:
                self.check_outcome(self.crawler)

    def argument_problem(self, spargs: dict[str, str]) -> str | None:
        """What is wrong with the arguments, the registry or the region, or None."""
        try:
            arguments = crawl_arguments(spargs)
        except ArgumentError as exc:
            return str(exc)
        self.urls = crawl_urls((), arguments.start_url)
        if arguments.region and not arguments.start_url:
            registry = self.settings.get("PORTALS_FILE")
            try:
                self.urls = crawl_urls(select_portals(arguments.region, load_portals(registry)))
            except RegistryError as exc:
                return f"the portal registry {registry} is not usable: {exc}"
            except (RegionError, NoPortalsError) as exc:
                return f"cannot crawl region {arguments.region!r}: {exc}"
        return None

    def _create_crawler(self, spname):  # Scrapy's, keeping the crawler to read its outcome
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def check_outcome(self, crawler: Crawler) -> None:
        stats = crawler.stats
        run_id, database = stats.get_value("govreports/run_id"), stats.get_value("govreports/db")
        outcome = read_outcome(database, run_id) if run_id and database else None
        if outcome is not None and outcome.everything_failed:
            print(nothing_stored_message(outcome), file=sys.stderr)
            self.exitcode = NOTHING_STORED
