"""Who published a report: its body's kind and name, from the report's title, its
registry row's ``body`` and its publisher.  Pure functions over the vocabulary below.

The kinds (``KINDS``):

* ``government`` — the region's people's government (…人民政府, …县, …区).  Its name is the
  region's: 示范县人民政府, 示范县 and 县政府 (on 示范县's portal) are all 示范县.  A report whose
  only name is its publisher, the general office (发布机构：示范县人民政府办公室), is the
  government's: the office publishes the government's report in most places (the registry
  seed's kind ``gc``).
* ``department`` — a department or office of a government (…局, …委员会, …办, …中心), and
  the general office when the title or the registry row names it as the body
  (示范县人民政府办公室2023年…报告: the office reports on its own work, as the real pages of
  ``shared/samples/real-pages`` that do so all are).  A name that ends in none of the words
  below is a department too.
* ``township`` — a town, township or street (…镇, …乡, …街道, …苏木, 北京's …地区办事处).
* ``zone`` — a development zone or similar area (…开发区, …高新区, …园区, …新区 that is no
  county, and their 管委会).
* ``other`` — villages, neighbourhood committees, public institutions and enterprises
  (…村, …社区, …医院, …学校, …公司).
* ``unknown`` — no name at all (neither title, registry row nor publisher names one).

The words are :data:`BODY_SUFFIXES`, one table of (suffix, kind, name ending): the longest
suffix a name ends with decides its kind, and the name is cut to end with the name ending
(示范县人民政府 → 示范县, 湖镇镇人民政府 → 湖镇镇, 宁波国家高新区管委会 → 宁波国家高新区).  The
database's ``body_kinds`` table is loaded from it (:mod:`govreports.storage.reference`), so
the words live here only.

Names are read as real pages print them: spaces, full-width characters, a bracketed
aside (县政府办公室（县外事办）), a parent region before the name (浙江省龙游县财政局), a
bare level prefix (县财政局), several publishers in one field, placeholders (本站, 我局).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("government", "department", "township", "zone", "other", "unknown")
# What ``scrapy export … --level`` takes: kinds (comma-separated), ``all``, or these words for them.
LEVEL_ALIASES = {"all": KINDS, "town": ("township",), "towns": ("township",), "departments": ("department",),
                 "dept": ("department",), "zones": ("zone",), "governments": ("government",)}

# --- the vocabulary ----------------------------------------------------------------------------
_GOVERNMENT = (
    # the government and its general office: the name is the region's
    ("人民政府办公室", ""), ("人民政府办公厅", ""), ("政府办公室", ""), ("政府办公厅", ""),
    ("人民政府", ""), ("政府办", ""), ("政府", ""), ("人民政府办", ""), ("人民政府机关", ""), ("政府机关", ""),
    # the region itself (示范县2023年…报告)
    ("省", "省"), ("自治区", "自治区"), ("市", "市"), ("州", "州"), ("盟", "盟"), ("地区", "地区"),
    ("县", "县"), ("区", "区"), ("旗", "旗"), ("特区", "特区"), ("林区", "林区"),
)
# The general office's suffixes among them: its own report when a registry row names it.
GOVERNMENT_OFFICE_SUFFIXES = frozenset({"人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "政府办",
                                        "人民政府办"})
_TOWNSHIP_WORDS = ("镇", "乡", "街道", "苏木")
_TOWNSHIP = tuple(
    (word + ending, word)
    for word in _TOWNSHIP_WORDS
    for ending in ("", "人民政府", "政府", "人民政府办公室", "政府办公室", "党委政府", "党委", "政府办")
) + (("街道办事处", "街道"), ("街道办", "街道"), ("街道工作委员会", "街道"), ("街道工委", "街道"),
     ("地区办事处", "地区"))  # 北京's 地区办事处 are townships (南磨房地区办事处)
_ZONE_WORDS = ("开发区", "高新区", "园区", "工业园", "产业园", "保税区", "综保区", "示范区", "试验区", "实验区", "合作区",
               "新区", "管理区", "度假区", "风景区", "景区", "经济区", "自贸区", "港区", "集聚区", "功能区")
_ZONE = tuple(
    (word + ending, word)
    for word in _ZONE_WORDS
    for ending in ("", "管委会", "管理委员会", "管委", "工委", "党工委", "党工委管委会", "管理局", "管理处",
                   "管理办公室", "办事处")
)
_DEPARTMENT_WORDS = ("局", "厅", "委员会", "委", "办公室", "办", "中心", "所", "处", "站", "院", "队", "部", "署",
                     "馆", "室", "总队", "支队", "大队", "分局", "办事处", "研究室", "事务中心", "服务中心")
_OTHER_WORDS = ("村", "社区", "居委会", "居民委员会", "村委会", "村民委员会", "嘎查", "公司", "集团", "医院",
                "卫生院", "学校", "中学", "小学", "大学", "学院", "幼儿园", "银行")

# (suffix, kind, name ending): see the module docstring.  Longest suffix wins.
BODY_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    tuple((suffix, "government", ending) for suffix, ending in _GOVERNMENT)
    + tuple((suffix, "township", ending) for suffix, ending in _TOWNSHIP)
    + tuple((suffix, "zone", ending) for suffix, ending in _ZONE)
    + tuple((word, "department", word) for word in _DEPARTMENT_WORDS)
    + tuple((word, "other", word) for word in _OTHER_WORDS)
)
_BY_SUFFIX = {suffix: (kind, ending) for suffix, kind, ending in BODY_SUFFIXES}
_LONGEST_SUFFIX = max(len(s) for s in _BY_SUFFIX)
assert len(_BY_SUFFIX) == len(BODY_SUFFIXES), "a suffix is listed twice"

# A name that is no body: a byline's placeholder, or "we" (我局2023年…报告).
_PLACEHOLDER = re.compile(r"^(?:本站|本网|本单位|本机关|本部门|原创|admin|管理员|网站管理员|我[局委办厅市县区镇乡院单位]|本[局委办厅])")
# A bare level before a department's name: 县财政局 on 示范县's portal is 示范县财政局.
_LEVEL_PREFIXES = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "州", "盟", "县", "区", "旗")
_ASIDE = re.compile(r"[（(【\[][^（）()【】\[\]]*[）)】\]]$")
_SEPARATORS = re.compile(r"[,，、;；/|｜]")
_EDGE_JUNK = "《》「」“”\"'‘’:：-—_·. 　"
# A year as titles print it: 2023年, 2023年度, 二〇二三年, 2023 (before 政府信息公开…).
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?度?|[一二〇○零][〇○零一二三四五六七八九]{3}年度?")
# Where the report's own words begin, after its body's name.
_REPORT_WORDS = re.compile(r"政府信息公开|政务公开|信息公开工作|政府信息工作")
_TITLE_TAIL = re.compile(r"(?:的)?(?:年度)?(?:工作)?(?:报告|年报)$")


@dataclass(frozen=True)
class Body:
    """A report's body: its kind (one of ``KINDS``), its name as the database keys it,
    where it was read (``title``, ``registry``, ``publisher``; ``""`` for unknown) and the
    name as read there (made comparable by :func:`clean_name`)."""

    kind: str
    name: str
    source: str = ""
    printed: str = ""


UNKNOWN = Body("unknown", "", "", "")


def clean_name(text: str) -> str:
    """A body's name as printed, made comparable: full-width folded, no spaces, the first
    of several publishers, no trailing bracketed aside, no quotes; ``""`` for a placeholder."""
    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    text = next((part for part in _SEPARATORS.split(text) if part.strip(_EDGE_JUNK)), "")
    text = text.strip(_EDGE_JUNK)
    while True:
        shorter = _ASIDE.sub("", text).strip(_EDGE_JUNK)
        if shorter == text or not shorter:
            break
        text = shorter
    if text.startswith("关于"):
        text = text[2:]
    if text.endswith("关于"):
        text = text[:-2]
    if _PLACEHOLDER.match(text) or not re.search(r"[\u4e00-\u9fff]", text):
        return ""
    return text


def suffix_of(name: str) -> tuple[str, str, str] | None:
    """The longest vocabulary suffix ``name`` ends with: (suffix, kind, name ending)."""
    for length in range(min(len(name), _LONGEST_SUFFIX), 0, -1):
        found = _BY_SUFFIX.get(name[-length:])
        if found:
            return name[-length:], *found
    return None


def body_in_title(title: str, report_year: int | None = None) -> str:
    """The body a report's title names: the words before its year (示范县财政局2023年…), or,
    when the title starts with its year, those between the year and 政府信息公开…
    (2023年度示范县财政局政府信息公开…), or a bracketed name at its end (…报告（示范县财政局）);
    ``""`` when it names none."""
    text = "".join(unicodedata.normalize("NFKC", title or "").split())
    if not text:
        return ""
    year = None
    if report_year:
        at = text.find(f"{report_year}年")
        if at >= 0:
            year = re.compile(rf"{report_year}年度?").match(text, at)
    year = year or _YEAR.search(text)
    pieces = [text[:year.start()], text[year.end():]] if year else [text]
    for n, piece in enumerate(pieces):
        if "关于" in piece:  # 示范县人民政府办公厅关于做好2023年…: the name is before it
            before, _, after = piece.partition("关于")
            piece = before or after
        words = _REPORT_WORDS.search(piece)
        if words:
            piece = _with_government(piece[:words.start()])
        elif n:  # after the year, only a name the report's words follow
            continue
        name = clean_name(_TITLE_TAIL.sub("", piece))
        if name and not _YEAR.search(name):
            return name
    aside = re.search(r"[（(]([^（）()]+)[）)]$", text)
    if aside:
        name = clean_name(aside.group(1))
        if name and not _YEAR.search(name) and suffix_of(name) is not None:
            return name
    return ""


def _with_government(prefix: str) -> str:
    # 示范县人民政府信息公开工作年度报告: 政府 serves both the name and 政府信息公开.
    return prefix + "政府" if prefix.endswith("人民") else prefix


def classify_name(name: str, region_name: str = "", *, own_column: bool = False) -> Body:
    """The kind and name of a body called ``name`` (as :func:`clean_name` leaves it) on the
    portal of the region ``region_name``.  ``own_column``: the name is a
    registry row's body or a title's, which the body gives its own reports under — a
    government office's are then a department's.  Unknown for an empty name."""
    if not name:
        return UNKNOWN
    match = suffix_of(name)
    if match is None:
        return Body("department", _with_region(name, region_name))
    suffix, kind, ending = match
    stem = name[: len(name) - len(suffix)]
    if kind == "government" and suffix in GOVERNMENT_OFFICE_SUFFIXES and own_column:
        return Body("department", _with_region(_full_office_name(stem, suffix, region_name), region_name))
    if kind == "zone":
        place = _region_named(name)
        if place is not None:  # 滨海新区 and 井陉矿区 are counties, 两江新区 is a zone
            return Body("government", place)
        return Body("zone", _with_region(stem + ending, region_name))
    if kind == "government":
        return Body("government", _government_name(stem + ending, region_name))
    if kind == "township":
        return Body("township", _without_region(stem + ending, region_name))
    return Body(kind, _with_region(name, region_name))


def _full_office_name(stem: str, suffix: str, region_name: str) -> str:
    if not stem or stem in _LEVEL_PREFIXES:
        return (region_name or stem) + ("人民政府办公厅" if suffix.endswith("厅") else "人民政府办公室")
    return stem + suffix


def _government_name(name: str, region_name: str) -> str:
    """The region a government's name names: its portal's region for a bare level (县政府) or
    the region's own name (示范县, 天津市和平区 on 和平区's portal); else the region its name
    names (红花岗区 for 遵义市红花岗区人民政府 on 遵义市's portal), else the name as printed."""
    if not name or name in _LEVEL_PREFIXES:
        return region_name or name
    if region_name and (name == region_name or name.endswith(region_name) and _region_named(name)):
        return region_name
    place = _region_named(name)
    return place or name


@lru_cache(maxsize=4096)
def _region_named(name: str) -> str | None:
    """The GB/T 2260 region ``name`` names in full (天津市滨海新区 → 滨海新区), or None; a
    statistics-bureau code of a development zone (苏州工业园区) is no region here."""
    from govreports.regions import default_index

    region = default_index().region_at_start(name)
    if region is None or region.functional_zone or not name.endswith(region.name):
        return None
    return region.name


def _with_region(name: str, region_name: str) -> str:
    """A department's name with its region: 县财政局 → 示范县财政局 on 示范县's portal; a
    parent region's name before the region's is dropped (浙江省龙游县财政局 → 龙游县财政局)."""
    if not region_name:
        return name
    for level in _LEVEL_PREFIXES:
        if name.startswith(level) and region_name.endswith(level) and not name.startswith(region_name):
            rest = name[len(level):]
            if rest and not _region_named(name[:len(level) + 1]):
                return region_name + rest
    at = name.find(region_name)
    if at > 0 and _region_named(name[:at + len(region_name)]) == region_name:
        return name[at:]
    return name


def _without_region(name: str, region_name: str) -> str:
    """A township's name without the region before it: 龙游县湖镇镇 → 湖镇镇."""
    if region_name:
        at = name.find(region_name)
        if at >= 0 and len(name) > at + len(region_name) and _region_named(name[:at + len(region_name)]):
            return name[at + len(region_name):]
    return name


def classify_report(title: str, publisher: str = "", report_year: int | None = None, *,
                    portal_body: str = "", region_name: str = "") -> Body:
    """The body of a report: the one its title names; else its registry row's ``body``
    (the column of a department or town); else its publisher (a government's report is
    often published by its general office: that is the government's); else unknown.
    A general office the title or the registry row names reports on itself: a department.

    The title wins over the registry row: a page that names another body than its column's
    is that body's."""
    named = clean_name(body_in_title(title, report_year))
    if named:
        return _found(classify_name(named, region_name, own_column=True), "title", named)
    if clean_name(portal_body):
        return classify_portal_body(portal_body, region_name)
    name = clean_name(publisher)
    return _found(classify_name(name, region_name), "publisher", name)


def classify_portal_body(body: str, region_name: str = "") -> Body:
    """The body of a registry row: its ``body`` (a department's, town's or office's own
    column), or the region's government when it has none."""
    name = clean_name(body)
    if not name:
        return Body("government", region_name, "registry", "") if region_name else UNKNOWN
    return _found(classify_name(name, region_name, own_column=True), "registry", name)


def _found(body: Body, source: str, printed: str) -> Body:
    return body if body.kind == "unknown" else Body(body.kind, body.name, source, printed)


def kinds_of_level(level: str) -> tuple[str, ...]:
    """The body kinds a ``--level`` names: ``department``, ``government,township``,
    ``town`` (township), ``all``; ValueError naming the choices for anything else."""
    kinds: list[str] = []
    for word in (w.strip().lower() for w in level.split(",")):
        found = LEVEL_ALIASES.get(word) or ((word,) if word in KINDS else None)
        if found is None:
            raise ValueError(f"unknown level {word!r}; choose one or more (comma-separated) of: "
                             f"all, {', '.join(KINDS)} (town = township)")
        kinds += [k for k in found if k not in kinds]
    return tuple(kinds)


# --- the stored columns --------------------------------------------------------------------------
def report_body_columns(report: dict, portal: dict | None = None) -> dict[str, str]:
    """``body_kind``, ``body_name`` and ``body_printed`` (the name as read) of a ``reports``
    row (title, publisher, report_year, region_name) found through the ``portals`` row
    ``portal`` (its body and region name); the store and migration m007 write them."""
    portal = portal or {}
    body = classify_report(report.get("title") or "", report.get("publisher") or "", report.get("report_year"),
                           portal_body=portal.get("body") or "",
                           region_name=portal.get("region_name") or report.get("region_name") or "")
    return {"body_kind": body.kind, "body_name": body.name, "body_printed": body.printed}


def portal_body_columns(portal: dict) -> dict[str, str]:
    """``body_kind`` and ``body_name`` of a ``portals`` row: its registry body's, else its
    region's government."""
    body = classify_portal_body(portal.get("body") or "", portal.get("region_name") or "")
    return {"body_kind": body.kind, "body_name": body.name}
