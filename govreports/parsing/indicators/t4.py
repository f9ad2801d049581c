"""t4 — 政府信息公开行政复议、行政诉讼情况 (2019 and 2021 forms).

One data row of 15 numbers (行政复议 5, 未经复议直接起诉 5, 复议后起诉 5), or three
5-number tables whose group is named by the row label, the caption or the header
rows above.

勾稽 rule (flagged, never fixed): ``t4.total`` — each 总计 = 结果维持 + 结果纠正 +
其他结果 + 尚未审结.
"""

from __future__ import annotations

import re

from ..model import Flag, Indicator
from ..normalize import is_value_cell, label_key, squash
from .base import TableFormat, close, make_indicator, number, trailing_values

T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_GROUP_LABELS = ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

_GROUP_WORDS = re.compile("行政复议|行政诉讼|复议后起诉|直接起诉")


def _t4_group_of(text: str) -> str | None:
    text = squash(text)
    if "未经复议" in text or "直接起诉" in text:
        return "litigation_direct"
    if "复议后起诉" in text or "复议后" in text:
        return "litigation_after_review"
    if "行政复议" in text and "诉讼" not in text:
        return "review"
    return None


def _t4_first_value_column(grid: list[list[str]]) -> int | None:
    """Column of the first 结果维持 in a multi-cell header row (aligned grids only)."""
    for row in grid[:4]:
        if sum(1 for c in row if c) >= 5:
            for n, cell in enumerate(row):
                if label_key(cell) == "结果维持":
                    return n
    return None


def _trailing_blanks_dropped(row: list[str], width: int) -> list[str]:
    """A text copy's row less the blank cells a closing "| |" leaves past ``width`` values."""
    while len(row) > width and not row[-1].strip() and is_value_cell(row[-2] if len(row) > 1 else ""):
        row = row[:-1]
    return row


def map_t4(grid: list[list[str]], caption: str = "") -> list[Indicator]:
    """One 15-number row (复议 5, 直接起诉 5, 复议后起诉 5), or 5-number rows whose group
    is named by the row label, else by the nearest row above naming one group (three
    small tables under their own headings), else by the caption or all header rows."""
    out: list[Indicator] = []
    header_text = caption
    named_group = None  # the group the nearest heading row names
    first = _t4_first_value_column(grid)
    for row in grid:
        values = None
        trimmed = _trailing_blanks_dropped(row, 15)
        if first is not None and len(row) >= first + 15 and all(is_value_cell(c) for c in row[first:first + 15]) \
                and any(c.strip() for c in row[first:first + 15]):
            values = row[first:first + 15]  # aligned under the header, whatever trails
        elif len(trimmed) >= 15:
            values = trailing_values(trimmed, 15)
            if values is None and len(trimmed) == 15 and all(is_value_cell(c) for c in trimmed):
                values = trimmed
        if values is not None:
            for gi, group in enumerate(T4_GROUPS):
                for ci, column in enumerate(T4_COLUMNS):
                    out.append(make_indicator(
                        f"t4.{group}.{column}", values[gi * 5 + ci], f"{T4_GROUP_LABELS[gi]} × {T4_COLUMN_LABELS[ci]}"))
            continue
        row = _trailing_blanks_dropped(row, 5)
        tail5 = row[-5:] if len(row) >= 5 else None
        if tail5 and all(is_value_cell(c) for c in tail5) and any(c.strip() for c in tail5) or (
            tail5 and all(is_value_cell(c) for c in tail5) and len(row) == 5
        ):
            group = _t4_group_of(" ".join(row[:-5])) or named_group or _t4_group_of(header_text)
            if group:
                gi = T4_GROUPS.index(group)
                for ci, column in enumerate(T4_COLUMNS):
                    out.append(make_indicator(f"t4.{group}.{column}", tail5[ci], f"{T4_GROUP_LABELS[gi]} × {T4_COLUMN_LABELS[ci]}"))
            continue
        named_group = _t4_group_of(" ".join(row)) or named_group
        header_text += " " + " ".join(row)
    return out


def check_t4(values: dict[str, Indicator]) -> list[Flag]:
    flags = []
    for group in T4_GROUPS:
        cells = [number(values, f"t4.{group}.{c}") for c in T4_COLUMNS]
        if any(f"t4.{group}.{c}" not in values for c in T4_COLUMNS) or None in cells:
            continue
        s = sum(cells[:-1])
        if not close(s, cells[-1]):
            flags.append(Flag("t4.total", f"{group}: 总计 {cells[-1]} ≠ 维持+纠正+其他+尚未审结 {s}",
                              {"group": group, "total": cells[-1], "sum": s}))
    return flags


class T4(TableFormat):
    name = "t4"

    def matches(self, grid: list[list[str]], text: str) -> bool:
        if not _GROUP_WORDS.search(text):
            return False
        # Column heads, or (heads split over lines in PDF text: "结果 结果 其他 尚未" /
        # "维持 纠正 结果 审结") both kinds of lawsuit the form names.
        return ("结果维持" in text or "尚未审结" in text or "结果纠正" in text
                or ("行政复议" in text and "未经复议" in text and "复议后起诉" in text))

    def map(self, grid: list[list[str]], era: str | None, caption: str) -> list[Indicator]:
        return map_t4(grid, caption)

    def check(self, values: dict[str, Indicator]) -> list[Flag]:
        return check_t4(values)


FORMAT = T4()
