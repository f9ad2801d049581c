"""Host-sharded crawls (``-a shard=K/S``, govreports.sharding), the per-shard settings,
and the politeness check (govreports.politeness)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings

import govreports.settings

from govreports.arguments import ArgumentError, crawl_arguments
from govreports.politeness import ImpoliteSettings, PolitenessCheck, on_this_machine, politeness_problem
from govreports.registry import portal_from_row
from govreports.sharding import Shard, parse_shard, portals_of_shard, shard_of
from tests.conftest import project_crawler
from tests.harness import (
    REPO, FAST_SETTINGS, SITES, Database, crawl, crawl_portals, expected_urls, portal_row, scrapy_cmd, site_row, start_crawl,
)
from tests.shard_portals import REGION, ShardPortals


def portal(url: str, portal_id: str = "") -> object:
    return portal_from_row(portal_row(portal_id or url, "520302", "红花岗区", url), base_dir=REPO / "data")


# --- the argument and the hash -----------------------------------------------------------------
@pytest.mark.parametrize("value, message", [
    ("1", "shard must be K/S"), ("a/b", "shard must be K/S"), ("-1/2", "shard must be K/S"),
    ("2/2", "numbered 0 to 1"), ("0/0", "at least 1"), ("", "shard must be K/S")])
def test_bad_shards_are_refused(value, message):
    with pytest.raises(ArgumentError, match=message):
        crawl_arguments({"region": "demo", "shard": value})


def test_shard_is_read_and_recorded():
    args = crawl_arguments({"region": "demo", "shard": " 1 / 4 "})
    assert args.shard == Shard(1, 4) and args.as_record()["shard"] == "1/4"
    with pytest.raises(ArgumentError, match="not to -a start_url"):
        crawl_arguments({"start_url": "https://www.pingtan.gov.cn/nb/", "shard": "0/2"})


def test_every_portal_is_in_exactly_one_shard():
    portals = [portal(f"http://www.county{n}.gov.cn/nb/") for n in range(60)]
    shards = [portals_of_shard(portals, parse_shard(f"{k}/4")) for k in range(4)]
    assert sorted(p.portal_id for s in shards for p in s) == sorted(p.portal_id for p in portals)
    assert all(shards)  # 60 sites spread over all four


def test_hosts_of_one_site_share_a_shard():
    """A department's column on its government's site, another sub-domain: one site."""
    gov = portal("http://www.zyhhg.gov.cn/zwgk/nb/")
    assert {shard_of(p, 7) for p in (gov, portal("http://xxgk.zyhhg.gov.cn/bm/czj/"),
                                     portal("https://WWW.ZYHHG.GOV.CN:8080/x/"))} == {shard_of(gov, 7)}


def test_the_hash_is_the_same_in_every_process():
    """Not Python's hash(): another process with another hash seed agrees."""
    urls = [f"http://www.county{n}.gov.cn/" for n in range(20)]
    here = [shard_of(portal(u), 5) for u in urls]
    code = ("import sys; from tests.test_shards import portal; from govreports.sharding import shard_of; "
            f"print([shard_of(portal(u), 5) for u in {urls!r}])")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
        assert out.strip() == str(here)


# --- crawls --------------------------------------------------------------------------------------
def test_a_shard_without_portals_finishes_cleanly(tmp_path):
    with ShardPortals(shards=2, per_shard=1, reports=3) as world:
        registry = world.registry(tmp_path / "portals.csv")
        taken = {shard_of(p, 50) for p in (portal_from_row(r, base_dir=tmp_path) for r in world.rows())}
        empty = next(k for k in range(50) if k not in taken)
        run = crawl(f"region={REGION}", f"shard={empty}/50", db=tmp_path / "g.db",
                    settings={"PORTALS_FILE": str(registry)})
        assert run.returncode == 0, run.explain()
        assert f"shard {empty}/50 holds none of the 2 portals" in run.stderr
        assert run.db.rows("SELECT status, portals FROM crawl_runs") == [("finished", 0)]
        assert sum(len(server.requests) for server in world.servers) == 0


def test_killed_shard_rerun_then_merged_stores_every_report_once(tmp_path):
    """Shard 0 is killed mid-crawl and run again with the same command line (its own
    database, job directory and log through {shard}); shard 1 runs whole; the merge
    holds every report once."""
    settings = {"PORTALS_FILE": "", "GOVREPORTS_DB": str(tmp_path / "shard-{shard}.db"),
                "JOBDIR": str(tmp_path / "job-{shard}"), "LOG_FILE": str(tmp_path / "shard-{shard}.log"),
                "GOVREPORTS_FILES_DIR": str(tmp_path / "files"), "GOVREPORTS_BATCH_SIZE": "3"}
    with ShardPortals(shards=2, per_shard=1, reports=30, delay=0.05) as world:
        settings["PORTALS_FILE"] = str(world.registry(tmp_path / "portals.csv"))
        shard0 = tmp_path / "shard-0.db"
        process = start_crawl(f"region={REGION}", "shard=0/2", db=tmp_path / "unused.db", settings=settings)
        try:
            deadline = time.monotonic() + 60
            while not (shard0.exists() and stored(shard0) >= 6):
                assert time.monotonic() < deadline and process.poll() is None, "shard 0 did not get going"
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        assert stored(shard0) < world.reports
        for k in (0, 1):
            run = crawl(f"region={REGION}", f"shard={k}/2", db=tmp_path / "unused.db", settings=settings)
            assert run.returncode == 0, (tmp_path / f"shard-{k}.log").read_text()[-3000:]
        assert not (tmp_path / "unused.db").exists()
        assert (tmp_path / "shard-1.log").stat().st_size > 0
        merged = tmp_path / "merged.db"
        result = scrapy_cmd("merge", str(merged), str(shard0), str(tmp_path / "shard-1.db"))
        assert result.returncode == 0, result.stderr
        db = Database(merged)
        assert db.stored_urls() == world.report_urls()
        assert db.rows("SELECT count(*), count(DISTINCT identity) FROM reports") == [(2 * world.reports,) * 2]


def stored(db: Path) -> int:
    try:
        return Database(db).rows("SELECT count(*) FROM reports")[0][0]
    except Exception:  # not created yet, or mid-migration
        return 0


# --- politeness ----------------------------------------------------------------------------------
@pytest.mark.parametrize("settings, refused", [
    ({"DOWNLOAD_DELAY": 0}, "DOWNLOAD_DELAY=0 with CONCURRENT_REQUESTS_PER_DOMAIN=2"),
    ({"DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}, None),
    ({"DOWNLOAD_DELAY": 0.5}, None),
    ({"DOWNLOAD_SLOTS": {"www.x.gov.cn": {"delay": 0, "concurrency": 4}}}, "DOWNLOAD_SLOTS['www.x.gov.cn']"),
    ({"DOWNLOAD_SLOTS": {"www.x.gov.cn": {"delay": 0, "concurrency": 1}}}, None),
    ({"DOWNLOAD_SLOTS": {"local-files": {"delay": 0, "concurrency": 8}}}, None),
    ({"DOWNLOAD_DELAY": 0, "GOVREPORTS_ALLOW_IMPOLITE_TESTING": True}, None),
])
def test_politeness_check(settings, refused):
    crawler = SimpleNamespace(settings=project_settings(**settings))
    problem = politeness_problem(crawler.settings)
    if refused is None:
        assert problem is None and PolitenessCheck.from_crawler(crawler)
    else:
        assert refused in problem
        with pytest.raises(ImpoliteSettings, match="at once"):
            PolitenessCheck.from_crawler(crawler)


def project_settings(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule(govreports.settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def test_an_impolite_crawler_is_not_built():
    """However a crawl is started, the extension stops it before anything is fetched."""
    with pytest.raises(ImpoliteSettings):
        project_crawler(DOWNLOAD_DELAY=0, GOVREPORTS_ALLOW_IMPOLITE_TESTING=False)


def test_project_defaults_are_polite_and_remote_control_is_off():
    settings = project_settings()
    assert politeness_problem(settings) is None
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert "RemoteControl" not in str(project_crawler(GOVREPORTS_ALLOW_IMPOLITE_TESTING=False).extensions.middlewares)


TEST_ONLY = {k: v for k, v in FAST_SETTINGS.items() if k != "GOVREPORTS_ALLOW_IMPOLITE_TESTING"}


@pytest.mark.parametrize("target", ["region=红花岗区", "start_url=https://www.zyhhg.gov.cn/zwgk/xxgknb/"])
def test_an_impolite_crawl_stops_before_anything_with_one_line(tmp_path, target):
    result = scrapy_cmd("crawl", "portal", "-a", target, db=tmp_path / "g.db", settings=TEST_ONLY)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "scrapy crawl portal: " + politeness_problem(project_settings(**TEST_ONLY))]
    assert not (tmp_path / "g.db").exists()


@pytest.mark.parametrize("urls, local", [
    (["http://127.0.0.1:8080/", "http://127.10.3.4/nb/"], True),
    (["http://localhost:1234/x", "http://[::1]:80/"], True),
    (["file:///srv/demo/index.html"], True),
    (["http://127.0.0.1/", "https://www.zyhhg.gov.cn/"], False),  # one web portal: not a test
    (["http://127.0.0.1.nip.io/"], False),
    ([], False),
])
def test_crawls_of_this_machine_only_are_tests(urls, local):
    assert on_this_machine(urls) is local
    assert (politeness_problem(project_settings(DOWNLOAD_DELAY=0), urls) is None) is local


def test_a_crawl_of_the_test_server_alone_needs_no_test_setting(portal_server, tmp_path):
    # Harnesses other than ours crawl servers on this machine with no delay: that is allowed,
    # and the crawl runs (the demo, files on this machine, likewise).
    run = crawl_portals(tmp_path, [site_row(portal_server, "trs_multi")], region=SITES["trs_multi"]["region_code"],
                        settings={"GOVREPORTS_ALLOW_IMPOLITE_TESTING": "0"})
    assert run.returncode == 0, run.explain()
    assert run.db.stored_urls() == expected_urls(portal_server, "trs_multi")


def test_shard_settings_without_a_shard_are_refused(tmp_path):
    result = scrapy_cmd("crawl", "portal", "-a", "region=demo", db=tmp_path / "g.db",
                        settings={"GOVREPORTS_DB": str(tmp_path / "shard-{shard}.db")})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"scrapy crawl portal: GOVREPORTS_DB={tmp_path}/shard-{{shard}}.db names a shard, but no -a shard=K/S is given"]
    assert not list(tmp_path.iterdir())
