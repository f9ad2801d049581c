"""Is a list/page title an annual disclosure report, and for which year?

Used by the crawler on list pages, so it must be cheap and must reject the look-alikes
that sit in the same columns (工作要点, 工作计划, 落实情况的函, 工作总结, 统计年报,
财政决算, cover notes "关于报送…的通知/报告", "关于印发…的通知").
"""

from __future__ import annotations

import re

from .normalize import chinese_to_int, fold_width, to_simplified

_YEAR_DIGITS = r"(?:19|20)\d{2}"
_YEAR_CN = r"[〇○零一二][〇○零一二三四五六七八九]{3}"

# "(政府)(信息|政务)公开 … (工作)(年度)报告 / 年报".  资讯 is what some Traditional
# converters produce for 信息 (政府資訊公開).
_REPORT = re.compile(
    r"(?:信息|资讯|政务|政府)公开(?:工作)?[^，。；]{0,14}?(?:年度报告|年报|工作报告|工作情况报告)"
)
# A bare "<year>年(度)…年度报告" (some bodies drop 信息公开 from the title).
_BARE_YEARLY = re.compile(rf"(?:{_YEAR_DIGITS}|{_YEAR_CN})\s*年度?(?:工作)?年度报告$")

# The look-alikes: documents that sit in the report columns, often with the report
# words in their titles, but are not reports (key points, plans, summaries,
# implementation notes, statistical yearbooks, final accounts, budgets).  The one
# list for titles, report pages and home-page discovery.
LOOK_ALIKE_KINDS = ("工作要点", "工作计划", "工作总结", "落实情况", "统计年报", "决算", "预算")
LOOK_ALIKE = re.compile("|".join(LOOK_ALIKE_KINDS))
# A page titled as a look-alike, or as a cover note or letter.
LOOK_ALIKE_TITLE = re.compile(rf"{LOOK_ALIKE.pattern}|的通知$|的函$")
# Look-alikes that a real report's title may name too ("…年度报告及2013年工作计划").
_ALSO_IN_REPORT_TITLES = ("工作计划", "工作总结")

# Things that contain the report words but are not the report itself.
_NOT_REPORT = re.compile(
    r"关于(?:报送|印发|做好|开展|编制|上报|提交|转发|下发|加强|进一步|组织|填报|征集|报备)|"
    + "|".join(kind for kind in LOOK_ALIKE_KINDS if kind not in _ALSO_IN_REPORT_TITLES)
    + r"|的函$|要点的通知|考核|测评|评估结果|评议|"
    r"图解|解读|一图读懂|通知$|通报$|目录$|指南$|企业年度报告|年报公示|企业年报"
)


def _prepare(title: str) -> str:
    t = fold_width(to_simplified(title or ""))
    return re.sub(r"\s+", "", t)


def is_annual_report_title(title: str) -> bool:
    """True when the title names a government-information-disclosure annual report.

    Accepts "<body><year>年(度)政府信息公开(工作)年度报告" and the variants seen in the wild
    (信息公开工作年度报告, 政务公开年报, 政府信息公开年报, Traditional 政府資訊公開…年度報告);
    rejects plans, key-points, summaries, statistics yearbooks, budgets and cover notes.
    """
    t = _prepare(title)
    if not t or _NOT_REPORT.search(t):
        return False
    if _REPORT.search(t):
        # "…工作计划" or "…工作总结" with a report word only when both are named
        # ("…年度报告及2013年工作计划"): still a report.
        return True
    return bool(_BARE_YEARLY.search(t))


_YEAR_ANY = re.compile(rf"({_YEAR_DIGITS}|{_YEAR_CN})\s*年")


def _year_value(text: str) -> int | None:
    year = int(text) if text.isdigit() else chinese_to_int(text)
    return year if year and 1990 <= year <= 2100 else None


def report_year(title: str) -> int | None:
    """The reporting year named in a title ("2012年度" -> 2012, "二〇二三年" -> 2023).

    When several years appear (a report plus next year's plan), the one before the
    report words wins; the publication year is never guessed from elsewhere.
    """
    t = _prepare(title)
    if not t:
        return None
    years = [(m.start(), _year_value(m.group(1))) for m in _YEAR_ANY.finditer(t)]
    years = [(pos, y) for pos, y in years if y]
    if not years:
        # "…年度报告2023" / "（2023）": a bare four-digit year
        bare = [(m.start(), _year_value(m.group(0))) for m in re.finditer(r"(?<!\d)(?:19|20)\d{2}(?!\d)", t)]
        years = [(pos, y) for pos, y in bare if y]
    if not years:
        return None
    m = _REPORT.search(t) or re.search(r"年度报告|年报", t)
    if m:
        before = [y for pos, y in years if pos < m.end()]
        if before:
            return before[-1]  # the year closest to the report words
    return years[0][1]


def is_report_link(title: str) -> bool:
    """A list item worth fetching: its title names an annual report *for a year*.
    "政府信息公开年报" without a year is the column, not a report."""
    return is_annual_report_title(title) and report_year(title) is not None
