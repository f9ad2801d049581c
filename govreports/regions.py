"""Resolve user input (name, short name, code, code prefix, former name) to a region.

The data lives in ``data/regions.csv`` (provinces, prefecture-level cities and
county-level units, 6-digit GB/T 2260 style codes) and
``data/region_aliases.csv`` (former names and special zones), read as package
resources (see :mod:`govreports.locations`); see ``data/SOURCES.md``. Everything
here is pure and offline.

    >>> index = default_index()
    >>> index.lookup("红花岗").full_name
    '贵州省遵义市红花岗区'
    >>> index.lookup("5203").name
    '遵义市'
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib.resources.abc import Traversable
from pathlib import Path

from govreports.locations import shipped_data

DEFAULT_REGIONS_PATH = shipped_data() / "regions.csv"
DEFAULT_ALIASES_PATH = shipped_data() / "region_aliases.csv"

LEVELS = ("province", "city", "county")

# Ethnic-group names as they appear inside autonomous-region names, so that
# 黔南布依族苗族自治州 shortens to 黔南 and 新疆维吾尔自治区 to 新疆. 各族 ("all
# groups", as in 龙胜各族自治县) is not a group but is stripped the same way.
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
    "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
    "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各族",
)
# Longest first so 土家族 is stripped whole rather than leaving 土家 → 土.
_ETHNIC_SUFFIX = re.compile(
    "(?:" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")族?$"
)
# Administrative suffixes per level, longest first; only one is stripped. They
# differ by level because a suffix of one level can be an ordinary ending at
# another: 地区 ends city names, but 万柏林区 is 万柏林 + 区, not 万柏 + 林区.
_ADMIN_SUFFIXES = {
    "province": ("自治区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "特区", "新区", "矿区", "区", "县", "市", "旗"),
}
# Irregular short names the suffix rules cannot derive.
_SHORT_NAME_EXCEPTIONS = {"神农架林区": "神农架"}
# A shortened name must keep at least this many characters: 城区 → 城 or 忠县 → 忠
# would match far too much.
_MIN_SHORT_NAME_LENGTH = 2
_CODE_LENGTHS = (2, 4, 6)
# What the name of a province, city or county ends with (自治区/自治州/自治县/地区/林区 too).
_PLACE_NAME_ENDINGS = frozenset("省市区县旗州盟")
# 新疆维吾尔自治区伊犁哈萨克自治州伊宁市 is among the longest qualified names.
_LONGEST_PLACE_PREFIX = 24


@dataclass(frozen=True)
class Region:
    """One province, prefecture-level city or county-level unit.

    ``province_code`` / ``city_code`` name the province / city the region is in
    or is (a province's ``province_code`` is its own code). ``city_code`` is
    empty for provinces and for counties directly under a province (直辖市
    districts, 省直辖县级行政区划 such as 济源市). ``functional_zone`` marks
    statistics-bureau codes for development zones (e.g. 130171), which are not
    administrative divisions. ``full_name`` is filled in by the index, e.g.
    贵州省遵义市红花岗区.
    """

    code: str
    name: str
    level: str
    parent_code: str
    province_code: str
    city_code: str
    functional_zone: bool = False
    full_name: str = ""

    @property
    def prefix(self) -> str:
        """Code digits shared by everything inside: '52', '5203' or '520302'."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)

    def contains(self, code: str) -> bool:
        """Whether the 6-digit ``code`` is this region or lies inside it."""
        if not _is_region_code(code):
            raise ValueError(f"not a 6-digit region code: {code!r}")
        return code.startswith(self.prefix)

    def describe(self) -> str:
        """Human-readable form used in error messages: '吉林省长春市朝阳区 (220104)'."""
        return f"{self.full_name or self.name} ({self.code})"


class RegionError(ValueError):
    """A query did not resolve to exactly one region."""


class RegionNotFound(RegionError):
    """No region matches; ``suggestions`` holds near matches (possibly empty)."""

    def __init__(self, query: str, suggestions: list[Region], reason: str = "unknown region"):
        self.query = query
        self.suggestions = suggestions
        message = f"{reason} {query!r}"
        if suggestions:
            message += "; did you mean: " + ", ".join(_describe_with_parent(r) for r in suggestions)
        super().__init__(message)


class AmbiguousRegion(RegionError):
    """Several regions match; ``candidates`` lists them all."""

    def __init__(self, query: str, candidates: list[Region]):
        self.query = query
        self.candidates = candidates
        listing = ", ".join(region.describe() for region in candidates)
        super().__init__(
            f"ambiguous region {query!r} matches {len(candidates)} regions: {listing}; "
            f"qualify it with its province or city (e.g. {candidates[0].full_name!r}) or use the code"
        )


class RegionIndex:
    """All regions, indexed by code, full name, short name and former name."""

    def __init__(self, regions: list[Region], aliases: dict[str, list[str]] | None = None):
        """Build the index; ``aliases`` maps a former/special name to region codes."""
        by_code = {region.code: region for region in regions}
        self._by_code = {code: _with_full_name(region, by_code) for code, region in by_code.items()}
        self._by_full_name: dict[str, list[Region]] = defaultdict(list)
        self._by_short_name: dict[str, list[Region]] = defaultdict(list)
        for region in self._by_code.values():
            self._by_full_name[region.name].append(region)
            short = short_name(region.name, region.level)
            if short != region.name and not region.functional_zone:
                self._by_short_name[short].append(region)
        for alias, codes in (aliases or {}).items():
            for code in codes:
                if code not in self._by_code:
                    raise ValueError(f"alias {alias!r} points to unknown code {code}")
                self._by_full_name[alias].append(self._by_code[code])

    @classmethod
    def load(
        cls, path: str | Path | Traversable | None = None, aliases_path: str | Path | Traversable | None = None
    ) -> "RegionIndex":
        """Read regions.csv and region_aliases.csv (default: the shipped ones)."""
        regions_file = Path(path) if isinstance(path, str) else path or DEFAULT_REGIONS_PATH
        aliases_file = Path(aliases_path) if isinstance(aliases_path, str) else aliases_path or DEFAULT_ALIASES_PATH
        with regions_file.open(encoding="utf-8", newline="") as handle:
            regions = [
                Region(
                    code=row["code"], name=row["name"], level=row["level"],
                    parent_code=row["parent_code"], province_code=row["province_code"],
                    city_code=row["city_code"], functional_zone=row.get("functional_zone") == "1",
                )
                for row in csv.DictReader(handle)
            ]
        aliases: dict[str, list[str]] = defaultdict(list)
        with aliases_file.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                aliases[row["alias"]].append(row["code"])
        return cls(regions, aliases)

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_code.values())

    def get(self, code: str) -> Region | None:
        """The region with exactly this 6-digit code, or None."""
        return self._by_code.get(code)

    def lookup(self, query: str) -> Region:
        """Resolve a name, short name, qualified name, former name, code or code prefix.

        Raises RegionNotFound (with near matches) or AmbiguousRegion.
        """
        text = normalize_query(query)
        if text.isdigit():
            return self._lookup_code(text)
        candidates = self._candidates(text)
        if not candidates:
            raise RegionNotFound(text, self.near_matches(text))
        if len(candidates) > 1:
            raise AmbiguousRegion(text, candidates)
        return candidates[0]

    def near_matches(self, query: str, limit: int = 8) -> list[Region]:
        """Regions whose name resembles ``query`` (or whose code shares its leading digits)."""
        text = normalize_query(query)
        if text.isdigit():
            return self._regions_sharing_prefix(text)[:limit]
        names = list(self._by_full_name) + list(self._by_short_name)
        matches: list[Region] = []
        for name in difflib.get_close_matches(text, names, n=limit * 2, cutoff=0.5):
            for region in self._by_full_name.get(name, []) + self._by_short_name.get(name, []):
                if region not in matches:
                    matches.append(region)
        return matches[:limit]

    def ancestors(self, code: str) -> list[Region]:
        """The regions containing ``code``, province first, excluding the region itself."""
        region = self._by_code.get(code)
        if region is None:
            raise RegionNotFound(code, self._regions_sharing_prefix(code)[:8])
        chain: list[Region] = []
        while region.parent_code:
            region = self._by_code[region.parent_code]
            chain.append(region)
        return chain[::-1]

    def region_at_start(self, text: str) -> Region | None:
        """The region a body's name starts with: 淮安市人民政府 → 淮安市, 遵义市红花岗区人民政府
        办公室 → 红花岗区, 衢江区峡川镇人民政府 → 衢江区.  The longest start of ``text`` that
        ends like a region's name (…省, …市, …区, …县, …旗, …州, …盟) and names one region
        wins; None when no start names a region, or the longest that does names several
        (白云区 is in 广州 and in 贵阳): unsure is None, never a guess.  No near matches are
        looked for, so this is cheap enough to run on every imported report."""
        text = normalize_query(text)[:_LONGEST_PLACE_PREFIX]
        for end in range(len(text), _MIN_SHORT_NAME_LENGTH - 1, -1):
            if text[end - 1] not in _PLACE_NAME_ENDINGS:
                continue
            candidates = self._candidates(text[:end])
            if candidates:
                return candidates[0] if len(candidates) == 1 else None
        return None

    def _lookup_code(self, digits: str) -> Region:
        """Resolve '52', '5203' or '520302'."""
        if len(digits) not in _CODE_LENGTHS:
            raise RegionNotFound(
                digits, self._regions_sharing_prefix(digits)[:8],
                reason="region codes have 2, 4 or 6 digits, got",
            )
        region = self._by_code.get(digits.ljust(6, "0"))
        if region is None:
            raise RegionNotFound(digits, self._regions_sharing_prefix(digits)[:8], reason="unknown region code")
        return region

    def _regions_sharing_prefix(self, digits: str) -> list[Region]:
        """Regions under the longest leading part of ``digits`` (cut by 2) that matches any code."""
        digits = digits[:6]
        while digits:
            found = [region for code, region in sorted(self._by_code.items()) if code.startswith(digits)]
            if found:
                return found
            digits = digits[: (len(digits) - 1) // 2 * 2]
        return []

    def _candidates(self, text: str) -> list[Region]:
        """All regions ``text`` may denote.

        Precedence: full names and aliases, then short names, then qualified
        names. Among short-name matches only the highest level is kept, so 吉林
        means 吉林省 (not 吉林市) and 河南 means 河南省 (not 河南蒙古族自治县);
        the lower-level region is still reachable by its full name.
        """
        if text in self._by_full_name:
            return _unique(self._by_full_name[text])
        if text in self._by_short_name:
            matches = self._by_short_name[text]
            top_level = min(LEVELS.index(region.level) for region in matches)
            return _unique([region for region in matches if LEVELS.index(region.level) == top_level])
        return self._qualified_candidates(text)

    def _qualified_candidates(self, text: str) -> list[Region]:
        """Match 'outer + inner' names such as 长春市朝阳区 or 北京朝阳区.

        The inner part is a plain (full or short) name; the outer part may itself
        be qualified. An inner match survives if some outer match contains it.
        """
        found: list[Region] = []
        for split in range(1, len(text)):
            outer_text, inner_text = text[:split], text[split:]
            inner = self._by_full_name.get(inner_text, []) + self._by_short_name.get(inner_text, [])
            if not inner:
                continue
            outer = self._candidates(outer_text)
            found += [
                region for region in inner
                if any(o.code != region.code and o.contains(region.code) for o in outer)
            ]
        return _unique(found)


@functools.cache
def default_index() -> RegionIndex:
    """The index built from the shipped data files, loaded once."""
    return RegionIndex.load()


def normalize_query(query: str) -> str:
    """Fold full-width characters (５２０３０２) and drop all whitespace."""
    return "".join(unicodedata.normalize("NFKC", query).split())


def short_name(name: str, level: str) -> str:
    """Drop the administrative suffix: 贵州省 → 贵州, 黔南布依族苗族自治州 → 黔南.

    Returns ``name`` unchanged when shortening would leave too little.
    """
    if name in _SHORT_NAME_EXCEPTIONS:
        return _SHORT_NAME_EXCEPTIONS[name]
    for suffix in _ADMIN_SUFFIXES[level]:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return name
    if suffix.startswith("自治"):
        while True:
            shorter = _ETHNIC_SUFFIX.sub("", stem)
            if shorter == stem or len(shorter) < _MIN_SHORT_NAME_LENGTH:
                break
            stem = shorter
    return stem if len(stem) >= _MIN_SHORT_NAME_LENGTH else name


def _is_region_code(code: str) -> bool:
    return isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()


def _with_full_name(region: Region, by_code: dict[str, Region]) -> Region:
    """Copy of ``region`` with full_name = names of its ancestors and itself."""
    names = [region.name]
    parent_code = region.parent_code
    while parent_code:
        parent = by_code[parent_code]
        names.append(parent.name)
        parent_code = parent.parent_code
    return replace(region, full_name="".join(reversed(names)))


def _describe_with_parent(region: Region) -> str:
    """'红花岗区 (520302, 贵州省遵义市)', or '贵州省 (520000)' for a province."""
    parent_path = region.full_name[: len(region.full_name) - len(region.name)]
    return f"{region.name} ({region.code}, {parent_path})" if parent_path else f"{region.name} ({region.code})"


def _unique(regions: list[Region]) -> list[Region]:
    """Drop repeats and sort by code, so error messages are stable."""
    return sorted({region.code: region for region in regions}.values(), key=lambda r: r.code)
