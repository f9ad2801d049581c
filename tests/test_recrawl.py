"""Incremental recrawls against a portal that changes between crawls, and faults.

``tests/sites/evolving/MANIFEST.json`` says what changes from v1 to v2: one new report,
one revised in place, one removed (unlisted and 404).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import REPO, crawl, scrapy_cmd, write_registry
from tests.portal_server import FAULT_LIST_ITEMS, PortalServer

EVOLVING = json.loads((REPO / "tests" / "sites" / "evolving" / "MANIFEST.json").read_text(encoding="utf-8"))
LIST = EVOLVING["list"]


def registry(server: PortalServer, tmp_path: Path) -> Path:
    return write_registry(tmp_path / "portals.csv", [{
        "region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区（变化中的门户）",
        "home_url": server.url("evolving/index.html"), "list_urls": server.url(f"evolving/{LIST}"),
        "platform": "trs", "render_js": "0", "portal_id": "evolving",
    }])


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def url_of(server: PortalServer, path: str) -> str:
    return server.url(f"evolving/{path}")


@pytest.fixture
def evolving(tmp_path):
    """A fresh server on v1 and a database holding a first crawl of it."""
    server = PortalServer().start()
    server.evolving_version = "v1"
    reg = registry(server, tmp_path)
    db = tmp_path / "g.db"
    first = crawl("region=红花岗区", db=db, settings={"PORTALS_FILE": str(reg)})
    assert first.returncode == 0, first.stderr[-2000:]
    yield server, reg, db, first
    server.stop()


def recrawl(server, reg, db, *args):
    server.reset_log()
    return crawl("region=红花岗区", *args, db=db, settings={"PORTALS_FILE": str(reg)})


def report_row(db, server, path, column):
    found = rows(db, f"SELECT r.{column} FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                 url_of(server, path))
    return found[0][0] if found else None


def test_first_crawl_stores_v1(evolving):
    server, _, db, _ = evolving
    stored = {r[0] for r in rows(db, "SELECT url FROM report_urls")}
    assert stored == {url_of(server, p) for p in EVOLVING["v1"]["reports"]}


def test_unchanged_recrawl_fetches_only_the_list(evolving):
    server, reg, db, _ = evolving
    recrawl(server, reg, db)
    assert [path for _, path in server.requests if path != "/robots.txt"] == [f"/evolving/{LIST}"]


def test_unchanged_recrawl_keeps_rows(evolving):
    server, reg, db, _ = evolving
    before = rows(db, "SELECT report_id, sha256, version FROM reports ORDER BY 1")
    recrawl(server, reg, db)
    assert rows(db, "SELECT report_id, sha256, version FROM reports ORDER BY 1") == before


def test_revalidation_uses_conditional_requests(evolving):
    server, reg, db, _ = evolving
    result = recrawl(server, reg, db, "revalidate_days=0")
    assert f"{len(EVOLVING['v1']['reports'])} not modified" in result.stdout


def test_full_recrawl_refetches_everything(evolving):
    server, reg, db, _ = evolving
    recrawl(server, reg, db, "full=1")
    fetched = {path for _, path in server.requests}
    assert {f"/evolving/{p}" for p in EVOLVING["v1"]["reports"]} <= fetched


@pytest.fixture(scope="module")
def after_v2(tmp_path_factory):
    """A first crawl of v1, then the portal changes to v2 and is recrawled
    (revalidating every known page); shared by the assertions below."""
    tmp = tmp_path_factory.mktemp("v2")
    server = PortalServer().start()
    reg = registry(server, tmp)
    db = tmp / "g.db"
    first = crawl("region=红花岗区", db=db, settings={"PORTALS_FILE": str(reg)})
    assert first.returncode == 0, first.stderr[-2000:]
    server.evolving_version = "v2"
    result = recrawl(server, reg, db, "revalidate_days=0")
    assert result.returncode == 0, result.stderr[-2000:]
    yield server, db, result
    server.stop()


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
    server, reg, _, _ = evolving
    server.evolving_version = "v2"
    db = tmp_path / "window.db"
    crawl("region=红花岗区", "since=2024-01-01", "until=2024-12-31", db=db, settings={"PORTALS_FILE": str(reg)})
    assert {r[0] for r in rows(db, "SELECT report_year FROM reports")} == {2023}


# --- faults ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    server = PortalServer().start()
    server.slow_seconds = 4
    tmp = tmp_path_factory.mktemp("faults")
    reg = write_registry(tmp / "portals.csv", [{
        "region_code": "520303", "region_name": "汇川区", "portal_name": "汇川区（故障门户）",
        "home_url": server.url("faults/index.html"), "list_urls": server.url("faults/index.html"),
        "platform": "trs", "render_js": "0", "portal_id": "faults",
    }])
    db = tmp / "f.db"
    result = crawl("region=汇川区", db=db, settings={
        "PORTALS_FILE": str(reg), "DOWNLOAD_TIMEOUT": "2", "DOWNLOAD_MAXSIZE": str(1024 * 1024),
        "RETRY_TIMES": "3", "DOWNLOAD_WARNSIZE": "0"})
    server.stop()
    return server, db, result


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
