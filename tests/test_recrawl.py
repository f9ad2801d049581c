"""Incremental recrawls against a portal that changes between crawls, and faults.

``tests/sites/evolving/MANIFEST.json`` says what changes from v1 to v2: one new report,
one revised in place, one removed (unlisted and 404).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.harness import REPO, Database, crawl_portals, portal_row, scrapy_cmd
from tests.portal_server import PortalServer
from tests.portal_sites import FAULT_LIST_ITEMS

EVOLVING = json.loads((REPO / "tests" / "sites" / "evolving" / "MANIFEST.json").read_text(encoding="utf-8"))
LIST = EVOLVING["list"]


def evolving_row(server: PortalServer) -> dict[str, str]:
    return portal_row("evolving", "520302", "红花岗区", server.url(f"evolving/{LIST}"),
                      portal_name="红花岗区（变化中的门户）", home_url=server.url("evolving/index.html"))


def rows(db: Path, sql: str, *params) -> list[tuple]:
    return Database(db).rows(sql, *params)


def url_of(server: PortalServer, path: str) -> str:
    return server.url(f"evolving/{path}")


def crawl_evolving(server: PortalServer, tmp_path: Path, *args: str, db: Path | None = None):
    return crawl_portals(tmp_path, [evolving_row(server)], *args, region="红花岗区", db=db)


@pytest.fixture
def evolving(fresh_server, tmp_path):
    """A fresh server on v1 and a database holding a first crawl of it."""
    fresh_server.evolving_version = "v1"
    first = crawl_evolving(fresh_server, tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    return fresh_server, tmp_path, first.db.path, first


def recrawl(server, tmp_path, db, *args):
    server.reset_log()
    return crawl_evolving(server, tmp_path, *args, db=db)


def report_row(db, server, path, column):
    found = rows(db, f"SELECT r.{column} FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                 url_of(server, path))
    return found[0][0] if found else None


def test_first_crawl_stores_v1(evolving):
    server, _, db, _ = evolving
    stored = {r[0] for r in rows(db, "SELECT url FROM report_urls")}
    assert stored == {url_of(server, p) for p in EVOLVING["v1"]["reports"]}


def test_unchanged_recrawl_fetches_only_the_list(evolving):
    server, tmp, db, _ = evolving
    recrawl(server, tmp, db)
    assert [path for _, path in server.requests if path != "/robots.txt"] == [f"/evolving/{LIST}"]


def test_unchanged_recrawl_keeps_rows(evolving):
    server, tmp, db, _ = evolving
    before = rows(db, "SELECT report_id, sha256, version FROM reports ORDER BY 1")
    recrawl(server, tmp, db)
    assert rows(db, "SELECT report_id, sha256, version FROM reports ORDER BY 1") == before


def test_revalidation_uses_conditional_requests(evolving):
    server, tmp, db, _ = evolving
    result = recrawl(server, tmp, db, "revalidate_days=0")
    assert f"{len(EVOLVING['v1']['reports'])} not modified" in result.stdout


def test_full_recrawl_refetches_everything(evolving):
    server, tmp, db, _ = evolving
    recrawl(server, tmp, db, "full=1")
    fetched = {path for _, path in server.requests}
    assert {f"/evolving/{p}" for p in EVOLVING["v1"]["reports"]} <= fetched


@pytest.fixture(scope="module")
def after_v2(tmp_path_factory):
    """A first crawl of v1, then the portal changes to v2 and is recrawled
    (revalidating every known page); shared by the assertions below."""
    tmp = tmp_path_factory.mktemp("v2")
    with PortalServer() as server:
        first = crawl_evolving(server, tmp)
        assert first.returncode == 0, first.stderr[-2000:]
        server.evolving_version = "v2"
        result = recrawl(server, tmp, first.db.path, "revalidate_days=0")
        assert result.returncode == 0, result.stderr[-2000:]
        yield server, first.db.path, result


def test_new_report_is_stored(after_v2):
    server, db, _ = after_v2
    (path,) = EVOLVING["v2"]["new"]
    assert report_row(db, server, path, "version") == 1


def test_revised_report_becomes_version_2(after_v2):
    server, db, _ = after_v2
    (path,) = EVOLVING["v2"]["revised"]
    assert report_row(db, server, path, "version") == 2


def test_revised_report_keeps_previous_version(after_v2):
    server, db, _ = after_v2
    (path,) = EVOLVING["v2"]["revised"]
    report_id = report_row(db, server, path, "report_id")
    (old,) = rows(db, "SELECT report FROM report_versions WHERE report_id = ? AND version = 1", report_id)
    assert "修订" not in json.loads(old[0])["body_text"]


def test_revised_report_current_text_is_new(after_v2):
    server, db, _ = after_v2
    (path,) = EVOLVING["v2"]["revised"]
    assert "修订" in report_row(db, server, path, "body_text")


def test_revised_report_keeps_previous_indicators(after_v2):
    server, db, _ = after_v2
    (path,) = EVOLVING["v2"]["revised"]
    report_id = report_row(db, server, path, "report_id")
    (old,) = rows(db, "SELECT indicators FROM report_versions WHERE report_id = ?", report_id)
    assert len(json.loads(old[0])) == rows(db, "SELECT count(*) FROM indicators WHERE report_id = ?", report_id)[0][0]


def test_unchanged_report_answered_304(after_v2):
    server, db, result = after_v2
    (path,) = EVOLVING["v2"]["unchanged"]
    assert (report_row(db, server, path, "version"), "1 not modified" in result.stdout) == (1, True)


def test_removed_report_is_marked_not_deleted(after_v2):
    server, db, _ = after_v2
    (path,) = EVOLVING["v2"]["removed"]
    assert report_row(db, server, path, "removed_at") is not None


def test_other_reports_are_not_marked_removed(after_v2):
    server, db, _ = after_v2
    removed = {r[0] for r in rows(db, "SELECT u.url FROM reports r JOIN report_urls u USING (report_id) WHERE r.removed_at IS NOT NULL")}
    assert removed == {url_of(server, p) for p in EVOLVING["v2"]["removed"]}


def test_export_shows_current_versions_and_removal(after_v2, tmp_path):
    server, db, _ = after_v2
    out = tmp_path / "r.jsonl"
    scrapy_cmd("export", "reports", "-o", str(out), db=db)
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["report_year"], r["version"], bool(r["removed_at"])) for r in exported) == [
        (2012, 1, True), (2020, 2, False), (2023, 1, False), (2024, 1, False)]


def test_export_history_adds_previous_versions(after_v2, tmp_path):
    server, db, _ = after_v2
    out = tmp_path / "r.jsonl"
    scrapy_cmd("export", "reports", "-o", str(out), "--history", db=db)
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["report_year"], r["version"]) for r in exported if r["report_year"] == 2020) == [(2020, 1), (2020, 2)]


def test_since_until_window(evolving, tmp_path):
    server, _, _, _ = evolving
    server.evolving_version = "v2"
    run = crawl_evolving(server, tmp_path, "since=2024-01-01", "until=2024-12-31", db=tmp_path / "window.db")
    assert {r[0] for r in run.db.rows("SELECT report_year FROM reports")} == {2023}


# --- faults ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    with PortalServer() as server:
        server.slow_seconds = 4
        row = portal_row("faults", "520303", "汇川区", server.url("faults/index.html"), portal_name="汇川区（故障门户）")
        run = crawl_portals(tmp_path_factory.mktemp("faults"), [row], region="汇川区", settings={
            "DOWNLOAD_TIMEOUT": "2", "DOWNLOAD_MAXSIZE": str(1024 * 1024), "RETRY_TIMES": "3",
            "DOWNLOAD_WARNSIZE": "0"})
    return server, run.db.path, run


def test_faults_do_not_stop_the_crawl(fault_crawl):
    _, _, result = fault_crawl
    assert result.returncode == 0 and "crawl finished" in result.stdout


def test_good_pages_of_a_faulty_portal_are_stored(fault_crawl):
    server, db, _ = fault_crawl
    stored = {r[0] for r in rows(db, "SELECT url FROM report_urls")}
    # wrong-charset.html declares UTF-8 but sends GBK: read right only if decoding detects it.
    assert stored == {server.url("faults/ok.html"), server.url("faults/burst500.html"),
                      server.url("faults/wrong-charset.html")}


EXPECTED_REASONS = {
    "truncated.html": "truncated",
    "always500.html": "HTTP 503",
    "slow.html": "timeout",
    "loop.html": "redirect loop",
    "garbage.html": "not a report",
    "empty.html": "empty page",
    "huge.html": "too large",
    "lookalike.html": "not a report",
}


@pytest.mark.parametrize("name, reason", sorted(EXPECTED_REASONS.items()))
def test_fault_recorded_with_readable_reason(fault_crawl, name, reason):
    server, db, _ = fault_crawl
    found = rows(db, "SELECT reason, portal_id FROM fetch_failures WHERE url = ?", server.url(f"faults/{name}"))
    assert len(found) == 1 and reason in found[0][0] and found[0][1] == "faults"


def test_retried_failure_counts_attempts(fault_crawl):
    server, db, _ = fault_crawl
    assert rows(db, "SELECT attempts FROM fetch_failures WHERE url = ?", server.url("faults/always500.html")) == [(4,)]


def test_every_fault_endpoint_listed_is_accounted_for(fault_crawl):
    server, db, _ = fault_crawl
    accounted = {r[0] for r in rows(db, "SELECT url FROM fetch_failures UNION SELECT url FROM report_urls")}
    assert {server.url(f"faults/{name}") for name, _ in FAULT_LIST_ITEMS} == accounted


def test_export_failures_lists_faults(fault_crawl, tmp_path):
    server, db, _ = fault_crawl
    out = tmp_path / "f.jsonl"
    scrapy_cmd("export", "failures", "-o", str(out), db=db)
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(EXPECTED_REASONS)
