"""Merging a registry seed into the portal registry (govreports.registry_seed and
scripts/merge_registry.py): stable ids, hand edits kept, idempotence, the report."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govreports.regions import default_index
from govreports.registry import load_portals
from govreports.registry_seed import (
    DEPARTMENTS_SEED,
    PORTALS_SEED,
    SEED_OWNED,
    SeedError,
    merge,
    merge_registry_file,
    read_registry_rows,
    read_seed,
)
from tests.harness import REPO, SHARED, require_shared, write_registry

SEED_HEADER = ["region_code", "region_name", "level", "portal_name", "home_url", "list_urls", "evidence_url", "source"]
HHG = {"region_code": "520302", "region_name": "红花岗区", "level": "county", "portal_name": "遵义市红花岗区人民政府",
       "home_url": "http://www.zyhhg.gov.cn/", "list_urls": "", "evidence_url": "http://www.zyhhg.gov.cn/",
       "source": "repo:a/b@1"}
HC = {"region_code": "520303", "region_name": "汇川区", "level": "county", "portal_name": "遵义市汇川区人民政府",
      "home_url": "https://www.zyhc.gov.cn/", "list_urls": "https://www.zyhc.gov.cn/zwgk/xxgknb/",
      "evidence_url": "https://www.zyhc.gov.cn/zwgk/xxgknb/202401/t1.html", "source": "web:遵义 年报"}
ZUNYI = {"region_code": "520300", "region_name": "遵义市", "level": "city", "portal_name": "遵义市人民政府",
         "home_url": "https://www.zunyi.gov.cn/", "list_urls": "", "evidence_url": "https://www.zunyi.gov.cn/",
         "source": "repo:a/b@1"}
STATS = {"region_code": "520300", "region_name": "遵义市", "level": "city", "portal_name": "遵义市统计局",
         "home_url": "http://tjj.zunyi.gov.cn/", "list_urls": "http://tjj.zunyi.gov.cn/zfxxgk/zfxxgknb/",
         "evidence_url": "http://tjj.zunyi.gov.cn/zfxxgk/zfxxgknb/2022/t1.html", "source": "web:遵义 统计局",
         "body": "遵义市统计局"}
TOWN = {"region_code": "520302", "region_name": "红花岗区", "level": "county", "portal_name": "老蒲场街道",
        "home_url": "http://www.zyhhg.gov.cn/", "list_urls": "http://www.zyhhg.gov.cn/xxgk/jd/lpc/nb/",
        "evidence_url": "http://www.zyhhg.gov.cn/xxgk/jd/lpc/nb/t1.html", "source": "web:红花岗 街道",
        "body": "老蒲场街道"}


def write_seed(folder: Path, governments: list[dict], bodies: list[dict] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in ((PORTALS_SEED, SEED_HEADER, governments),
                               (DEPARTMENTS_SEED, [*SEED_HEADER, "body"], bodies)):
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def rows_by_id(path: Path) -> dict[str, dict]:
    return {row["portal_id"]: row for row in read_registry_rows(path)[1]}


@pytest.fixture
def seed(tmp_path):
    return write_seed(tmp_path / "seed", [ZUNYI, HHG, HC], [STATS, TOWN])


# --- a new registry ------------------------------------------------------------------------------
def test_seed_rows_become_registry_rows_with_explicit_ids(tmp_path, seed):
    registry = tmp_path / "portals.csv"
    report = merge_registry_file(seed, registry)
    rows = read_registry_rows(registry)[1]
    assert [(r["portal_id"], r["level"], r["body"]) for r in rows] == [
        ("520300:www.zunyi.gov.cn", "city", ""),
        ("520300:tjj.zunyi.gov.cn:遵义市统计局", "department", "遵义市统计局"),
        ("520302:www.zyhhg.gov.cn", "county", ""),
        ("520302:www.zyhhg.gov.cn:老蒲场街道", "department", "老蒲场街道"),
        ("520303:www.zyhc.gov.cn", "county", ""),
    ]
    assert sorted(report.added) == sorted(r["portal_id"] for r in rows)
    hc = rows[-1]
    assert (hc["list_urls"], hc["evidence_url"], hc["source"], hc["platform"], hc["render_js"]) == (
        HC["list_urls"], HC["evidence_url"], HC["source"], "auto", "0")
    assert len(load_portals(registry)) == 5  # the crawl reads what the merge wrote


def test_body_rows_sharing_the_governments_host_get_distinct_ids(tmp_path, seed):
    registry = tmp_path / "portals.csv"
    merge_registry_file(seed, registry)
    hhg = [p for p in load_portals(registry) if p.region_code == "520302"]
    assert [(p.portal_id, p.body) for p in hhg] == [("520302:www.zyhhg.gov.cn", ""),
                                                    ("520302:www.zyhhg.gov.cn:老蒲场街道", "老蒲场街道")]


# --- an existing registry ------------------------------------------------------------------------
def test_merging_twice_changes_nothing(tmp_path, seed):
    registry = tmp_path / "portals.csv"
    merge_registry_file(seed, registry)
    first = registry.read_bytes()
    again = merge_registry_file(seed, registry)
    assert (registry.read_bytes() == first, again.changes_file, again.added, again.changed) == (True, False, [], [])
    assert "nothing changed" in "\n".join(again.lines())


def test_an_existing_row_keeps_its_id_when_the_seed_moves_its_host(tmp_path, seed):
    registry = write_registry(tmp_path / "portals.csv", [
        {"region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区", "home_url": "http://old.zyhhg.gov.cn/",
         "platform": "auto", "render_js": "0"}])
    report = merge_registry_file(seed, registry)
    row = rows_by_id(registry)["520302:old.zyhhg.gov.cn"]
    assert (row["home_url"], row["source"], row["level"]) == (HHG["home_url"], HHG["source"], "county")
    assert ("520302:old.zyhhg.gov.cn", "home_url", "http://old.zyhhg.gov.cn/", HHG["home_url"]) in report.changed
    assert ("520302:old.zyhhg.gov.cn", "portal_id", "", "520302:old.zyhhg.gov.cn") in report.changed
    assert "520302:www.zyhhg.gov.cn" not in report.added  # the same portal, not a second one


def test_a_later_seed_moving_a_host_keeps_the_id_written_before(tmp_path, seed):
    registry = tmp_path / "portals.csv"
    merge_registry_file(seed, registry)
    moved = {**HC, "home_url": "https://www.hc.gov.cn/"}
    merge_registry_file(write_seed(tmp_path / "seed2", [ZUNYI, HHG, moved], [STATS, TOWN]), registry)
    assert rows_by_id(registry)["520303:www.zyhc.gov.cn"]["home_url"] == "https://www.hc.gov.cn/"


def test_hand_edits_of_registry_columns_survive_a_merge(tmp_path, seed):
    registry = tmp_path / "portals.csv"
    merge_registry_file(seed, registry)
    header, rows = read_registry_rows(registry)
    for row in rows:
        if row["portal_id"] == "520303:www.zyhc.gov.cn":
            row.update(list_urls="https://www.zyhc.gov.cn/better/", platform="trs", render_js="1",
                       obey_robots="0", robots_note="robots.txt forbids the column", portal_name="汇川区政府门户")
    rows[0]["notes"] = "a column of my own"
    with registry.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*header, "notes"])
        writer.writeheader()
        writer.writerows(rows)
    report = merge_registry_file(seed, registry)
    hc = rows_by_id(registry)["520303:www.zyhc.gov.cn"]
    assert (hc["list_urls"], hc["platform"], hc["render_js"], hc["obey_robots"], hc["robots_note"], hc["portal_name"]) == (
        "https://www.zyhc.gov.cn/better/", "trs", "1", "0", "robots.txt forbids the column", "汇川区政府门户")
    assert rows_by_id(registry)[rows[0]["portal_id"]]["notes"] == "a column of my own"
    assert ("520303:www.zyhc.gov.cn", "list_urls", "https://www.zyhc.gov.cn/better/", HC["list_urls"]) in report.seed_differs
    assert report.changed == []


def test_seed_fills_empty_registry_columns(tmp_path, seed):
    registry = write_registry(tmp_path / "portals.csv", [
        {"region_code": "520303", "region_name": "", "portal_name": "", "home_url": "https://www.zyhc.gov.cn/",
         "platform": "", "render_js": ""}])
    merge_registry_file(seed, registry)
    hc = rows_by_id(registry)["520303:www.zyhc.gov.cn"]
    assert (hc["region_name"], hc["portal_name"], hc["list_urls"]) == (HC["region_name"], HC["portal_name"],
                                                                       HC["list_urls"])


def test_a_row_kept_by_hand_is_never_changed_and_takes_the_seed_rows_place(tmp_path, seed):
    mine = {"region_code": "520303", "region_name": "汇川区", "portal_name": "汇川区人民政府",
            "home_url": "https://new.zyhc.gov.cn/", "platform": "auto", "render_js": "0", "portal_id": "hc-new",
            "source": "local: the seed's host moved in 2026"}
    registry = write_registry(tmp_path / "portals.csv", [mine])
    report = merge_registry_file(seed, registry)
    rows = rows_by_id(registry)
    assert rows["hc-new"]["home_url"] == "https://new.zyhc.gov.cn/"
    assert [r for r in rows.values() if r["region_code"] == "520303"] == [rows["hc-new"]]
    assert report.kept_local == [("hc-new", ("home_url", "level", "evidence_url"))]


def test_rows_the_seed_does_not_have_are_kept_and_reported(tmp_path, seed):
    other = {"region_code": "520304", "region_name": "播州区", "portal_name": "播州区人民政府",
             "home_url": "http://www.zybz.gov.cn/", "platform": "auto", "render_js": "0"}
    registry = write_registry(tmp_path / "portals.csv", [other])
    report = merge_registry_file(seed, registry)
    assert ("520304:www.zybz.gov.cn" in rows_by_id(registry), report.not_in_seed) == (True, ["520304:www.zybz.gov.cn"])


def test_demo_and_other_non_region_rows_come_first(tmp_path, seed):
    demo = {"region_code": "demo", "region_name": "demo", "portal_name": "示范", "home_url": "local:demo/index.html",
            "platform": "trs", "render_js": "0", "portal_id": "demo", "source": "local"}
    registry = write_registry(tmp_path / "portals.csv", [
        {**HHG, "platform": "auto", "render_js": "0", "portal_id": "520302:www.zyhhg.gov.cn"}, demo])
    report = merge_registry_file(seed, registry)
    assert next(iter(rows_by_id(registry))) == "demo"
    assert report.reordered


def test_dry_run_writes_nothing(tmp_path, seed):
    registry = write_registry(tmp_path / "portals.csv", [])
    before = registry.read_bytes()
    report = merge_registry_file(seed, registry, write=False)
    assert (len(report.added), registry.read_bytes()) == (5, before)


# --- what cannot be merged ---------------------------------------------------------------------
def test_two_registry_rows_for_one_region_and_body_are_refused(tmp_path, seed):
    row = {**HHG, "platform": "auto", "render_js": "0"}
    registry = write_registry(tmp_path / "portals.csv", [{**row, "portal_id": "a"}, {**row, "portal_id": "b"}])
    before = registry.read_bytes()
    with pytest.raises(SeedError, match="2 rows for region 520302 body '' \\(a, b\\)"):
        merge_registry_file(seed, registry)
    assert registry.read_bytes() == before


def test_a_new_rows_id_taken_by_another_row_is_refused(tmp_path, seed):
    squatter = {"region_code": "520304", "region_name": "播州区", "portal_name": "x", "home_url": "http://x.gov.cn/",
                "platform": "auto", "render_js": "0", "portal_id": "520303:www.zyhc.gov.cn"}
    with pytest.raises(SeedError, match="would get portal_id '520303:www.zyhc.gov.cn'"):
        merge([squatter], read_seed(seed))


def test_a_seed_without_its_files_or_columns_is_a_clear_error(tmp_path, seed):
    half = write_seed(tmp_path / "half", [HHG])
    (half / DEPARTMENTS_SEED).unlink()
    with pytest.raises(SeedError, match="departments-seed.csv not found"):
        read_seed(half)
    (seed / PORTALS_SEED).write_text("region_code,home_url\n520302,http://www.zyhhg.gov.cn/\n", encoding="utf-8")
    with pytest.raises(SeedError, match="missing column\\(s\\) region_name"):
        read_seed(seed)


def test_the_script_reports_and_is_idempotent(tmp_path, seed):
    registry = tmp_path / "portals.csv"
    command = [sys.executable, str(REPO / "scripts" / "merge_registry.py"), str(seed), "--registry", str(registry)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=60)
    second = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (first.returncode, "added: 5 portals" in first.stdout) == (0, True), first.stderr
    assert (second.returncode, "nothing changed" in second.stdout) == (0, True), second.stderr
    missing = subprocess.run([*command[:2], str(tmp_path / "nope")], capture_output=True, text=True, timeout=60)
    assert (missing.returncode, "not found" in missing.stderr, "Traceback" in missing.stderr) == (2, True, False)


# --- the shipped registry ------------------------------------------------------------------------
def test_shipped_registry_is_the_shared_seed_merged(tmp_path):
    """Merging ../shared/registry into the shipped registry changes nothing: the file is
    what the script makes of the seed (plus the rows kept by hand)."""
    seed_dir = require_shared(SHARED / "registry")
    copy = tmp_path / "portals.csv"
    shutil.copyfile(REPO / "data" / "portals.csv", copy)
    report = merge_registry_file(seed_dir, copy)
    assert (report.changes_file, copy.read_bytes()) == (False, (REPO / "data" / "portals.csv").read_bytes()), \
        "\n".join(report.lines())
    # Every seed row is there, with the seed's values where the seed owns them, unless kept by hand.
    kept_by_hand = {portal_id for portal_id, _ in report.kept_local}
    by_key = {(r["region_code"], r["body"]): r for r in read_registry_rows(copy)[1]}
    for row in read_seed(seed_dir):
        mine = by_key[(row["region_code"], row["body"])]
        if mine["portal_id"] not in kept_by_hand:
            assert {c: mine[c] for c in SEED_OWNED} == {c: row[c] for c in SEED_OWNED}


def test_shipped_registry_covers_the_country_with_valid_codes():
    regions = default_index()
    portals = load_portals(REPO / "data" / "portals.csv")
    governments = [p for p in portals if not p.body and not p.is_local]
    bodies = [p for p in portals if p.body]
    assert len(governments) >= 3200 and len(bodies) == 70
    for portal in governments:
        region = regions.get(portal.region_code)
        assert region is not None and portal.level == region.level, portal
        assert portal.region_name == region.name or regions.lookup(portal.region_name).code == region.code, portal
        assert portal.evidence_url and portal.source, portal
    assert {p.level for p in bodies} == {"department"}
    assert portals[0].portal_id == "demo"
    assert {p.portal_id for p in portals} >= {"demo", "520302:www.zyhhg.gov.cn", "330803:www.qjq.gov.cn",
                                              "320800:www.huaian.gov.cn", "350128:www.pingtan.gov.cn"}


def test_a_row_kept_by_hand_beside_the_seeds_row_is_one_more_portal(tmp_path, seed):
    second = {"region_code": "520303", "region_name": "汇川区", "portal_name": "汇川区政务公开", "level": "county",
              "home_url": "https://xxgk.zyhc.gov.cn/", "platform": "auto", "render_js": "0",
              "portal_id": "520303:xxgk.zyhc.gov.cn", "source": "local: the disclosure platform"}
    registry = write_registry(tmp_path / "portals.csv", [
        {**HC, "platform": "auto", "render_js": "0", "portal_id": "520303:www.zyhc.gov.cn"}, second])
    report = merge_registry_file(seed, registry)
    rows = rows_by_id(registry)
    assert rows["520303:xxgk.zyhc.gov.cn"]["home_url"] == "https://xxgk.zyhc.gov.cn/"
    assert rows["520303:www.zyhc.gov.cn"]["home_url"] == HC["home_url"]
    assert report.kept_local == [("520303:xxgk.zyhc.gov.cn", ())]
