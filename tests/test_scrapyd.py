"""The project on a real Scrapyd: deployed with scrapyd-deploy, two shard jobs scheduled
against local portals on hosts of their own, then merged.

Scrapyd (``scrapyd`` and ``scrapyd-client`` from requirements-test.txt) runs on
127.0.0.1 on a free port, from a temporary directory with its own configuration; its
jobs run through a runner that refuses any connection beyond this machine (a copy of
:mod:`tests.offline` beside it, not the repository: the jobs run the deployed egg).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from govreports.registry import load_portals
from govreports.sharding import shard_of
from tests.harness import REPO, Database, scrapy_cmd
from tests.offline import NETWORK_LOG_ENV
from tests.shard_portals import REGION, ShardPortals
from tests.test_packaging import copy_project

BIN = Path(sys.executable).parent
SHARDS = 2
# Polite but quick: a delay keeps Scrapy's per-host concurrency (with none it was seen
# sending 9-10 requests at once to one host); the check of govreports.politeness passes.
JOB_SETTINGS = {"DOWNLOAD_DELAY": "0.05", "AUTOTHROTTLE_ENABLED": "0", "GOVREPORTS_RETRY_BACKOFF_BASE": "0"}
RUNNER = """\
# Scrapyd's job runner, unable to reach anything but this machine (see tests/offline.py).
from govreports_test_offline import install_guard

install_guard()
from scrapyd.runner import main

main()
"""


def tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed beside {sys.executable}: `bash scripts/install.sh --test` installs "
                    "it (requirements-test.txt)", pytrace=False)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    """A running Scrapyd: (its URL, its directory, the file its jobs log refused connections to)."""
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\nmax_proc = {SHARDS}\npoll_interval = 0.2\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\nrunner = offline_runner\n",
        encoding="utf-8")
    shutil.copy(REPO / "tests" / "offline.py", home / "govreports_test_offline.py")
    (home / "offline_runner.py").write_text(RUNNER, encoding="utf-8")
    network_log = home / "network.log"
    network_log.touch()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    env[NETWORK_LOG_ENV] = str(network_log)
    with (home / "scrapyd.err").open("w") as errors:
        process = subprocess.Popen([str(tool("scrapyd"))], cwd=home, env=env, stdout=subprocess.DEVNULL,
                                   stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if call(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("scrapyd did not start: " + (home / "scrapyd.err").read_text()[-2000:])
            time.sleep(0.2)
        yield base, home, network_log
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def deployed(scrapyd, tmp_path_factory):
    """The project deployed with scrapyd-deploy from a copy of the repository."""
    base, _, _ = scrapyd
    project = copy_project(tmp_path_factory.mktemp("project"))
    (project / "scrapy.cfg").write_text(
        (REPO / "scrapy.cfg").read_text(encoding="utf-8").replace("http://localhost:6800/", base + "/"),
        encoding="utf-8")
    result = subprocess.run([str(tool("scrapyd-deploy")), "-v", "test1"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0 and '"status": "ok"' in result.stdout, result.stdout + result.stderr[-3000:]
    assert call(base, "listspiders.json?project=govreports")["spiders"] == ["portal"]
    return base


@pytest.fixture(scope="module")
def sharded_run(scrapyd, deployed, tmp_path_factory):
    """Two shard jobs on Scrapyd, waited for, their databases merged."""
    base, home, network_log = scrapyd
    work = tmp_path_factory.mktemp("shards")
    with ShardPortals(shards=SHARDS, per_shard=2, reports=25, delay=0.02) as world:
        registry = world.registry(work / "portals.csv")
        jobs = []
        for k in range(SHARDS):
            # One set of settings for every job: {shard} names each shard's database.
            settings = {**JOB_SETTINGS, "PORTALS_FILE": str(registry),
                        "GOVREPORTS_DB": str(work / "shard-{shard}.db"), "GOVREPORTS_FILES_DIR": str(work / "files")}
            answer = call(base, "schedule.json", [("project", "govreports"), ("spider", "portal"),
                                                  ("region", REGION), ("shard", f"{k}/{SHARDS}"),
                                                  *[("setting", f"{n}={v}") for n, v in settings.items()]])
            assert answer["status"] == "ok", answer
            jobs.append(answer["jobid"])
        deadline = time.monotonic() + 240
        while True:
            listed = call(base, "listjobs.json?project=govreports")
            finished = {job["id"] for job in listed["finished"]}
            if finished >= set(jobs):
                break
            assert time.monotonic() < deadline, f"jobs did not finish: {listed}"
            time.sleep(0.5)
        logs = {job: (home / "logs" / "govreports" / "portal" / f"{job}.log") for job in jobs}
        merged = work / "merged.db"
        merge = scrapy_cmd("merge", str(merged), *(str(work / f"shard-{k}.db") for k in range(SHARDS)))
        yield world, work, merged, merge, logs, registry, network_log.read_text()


def log_tails(logs: dict) -> str:
    return "\n".join(f"--- {job}\n" + (path.read_text()[-3000:] if path.exists() else "(no log)")
                     for job, path in logs.items())


def test_each_shard_job_crawls_only_its_own_hosts(sharded_run):
    world, work, _, _, logs, registry, network = sharded_run
    assert not network, f"jobs tried to reach beyond 127.0.0.1: {network}"
    portals = load_portals(registry)
    for k in range(SHARDS):
        db = Database(work / f"shard-{k}.db")
        assert db.path.exists(), log_tails(logs)
        stored = {row[0] for row in db.rows("SELECT DISTINCT portal_id FROM reports")}
        assert stored == {p.portal_id for p in portals if shard_of(p, SHARDS) == k}, log_tails(logs)
        assert db.rows("SELECT status FROM crawl_runs") == [("finished",)], log_tails(logs)


def test_merged_database_holds_every_report_once(sharded_run):
    world, _, merged, merge, logs, _, _ = sharded_run
    assert merge.returncode == 0, merge.stdout + merge.stderr
    db = Database(merged)
    assert db.stored_urls() == world.report_urls(), log_tails(logs)
    assert db.rows("SELECT count(*), count(DISTINCT identity) FROM reports") == [(len(world.report_urls()),) * 2]
    assert db.rows("SELECT count(*) FROM crawl_runs") == [(SHARDS,)]


def test_no_host_saw_more_than_two_requests_at_once(sharded_run):
    world = sharded_run[0]
    assert all(1 <= busy <= 2 for busy in world.max_busy.values()), world.max_busy
