"""The one way integration tests run a crawl and read its database back.

A test describes the portals to crawl as registry rows (:func:`site_row` for the
hand-written test sites, :func:`portal_row` for the generated ones), runs the real
``scrapy crawl portal`` command on them (:func:`crawl_portals`, or :func:`crawl` for
``-a start_url=``), and reads the SQLite file the crawl wrote (:class:`Database`).
The sites are served by the one local server of :mod:`tests.portal_server`.

Every command runs through :mod:`tests.offline`: a connection anywhere but 127.0.0.1
fails the crawl's test, naming where it went.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from govreports.identity import canonical_url
from govreports.registry import COLUMNS
from tests.offline import NETWORK_LOG_ENV

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Delays off for tests (the defaults stay polite); everything else as users run it.
# Only crawls of the test server on 127.0.0.1 may go without delay (govreports.politeness).
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "GOVREPORTS_RETRY_BACKOFF_BASE": "0",
    "GOVREPORTS_ALLOW_IMPOLITE_TESTING": "1",
}
# 创宇盾 lifts after a while: tests wait 1 s (growing per try) instead of the default 90 s.
CHALLENGE_SETTINGS = {"GOVREPORTS_CHALLENGE_BACKOFF": "1"}


# --- the test sites ---------------------------------------------------------------------
def _load_sites() -> dict[str, dict]:
    """Every hand-written test site, from both manifests, in one shape: region code and
    name, home page and list pages (paths in the site), platform, render_js, and the
    reports and look-alikes as written down."""
    sites = {}
    zunyi = json.loads((REPO / "tests" / "sites" / "MANIFEST.json").read_text(encoding="utf-8"))
    for name, site in zunyi["sites"].items():
        lists = [page["path"] for page in site["list_pages"] if page["page_index"] == 0]
        lists += [column["path"] for column in site.get("other_columns", [])]
        sites[name] = {**site, "home_url": site["entry"], "list_urls": lists, "platform": "auto",
                       "render_js": "0"}
    portals = json.loads((REPO / "tests" / "sites" / "PORTALS_MANIFEST.json").read_text(encoding="utf-8"))
    sites.update(portals["portals"])
    return sites


SITES = _load_sites()


def site_row(server, name: str, *, platform: str | None = None, render_js: str | None = None,
             home_only: bool = False) -> dict[str, str]:
    """The registry row of test site ``name`` as served by ``server``; ``home_only``
    leaves out its list URLs (the crawl must discover them)."""
    site = SITES[name]
    return {
        "region_code": site["region_code"],
        "region_name": site["name"],
        "portal_name": site["name"],
        "home_url": server.url(f"{name}/{site['home_url']}"),
        "list_urls": "" if home_only else " ".join(server.url(f"{name}/{u}") for u in site["list_urls"]),
        "platform": platform or site["platform"],
        "render_js": render_js if render_js is not None else site["render_js"],
        "portal_id": name,
    }


def portal_row(portal_id: str, region_code: str, region_name: str, list_url: str, *,
               portal_name: str = "", home_url: str = "", platform: str = "trs") -> dict[str, str]:
    """A registry row for a generated portal (one list URL)."""
    return {"region_code": region_code, "region_name": region_name, "portal_name": portal_name or region_name,
            "home_url": home_url or list_url, "list_urls": list_url, "platform": platform, "render_js": "0",
            "portal_id": portal_id}


def expected_urls(server, name: str) -> set[str]:
    """The report URLs written down for test site ``name``."""
    return {canonical_url(server.url(f"{name}/{r['path']}")) for r in SITES[name]["reports"]}


def distractor_urls(server, name: str) -> set[str]:
    """The look-alike URLs written down for test site ``name``."""
    site = SITES[name]
    return {canonical_url(server.url(f"{name}/{d['path']}")) for d in site.get("distractors", site.get("lookalikes", []))}


def write_registry(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


# --- the database a crawl wrote -------------------------------------------------------------
@dataclass(frozen=True)
class Database:
    path: Path

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql, params).fetchall()

    def stored_urls(self) -> set[str]:
        return {row[0] for row in self.rows("SELECT url FROM report_urls")}

    def copy(self, path: Path) -> "Database":
        """A copy of this database at ``path`` (for another crawl over the same start)."""
        with sqlite3.connect(self.path) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        return Database(path)


# --- running the commands ---------------------------------------------------------------------
def scrapy_command(*args: str, settings: dict[str, str] | None = None) -> list[str]:
    """``scrapy <args> -s NAME=value …`` as run by the tests (through :mod:`tests.offline`)."""
    command = [sys.executable, "-m", "tests.offline", *args]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return command


def crawl_command(*spider_args: str, settings: dict[str, str] | None = None) -> list[str]:
    """``scrapy crawl portal -a <arg> …`` with the test settings (delays off)."""
    args = ["crawl", "portal"]
    for arg in spider_args:
        args += ["-a", arg]
    return scrapy_command(*args, settings={**FAST_SETTINGS, **(settings or {})})


def command_env(db: Path | None = None, env: dict[str, str] | None = None) -> dict[str, str]:
    full_env = {**os.environ, "PYTHONWARNINGS": "default", **(env or {})}
    if db is not None:
        full_env["GOVREPORTS_DB"] = str(db)
    return full_env


def scrapy_cmd(*args: str, db: Path | None = None, settings: dict[str, str] | None = None,
               env: dict[str, str] | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run ``scrapy <args>`` in the repository, as a user would (export, a bad crawl …)."""
    return subprocess.run(scrapy_command(*args, settings=settings), cwd=REPO, env=command_env(db, env),
                          capture_output=True, text=True, timeout=timeout)


@dataclass(frozen=True)
class CrawlRun:
    """A finished ``scrapy crawl portal``: its database, its output, where it tried to
    connect beyond 127.0.0.1 (refused)."""

    db: Database
    result: subprocess.CompletedProcess
    network_attempts: tuple[str, ...] = ()
    registry: Path | None = None  # the registry file it crawled (crawl_portals)

    @property
    def returncode(self) -> int:
        return self.result.returncode

    @property
    def stdout(self) -> str:
        return self.result.stdout

    @property
    def stderr(self) -> str:
        return self.result.stderr

    def explain(self, expected: set[str] = frozenset()) -> str:
        """What went wrong, for an assertion message: missed and extra report URLs,
        recorded failures, the crawl's log."""
        try:
            stored = self.db.stored_urls()
            failures = self.db.rows("SELECT url, reason FROM fetch_failures")
        except sqlite3.Error as exc:
            stored, failures = set(), [f"(database unreadable: {exc})"]
        log = [line for line in self.stderr.splitlines()
               if any(w in line for w in ("ERROR", "WARNING", "Traceback", "Error", "giving up"))]
        return (f"\nexit code {self.returncode}"
                f"\nmissed: {sorted(expected - stored)}\nextra: {sorted(stored - expected) if expected else '-'}"
                f"\nfailures: {failures[:15]}\nlog: " + "\n".join(log[-25:])
                + "\nstderr tail: " + self.stderr[-1500:])


def crawl(*spider_args: str, db: Path, settings: dict[str, str] | None = None,
          env: dict[str, str] | None = None, allow_network_attempts: bool = False, timeout: int = 180) -> CrawlRun:
    """Run ``scrapy crawl portal -a <arg> …`` into database ``db``.

    Fails (AssertionError) when the crawl tried to connect beyond 127.0.0.1, unless
    ``allow_network_attempts`` (then :attr:`CrawlRun.network_attempts` says where)."""
    with tempfile.NamedTemporaryFile("r", prefix="govreports-network-", suffix=".log") as log:
        result = subprocess.run(crawl_command(*spider_args, settings=settings), cwd=REPO,
                                env=command_env(db, {**(env or {}), NETWORK_LOG_ENV: log.name}),
                                capture_output=True, text=True, timeout=timeout)
        attempts = tuple(line.strip() for line in log if line.strip())
    if attempts and not allow_network_attempts:
        raise AssertionError(f"the crawl tried to reach beyond 127.0.0.1: {attempts}\n{result.stderr[-2000:]}")
    return CrawlRun(Database(db), result, attempts)


def crawl_portals(tmp_path: Path, rows: list[dict[str, str]], *spider_args: str, region: str,
                  db: Path | None = None, settings: dict[str, str] | None = None,
                  name: str = "portals", allow_network_attempts: bool = False, timeout: int = 180) -> CrawlRun:
    """Crawl ``-a region=<region>`` over a registry of ``rows`` written in ``tmp_path``
    (``allow_network_attempts``, ``timeout`` in seconds: as for :func:`crawl`)."""
    registry = write_registry(tmp_path / f"{name}.csv", rows)
    run = crawl(f"region={region}", *spider_args, db=db or tmp_path / f"{name}.db",
                settings={"PORTALS_FILE": str(registry), **(settings or {})},
                allow_network_attempts=allow_network_attempts, timeout=timeout)
    return replace(run, registry=registry)


def start_crawl(*spider_args: str, db: Path, settings: dict[str, str] | None = None,
                extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """The same crawl as :func:`crawl`, started in the background (to be killed)."""
    return subprocess.Popen([*crawl_command(*spider_args, settings=settings), *extra], cwd=REPO,
                            env=command_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def require_shared(path: Path) -> Path:
    """``path`` under ``../shared``; the test fails (never skips) when it is not there."""
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the project's shared material (spec, samples) from "
                    "../shared beside the repository; CI always has it", pytrace=False)
    return path


def require_tool(found: object, what: str) -> None:
    """Fail (never skip) when a program the test command installs is absent."""
    if not found:
        pytest.fail(f"{what} is not installed: `bash scripts/install.sh --test` installs it "
                    "(scripts/apt-packages.txt)", pytrace=False)
