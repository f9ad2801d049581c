"""``scrapy crawl``, checking ``-a region=…`` before anything starts.

An unknown or ambiguous region, a region with no registered portal, or a broken
registry ends the command with a clear message (listing near matches) and exit
status 2, instead of a traceback or a crawl that silently fetches nothing.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from govreports.pipelines import storage_error
from govreports.regions import RegionError
from govreports.registry import NoPortalsError, RegistryError, load_portals, select_portals


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args and args[0] == "portal":
            spargs = opts.spargs or {}
            region = spargs.get("region")
            if not region and not spargs.get("start_url"):
                print("say which portals to crawl: -a region=<name or code> (e.g. -a region=demo) "
                      "or -a start_url=<URL>", file=sys.stderr)
                self.exitcode = 2
                return
            if region and not spargs.get("start_url"):
                try:
                    select_portals(region, load_portals(self.settings.get("PORTALS_FILE")))
                except (RegionError, NoPortalsError, RegistryError) as exc:
                    print(f"cannot crawl region {region!r}: {exc}", file=sys.stderr)
                    self.exitcode = 2
                    return
        super().run(args, opts)
        self._exit_status_of_storage()

    # A crawl that could not store what it found (its database stayed locked by another
    # process, see govreports.pipelines.SQLitePipeline) exits with status 1.
    def _create_crawler(self, spidercls):
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def _exit_status_of_storage(self) -> None:
        crawler = getattr(self, "crawler", None)
        if self.exitcode == 0 and crawler is not None and storage_error(crawler.stats):
            self.exitcode = 1
