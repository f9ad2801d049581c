"""Another process holding the database's write lock: at the start of a crawl, in its
middle for a while, in its middle for good.  A real second process (``python -c``)
takes ``BEGIN EXCLUSIVE`` on the crawl's database while a real crawl of the bulk test
portal (each report page delayed, so the crawl has a middle) writes to it.

The crawl waits and tries each batch again; nothing is dropped, and when it finally
gives up it says so and exits non-zero, having reported as stored exactly what is."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govreports.storage import ReportStore
from tests.harness import REPO, command_env, crawl, crawl_command, portal_row, write_registry
from tests.portal_server import PortalServer

REPORTS = 30
# Short waits for tests: a write waits 0.5 s for the lock, then is tried again every
# 0.2 s … 1 s; GIVE_UP is set per test.
LOCK_SETTINGS = {"GOVREPORTS_BATCH_SIZE": "3", "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
                 "GOVREPORTS_DB_BUSY_TIMEOUT": "0.5", "GOVREPORTS_DB_LOCK_BACKOFF_BASE": "0.2",
                 "GOVREPORTS_DB_LOCK_BACKOFF_MAX": "1"}

# Holds the write lock of the database argv[1] for argv[2] seconds, or, when that is
# negative, until its standard input closes.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
seconds = float(sys.argv[2])
if seconds >= 0:
    time.sleep(seconds)
else:
    sys.stdin.read()
conn.execute("COMMIT")
"""


class LockHolder:
    """The second process, holding ``BEGIN EXCLUSIVE`` from when it is started."""

    def __init__(self, db: Path, seconds: float = -1):
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def bulk_server():
    with PortalServer() as server:
        server.bulk_reports = REPORTS
        server.bulk_delay = 0.2
        yield server


def registry(server: PortalServer, tmp_path: Path) -> Path:
    return write_registry(tmp_path / "portals.csv", [portal_row("bulk", "520303", "汇川区", server.url("bulk/index.html"))])


class BackgroundCrawl:
    """``scrapy crawl portal -a region=汇川区`` in the background, its output in files."""

    def __init__(self, tmp_path: Path, registry_file: Path, db: Path, settings: dict[str, str]):
        self.out, self.err = tmp_path / "crawl.out", tmp_path / "crawl.err"
        command = crawl_command("region=汇川区", settings={"PORTALS_FILE": str(registry_file), **settings})
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(command, cwd=REPO, env=command_env(db), stdout=out, stderr=err)

    def wait(self, timeout: float = 150) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the crawl hung:\n" + self.stderr[-3000:]) from None

    @property
    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8")

    @property
    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8")


def stored_reports(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]


def wait_for_reports(db: Path, at_least: int, crawl_: BackgroundCrawl, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if stored_reports(db) >= at_least:
                return
        except sqlite3.OperationalError:  # not created yet
            pass
        assert crawl_.process.poll() is None, "the crawl ended before the test could lock its database"
        assert time.monotonic() < deadline, "the crawl stored nothing"
        time.sleep(0.05)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "] ERROR:" in line]


def summary_counts(stdout: str) -> tuple[str, int, int, int]:
    """(close reason, new, updated, unchanged) from the end-of-crawl summary."""
    found = re.search(r"govreports: crawl (\w+): (\d+) new, (\d+) updated, (\d+) unchanged", stdout)
    assert found, stdout
    return found[1], int(found[2]), int(found[3]), int(found[4])


def test_lock_held_for_a_while_mid_crawl_loses_nothing(bulk_server, tmp_path):
    db = tmp_path / "g.db"
    crawl_ = BackgroundCrawl(tmp_path, registry(bulk_server, tmp_path), db,
                             {**LOCK_SETTINGS, "GOVREPORTS_DB_LOCK_GIVE_UP": "60"})
    wait_for_reports(db, 3, crawl_)
    holder = LockHolder(db, seconds=3)  # longer than the busy timeout, several times over
    try:
        code = crawl_.wait()
    finally:
        holder.release()
    with sqlite3.connect(db) as conn:
        run = conn.execute("SELECT status, reports_new FROM crawl_runs").fetchall()
    assert (code, stored_reports(db), run, summary_counts(crawl_.stdout)[:2]) == (
        0, REPORTS, [("finished", REPORTS)], ("finished", REPORTS)), crawl_.stderr[-3000:]
    assert "is locked by another process; trying again" in crawl_.stderr  # the lock was met
    assert "Traceback" not in crawl_.stderr and not error_lines(crawl_.stderr)


def test_lock_held_for_good_mid_crawl_fails_loudly_and_says_what_it_stored(bulk_server, tmp_path):
    db = tmp_path / "g.db"
    reg = registry(bulk_server, tmp_path)
    crawl_ = BackgroundCrawl(tmp_path, reg, db, {**LOCK_SETTINGS, "GOVREPORTS_DB_LOCK_GIVE_UP": "2"})
    wait_for_reports(db, 3, crawl_)
    holder = LockHolder(db)
    try:
        code = crawl_.wait()
    finally:
        holder.release()
    reason, new, updated, unchanged = summary_counts(crawl_.stdout)
    stored = stored_reports(db)
    assert (code, reason, new + updated + unchanged) == (1, "database_unavailable", stored), crawl_.stderr[-3000:]
    assert 3 <= stored < REPORTS
    assert "Traceback" not in crawl_.stderr
    assert any("locked by another process" in line and "not stored" in line for line in error_lines(crawl_.stderr))

    # Nothing was marked as stored that is not: the next crawl fetches the rest.
    again = crawl("region=汇川区", db=db, settings={"PORTALS_FILE": str(reg)})
    with sqlite3.connect(db) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM crawl_runs ORDER BY started_at")]
    assert (again.returncode, stored_reports(db), statuses) == (0, REPORTS, ["interrupted", "finished"]), \
        again.explain()


def test_database_locked_at_the_start_is_one_error_line_and_a_failing_exit(bulk_server, tmp_path):
    db = tmp_path / "g.db"
    ReportStore(db).close()  # an existing database (WAL mode), as after earlier crawls
    holder = LockHolder(db)
    try:
        crawl_ = BackgroundCrawl(tmp_path, registry(bulk_server, tmp_path), db,
                                 {**LOCK_SETTINGS, "GOVREPORTS_DB_LOCK_GIVE_UP": "1"})
        code = crawl_.wait()
    finally:
        holder.release()
    errors = error_lines(crawl_.stderr)
    assert (code, len(errors), "Traceback" in crawl_.stderr) == (1, 1, False), crawl_.stderr[-3000:]
    assert str(db) in errors[0] and "locked by another process" in errors[0]
    assert stored_reports(db) == 0
