"""``scrapy portals``: the registry listed by region with each portal's crawl status,
checked (govreports.registry_check), and exported."""

import csv
import shlex
import subprocess

import pytest

from govreports.registry import load_portals
from govreports.registry_check import ERROR, WARNING, check_registry
from tests.harness import (REPO, command_env, crawl_portals, portal_row, scrapy_cmd, scrapy_command, site_row,
                           write_registry)


def row(code, name, host, **more):
    return {"region_code": code, "region_name": name, "portal_name": f"{name}人民政府", "home_url": f"http://{host}/",
            "platform": "auto", "render_js": "0", **more}


GOOD = [
    row("520300", "遵义市", "www.zunyi.gov.cn", level="city"),
    row("520302", "红花岗区", "www.zyhhg.gov.cn", level="county"),
    row("520302", "红花岗区", "www.zyhhg.gov.cn", level="department", body="老蒲场街道", portal_name="老蒲场街道",
        portal_id="520302:www.zyhhg.gov.cn:老蒲场街道", list_urls="http://www.zyhhg.gov.cn/lpc/nb/"),
    row("350128", "平潭综合实验区", "www.pingtan.gov.cn"),  # a name region_aliases.csv knows
]


def problems_of(tmp_path, rows):
    _, problems = check_registry(write_registry(tmp_path / "p.csv", rows))
    return [(p.line, p.severity, p.message) for p in problems]


def test_a_good_registry_has_no_problems(tmp_path):
    assert problems_of(tmp_path, GOOD) == []


@pytest.mark.parametrize("bad, message", [
    ({"region_code": "529999"}, "region_code '529999' is no GB/T 2260 code"),
    ({"region_code": "ab"}, "region_code 'ab' is no GB/T 2260 code"),
    ({"region_name": "汇川区"}, "region_name '汇川区' does not name 贵州省遵义市红花岗区 (520302)"),
    ({"level": "city"}, "level 'city', but 贵州省遵义市红花岗区 (520302) is a county"),
    ({"level": "department"}, "level department but no body"),
    ({"home_url": "www.zyhhg.gov.cn/"}, "home_url 'www.zyhhg.gov.cn/' has no scheme"),
    ({"list_urls": "ftp://www.zyhhg.gov.cn/nb/"}, "only http:// and https:// addresses"),
    ({"platform": "wordpress"}, "platform 'wordpress'"),
    ({"obey_robots": "0"}, "robots_note"),
])
def test_each_kind_of_row_error_is_reported_with_its_line(tmp_path, bad, message):
    rows = [*GOOD[:1], {**GOOD[1], **bad}, *GOOD[2:]]
    found = problems_of(tmp_path, rows)
    assert [(line, severity) for line, severity, text in found if message in text] == [(3, ERROR)], found


def test_a_body_row_with_a_government_level_is_an_error(tmp_path):
    rows = [*GOOD[:2], {**GOOD[2], "level": "county"}]
    assert problems_of(tmp_path, rows) == [(4, ERROR, "level 'county': a row with a body (老蒲场街道) has level department")]


def test_duplicate_ids_are_each_reported(tmp_path):
    rows = [*GOOD, {**GOOD[1], "portal_id": "520300:www.zunyi.gov.cn", "region_code": "520303",
                    "region_name": "汇川区", "home_url": "http://www.zyhc.gov.cn/"}]
    assert (6, ERROR, "portal_id '520300:www.zunyi.gov.cn' is also that of line 2") in problems_of(tmp_path, rows)


def test_two_governments_of_one_level_on_one_host_is_an_error(tmp_path):
    rows = [*GOOD, row("520303", "汇川区", "zyhhg.gov.cn")]  # www. or not: the same site
    assert problems_of(tmp_path, rows) == [
        (6, ERROR, "home host zyhhg.gov.cn is also that of line 3 (红花岗区 520302), a county too: one of them is wrong")]


def test_a_county_on_its_citys_platform_is_a_warning(tmp_path):
    rows = [*GOOD, row("520303", "汇川区", "www.zunyi.gov.cn")]
    assert problems_of(tmp_path, rows) == [
        (6, WARNING, "home host zunyi.gov.cn is also that of line 2 (遵义市 520300): on its parent's platform")]


def test_a_shared_host_across_unrelated_regions_of_other_levels_is_a_warning(tmp_path):
    rows = [*GOOD, row("110105", "朝阳区", "www.zunyi.gov.cn")]
    assert [(line, severity) for line, severity, _ in problems_of(tmp_path, rows)] == [(6, WARNING)]


def test_a_body_without_its_own_column_is_a_warning(tmp_path):
    rows = [*GOOD[:2], {**GOOD[2], "list_urls": ""}]
    assert [(line, severity) for line, severity, _ in problems_of(tmp_path, rows)] == [(4, WARNING)]


def test_an_unreadable_registry_is_one_error(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("region_code,region_name\n520302,红花岗区\n", encoding="utf-8")
    assert [str(p) for p in check_registry(path)[1]] == [
        "line 1: error: missing column(s) portal_name, home_url, list_urls, platform, render_js"]


# --- the command ---------------------------------------------------------------------------------
def test_check_passes_on_the_shipped_registry(tmp_path):
    result = scrapy_cmd("portals", "--check", db=tmp_path / "none.db")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "0 errors" in result.stdout.splitlines()[-1]


def test_check_exits_non_zero_printing_each_error_with_its_line(tmp_path):
    registry = write_registry(tmp_path / "bad.csv", [*GOOD, {**GOOD[1], "region_code": "529999"},
                                                     row("520303", "汇川区", "www.zyhhg.gov.cn", platform="nope")])
    result = scrapy_cmd("portals", "--check", settings={"PORTALS_FILE": str(registry)}, db=tmp_path / "none.db")
    assert result.returncode == 1, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": error: " in line] == ["line 6", "line 7"]
    assert "2 errors" in result.stdout.splitlines()[-1]


def government_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if any(f"  {level}  " in line for level in ("province", "city", "county"))]


def test_region_lists_the_98_guizhou_governments_of_the_shipped_registry(tmp_path):
    result = scrapy_cmd("portals", "--region", "贵州省", db=tmp_path / "none.db")
    assert result.returncode == 0, result.stderr
    lines = government_lines(result.stdout)
    assert len(lines) == 98 and all(line.startswith("52") for line in lines)
    assert "98 governments, 2 department/town columns (province 1, city 9, county 88, department 2)" in result.stdout
    assert "nothing crawled yet" in result.stdout and not (tmp_path / "none.db").exists()


def test_region_all_lists_every_web_portal_and_a_closed_pipe_is_no_error(tmp_path):
    web = [p for p in load_portals(REPO / "data" / "portals.csv") if not p.is_local]
    result = scrapy_cmd("portals", "--region", "all", db=tmp_path / "none.db")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines() if line[:6].isdigit()]
    assert listed == [p.portal_id for p in web]
    piped = subprocess.run(f"{shlex.join(scrapy_command('portals', '--region', 'all'))} | head -1", shell=True,
                           cwd=REPO, env=command_env(tmp_path / "none.db"), capture_output=True, text=True, timeout=120)
    assert (piped.stdout.startswith("all: "), piped.stderr) == (True, "")


def test_a_bad_region_is_one_line_and_status_2(tmp_path):
    result = scrapy_cmd("portals", "--region", "红花港区", db=tmp_path / "none.db")
    assert (result.returncode, "红花岗区 (520302" in result.stderr, "Traceback" in result.stderr) == (2, True, False)


@pytest.fixture(scope="module")
def crawled(portal_server, tmp_path_factory):
    """A crawl of one test site by discovery (its column remembered) and of a portal
    whose column is missing (a failure recorded)."""
    tmp = tmp_path_factory.mktemp("portals-status")
    rows = [site_row(portal_server, "guizhou_hhg", home_only=True),
            portal_row("gone", "520303", "汇川区", portal_server.url("no_such_site/zwgk/nb/index.html"))]
    run = crawl_portals(tmp, rows, region="遵义市")
    return run, tmp


def test_region_shows_what_the_database_knows(crawled):
    run, _ = crawled
    result = scrapy_cmd("portals", "--region", "遵义市", settings={"PORTALS_FILE": str(run.registry)}, db=run.db.path)
    assert result.returncode == 0, result.stderr
    [(reports,)] = run.db.rows("SELECT count(*) FROM reports WHERE portal_id = 'guizhou_hhg'")
    [(discovered,)] = run.db.rows("SELECT discovered_list_urls FROM portals WHERE portal_id = 'guizhou_hhg'")
    [(crawled_at,)] = run.db.rows("SELECT updated_at FROM portals WHERE portal_id = 'gone'")
    [(kind,)] = run.db.rows("SELECT kind FROM fetch_failures WHERE portal_id = 'gone' ORDER BY id DESC LIMIT 1")
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.startswith(("guizhou_hhg", "gone"))}
    assert reports > 0 and discovered
    assert lines["guizhou_hhg"][-3:] == ["found", crawled_at[:10], str(reports)]
    assert lines["gone"][-5:] == ["yes", crawled_at[:10], "0", crawled_at[:10], kind]
    assert f"guizhou_hhg: {discovered}" in result.stdout
    assert "report column known for 1, found by discovery for 1; crawled: 2" in result.stdout


def test_export_writes_the_registry_with_its_status(crawled, tmp_path):
    run, _ = crawled
    out = tmp_path / "portals.csv"
    result = scrapy_cmd("portals", "--export", str(out), settings={"PORTALS_FILE": str(run.registry)}, db=run.db.path)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = {r["portal_id"]: r for r in csv.DictReader(f)}
    stored = dict(run.db.rows("SELECT portal_id, count(*) FROM reports GROUP BY portal_id"))
    assert {pid: int(r["reports"]) for pid, r in rows.items()} == {"guizhou_hhg": stored["guizhou_hhg"], "gone": 0}
    [(reason,)] = run.db.rows("SELECT reason FROM fetch_failures WHERE portal_id = 'gone' ORDER BY id DESC LIMIT 1")
    assert (rows["gone"]["last_failure"], rows["gone"]["list_urls"]) == (reason, run_list_url(run, "gone"))
    assert rows["guizhou_hhg"]["discovered_list_urls"]


def run_list_url(run, portal_id):
    with run.registry.open(encoding="utf-8", newline="") as f:
        return next(r["list_urls"] for r in csv.DictReader(f) if r["portal_id"] == portal_id)


def test_export_of_a_region_without_a_database(tmp_path):
    out = tmp_path / "gz.csv"
    result = scrapy_cmd("portals", "--region", "遵义市", "--export", str(out), db=tmp_path / "none.db")
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 15 and {r["region_code"][:4] for r in rows} == {"5203"}
    assert {r["reports"] for r in rows} == {""} and all(r["evidence_url"] for r in rows)
    assert (REPO / "data" / "portals.csv").is_file()


def test_one_column_in_two_rows_is_a_warning(tmp_path):
    rows = [*GOOD, {**GOOD[2], "body": "红花岗区人民政府办公室", "portal_name": "红花岗区人民政府办公室",
                    "portal_id": "520302:www.zyhhg.gov.cn:办公室"}]
    assert problems_of(tmp_path, rows) == [
        (6, WARNING, "list URL http://www.zyhhg.gov.cn/lpc/nb/ is also that of line 4 (老蒲场街道): "
                     "a crawl taking both reads it once, for one of them")]
