"""How a recorded crawl went, read back from the database once the SQLite pipeline has
finished with it: what the end-of-crawl summary prints and what decides the exit
status of ``scrapy crawl``.

Read from the ``crawl_runs`` row of the run (its counts and per-portal counters) and
its ``fetch_failures`` rows, so what is printed is what was stored — closing failures
and removals included.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# The per-portal counter of failures of one kind: ``failures_<kind>`` (see SQLitePipeline).
KIND_COUNTER_PREFIX = "failures_"

# What to look at when every request of a crawl failed this way.
ADVICE: dict[str, str] = {
    "dns": "the host names in the registry, and whether this machine can look names up (network, proxy)",
    "refused": "whether the portal's server is up and reachable from here (network, proxy, firewall)",
    "network": "whether the portal's server is reachable from here (network, proxy, firewall)",
    "unreachable": "whether the portal's host exists and is reachable from here (its name, network, proxy, firewall)",
    "missing_file": "the local: paths in the registry: the files are not there",
    "timeout": "whether the portal is reachable from here; a slow one needs -s DOWNLOAD_TIMEOUT=120",
    "http_error": "the list URLs in the registry: the column may have moved (open one in a browser)",
    "robots": "the portal's robots.txt; a registry row may override it with obey_robots=0 and a robots_note",
    "challenge": "the anti-bot page: Chromium must be installed (bash scripts/install.sh --full)",
    "discovery": "the home page: it led to no report column; set list_urls in the registry",
    "unsupported_scheme": "the links: only http:// and https:// pages (and a local portal's own files) are read",
    "not_a_report": "the list URLs in the registry: they may point at another column",
    "list_not_text": "the list URLs in the registry: they should be web pages",
    "portal_budget": "the portal's size: raise GOVREPORTS_PORTAL_MAX_REQUESTS or _MAX_SECONDS (0: no limit)",
}


# Failures that mean a portal was never reached: a portal that read no page and failed
# so is listed as unreachable at the end, with the reason.
UNREACHABLE_KINDS = ("unreachable", "dns", "refused", "network", "timeout", "challenge", "missing_file")
BUDGET_KIND = "portal_budget"


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    database: str
    status: str  # "finished", or why the crawl closed ("shutdown" …)
    new: int
    updated: int
    unchanged: int
    failures: int  # fetch_failures rows of the run
    portals: dict[str, dict[str, int]] = field(default_factory=dict)  # per-portal counters
    # Per portal, the (kind, reason) of its first failure of each kind that can mean it
    # was never reached, or cut by its budget (see unreachable and over_budget).
    portal_failures: dict[str, dict[str, str]] = field(default_factory=dict)

    def total(self, counter: str) -> int:
        return sum(counters.get(counter, 0) for counters in self.portals.values())

    @property
    def stored(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def known(self) -> int:
        """Stored reports this crawl saw again without storing them anew."""
        return self.total("known_skipped") + self.total("not_modified")

    @property
    def failure_kinds(self) -> Counter[str]:
        kinds: Counter[str] = Counter()
        for counters in self.portals.values():
            for name, value in counters.items():
                if name.startswith(KIND_COUNTER_PREFIX):
                    kinds[name[len(KIND_COUNTER_PREFIX):]] += value
        return kinds

    @property
    def pages_read(self) -> int:
        """List and report pages read that were not failures (not look-alikes, say)."""
        return self.total("list_pages") + self.total("report_pages") - self.total("non_reports")

    def read_nothing(self, portal_id: str) -> bool:
        counters = self.portals.get(portal_id, {})
        return not (counters.get("list_pages", 0) or counters.get("report_pages", 0))

    @property
    def unreachable(self) -> dict[str, str]:
        """Portals that read no page and failed at the connection level (or behind a
        firewall that did not lift), and why: the reason of their first such failure."""
        found = {}
        for portal_id, failures in sorted(self.portal_failures.items()):
            reasons = [failures[kind] for kind in UNREACHABLE_KINDS if kind in failures]
            if reasons and self.read_nothing(portal_id):
                found[portal_id] = reasons[0]
        return found

    @property
    def over_budget(self) -> dict[str, str]:
        """Portals cut by their budget of requests or time, and which budget."""
        return {portal_id: failures[BUDGET_KIND] for portal_id, failures in sorted(self.portal_failures.items())
                if BUDGET_KIND in failures}

    @property
    def everything_failed(self) -> bool:
        """A finished crawl that stored nothing, saw no known report and read no page,
        because every request it made failed.  (A crawl whose lists were read but
        listed nothing new is not one.)"""
        return (self.status == "finished" and self.stored == 0 and self.known == 0 and self.failures > 0
                and self.pages_read <= 0)


def read_outcome(database: str | Path, run_id: str) -> RunOutcome | None:
    """The outcome of run ``run_id`` as the database holds it (None: no such run)."""
    path = Path(database)
    if not path.is_file():
        return None
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT status, reports_new, reports_updated, reports_unchanged, stats FROM crawl_runs "
            "WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        failures = conn.execute("SELECT count(*) FROM fetch_failures WHERE run_id = ?", (run_id,)).fetchone()[0]
        kinds = (*UNREACHABLE_KINDS, BUDGET_KIND)
        portal_failures: dict[str, dict[str, str]] = {}
        for portal_id, kind, reason in conn.execute(
                f"SELECT portal_id, kind, reason FROM fetch_failures WHERE run_id = ? AND kind IN "
                f"({', '.join('?' * len(kinds))}) ORDER BY rowid", (run_id, *kinds)):
            portal_failures.setdefault(portal_id, {}).setdefault(kind, reason)
    finally:
        conn.close()
    status, new, updated, unchanged, stats = row
    return RunOutcome(run_id=run_id, database=str(path), status=status or "", new=new or 0,
                      updated=updated or 0, unchanged=unchanged or 0, failures=failures,
                      portals=json.loads(stats) if stats else {}, portal_failures=portal_failures)


PORTAL_COUNTERS = ("list_pages", "report_pages", "reports", "known_skipped", "not_modified", "non_reports",
                   "failures", "requests")


def summary_lines(outcome: RunOutcome, max_portals: int = 0) -> list[str]:
    """The end-of-crawl summary: totals, one line per portal (its counters), the
    portals that could not be reached and those cut short by their budget (each with
    the reason), the database.  ``max_portals`` (0: no limit) caps each list, so that a
    crawl of a province or the country ends with a summary one can read: the portals
    that stored the most reports come first, and the rest are counted."""
    lines = [
        f"govreports: crawl {outcome.status}: {outcome.new} new, {outcome.updated} updated, "
        f"{outcome.unchanged} unchanged reports; {outcome.total('known_skipped')} known and skipped, "
        f"{outcome.total('not_modified')} not modified, {outcome.total('removed')} gone; "
        f"{outcome.failures} failures",
    ]
    portals = sorted(outcome.portals.items())
    if max_portals and len(portals) > max_portals:
        with_reports = sum(1 for _, counters in portals if counters.get("reports", 0))
        lines.append(f"  {len(portals)} portals, {with_reports} of them with reports; the {max_portals} "
                     "with the most reports:")
        portals = sorted(portals, key=lambda item: -item[1].get("reports", 0))[:max_portals]
    for portal_id, counters in portals:
        numbers = ", ".join(f"{name.replace('_', ' ')}: {counters.get(name, 0)}" for name in PORTAL_COUNTERS)
        lines.append(f"  {portal_id}: {numbers}")
    if len(portals) < len(outcome.portals):
        lines.append(f"  … and {len(outcome.portals) - len(portals)} more portals (each in crawl_runs.stats; "
                     "scrapy portals --region … lists them with their reports and last failure)")
    for title, listed in (("unreachable portals", outcome.unreachable),
                          ("portals cut short by their budget", outcome.over_budget)):
        if listed:
            lines.append(f"  {title} ({len(listed)}):")
            shown = list(listed.items())[:max_portals or None]
            lines += [f"    {portal_id}: {reason}" for portal_id, reason in shown]
            if len(shown) < len(listed):
                lines.append(f"    … and {len(listed) - len(shown)} more (scrapy export failures -o -)")
    lines.append(f"  database: {outcome.database}")
    return lines


def nothing_stored_message(outcome: RunOutcome) -> str:
    """What a crawl whose every request failed says: the kinds of failure, what to
    check for each, and how to list them."""
    kinds = outcome.failure_kinds.most_common()
    seen = ", ".join(f"{kind}: {n}" for kind, n in kinds) or f"{outcome.failures}"
    lines = [f"govreports: nothing was stored: every request failed ({seen})."]
    for kind, _ in kinds:
        if kind in ADVICE:
            lines.append(f"  {kind}: check {ADVICE[kind]}")
    lines.append(f"  every failure with its URL and reason: scrapy export failures -o -"
                 f" (database {outcome.database})")
    return "\n".join(lines)
