"""A crawl killed at any moment leaves a consistent database, and the next run
completes the work without duplicates (SIGKILL at several points), and a paused
crawl resumes from its JOBDIR."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.harness import crawl, portal_row, start_crawl as start_harness_crawl, write_registry
from tests.portal_server import PortalServer
from tests.portal_sites import BULK_REPORTS

BATCH = "3"  # small batches: commits happen all through the crawl


def registry(server: PortalServer, path: Path) -> Path:
    return write_registry(path, [portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"),
                                            portal_name="汇川区（部门年报）")])


def start_crawl(reg: Path, db: Path, *extra: str) -> subprocess.Popen:
    return start_harness_crawl("region=汇川区", db=db, extra=extra, settings={
        "PORTALS_FILE": str(reg), "GOVREPORTS_BATCH_SIZE": BATCH, "CONCURRENT_REQUESTS_PER_DOMAIN": "2"})


def report_pages_served(server: PortalServer) -> int:
    return sum(1 for _, path in list(server.requests) if path.startswith("/bulk/t"))


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the crawl did not get that far")
        time.sleep(0.02)


def pause_after_ten_reports(server: PortalServer, reg: Path, db: Path, jobdir: Path) -> None:
    """A crawl with a job directory, paused as Ctrl-C does once ten report pages were served."""
    process = start_crawl(reg, db, "-s", f"JOBDIR={jobdir}")
    try:
        wait_until(lambda: report_pages_served(server) >= 10)
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends: a graceful pause
        process.wait(timeout=120)


def snapshot(db: Path) -> dict:
    """What a database holds, independent of run ids and timestamps."""
    with sqlite3.connect(db) as conn:
        return {
            "reports": sorted(conn.execute("SELECT identity, sha256, version FROM reports")),
            "indicators": sorted(conn.execute(
                "SELECT r.identity, i.key, i.value, i.raw FROM indicators i JOIN reports r USING (report_id)")),
            "urls": sorted(conn.execute("SELECT r.identity, u.url FROM report_urls u JOIN reports r USING (report_id)")),
            "tables": conn.execute("SELECT count(*) FROM report_tables").fetchone()[0],
        }


@pytest.fixture(scope="module")
def bulk_server():
    with PortalServer() as server:
        server.bulk_delay = 0.05
        yield server


@pytest.fixture(scope="module")
def clean(bulk_server, tmp_path_factory):
    """A crawl that is never interrupted: the reference."""
    tmp = tmp_path_factory.mktemp("clean")
    reg = registry(bulk_server, tmp / "portals.csv")
    db = tmp / "clean.db"
    result = crawl("region=汇川区", db=db, settings={"PORTALS_FILE": str(reg), "GOVREPORTS_BATCH_SIZE": BATCH})
    assert result.returncode == 0, result.stderr[-2000:]
    return snapshot(db)


def test_reference_crawl_has_every_bulk_report(clean):
    assert len(clean["reports"]) == BULK_REPORTS


@pytest.mark.parametrize("kill_after", [1, 7, 16, 29])
def test_sigkill_then_rerun_matches_a_clean_crawl(bulk_server, clean, tmp_path, kill_after):
    reg = registry(bulk_server, tmp_path / "portals.csv")
    db = tmp_path / "killed.db"
    bulk_server.reset_log()
    process = start_crawl(reg, db)
    try:
        wait_until(lambda: report_pages_served(bulk_server) >= kill_after)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute(
            "SELECT count(*) FROM indicators WHERE report_id NOT IN (SELECT report_id FROM reports)").fetchone()[0]
        assert orphans == 0
    partial = snapshot(db)
    # Whatever was stored is whole: every stored report has all its indicators.
    assert set(partial["indicators"]) <= set(clean["indicators"])
    for identity, _, _ in partial["reports"]:
        assert [i for i in partial["indicators"] if i[0] == identity] == [i for i in clean["indicators"] if i[0] == identity]

    result = crawl("region=汇川区", db=db, settings={"PORTALS_FILE": str(reg), "GOVREPORTS_BATCH_SIZE": BATCH})
    assert result.returncode == 0, result.stderr[-2000:]
    assert snapshot(db) == clean


def test_killed_run_is_marked_interrupted(bulk_server, tmp_path):
    reg = registry(bulk_server, tmp_path / "portals.csv")
    db = tmp_path / "killed.db"
    bulk_server.reset_log()
    process = start_crawl(reg, db)
    try:
        wait_until(lambda: report_pages_served(bulk_server) >= 5)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    crawl("region=汇川区", db=db, settings={"PORTALS_FILE": str(reg)})
    with sqlite3.connect(db) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY started_at")]
    assert statuses == ["interrupted", "finished"]


def test_paused_crawl_resumes_from_jobdir(bulk_server, clean, tmp_path):
    reg = registry(bulk_server, tmp_path / "portals.csv")
    db = tmp_path / "paused.db"
    jobdir = tmp_path / "job"
    bulk_server.reset_log()
    pause_after_ten_reports(bulk_server, reg, db, jobdir)
    assert (jobdir / "requests.queue").exists()
    served_before = report_pages_served(bulk_server)
    result = crawl("region=汇川区", db=db, settings={"PORTALS_FILE": str(reg), "JOBDIR": str(jobdir)})
    assert result.returncode == 0, result.stderr[-2000:]
    refetched = report_pages_served(bulk_server) - served_before
    assert snapshot(db) == clean and refetched <= BULK_REPORTS - 10 + 2


def list_pages_served(server: PortalServer) -> int:
    return sum(1 for _, path in list(server.requests) if path.startswith("/bulk/index"))


def test_pause_and_resume_marks_no_report_removed(tmp_path):
    """Ctrl-C half-way through a list, then the same command again: the resumed run does
    not read the list pages the paused one read (they are in the job's duplicate filter),
    so it must not take the reports on them for removed."""
    with PortalServer() as server:
        server.bulk_reports, server.bulk_per_page = 100, 10
        server.bulk_delay, server.bulk_list_delay = 0.02, 0.4  # the list pages come slowly
        reg = registry(server, tmp_path / "portals.csv")
        db = tmp_path / "paused.db"
        jobdir = tmp_path / "job"
        pause_after_ten_reports(server, reg, db, jobdir)
        paused_at = list_pages_served(server)
        result = crawl("region=汇川区", db=db, settings={"PORTALS_FILE": str(reg), "JOBDIR": str(jobdir),
                                                       "GOVREPORTS_BATCH_SIZE": BATCH})
        assert result.returncode == 0, result.stderr[-2000:]
        resumed_list_pages = list_pages_served(server) - paused_at
    with sqlite3.connect(db) as conn:
        stored, removed = conn.execute("SELECT count(*), count(removed_at) FROM reports").fetchone()
        statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY started_at")]
    # The pause came half-way through the list: the resumed run read the rest of it.
    assert 0 < paused_at < 10 and resumed_list_pages == 10 - paused_at
    assert (stored, removed, statuses) == (100, 0, ["shutdown", "finished"])
