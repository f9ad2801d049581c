"""t2 — 主动公开政府信息情况 (2019 and 2021 forms).

Rows 规章/规范性文件/行政许可/…, grouped in blocks headed by the article they implement
(第二十条第（一）项 …); columns from the block's "信息内容" header row, with positional
defaults when a text copy lost the header.  The two forms differ in columns (2019:
本年新制作数量 …, 2021: 本年制发件数 …), so the grid's own column names say its era.
"""

from __future__ import annotations

import re

from ..model import Indicator
from ..normalize import clean_cell, is_value_cell, label_key, parse_number, squash
from .base import TableFormat, is_canonical, make_indicator

T2_SUBJECTS = (
    ("行政规范性文件", "normative"), ("规范性文件", "normative"), ("规章", "rules"),
    ("其他对外管理服务事项", "other_services"), ("行政许可", "licensing"), ("行政处罚", "penalty"),
    ("行政强制", "coercion"), ("行政事业性收费", "fees"), ("政府集中采购", "procurement"),
)
T2_COLUMNS = (
    ("本年制发件数", "issued"), ("制发件数", "issued"), ("本年废止件数", "repealed"), ("废止件数", "repealed"),
    ("现行有效件数", "in_force"), ("本年处理决定数量", "decisions"), ("处理决定数量", "decisions"),
    ("本年收费金额", "amount"), ("收费金额", "amount"), ("本年新制作数量", "made"), ("本年新公开数量", "published"),
    ("对外公开总数量", "total_public"), ("上一年项目数量", "prev_items"), ("本年增减", "change"), ("增减", "change"),
    ("采购项目数量", "items"), ("采购总金额", "amount"),
)
# Positional defaults for grids whose header row was lost (text copies).
T2_DEFAULT_COLUMNS = {
    ("2021", "rules"): ("issued", "repealed", "in_force"), ("2021", "normative"): ("issued", "repealed", "in_force"),
    ("2021", "licensing"): ("decisions",), ("2021", "penalty"): ("decisions",), ("2021", "coercion"): ("decisions",),
    ("2021", "fees"): ("amount",),
    ("2019", "rules"): ("made", "published", "total_public"), ("2019", "normative"): ("made", "published", "total_public"),
    ("2019", "licensing"): ("prev_items", "change", "decisions"), ("2019", "other_services"): ("prev_items", "change", "decisions"),
    ("2019", "penalty"): ("prev_items", "change", "decisions"), ("2019", "coercion"): ("prev_items", "change", "decisions"),
    ("2019", "fees"): ("prev_items", "change"), ("2019", "procurement"): ("items", "amount"),
}

_SUBJECT_WORDS = re.compile("规章|行政许可|行政处罚|行政事业性收费|规范性文件")
_COLUMNS_2021 = re.compile("本年制发件数|本年废止件数|现行有效件数|本年收费金额")
_COLUMNS_2019 = re.compile("本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|政府集中采购")


def _t2_subject(label: str) -> str | None:
    key = label_key(label)
    for name, subject in T2_SUBJECTS:
        if key == name or (key.endswith(name) and len(key) <= len(name) + 2):
            return subject
    return None


def _t2_column(label: str) -> str | None:
    key = label_key(label)
    for name, column in T2_COLUMNS:
        if name in key:
            return column
    return None


def t2_era_hint(grid: list[list[str]]) -> str | None:
    """"2019"/"2021" when the grid's column names say which form it follows."""
    text = squash("".join("".join(r) for r in grid))
    if _COLUMNS_2021.search(text):
        return "2021"
    if _COLUMNS_2019.search(text):
        return "2019"
    return None


def map_t2(grid: list[list[str]], era: str | None) -> list[Indicator]:
    era = t2_era_hint(grid) or era or "2021"
    out: list[Indicator] = []
    headers: list[str] = []
    block = ""
    for row in grid:
        first = row[0] if row else ""
        if "第二十条" in squash(first):
            block, headers = clean_cell(first), []
            continue
        if label_key(first) == "信息内容":
            headers = row[1:] if any(row[1:]) else []
            continue
        subject = _t2_subject(first)
        if not subject:
            if _t2_column(first) and not any(row[1:]):
                headers.append(first)  # a flattened copy prints each header on its own line
            elif first and not is_value_cell(first) and any(c.strip() and parse_number(c)[0] is not None for c in row[1:]):
                emitted = set()
                for n, cell in enumerate(row[1:]):
                    header = headers[n] if n < len(headers) else str(n + 1)
                    key = f"unknown:t2:{label_key(first)}/{label_key(header)}"
                    if cell.strip() and key not in emitted:
                        emitted.add(key)
                        out.append(make_indicator(key, cell,
                                                  f"{block}/{clean_cell(first)} × {clean_cell(header)}".lstrip("/")))
            continue
        cells = row[1:]
        if headers and len(headers) == len(cells):
            pairs, seen = [], set()
            for header, cell in zip(headers, cells):
                column = _t2_column(header)
                if column and column not in seen:  # a colspan repeats the same cell
                    seen.add(column)
                    pairs.append((column, header, cell))
        else:
            values = [c for c in cells if c] or cells[:1]
            named = [(_t2_column(h), h) for h in headers if h]
            if named and len(named) == len(values):
                pairs = [(col, h, val) for (col, h), val in zip(named, values)]
            else:
                columns = T2_DEFAULT_COLUMNS.get((era, subject), ())
                pairs = [(col, col, val) for col, val in zip(columns, values)]
        for column, header, cell in pairs:
            key = f"t2.{subject}.{column}"
            evidence = "/".join(x for x in (block, clean_cell(first)) if x) + f" × {clean_cell(header)}"
            if not is_canonical(key):
                key = f"unknown:t2:{label_key(first)}/{label_key(header)}"
            out.append(make_indicator(key, cell, evidence, unit="万元" if "万元" in header else ""))
    return out


class T2(TableFormat):
    name = "t2"
    # Its cues (信息内容, 规章, 行政许可 …) fit other 主动公开 statistics too: a t2
    # alone does not make a page a report.
    makes_report = False

    def matches(self, grid: list[list[str]], text: str) -> bool:
        return "第二十条" in text or ("信息内容" in text and bool(_SUBJECT_WORDS.search(text)))

    def era_hint(self, grid: list[list[str]]) -> str | None:
        return t2_era_hint(grid)

    def map(self, grid: list[list[str]], era: str | None, caption: str) -> list[Indicator]:
        return map_t2(grid, era)


FORMAT = T2()
