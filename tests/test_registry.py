"""The portal registry file and region → portal selection."""

from pathlib import Path

import pytest

from govreports.regions import AmbiguousRegion, RegionNotFound
from govreports.registry import (
    NoPortalsError,
    RegistryError,
    load_portals,
    select_portals,
)
from tests.harness import write_registry

REPO = Path(__file__).resolve().parent.parent


def rows():
    return [
        {"region_code": "520302", "region_name": "红花岗区", "portal_name": "红花岗区人民政府",
         "home_url": "http://www.zyhhg.gov.cn/", "platform": "auto", "render_js": "0"},
        {"region_code": "520303", "region_name": "汇川区", "portal_name": "汇川区人民政府",
         "home_url": "http://www.zyhc.gov.cn/", "list_urls": "http://www.zyhc.gov.cn/a/ http://www.zyhc.gov.cn/b/",
         "platform": "trs", "render_js": "0"},
        {"region_code": "330803", "region_name": "衢江区", "portal_name": "衢江区人民政府",
         "home_url": "http://www.qjq.gov.cn/", "platform": "hanweb", "render_js": "1"},
    ]


@pytest.fixture
def registry(tmp_path):
    return load_portals(write_registry(tmp_path / "portals.csv", rows()))


def test_shipped_registry_loads():
    portals = load_portals(REPO / "data" / "portals.csv")
    assert {p.region_code for p in portals} >= {"demo", "520302", "330803", "320800", "350128"}


def test_shipped_registry_has_pingtan_trs_column():
    pingtan = [p for p in load_portals(REPO / "data" / "portals.csv") if p.region_code == "350128"][0]
    assert pingtan.list_urls == ("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/",)
    assert pingtan.platform == "trs"


def test_relative_urls_resolve_to_local_files():
    demo = [p for p in load_portals(REPO / "data" / "portals.csv") if p.is_demo][0]
    assert demo.list_urls[0].startswith("file://")
    assert demo.list_urls[0].endswith("/data/demo/zwgk/xxgknb/index.html")


def test_list_urls_split_on_spaces(registry):
    assert registry[1].list_urls == ("http://www.zyhc.gov.cn/a/", "http://www.zyhc.gov.cn/b/")


def test_render_js_flag(registry):
    assert [p.render_js for p in registry] == [False, False, True]


def test_default_portal_id(registry):
    assert registry[0].portal_id == "520302:www.zyhhg.gov.cn"


@pytest.mark.parametrize("query", ["红花岗区", "红花岗", "520302"])
def test_select_county(registry, query):
    assert [p.region_code for p in select_portals(query, registry)] == ["520302"]


@pytest.mark.parametrize("query", ["贵州省", "贵州", "52", "520000", "遵义市", "5203"])
def test_select_province_or_city_expands(registry, query):
    assert sorted(p.region_code for p in select_portals(query, registry)) == ["520302", "520303"]


def test_select_by_portal_name(registry):
    assert [p.region_code for p in select_portals("衢江区人民政府", registry)] == ["330803"]


def test_select_unknown_region_lists_near_matches(registry):
    with pytest.raises(RegionNotFound, match="红花岗区"):
        select_portals("红花港区", registry)


def test_select_ambiguous_region(registry):
    with pytest.raises(AmbiguousRegion, match="220104"):
        select_portals("朝阳区", registry)


def test_select_region_without_portal(registry):
    with pytest.raises(NoPortalsError, match="150203"):
        select_portals("昆都仑区", registry)


def test_bad_platform_is_rejected(tmp_path):
    bad = rows()[:1]
    bad[0]["platform"] = "wordpress"
    with pytest.raises(RegistryError, match="line 2: platform 'wordpress'"):
        load_portals(write_registry(tmp_path / "p.csv", bad))


def test_robots_override_needs_a_reason(tmp_path):
    bad = rows()[:1]
    bad[0]["obey_robots"] = "0"
    with pytest.raises(RegistryError, match="robots_note"):
        load_portals(write_registry(tmp_path / "p.csv", bad))


def test_duplicate_portal_ids_are_rejected(tmp_path):
    twice = rows()[:1] * 2
    with pytest.raises(RegistryError, match="share portal_id"):
        load_portals(write_registry(tmp_path / "p.csv", twice))


def test_missing_column_is_reported(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("region_code,region_name\n520302,红花岗区\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="missing column"):
        load_portals(path)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(RegistryError, match="not found"):
        load_portals(tmp_path / "nope.csv")


def test_render_js_auto_means_detect(tmp_path):
    row = rows()[:1]
    row[0]["render_js"] = "auto"
    assert load_portals(write_registry(tmp_path / "p.csv", row))[0].render_js is False
