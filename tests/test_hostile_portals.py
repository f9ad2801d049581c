"""Hostile and unreachable portals, crawled for real: the crawl never hangs, follows no
runaway, reads long columns to their end, and records every limit it hit.

Each test runs the real ``scrapy crawl portal`` command (:mod:`tests.harness`) against
the local server (the ``/hostile/`` and ``/bulk/`` routes of :mod:`tests.portal_sites`),
or against a port nobody listens on and a host name that does not resolve.
"""

from __future__ import annotations

import socket
from pathlib import Path

from govreports import settings
from tests.harness import CrawlRun, crawl_portals, portal_row
from tests.portal_server import PortalServer
from tests.portal_sites import HOSTILE_ITEMS, HOSTILE_LINKS
from tests.test_portals import browser

# The ``browser`` marker and its hook live in tests.test_portals (see there).
pytest_plugins = ["tests.test_portals"]


def hostile_row(server: PortalServer, kind: str, portal_id: str = "hostile") -> dict[str, str]:
    return portal_row(portal_id, "520303", "汇川区", server.url(f"hostile/{kind}/index.html"),
                      portal_name="汇川区（敌意门户）")


def failures(run: CrawlRun, portal_id: str | None = None) -> list[tuple[str, str, int]]:
    sql = "SELECT url, reason, attempts FROM fetch_failures"
    if portal_id is None:
        return run.db.rows(sql)
    return run.db.rows(sql + " WHERE portal_id = ?", portal_id)


def requested(server: PortalServer, prefix: str) -> list[str]:
    return server.paths_requested(prefix=prefix)


# --- runaway paginators -------------------------------------------------------------------
def test_pages_repeating_the_same_items_are_not_followed_for_ever(fresh_server, tmp_path):
    run = crawl_portals(tmp_path, [hostile_row(fresh_server, "repeat")], region="汇川区")
    list_pages = [p for p in requested(fresh_server, "/hostile/repeat/") if "/index" in p]
    [(url, reason, _)] = failures(run)
    assert run.returncode == 0, run.explain()
    # The first page, then three that brought nothing new.
    assert (len(list_pages), len(run.db.stored_urls())) == (4, HOSTILE_ITEMS), run.explain()
    assert url == fresh_server.url("hostile/repeat/index_3.html") and "runaway paging: 3 pages in a row" in reason


def test_next_pages_with_no_items_are_not_followed_for_ever(fresh_server, tmp_path):
    run = crawl_portals(tmp_path, [hostile_row(fresh_server, "empty")], region="汇川区")
    list_pages = [p for p in requested(fresh_server, "/hostile/empty/") if "/index" in p]
    [(url, reason, _)] = failures(run)
    assert (run.returncode, len(list_pages), len(run.db.stored_urls())) == (0, 4, HOSTILE_ITEMS), run.explain()
    assert "runaway paging" in reason


def test_runaway_list_marks_nothing_removed(fresh_server, tmp_path):
    first = crawl_portals(tmp_path, [hostile_row(fresh_server, "repeat")], region="汇川区")
    second = crawl_portals(tmp_path, [hostile_row(fresh_server, "repeat")], region="汇川区", db=first.db.path)
    assert (second.returncode, second.db.rows("SELECT count(*), count(removed_at) FROM reports")) == (
        0, [(HOSTILE_ITEMS, 0)]), second.explain()


# --- caps on links -------------------------------------------------------------------------
def test_page_with_five_thousand_links_is_capped_and_recorded(fresh_server, tmp_path):
    run = crawl_portals(tmp_path, [hostile_row(fresh_server, "links")], region="汇川区",
                        settings={"GOVREPORTS_MAX_LINKS_PER_LIST_PAGE": "40"})
    report_pages = [p for p in requested(fresh_server, "/hostile/links/t")]
    [(url, reason, _)] = failures(run)
    assert (run.returncode, len(report_pages), len(run.db.stored_urls())) == (0, 40, 40), run.explain()
    assert url == fresh_server.url("hostile/links/index.html")
    assert f"list page with {HOSTILE_LINKS} report links: followed the first 40" in reason


def test_portal_link_cap_is_recorded_once(fresh_server, tmp_path):
    row = hostile_row(fresh_server, "links")
    row["list_urls"] += " " + fresh_server.url("hostile/repeat/index.html")  # a second list, its links new
    run = crawl_portals(tmp_path, [row], region="汇川区", settings={
        "GOVREPORTS_MAX_LINKS_PER_PORTAL": "25", "GOVREPORTS_MAX_LINKS_PER_LIST_PAGE": str(HOSTILE_LINKS)})
    reasons = [reason for _, reason, _ in failures(run)]
    report_pages = [p for p in fresh_server.paths_requested(prefix="/hostile/") if "/t" in p]
    assert (len(report_pages), len(reasons)) == (25, 1), run.explain()
    assert "portal with more than 25 report links" in reasons[0]


# --- a long real column -----------------------------------------------------------------------
def test_a_column_longer_than_two_hundred_pages_is_read_to_its_end(tmp_path):
    """250 list pages of one report each, under the default settings: every page brings
    a new report, so paging goes on to the last page (the old guard stopped at 200)."""
    with PortalServer() as server:
        server.bulk_reports, server.bulk_per_page = 250, 1
        row = portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"), portal_name="汇川区（部门年报）")
        run = crawl_portals(tmp_path, [row], region="汇川区", settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "8"})
        list_pages = len([p for p in requested(server, "/bulk/index")])
    assert (run.returncode, list_pages, len(run.db.stored_urls()), failures(run)) == (0, 250, 250, []), \
        run.explain()
    assert run.db.rows("SELECT complete FROM list_state") == [(1,)]


# --- portals that cannot be reached ----------------------------------------------------------------
def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_row(base: str, portal_id: str = "dead") -> dict[str, str]:
    row = portal_row(portal_id, "520302", "红花岗区", f"{base}/zwgk/xxgkndbg/index.html",
                     portal_name="红花岗区（无法访问）", home_url=f"{base}/")
    row["list_urls"] += f" {base}/zwgk/bmnb/index.html"  # two lists on the same dead host
    return row


def crawl_with_a_dead_portal(server: PortalServer, tmp_path: Path, base: str, **kwargs) -> CrawlRun:
    live = portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"), portal_name="汇川区（部门年报）")
    return crawl_portals(tmp_path, [dead_row(base), live], region="遵义市",
                         settings={"GOVREPORTS_RETRY_BACKOFF_BASE": "5"}, **kwargs)


def test_refused_portal_is_recorded_unreachable_once_and_the_crawl_moves_on(fresh_server, tmp_path):
    run = crawl_with_a_dead_portal(fresh_server, tmp_path, f"http://127.0.0.1:{free_port()}")
    [(url, reason, attempts)] = failures(run, "dead")
    assert run.returncode == 0 and "connection refused" in reason and "unreachable" in reason, run.explain()
    assert attempts <= 2  # one quick retry at most, not four with minutes of backoff
    assert len(run.db.stored_urls()) == fresh_server.bulk_reports and failures(run, "bulk") == []


def test_unresolvable_portal_is_recorded_unreachable(fresh_server, tmp_path):
    # The test guard (tests/offline.py) refuses every look-up beyond 127.0.0.1 with the
    # error a failed look-up raises: the DNS failure happens here, never on the network.
    run = crawl_with_a_dead_portal(fresh_server, tmp_path, "http://www.portal.invalid", allow_network_attempts=True)
    [(url, reason, attempts)] = failures(run, "dead")
    assert set(run.network_attempts) == {"look up www.portal.invalid"}
    assert "DNS lookup failed" in reason and "unreachable" in reason and attempts <= 2, run.explain()
    assert len(run.db.stored_urls()) == fresh_server.bulk_reports


# --- a challenge that reloads itself for ever, in the browser -------------------------------------
@browser
def test_self_reloading_challenge_is_capped_spaced_and_recorded(fresh_server, tmp_path):
    """A 412 challenge page whose script reloads it for ever: the browser's reloads wait
    the host's download delay like any request, stop at the cap, and the challenge that
    did not lift is recorded."""
    delay, cap = 0.5, settings.GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE
    run = crawl_portals(tmp_path, [hostile_row(fresh_server, "reload")], region="汇川区",
                        settings={"DOWNLOAD_DELAY": str(delay)})
    loads = [at for at, path in fresh_server.request_times if path.startswith("/hostile/reload/")]
    [(url, reason, _)] = failures(run)
    # One plain request (the 412), then the browser's own navigation and its reloads.
    assert 1 < len(loads) <= 1 + cap, run.explain()
    assert "challenge not passed even in the browser" in reason and "navigations of the page" in reason
    browser_gaps = [b - a for a, b in zip(loads[1:], loads[2:])]
    assert min(browser_gaps) >= 0.8 * delay, browser_gaps


def test_missing_local_portal_file_is_recorded_at_once(tmp_path):
    # A registry row whose list is a path (relative to the registry file) that is not there.
    row = portal_row("local", "520302", "红花岗区", "local:nowhere/index.html", portal_name="红花岗区（本地）",
                     home_url="local:nowhere/index.html")
    run = crawl_portals(tmp_path, [row], region="红花岗区")
    [(url, reason, attempts)] = failures(run)
    # Nothing else was there to read: the crawl stored nothing because everything failed.
    assert (run.returncode, url, attempts) == (1, (tmp_path / "nowhere" / "index.html").as_uri(), 1), run.explain()
    assert reason == f"no such file: {tmp_path / 'nowhere' / 'index.html'}"
