"""Discovery on home pages in the shapes of the CMS families (:mod:`tests.discovery_sites`):
real crawls from the home page alone, each of which must find the report column within
the discovery budget and store exactly the reports written down for the site."""

from __future__ import annotations

import pytest

from govreports import settings
from govreports.identity import canonical_url
from tests.discovery_sites import (
    DISCOVERY_PORTALS, DISCOVERY_SITES, column_folder, discovery_requests, expected_paths,
)
from tests.harness import crawl_portals
from tests.portal_server import PortalServer

BUDGET = settings.GOVREPORTS_DISCOVERY_BUDGET


@pytest.fixture(scope="module")
def parent_server(portal_server):
    """The parent platform's host (127.0.0.2); the main server's pages link to it."""
    with PortalServer(host="127.0.0.2") as parent:
        portal_server.parent_base = parent.base_url
        yield parent


def home_row(server, name: str) -> dict[str, str]:
    site = DISCOVERY_SITES[name]
    return {"region_code": site.region_code, "region_name": site.region_name, "portal_name": site.region_name,
            "home_url": server.url(f"{name}/index.html"), "list_urls": "", "platform": "auto",
            "render_js": "0", "portal_id": name}


def served(server, parent, name: str) -> set[str]:
    site = DISCOVERY_SITES[name]
    host = parent if site.parent else server
    return {canonical_url(host.url(path)) for path in expected_paths(name)}


def crawl_site(server, parent, tmp_path, name: str, **settings):
    start, parent_start = len(server.requests), len(parent.requests)
    run = crawl_portals(tmp_path, [home_row(server, name)], region=DISCOVERY_SITES[name].region_code,
                        settings=settings)
    requested = server.paths_requested(start) + parent.paths_requested(parent_start)
    return run, requested


@pytest.mark.parametrize("name", DISCOVERY_PORTALS)
def test_discovery_finds_the_column_within_its_budget(portal_server, parent_server, tmp_path, name):
    run, requested = crawl_site(portal_server, parent_server, tmp_path, name)
    spent = discovery_requests(name, requested)
    remembered = {url for (url,) in run.db.rows("SELECT discovered_list_urls FROM portals")}
    assert (run.db.stored_urls(), len(spent) <= BUDGET) == (served(portal_server, parent_server, name), True), \
        f"{len(spent)} discovery requests: {spent}\nremembered: {remembered}\n{run.stderr[-3000:]}"


def test_a_column_at_a_known_path_is_found_by_guessing(portal_server, parent_server, tmp_path):
    """disc_trs links its column from no page: only the TRS family's path shapes reach it,
    the second shape tried."""
    run, requested = crawl_site(portal_server, parent_server, tmp_path, "disc_trs")
    assert discovery_requests("disc_trs", requested) == ["/disc_trs/index.html", "/disc_trs/zwgk/zfxxgknb/"]


def test_hanweb_module_guessed_from_the_credit_code(portal_server, parent_server, tmp_path):
    run, requested = crawl_site(portal_server, parent_server, tmp_path, "disc_hanweb")
    module = [p for p in requested if "xxgkAnnualReport.jsp" in p]
    assert (discovery_requests("disc_hanweb", requested), sorted(module)) == (
        ["/disc_hanweb/index.html"],
        ["/disc_hanweb/module/xxgk/xxgkAnnualReport.jsp?area=11330802002601234X",
         "/disc_hanweb/module/xxgk/xxgkAnnualReport.jsp?area=11330802002601234X&fbtime=2021",
         "/disc_hanweb/module/xxgk/xxgkAnnualReport.jsp?area=11330802002601234X&fbtime=2022"])


def test_parent_platform_walked_only_inside_the_county_folder(portal_server, parent_server, tmp_path):
    start = len(parent_server.requests)
    crawl_site(portal_server, parent_server, tmp_path, "disc_county")
    outside = [p for p in parent_server.paths_requested(start)
               if p != "/robots.txt" and not p.startswith("/disc_city/zfxxgk/jnq/")]
    assert outside == []


@pytest.mark.parametrize("name", ["disc_soft200", "disc_softredirect"])
def test_soft_404_answers_are_not_taken_for_the_column(portal_server, parent_server, tmp_path, name):
    run, _ = crawl_site(portal_server, parent_server, tmp_path, name)
    remembered = run.db.rows("SELECT discovered_list_urls FROM portals WHERE portal_id = ?", name)
    assert [r[0] for r in remembered] == [portal_server.url(column_folder(name).lstrip("/") + "index.html")]
