"""Consistency rules (勾稽关系) of the report tables.  They only *flag*: no value is
ever changed, because the record must say what the report says.

* ``t3.column_balance`` — per column: 一 + 二 = （七）总计 + 四;
* ``t3.result_sum`` — per column: （七）总计 = （一）+（二）+ every row of （三）…（六）;
* ``t3.row_sum`` — per row: 总计 = 自然人 + the five 法人或其他组织 columns;
* ``t4.total`` — each 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结;
* ``coverage.t2|t3|t4`` — a table was found but cells of its form were not read.

A rule is checked only when every number it needs was printed.
"""

from __future__ import annotations

from .indicators import T3_COLUMNS, T4_COLUMNS, T4_GROUPS, keys_for_era
from .model import Flag, Indicator

T3_RESULT_ROWS = (
    "result.disclosed", "result.partial",
    *(f"result.withheld.{x}" for x in ("state_secret", "law_prohibited", "security_stability", "third_party",
                                        "internal_affairs", "process_info", "enforcement_file", "admin_query")),
    *(f"result.unavailable.{x}" for x in ("not_held", "needs_creation", "unclear")),
    *(f"result.not_processed.{x}" for x in ("petition", "duplicate", "publication", "excessive", "confirmation")),
)
T3_ROW_NAMES = ("new", "carried_in", *T3_RESULT_ROWS, "result.other", "result.other.no_correction",
                "result.other.unpaid_fee", "result.other.other", "result.total", "carried_out")


def _num(values: dict[str, Indicator], key: str):
    ind = values.get(key)
    return None if ind is None else ind.value


def _close(a, b) -> bool:
    return abs(a - b) < 1e-6


def check(indicators: list[Indicator]) -> list[Flag]:
    values = {i.key: i for i in indicators if i.source != "text"}
    flags: list[Flag] = []
    has_sub_rows = any(k.startswith("t3.result.other.no_correction") for k in values)
    other_rows = ("result.other.no_correction", "result.other.unpaid_fee", "result.other.other") if has_sub_rows else ("result.other",)
    for col in T3_COLUMNS:
        new, carried_in = _num(values, f"t3.new.{col}"), _num(values, f"t3.carried_in.{col}")
        total, carried_out = _num(values, f"t3.result.total.{col}"), _num(values, f"t3.carried_out.{col}")
        if None not in (new, carried_in, total, carried_out) and not _close(new + carried_in, total + carried_out):
            flags.append(Flag("t3.column_balance", f"{col}: 一+二 = {new}+{carried_in} ≠ （七）总计+四 = {total}+{carried_out}",
                              {"column": col, "new": new, "carried_in": carried_in, "result_total": total, "carried_out": carried_out}))
        parts = {row: _num(values, f"t3.{row}.{col}") for row in (*T3_RESULT_ROWS, *other_rows)}
        if total is not None and None not in parts.values():
            s = sum(parts.values())
            if not _close(s, total):
                flags.append(Flag("t3.result_sum", f"{col}: （七）总计 {total} ≠ sum of result rows {s}",
                                  {"column": col, "result_total": total, "sum": s}))
    for row in T3_ROW_NAMES:
        cells = [_num(values, f"t3.{row}.{c}") for c in T3_COLUMNS]
        if any(f"t3.{row}.{c}" not in values for c in T3_COLUMNS) or None in cells:
            continue
        s = sum(cells[:-1])
        if not _close(s, cells[-1]):
            flags.append(Flag("t3.row_sum", f"{row}: 总计 {cells[-1]} ≠ 自然人+法人或其他组织 {s}",
                              {"row": row, "total": cells[-1], "sum": s}))
    for group in T4_GROUPS:
        cells = [_num(values, f"t4.{group}.{c}") for c in T4_COLUMNS]
        if any(f"t4.{group}.{c}" not in values for c in T4_COLUMNS) or None in cells:
            continue
        s = sum(cells[:-1])
        if not _close(s, cells[-1]):
            flags.append(Flag("t4.total", f"{group}: 总计 {cells[-1]} ≠ 维持+纠正+其他+尚未审结 {s}",
                              {"group": group, "total": cells[-1], "sum": s}))
    return flags


def coverage(indicators: list[Indicator], era: str | None, table_kinds: set[str]) -> list[Flag]:
    """``coverage.<table>``: a t2/t3/t4 table was found but some canonical cells of the
    era were not read from it (an unusual layout, or a row the page left out)."""
    if era not in ("2019", "2021"):
        return []
    present = {i.key for i in indicators}
    flags = []
    for kind in ("t2", "t3", "t4"):
        if kind not in table_kinds:
            continue
        missing = [k for k in keys_for_era(era, kind) if k not in present]
        if kind == "t3" and era == "2021":
            # a 2021 report may print the 2019 single （六） row: then its sub-rows are absent
            if not any(k.startswith("t3.result.other.no_correction") for k in present):
                missing = [k for k in missing if not k.startswith("t3.result.other.")]
        if missing:
            flags.append(Flag(f"coverage.{kind}", f"{len(missing)} {kind} cells of the {era} form not found",
                              {"missing": missing}))
    return flags
