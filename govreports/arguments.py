"""The portal spider's ``-a`` arguments, read and checked in one place.

``scrapy crawl portal`` checks them (:mod:`govreports.commands.crawl`) before anything
is fetched, and the spider reads them with the same function, so a bad value stops a
crawl however it was started (the command line, Scrapyd) with a one-line message:

* an unknown name (``sinse=``) — naming the closest known one;
* a bad value: a date that is none (``since=notadate``), a yes/no flag or a number of
  days that is neither, a platform that is none of :data:`~govreports.platforms.PLATFORM_NAMES`,
  a ``start_url`` that is not an ``http``/``https`` address (``notaurl``, ``ftp://…``,
  ``file:///…``);
* arguments that do not go together: ``platform``/``render_js`` without ``start_url``
  (registry rows name their own), ``since`` after ``until``, ``shard`` with ``start_url``
  (a shard is a part of the registry's portals, see :mod:`govreports.sharding`).

Names starting with ``_`` are passed on untouched: Scrapyd gives spiders ``_job``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govreports.flags import parse_flag
from govreports.incremental import RecrawlPolicy
from govreports.platforms import AUTO, platform_name
from govreports.schemes import refusal
from govreports.sharding import Shard, parse_shard

# name -> what it takes (for messages)
SPIDER_ARGUMENTS: dict[str, str] = {
    "region": "a region name or code, a registry row's name or id (demo), or all",
    "start_url": "an http:// or https:// list or report page",
    "platform": "with start_url: the CMS family",
    "render_js": "with start_url: 1 to render list pages in the browser",
    "full": "1 to read every page again",
    "revalidate_days": "days after which known pages are revalidated",
    "since": "a date YYYY-MM-DD",
    "until": "a date YYYY-MM-DD",
    "grace_days": "days of grace for the date stop",
    "shard": "K/S: only the portals of shard K of S (0 ≤ K < S), by a hash of their site",
}
ONLY_WITH_START_URL = ("platform", "render_js")


class ArgumentError(ValueError):
    """A spider argument that is unknown, malformed, or does not go with the others."""


@dataclass(frozen=True)
class CrawlArguments:
    """The spider arguments, checked and read."""

    region: str
    start_url: str
    platform: str
    render_js: bool
    policy: RecrawlPolicy
    given: dict[str, str]  # as given (known names only)
    shard: Shard | None = None  # -a shard=K/S: only that shard of the region's portals

    @property
    def has_target(self) -> bool:
        """Whether they name something to crawl (else the spider only reads pages it
        is handed: ``scrapy parse``, ``scrapy shell``)."""
        return bool(self.region or self.start_url)

    def as_record(self) -> dict[str, Any]:
        """What ``crawl_runs.args`` stores."""
        return {"region": self.region, "start_url": self.start_url, "platform": self.given.get("platform", AUTO),
                "full": self.policy.full, "revalidate_days": self.policy.revalidate_days,
                "since": self.given.get("since", ""), "until": self.given.get("until", ""),
                "grace_days": self.policy.grace_days, "shard": str(self.shard) if self.shard else ""}


def closest_name(name: str) -> str | None:
    near = difflib.get_close_matches(name.strip().lower(), SPIDER_ARGUMENTS, n=1, cutoff=0.6)
    return near[0] if near else None


def unknown_argument(name: str) -> ArgumentError:
    near = closest_name(name)
    hint = f"did you mean -a {near}=…? " if near else ""
    return ArgumentError(f"unknown argument -a {name}=…; {hint}the portal spider takes "
                         f"{', '.join(SPIDER_ARGUMENTS)}")


def check_start_url(url: str) -> str:
    url = url.strip()
    reason = refusal(url)
    if reason is not None:
        raise ArgumentError(f"start_url must be an http:// or https:// address, not {url!r} ({reason})")
    return url


def crawl_arguments(args: Mapping[str, Any], *, require_target: bool = True) -> CrawlArguments:
    """Check and read spider arguments (strings, as ``-a`` gives them); raises
    :class:`ArgumentError` with a one-line message.  ``require_target``: a region or a
    start URL must be given."""
    given = {}
    for name, value in args.items():
        if name.startswith("_"):
            continue
        if name not in SPIDER_ARGUMENTS:
            raise unknown_argument(name)
        given[name] = "" if value is None else str(value)
    region = given.get("region", "").strip()
    if "region" in given and not region:
        raise ArgumentError("region is empty: -a region=<name or code> (e.g. -a region=demo)")
    start_url = check_start_url(given["start_url"]) if "start_url" in given else ""
    if require_target and not region and not start_url:
        raise ArgumentError("say which portals to crawl: -a region=<name or code> (e.g. -a region=demo) "
                            "or -a start_url=<URL>")
    misplaced = [name for name in ONLY_WITH_START_URL if name in given and not start_url]
    if misplaced:
        raise ArgumentError(f"-a {misplaced[0]}= only applies with -a start_url=…; a registry row names "
                            f"its own {misplaced[0]} (see data/portals.csv)")
    if "shard" in given and start_url:
        raise ArgumentError("-a shard= applies to a region's registered portals, not to -a start_url=…")
    try:
        shard = parse_shard(given["shard"]) if "shard" in given else None
        platform = platform_name(given.get("platform"))
        render_js = parse_flag(given.get("render_js", "0"), name="render_js", default=False)
        policy = RecrawlPolicy.from_args(full=given.get("full", "0"), revalidate_days=given.get("revalidate_days"),
                                         since=given.get("since"), until=given.get("until"),
                                         grace_days=given.get("grace_days"))
    except ArgumentError:
        raise
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
    if policy.since and policy.until and policy.since > policy.until:
        raise ArgumentError(f"since ({policy.since}) is after until ({policy.until}): no report could be in between")
    return CrawlArguments(region=region, start_url=start_url, platform=platform, render_js=render_js,
                          policy=policy, given=given, shard=shard)
