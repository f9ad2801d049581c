"""A province-scale crawl, for real: 300 simulated portals, each on a loopback address
of its own (:mod:`tests.simulated_province`), crawled once with ``scrapy crawl portal
-a region=贵州省``.  Among them portals whose connection is refused, whose host name
does not resolve, behind a 412 firewall that never lifts, slow ones and huge ones
(cut by a small budget).

The crawl must finish, store every report of the reachable portals (read back from
the SQLite file), record the others once each with the reason, never have more than
two requests at once at one host (counted at the server), and log its progress.
"""

from __future__ import annotations

import re

import pytest

from tests.harness import CrawlRun, crawl_portals
from tests.simulated_province import HUGE_REPORTS, ProvinceServer, SimulatedPortal, province_portals

PORTALS = 300
BUDGET = 30  # requests per portal: a huge portal needs far more, any other at most 4


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    portals = province_portals(PORTALS)
    with ProvinceServer(portals) as server:
        run = crawl_portals(tmp_path_factory.mktemp("province"), server.registry_rows(), region="贵州省",
                            allow_network_attempts=True, timeout=600, settings={
                                # a small delay: with none, Scrapy sends a host more at once than allowed
                                "DOWNLOAD_DELAY": "0.01",
                                "GOVREPORTS_PORTAL_MAX_REQUESTS": str(BUDGET),
                                "GOVREPORTS_PROGRESS_INTERVAL": "2",
                            })
        yield portals, server, run


def of_kind(portals: list[SimulatedPortal], *kinds: str) -> list[SimulatedPortal]:
    return [p for p in portals if p.kind in kinds]


def failures(run: CrawlRun, portal: SimulatedPortal) -> list[tuple[str, str, int]]:
    return run.db.rows("SELECT kind, reason, attempts FROM fetch_failures WHERE portal_id = ?", portal.portal_id)


def test_the_simulated_province_has_each_kind_of_portal(province):
    portals, _, _ = province
    counts = {kind: len(of_kind(portals, kind)) for kind in ("refused", "dns", "firewalled", "slow", "huge")}
    assert len(portals) >= 300 and all(n >= 3 for n in counts.values()), counts


def test_the_crawl_finishes_and_looks_up_no_name_but_the_unresolvable_ones(province):
    portals, _, run = province
    assert run.returncode == 0, run.explain()
    assert set(run.network_attempts) == {f"look up {p.host}" for p in of_kind(portals, "dns")}
    assert "Traceback" not in run.stderr


def test_every_report_of_the_reachable_portals_is_stored(province):
    portals, server, run = province
    expected = set().union(*(server.report_urls(p) for p in of_kind(portals, "normal", "slow")))
    stored = run.db.stored_urls()
    assert expected <= stored, run.explain(expected)
    assert not [p for p in of_kind(portals, "normal", "slow") if failures(run, p)]


def test_huge_portals_are_cut_by_their_budget_and_it_is_recorded_once(province):
    portals, server, run = province
    stored = run.db.stored_urls()
    for portal in of_kind(portals, "huge"):
        [(kind, reason, _)] = failures(run, portal)
        assert (kind, reason) == ("portal_budget", f"portal {portal.portal_id}: budget of {BUDGET} requests spent "
                                                   "(GOVREPORTS_PORTAL_MAX_REQUESTS); its other requests are not sent")
        assert server.requests[portal.host] <= BUDGET + 1  # its robots.txt is nobody's budget
        assert 0 < len(server.report_urls(portal) & stored) < HUGE_REPORTS


@pytest.mark.parametrize("kind, why", [("refused", "connection refused"), ("dns", "DNS lookup failed")])
def test_unreachable_portals_are_recorded_once_quickly(province, kind, why):
    portals, server, run = province
    for portal in of_kind(portals, kind):
        [(failure_kind, reason, attempts)] = failures(run, portal)
        # its robots.txt and one quick retry showed it; its list page was not even sent
        assert (failure_kind, attempts <= 2) == ("unreachable", True) and why in reason, reason
        assert server.requests.get(portal.host, 0) == 0


def test_firewalled_portals_are_recorded_as_a_challenge_that_did_not_lift(province):
    portals, server, run = province
    for portal in of_kind(portals, "firewalled"):
        [(kind, reason, _)] = failures(run, portal)
        assert kind == "challenge" and "瑞数 412" in reason, reason
        # robots.txt, the list page, and the list page once more in the browser (if there is one)
        assert server.requests[portal.host] <= 3


def test_the_summary_lists_every_portal_that_could_not_be_reached_with_its_reason(province):
    portals, _, run = province
    start = run.stdout.index("unreachable portals (")
    listed = dict(re.findall(r"^    (sim\d+): (.+)$", run.stdout[start:], re.M))
    unreachable = of_kind(portals, "refused", "dns", "firewalled")
    assert f"unreachable portals ({len(unreachable)}):" in run.stdout
    assert {p.portal_id for p in unreachable} <= set(listed)
    assert all(listed[p.portal_id] == failures(run, p)[0][1] for p in unreachable)
    assert f"portals cut short by their budget ({len(of_kind(portals, 'huge'))}):" in run.stdout


def test_no_host_ever_had_more_than_two_requests_at_once(province):
    portals, server, _ = province
    peaks = server.peak_in_flight
    # a slow portal with two reports asks for both at once: the limit is reached, never passed
    slow_pairs = [p for p in of_kind(portals, "slow") if p.reports == 2]
    assert slow_pairs and max(peaks[p.host] for p in slow_pairs) == 2
    assert max(peaks.values()) == 2, {h: n for h, n in peaks.items() if n > 2}


def test_progress_is_logged_while_crawling_and_each_portal_is_named_when_done(province):
    portals, _, run = province
    progress = re.findall(r"progress: (\d+)/(\d+) portals done, (\d+) running, (\d+) left", run.stderr)
    done = set(re.findall(r"^  done: (sim\d+): ", run.stderr, re.M))
    assert len(progress) >= 3 and progress[-1] == (str(PORTALS), str(PORTALS), "0", "0"), progress
    assert [int(d) for d, *_ in progress] == sorted(int(d) for d, *_ in progress)  # never backwards
    assert done == {p.portal_id for p in portals}
