"""legacy — the 统计表 of reports before 2019 (统计指标 | 单位 | 统计数).

No national template: rows are found by their label, matched against the schema's
"/"-separated variants plus those seen in the wild; units inside the cells ("78条",
"0万元") are kept.  Rows vary by province and year, so a missing row is not flagged
(no coverage check).
"""

from __future__ import annotations

import re
from functools import lru_cache

from govreports.schema import indicator_specs

from ..model import Indicator
from ..normalize import UNITS, clean_cell, is_value_cell, label_key, parse_number, squash, strip_numbering
from .base import TableFormat, dedupe_labels, make_indicator

# Label variants seen in the wild, beyond the CSV's "/"-separated list.
LEGACY_EXTRA_VARIANTS = {
    "legacy.proactive.total": ["全年主动公开政府信息数", "本年度主动公开政府信息数", "主动公开政府信息数量", "主动公开信息数",
                               "主动公开政府信息条数"],
    "legacy.channel.gazette": ["政府公报", "通过政府公报公开政府信息数"],
    "legacy.channel.website": ["政府网站", "政府门户网站", "通过政府网站公开政府信息数"],
    "legacy.channel.weibo": ["政务微博"],
    "legacy.channel.wechat": ["政务微信"],
    "legacy.channel.press_conference": ["新闻发布会"],
    "legacy.channel.other": ["其他方式", "其他便于公众知晓的方式"],
    "legacy.apply.received": ["本年度收到政府信息公开申请数", "收到政府信息公开申请数", "收到申请总数", "受理申请数",
                              "受理政府信息公开申请数"],
    "legacy.apply.received.fax": ["传真信函申请数"],
    "legacy.apply.received.online": ["网上申请数"],
    "legacy.apply.rejected": ["本年度不予受理申请数"],
    "legacy.apply.answered": ["对申请答复总数", "申请答复总数", "对申请人答复总数", "答复申请数"],
    "legacy.apply.answered.agreed": ["同意公开答复总数", "同意公开", "同意公开数"],
    "legacy.apply.answered.partial": ["同意部分公开答复总数", "同意部分公开", "部分公开数"],
    "legacy.apply.answered.refused": ["不予公开答复总数", "不予公开答复数", "不同意公开答复总数", "不同意公开", "不予公开数"],
    "legacy.apply.answered.not_this_agency": ["非本部门掌握", "不属于本机关掌握数", "不属于本行政机关公开"],
    "legacy.apply.answered.not_exist": ["信息不存在"],
    "legacy.apply.answered.told_to_amend": ["申请内容不明确"],
    "legacy.review.total": ["年度内被行政复议数量", "被行政复议数量", "行政复议申请数", "行政复议案件数"],
    "legacy.review.corrected": ["决定撤销变更或者确认该具体行政行为违法的数量"],
    "legacy.litigation.total": ["年度内共引发有关政府信息公开行政诉讼数量", "引发行政诉讼数量", "行政诉讼案件数"],
    "legacy.complaints.total": ["举报投诉数", "收到举报投诉数"],
    "legacy.fees.amount": ["全年收取依申请信息费用总额", "依申请公开信息收取的费用总额", "收取费用总额", "依申请公开收取费用"],
    "legacy.org.staff_fulltime": ["专职人员"],
    "legacy.org.staff_parttime": ["兼职人员"],
    "legacy.column_visits": ["政府信息公开专栏访问量", "政府信息公开专栏页面访问量"],
}
# Labels whose meaning depends on the group above them (复议 or 诉讼).
LEGACY_CONTEXT_LABELS = {
    "维持具体行政行为数": "upheld", "被依法纠错数": "corrected", "其他情形数": "other",
}
_LEADING_PERIOD = re.compile(r"^(?:本年度|年度内|全年|本年)")


def _legacy_match_key(label: str) -> str:
    return _LEADING_PERIOD.sub("", label_key(label))


@lru_cache(maxsize=1)
def legacy_variants() -> dict[str, str]:
    """match key -> canonical key, for every legacy label variant."""
    out: dict[str, str] = {}
    for spec in indicator_specs():
        if spec.table != "legacy":
            continue
        names = re.sub(r"\([^)]*\)", "", spec.row_label).split("/")
        for name in names + LEGACY_EXTRA_VARIANTS.get(spec.key, []):
            mk = _legacy_match_key(name)
            if mk and mk not in LEGACY_CONTEXT_LABELS:
                out.setdefault(mk, spec.key)
    return out


def legacy_key_for(label: str, context: str) -> str | None:
    """Canonical legacy key of a printed label; ``context`` is "review"/"litigation"."""
    mk = _legacy_match_key(label)
    if not mk:
        return None
    if mk in LEGACY_CONTEXT_LABELS:
        return f"legacy.{context or 'review'}.{LEGACY_CONTEXT_LABELS[mk]}"
    return legacy_variants().get(mk)


def _legacy_value(cells: list[str], coded: bool = False) -> tuple[str, str]:
    """(raw, unit cell) from the cells after a legacy label: the number cell wins; a
    lone unit ("人次", "个") is the unit column, not the value.  ``coded``: the first
    number is the row's code (see :func:`_has_code_column`), not a value."""
    cells = [clean_cell(c) for c in cells]
    if coded:
        first = next((n for n, c in enumerate(cells) if parse_number(c)[0] is not None), None)
        if first is not None:
            cells = cells[:first] + cells[first + 1:]
    unit_cell = next((c for c in cells if c in UNITS), "")
    for c in cells:
        if parse_number(c)[0] is not None:
            return c, unit_cell
    for c in cells:
        if c and c not in UNITS:
            return c, unit_cell
    return "", unit_cell


def _split_legacy_row(row: list[str]) -> tuple[list[str], list[str]]:
    """(label cells, value cells).  A leading 序号 column ("1", "2") is skipped; label
    cells run until the first value cell."""
    start = 0
    while start < len(row) and (not row[start] or is_value_cell(row[start])) and start < 1:
        start += 1
    end = start
    while end < len(row) and row[end] and not is_value_cell(row[end]):
        end += 1
    return dedupe_labels(row[start:end]), row[end:]


def _legacy_row_label(row: list[str]) -> str:
    labels, _ = _split_legacy_row(row)
    return labels[-1] if labels else ""


def _has_code_column(grid: list[list[str]]) -> bool:
    """Statistics forms (统计报表) give each row a code after its unit: 01, 02, … 35.
    Counted values are never printed zero-padded and never run 1, 2, 3 down a table."""
    firsts = []
    for row in grid:
        labels, cells = _split_legacy_row(row)
        number = next((clean_cell(c) for c in cells if parse_number(c)[0] is not None), None)
        if labels and number is not None:
            firsts.append(number)
    padded = sum(1 for c in firsts if re.fullmatch(r"0\d", c))
    codes = [int(c) for c in firsts if c.isdigit()]
    steps = sum(1 for a, b in zip(codes, codes[1:]) if b == a + 1)
    return padded >= 3 and steps >= 0.8 * (len(codes) - 1)


def map_legacy(grid: list[list[str]]) -> list[Indicator]:
    """Legacy 统计表 rows.  复议/诉讼 sub-rows that read the same ("被依法纠错数") take
    their meaning from the last group total above them."""
    out: list[Indicator] = []
    context = ""
    coded = _has_code_column(grid)
    for row in grid:
        labels, cells = _split_legacy_row(row)
        if not labels:
            continue
        label = labels[-1]
        raw, unit_cell = _legacy_value(cells, coded)
        key = legacy_key_for(label, context) or (legacy_key_for("".join(labels), context) if len(labels) > 1 else None)
        if key in ("legacy.review.total", "legacy.litigation.total"):
            context = key.split(".")[1]
        if key is None:
            if not raw or not is_value_cell(raw) or parse_number(raw)[0] is None and raw.strip("—－-/ ") == "":
                continue  # group headings ("一、主动公开情况 | ——"), notes, signatures
            key = f"unknown:legacy:{strip_numbering(clean_cell(label))}"
        # legacy.fees.amount has no default unit ("万元 or 元 as printed"): only a printed one.
        out.append(make_indicator(key, raw, "/".join(clean_cell(l) for l in labels), unit=unit_cell))
    return out


class Legacy(TableFormat):
    name = "legacy"
    checks_coverage = False

    def matches(self, grid: list[list[str]], text: str) -> bool:
        if sum(1 for row in grid if _legacy_row_label(row) and legacy_key_for(_legacy_row_label(row), "")) >= 2:
            return True
        # The 统计表 header (统计指标 | 单位 | 统计数) says what the table is, even when
        # few of its rows use the labels we know.
        return any("统计指标" in squash("".join(r)) and "统计数" in squash("".join(r)) for r in grid[:5])

    def map(self, grid: list[list[str]], era: str | None, caption: str) -> list[Indicator]:
        return map_legacy(grid)

    def proves_report(self, grid: list[list[str]]) -> bool:
        # A blank 统计表 (a form to fill in, a sample attached to rules) is no report.
        return any(i.value is not None and not i.key.startswith("unknown:") for i in map_legacy(grid))


FORMAT = Legacy()
