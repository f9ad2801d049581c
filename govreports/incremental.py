"""When a recrawl may skip a page, revalidate it, or stop paging a list.

Pure decisions, so the rules are tested without a crawl:

* a known report page is not fetched again (``full`` turns this off), except for a
  conditional revalidation once it is ``revalidate_days`` old;
* a list stops paging once a whole page holds only known reports, after a grace of
  one more such page;
* a list stops paging once every dated item of a page is older than the newest
  publication date already stored for that list minus ``grace_days``;
* both early stops only apply to a list that an earlier, finished crawl read to its
  end: after a first crawl that was killed half-way, the next one reads on;
* ``since``/``until`` restrict a crawl to a publication-date window (lists are newest
  first, so a page wholly older than ``since`` ends the list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from govreports.parsing.dates import find_day
from govreports.flags import parse_flag
from govreports.storage.store import KnownUrl

KNOWN_PAGE_GRACE = 1  # known-only list pages read past the first before stopping


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass
class RecrawlPolicy:
    full: bool = False
    revalidate_days: int | None = 30  # None: never revalidate known pages
    since: date | None = None
    until: date | None = None
    grace_days: int = 90
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @classmethod
    def from_args(cls, *, full="0", revalidate_days=None, since=None, until=None, grace_days=None):
        """Build from spider arguments (strings), with a clear error for bad values.
        ``since``/``until`` are read by the one date reader: 2024-01-31, 2024/1/31,
        2024年1月31日, 20240131 and relative dates (30天前) all work."""
        def day(name, value):
            if value in (None, ""):
                return None
            parsed = find_day(str(value), compact=True)
            if parsed is None:
                raise ValueError(f"{name} must be a date YYYY-MM-DD, not {value!r}")
            return parsed

        def whole(name, value, default):
            if value in (None, ""):
                return default
            if not str(value).isdigit():
                raise ValueError(f"{name} must be a whole number of days, not {value!r}")
            return int(value)

        return cls(
            full=parse_flag(full, name="full", default=False),
            revalidate_days=whole("revalidate_days", revalidate_days, 30),
            since=day("since", since),
            until=day("until", until),
            grace_days=whole("grace_days", grace_days, 90),
        )

    def in_window(self, published: str | None) -> bool:
        """Whether an item listed with this publication date is inside since/until.
        Items without a date are kept: only the report page can tell."""
        day = parse_day(published)
        if day is None:
            return True
        if self.since and day < self.since:
            return False
        if self.until and day > self.until:
            return False
        return True

    def revalidation_due(self, known: KnownUrl) -> bool:
        if self.revalidate_days is None:
            return False
        fetched = known.last_fetched
        if not fetched:
            return True
        try:
            when = datetime.fromisoformat(fetched.replace("Z", "+00:00"))
        except ValueError:
            return True
        return self.now - when >= timedelta(days=self.revalidate_days)


@dataclass
class ListProgress:
    """How one list (column) is going: consecutive pages that held only known reports,
    why it stopped (if it did early), and whether a list page failed."""

    known_only_pages: int = 0
    stopped: str = ""
    window_stop: bool = False  # stopped by since/until: says nothing of older pages
    failed: bool = False
    # Whether the list was covered, and read whole, is the crawl ledger's to say
    # (govreports.ledger.ListReading), from this and the pages it saw.


def paging_decision(
    policy: RecrawlPolicy,
    progress: ListProgress,
    *,
    item_dates: list[str | None],
    report_links_known: list[bool],
    newest_stored: str | None,
    previously_complete: bool = True,
) -> str:
    """Why paging this list should stop after the current page ("" to go on).

    ``item_dates`` are the dates printed beside every item of the page (reports and
    look-alikes: together they say how old the page is); ``report_links_known`` says,
    per report link of the page, whether it is already stored.
    """
    days = [d for d in (parse_day(x) for x in item_dates) if d is not None]
    if policy.since and days and max(days) < policy.since:
        progress.window_stop = True
        return f"items older than since={policy.since.isoformat()}"
    if policy.full or not previously_complete:
        return ""
    if report_links_known:
        if all(report_links_known):
            progress.known_only_pages += 1
        else:
            progress.known_only_pages = 0
        if progress.known_only_pages > KNOWN_PAGE_GRACE:
            return "only known reports"
    newest = parse_day(newest_stored)
    if newest and days and max(days) < newest - timedelta(days=policy.grace_days):
        return f"items older than the newest stored ({newest.isoformat()}) minus {policy.grace_days} days"
    return ""
