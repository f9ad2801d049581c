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


def test_local_urls_resolve_to_local_files():
    demo = [p for p in load_portals(REPO / "data" / "portals.csv") if p.is_demo][0]
    assert demo.list_urls[0].startswith("file://")
    assert demo.list_urls[0].endswith("/data/demo/zwgk/xxgknb/index.html")
    assert (demo.is_local, demo.local_root) == (True, str((REPO / "data" / "demo").resolve()))


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


# --- URLs: http(s) addresses, or local: files in a folder of their own -----------------------------
def one_row(tmp_path, **values):
    row = {**rows()[0], **values}
    return load_portals(write_registry(tmp_path / "p.csv", [row]))


@pytest.mark.parametrize("value, hint", [
    ("www.zyhhg.gov.cn/", "did you mean 'https://www.zyhhg.gov.cn/'"),
    ("www.zyhhg.gov.cn:8080/zwgk/", "did you mean 'https://www.zyhhg.gov.cn:8080/zwgk/'"),
    ("demo/index.html", "did you mean 'local:demo/index.html'"),
])
def test_url_without_scheme_is_an_error_not_a_local_path(tmp_path, value, hint):
    with pytest.raises(RegistryError, match=f"line 2: home_url '{value}' has no scheme") as error:
        one_row(tmp_path, home_url=value)
    assert hint in str(error.value)


@pytest.mark.parametrize("value, message", [
    ("ftp://ftp.zyhhg.gov.cn/", "only http:// and https:// addresses are crawled"),
    ("file:///etc/", "only http:// and https:// addresses are crawled"),
    ("data:text/html,x", "only http:// and https:// addresses are crawled"),
    ("http:///zwgk/", "has no host"),
])
def test_url_of_another_scheme_is_an_error(tmp_path, value, message):
    with pytest.raises(RegistryError, match=f"line 2: list_urls '{value}'.*{message}"):
        one_row(tmp_path, list_urls=value)


def test_local_portal_reads_its_own_folder(tmp_path):
    [portal] = one_row(tmp_path, home_url="local:site/index.html", list_urls="local:site/zwgk/nb/index.html")
    assert (portal.home_url, portal.list_urls, portal.local_root, portal.portal_id) == (
        (tmp_path / "site" / "index.html").as_uri(), ((tmp_path / "site/zwgk/nb/index.html").as_uri(),),
        str(tmp_path / "site"), "520302:local")


@pytest.mark.parametrize("home_url", ["local:index.html", "local:../elsewhere/index.html", "local:/etc/index.html"])
def test_local_pages_must_lie_in_a_folder_of_their_own_below_the_registry(tmp_path, home_url):
    with pytest.raises(RegistryError, match="line 2: local: pages must lie in a folder of their own"):
        one_row(tmp_path, home_url=home_url)


def test_a_portal_is_local_or_on_the_web_not_both(tmp_path):
    with pytest.raises(RegistryError, match="either all local: paths or all web addresses"):
        one_row(tmp_path, home_url="local:site/index.html", list_urls="http://www.zyhhg.gov.cn/nb/")


# --- encodings: what Excel saves --------------------------------------------------------------------
def registry_bytes(encoding: str) -> bytes:
    header = "region_code,region_name,portal_name,home_url,list_urls,platform,render_js\n"
    body = "520302,红花岗区,遵义市红花岗区人民政府,http://www.zyhhg.gov.cn/,,auto,0\n"
    return (header + body).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_registry_saved_by_excel_is_read(tmp_path, encoding):
    path = tmp_path / "p.csv"
    path.write_bytes(registry_bytes(encoding))
    [portal] = load_portals(path)
    assert (portal.region_code, portal.region_name, portal.portal_name) == ("520302", "红花岗区", "遵义市红花岗区人民政府")


def test_registry_in_another_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(registry_bytes("utf-16"))
    with pytest.raises(RegistryError, match="cannot read it as UTF-8 or GB18030"):
        load_portals(path)


def test_misspelt_column_is_named(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(registry_bytes("utf-8").decode().replace("list_urls", "list_url"), encoding="utf-8")
    with pytest.raises(RegistryError, match="missing column.*list_urls \\(is 'list_url' meant\\?\\)"):
        load_portals(path)


# --- selection over a national registry: regions, all, bodies ----------------------------------------
def national_rows():
    """A province's, a city's and two counties' governments, a body's column, two 朝阳区
    of different provinces, and a portal kept as files."""
    def row(code, name, host, **more):
        return {"region_code": code, "region_name": name, "portal_name": f"{name}人民政府",
                "home_url": f"http://{host}/", "platform": "auto", "render_js": "0", **more}
    return [
        row("520000", "贵州省", "www.guizhou.gov.cn", level="province"),
        row("520300", "遵义市", "www.zunyi.gov.cn", level="city"),
        row("520302", "红花岗区", "www.zyhhg.gov.cn", level="county"),
        row("520302", "红花岗区", "www.zyhhg.gov.cn", level="department", body="老蒲场街道", portal_name="老蒲场街道",
            portal_id="520302:www.zyhhg.gov.cn:老蒲场街道", list_urls="http://www.zyhhg.gov.cn/lpc/nb/"),
        row("520303", "汇川区", "www.zyhc.gov.cn", level="county"),
        row("110105", "朝阳区", "www.bjchy.gov.cn", level="county"),
        row("220104", "朝阳区", "www.cccy.gov.cn", level="county"),
        {"region_code": "demo", "region_name": "demo", "portal_name": "示范", "home_url": "local:demo/index.html",
         "platform": "trs", "render_js": "0", "portal_id": "demo"},
    ]


@pytest.fixture
def national(tmp_path):
    (tmp_path / "demo").mkdir()
    return load_portals(write_registry(tmp_path / "portals.csv", national_rows()))


def test_a_province_named_like_its_own_row_selects_everything_under_it(national):
    """贵州省 is the region_name of the province's own row, and still means the province."""
    assert [p.portal_id for p in select_portals("贵州省", national)] == [
        "520000:www.guizhou.gov.cn", "520300:www.zunyi.gov.cn", "520302:www.zyhhg.gov.cn",
        "520302:www.zyhhg.gov.cn:老蒲场街道", "520303:www.zyhc.gov.cn"]


def test_a_county_takes_in_its_bodies_and_a_portal_id_only_itself(national):
    assert len(select_portals("红花岗区", national)) == 2
    assert [p.body for p in select_portals("520302:www.zyhhg.gov.cn:老蒲场街道", national)] == ["老蒲场街道"]
    assert [p.body for p in select_portals("老蒲场街道", national)] == ["老蒲场街道"]


def test_all_selects_every_portal_on_the_web_but_not_the_demo(national):
    selected = select_portals("all", national)
    assert (len(selected), any(p.is_local for p in selected)) == (len(national) - 1, False)
    assert [p.portal_id for p in select_portals("demo", national)] == ["demo"]


def test_all_without_web_portals_is_an_error(national):
    with pytest.raises(NoPortalsError, match="no portal on the web"):
        select_portals("all", [p for p in national if p.is_local])


def test_an_ambiguous_region_stays_ambiguous_when_rows_carry_its_name(national):
    with pytest.raises(AmbiguousRegion, match="110105"):
        select_portals("朝阳区", national)
