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
from ..tables import RUN_TOGETHER
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


def run_together_columns(text: str) -> list[str]:
    """Column heads printed with no separator ("本年新制作数量本年新公开数量对外公开总数量"),
    split into the names the form uses, in order; unknown stretches are skipped."""
    key = label_key(text)
    names = sorted({name for name, _ in T2_COLUMNS}, key=len, reverse=True)
    found, i = [], 0
    while i < len(key):
        name = next((n for n in names if key.startswith(n, i)), None)
        if name:
            found.append(name)
            i += len(name)
        else:
            i += 1
    return found


def _pairs(subject: str, era: str, headers: list[str], cells: list[str]) -> list[tuple[str, str, str]] | None:
    """(column, header, cell) of one subject row; None when the cells cannot be placed
    under the columns (fewer values than the columns the header names)."""
    defaults = T2_DEFAULT_COLUMNS.get((era, subject), ())
    if headers and len(headers) == len(cells):
        while headers and not headers[-1] and not cells[-1]:
            headers, cells = headers[:-1], cells[:-1]  # padding of a text copy's grid
        columns = [_t2_column(h) for h in headers]
        known = [(n, c) for n, c in enumerate(columns) if c]
        if any(h and not c for h, c in zip(headers, columns)) and len(defaults) == len(cells) \
                and all(defaults[n] == c for n, c in known):
            # Heads cut short ("本年新 | 本年新 | 对外公开总数量"): the form's order.
            return [(col, col, cell) for col, cell in zip(defaults, cells)]
        pairs, seen = [], set()
        for column, header, cell in zip(columns, headers, cells):
            if column and column not in seen:  # a colspan repeats the same cell
                seen.add(column)
                pairs.append((column, header, cell))
        return pairs
    values = [c for c in cells if c] or cells[:1]
    named = [(_t2_column(h), h) for h in headers if h]
    if named and len(named) == len(values):
        return [(col, h, val) for (col, h), val in zip(named, values)]
    if len([c for c in named if c[0]]) > len(values) > 0:
        return None  # a column was dropped (or left blank and lost): which one is not printed
    return [(col, col, val) for col, val in zip(defaults, values)]


def map_t2(grid: list[list[str]], era: str | None) -> list[Indicator]:
    """t2 rows by subject (规章, 行政许可 …), columns by the block's head row — or, in text
    copies, by heads printed one per line (even split: "本年新" / "制作数量"), run
    together ("信息内容本年制发件数本年废止件数现行有效件数"), cut short, or lost (then the
    form's order).  Cells run together ("规章000") are split only when there is one
    digit per column; values that cannot be placed are kept as ``unknown:t2:…``."""
    era = t2_era_hint(grid) or era or "2021"
    out: list[Indicator] = []
    headers: list[str] = []
    fragment = ""  # a head split over lines, so far
    block = ""
    for row in grid:
        at = next((n for n, c in enumerate(row) if c), None)
        if at is None:
            continue
        first, cells = row[at], row[at + 1:]
        if "第二十条" in squash(first):
            block, headers, fragment = clean_cell(first), [], ""
            continue
        key = label_key(first)
        if key.startswith("信息内容"):
            headers = run_together_columns(key[4:]) if key != "信息内容" else (cells if any(cells) else [])
            fragment = ""
            continue
        subject = _t2_subject(first)
        if not subject and not any(cells):
            run = RUN_TOGETHER.match(first)
            if run and _t2_subject(run.group(1)):
                subject, first = _t2_subject(run.group(1)), run.group(1)
                width = len([h for h in headers if _t2_column(h)]) or len(T2_DEFAULT_COLUMNS.get((era, subject), ()))
                digits = run.group(2)
                if width == 1:
                    cells = [digits]  # one column: the whole number is its value
                elif len(digits) == width:
                    cells = list(digits)  # one digit per column
                else:
                    out.append(make_indicator(f"unknown:t2:{label_key(first)}/run_together", digits,
                                              f"{block}/{clean_cell(first)} × cells run together".lstrip("/")))
                    continue
        if not subject:
            if not any(cells):
                # a flattened copy prints each head on its own line, sometimes in pieces
                joined = fragment + first
                if _t2_column(joined) or _t2_column(first):
                    headers.append(joined if _t2_column(joined) else first)
                    fragment = ""
                else:
                    fragment = joined if len(joined) <= 20 else ""
            elif not is_value_cell(first) and any(c.strip() and parse_number(c)[0] is not None for c in cells):
                _unknown(out, block, first, headers, cells)
            continue
        fragment = ""
        pairs = _pairs(subject, era, headers, cells)
        if pairs is None:
            _unknown(out, block, first, [], cells)
            continue
        for column, header, cell in pairs:
            key = f"t2.{subject}.{column}"
            evidence = "/".join(x for x in (block, clean_cell(first)) if x) + f" × {clean_cell(header)}"
            if not is_canonical(key):
                key = f"unknown:t2:{label_key(first)}/{label_key(header)}"
            out.append(make_indicator(key, cell, evidence, unit="万元" if "万元" in header else ""))
    return out


def _unknown(out: list[Indicator], block: str, first: str, headers: list[str], cells: list[str]) -> None:
    """Keep the printed values of a row that maps to no canonical key."""
    emitted = set()
    for n, cell in enumerate(cells):
        header = headers[n] if n < len(headers) else str(n + 1)
        key = f"unknown:t2:{label_key(first)}/{label_key(header)}"
        if cell.strip() and key not in emitted:
            emitted.add(key)
            out.append(make_indicator(key, cell, f"{block}/{clean_cell(first)} × {clean_cell(header)}".lstrip("/")))


class T2(TableFormat):
    name = "t2"
    # Its cues (信息内容, 规章, 行政许可 …) fit other 主动公开 statistics too: a t2
    # alone does not make a page a report.
    makes_report = False

    def matches(self, grid: list[list[str]], text: str) -> bool:
        return "第二十条" in text or ("信息内容" in text and bool(_SUBJECT_WORDS.search(text)))

    def era_hint(self, grid: list[list[str]]) -> str | None:
        return t2_era_hint(grid)

    def proves_report(self, grid: list[list[str]]) -> bool:
        # The form's own t2 — blocks headed by 第二十条, the columns of a report format —
        # with numbers in it is the report's table.
        text = squash("".join("".join(r) for r in grid[:60]))
        return "第二十条" in text and t2_era_hint(grid) is not None and any(
            parse_number(c)[0] is not None for row in grid for c in row[1:] if c)

    def map(self, grid: list[list[str]], era: str | None, caption: str) -> list[Indicator]:
        return map_t2(grid, era)


FORMAT = T2()
