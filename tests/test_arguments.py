"""Every ``-a`` argument of the portal spider is checked before anything is fetched:
unknown names (with the closest known one), bad dates, flags, numbers, platforms and
start URLs, arguments that do not go together.  The ``scrapy crawl`` command says what
is wrong in one line, exits with status 2, prints no traceback and creates no
database; a registry saved by Excel in GBK is crawled."""

from __future__ import annotations

import pytest

from govreports.arguments import ArgumentError, crawl_arguments
from govreports.spiders.portal import PortalSpider
from tests.harness import REPO, crawl, scrapy_cmd, site_row, write_registry, expected_urls


# --- the checks, in process ------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    ({"region": "demo", "sinse": "2024-01-01"}, "unknown argument -a sinse=…; did you mean -a since=…?"),
    ({"region": "demo", "grace": "5"}, "did you mean -a grace_days=…?"),
    ({"region": "demo", "colour": "red"}, "unknown argument -a colour=…; the portal spider takes region, start_url"),
    ({"region": "demo", "since": "notadate"}, "since must be a date YYYY-MM-DD, not 'notadate'"),
    ({"region": "demo", "until": "2024-13-45"}, "until must be a date YYYY-MM-DD"),
    ({"region": "demo", "since": "2024-06-01", "until": "2024-01-01"}, "since (2024-06-01) is after until (2024-01-01)"),
    ({"region": "demo", "full": "maybe"}, "full must be 1 or 0"),
    ({"region": "demo", "grace_days": "-3"}, "grace_days must be a whole number of days"),
    ({"region": "demo", "platform": "trs"}, "-a platform= only applies with -a start_url="),
    ({"region": "demo", "render_js": "1"}, "-a render_js= only applies with -a start_url="),
    ({"start_url": "http://www.zyhhg.gov.cn/", "platform": "wordpress"}, "platform 'wordpress' is not one of"),
    ({"start_url": "notaurl"}, "start_url must be an http:// or https:// address, not 'notaurl'"),
    ({"start_url": "ftp://ftp.zyhhg.gov.cn/nb/"}, "not ftp:"),
    ({"start_url": "file:///etc/passwd"}, "not file:"),
    ({"start_url": "http:///nb/"}, "without a host"),
    ({"region": " "}, "region is empty"),
    ({}, "say which portals to crawl"),
])
def test_bad_arguments_are_refused_with_a_clear_message(args, message):
    with pytest.raises(ArgumentError) as error:
        crawl_arguments(args)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_good_arguments_are_read():
    args = crawl_arguments({"start_url": "https://www.pingtan.gov.cn/nb/", "platform": "TRS", "render_js": "yes",
                            "since": "2024年1月1日", "full": "1", "_job": "abc"})
    assert (args.start_url, args.platform, args.render_js, str(args.policy.since), args.policy.full) == (
        "https://www.pingtan.gov.cn/nb/", "trs", True, "2024-01-01", True)


def test_the_spider_refuses_what_the_command_refuses(tmp_path):
    with pytest.raises(ArgumentError, match="did you mean -a since="):
        PortalSpider(region="demo", sinse="2024-01-01")


def test_the_spider_passes_scrapyd_arguments_on():
    assert PortalSpider(region="demo", _job="7f3a")._job == "7f3a"


def test_without_region_or_start_url_the_spider_reads_single_pages_and_records_nothing():
    from govreports.ledger import ledger_of

    spider = PortalSpider()
    assert (spider.records_crawl, ledger_of(spider)) == (False, None)


# --- the command --------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["region=demo", "sinse=2024-01-01"], "did you mean -a since=…?"),
    (["region=demo", "since=notadate"], "since must be a date YYYY-MM-DD, not 'notadate'"),
    (["start_url=notaurl"], "start_url must be an http:// or https:// address"),
    (["start_url=ftp://ftp.zyhhg.gov.cn/nb/"], "not ftp:"),
    (["start_url=file:///etc/passwd"], "not file:"),
    (["region=demo", "full=maybe"], "full must be 1 or 0"),
    (["region=demo", "platform=trs"], "-a platform= only applies with -a start_url="),
    (["start_url=http://127.0.0.1:9/nb/", "platform=wordpress"], "platform 'wordpress' is not one of"),
    (["region=红花港区"], "红花岗区 (520302"),
])
def test_crawl_stops_before_anything_with_one_line_and_status_2(tmp_path, args, message):
    db = tmp_path / "never.db"
    result = scrapy_cmd("crawl", "portal", *[a for arg in args for a in ("-a", arg)], db=db, timeout=60)
    lines = result.stderr.strip().splitlines()
    assert (result.returncode, len(lines), message in result.stderr, db.exists()) == (2, 1, True, False), result.stderr


def test_registry_url_without_scheme_stops_the_crawl(tmp_path):
    registry = write_registry(tmp_path / "portals.csv", [{
        "region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区人民政府",
        "home_url": "www.zyhhg.gov.cn/", "platform": "auto", "render_js": "0"}])
    result = scrapy_cmd("crawl", "portal", "-a", "region=红花岗区", db=tmp_path / "never.db",
                        settings={"PORTALS_FILE": str(registry)}, timeout=60)
    assert (result.returncode, len(result.stderr.strip().splitlines())) == (2, 1), result.stderr
    assert "line 2: home_url 'www.zyhhg.gov.cn/' has no scheme" in result.stderr


def test_region_all_without_a_web_portal_stops_the_crawl(tmp_path):
    (tmp_path / "site").mkdir()
    registry = write_registry(tmp_path / "portals.csv", [{
        "region_code": "demo", "region_name": "demo", "portal_name": "示范", "home_url": "local:site/index.html",
        "platform": "trs", "render_js": "0", "portal_id": "demo"}])
    result = scrapy_cmd("crawl", "portal", "-a", "region=all", db=tmp_path / "never.db",
                        settings={"PORTALS_FILE": str(registry)}, timeout=60)
    assert (result.returncode, len(result.stderr.strip().splitlines())) == (2, 1), result.stderr
    assert "cannot crawl region 'all': the registry has no portal on the web" in result.stderr


def test_registry_saved_in_gbk_is_crawled(portal_server, tmp_path):
    registry = write_registry(tmp_path / "portals.csv", [site_row(portal_server, "guizhou_hhg")])
    registry.write_bytes(registry.read_text(encoding="utf-8").encode("gbk"))
    run = crawl("region=红花岗区", db=tmp_path / "gbk.db", settings={"PORTALS_FILE": str(registry)})
    expected = expected_urls(portal_server, "guizhou_hhg")
    assert (run.returncode, run.db.stored_urls()) == (0, expected), run.explain(expected)


def test_the_shipped_registry_needs_no_change_to_crawl_the_demo():
    assert "local:demo/index.html" in (REPO / "data" / "portals.csv").read_text(encoding="utf-8")
