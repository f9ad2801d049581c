"""t3 — 收到和处理政府信息公开申请情况 (2019 and 2021 forms).

Seven value columns (自然人, 5 × 法人或其他组织, 总计), positional.  The row is found by
keywords of its label path, so typos, numbering styles and split labels do not
matter.  2021 prints （六）其他处理 as three sub-rows (逾期不补正 / 缴纳费用 / 其他), whose
words say the era; the canonical ``t3.result.other.*`` is then their sum.

勾稽 rules (flagged, never fixed):

* ``t3.column_balance`` — per column: 一 + 二 = （七）总计 + 四;
* ``t3.result_sum`` — per column: （七）总计 = （一）+（二）+ every row of （三）…（六）;
* ``t3.row_sum`` — per row: 总计 = 自然人 + the five 法人或其他组织 columns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Flag, Indicator
from ..normalize import clean_cell, is_value_cell, label_key, squash
from .base import TableFormat, close, dedupe_labels, is_canonical, make_indicator, number, trailing_values

T3_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
T3_COLUMN_LABELS = ("自然人", "法人或其他组织/商业企业", "法人或其他组织/科研机构", "法人或其他组织/社会公益组织",
                    "法人或其他组织/法律服务机构", "法人或其他组织/其他", "总计")

# (row key, keywords any of which identifies the row), most specific first.
T3_ROWS = (
    ("new", ("本年新收",)),
    ("carried_in", ("上年结转",)),
    ("carried_out", ("结转下年", "继续办理")),
    ("result.withheld.state_secret", ("国家秘密",)),
    ("result.withheld.law_prohibited", ("禁止公开", "法律行政法规", "行政止公开", "法规禁止")),
    ("result.withheld.security_stability", ("三安全一稳定", "危及")),
    ("result.withheld.third_party", ("第三方",)),
    ("result.withheld.internal_affairs", ("内部事务",)),
    ("result.withheld.process_info", ("过程性",)),
    ("result.withheld.enforcement_file", ("执法案卷",)),
    ("result.withheld.admin_query", ("行政查询",)),
    ("result.unavailable.not_held", ("不掌握",)),
    ("result.unavailable.needs_creation", ("另行制作", "现成信息")),
    ("result.unavailable.unclear", ("仍不明确", "补正后申请")),
    ("result.not_processed.petition", ("信访", "举报投诉")),
    ("result.not_processed.duplicate", ("重复申请",)),
    ("result.not_processed.publication", ("出版物",)),
    ("result.not_processed.excessive", ("大量反复", "大量")),
    ("result.not_processed.confirmation", ("重新出具", "确认或")),
    ("result.other.no_correction", ("逾期不补正", "不补正")),
    ("result.other.unpaid_fee", ("缴纳费用", "收费通知")),
    ("result.partial", ("部分公开",)),
    ("result.disclosed", ("予以公开",)),
)

# Rows of the 勾稽 rules.
T3_RESULT_ROWS = (
    "result.disclosed", "result.partial",
    *(f"result.withheld.{x}" for x in ("state_secret", "law_prohibited", "security_stability", "third_party",
                                        "internal_affairs", "process_info", "enforcement_file", "admin_query")),
    *(f"result.unavailable.{x}" for x in ("not_held", "needs_creation", "unclear")),
    *(f"result.not_processed.{x}" for x in ("petition", "duplicate", "publication", "excessive", "confirmation")),
)
T3_OTHER_SUB_ROWS = ("result.other.no_correction", "result.other.unpaid_fee", "result.other.other")
T3_ROW_NAMES = ("new", "carried_in", *T3_RESULT_ROWS, "result.other", *T3_OTHER_SUB_ROWS, "result.total", "carried_out")

_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]\s*[、.．]"),  # 一、本年新收…
    re.compile(r"^[(（]\s*[一二三四五六七八九十]\s*[)）]"),  # （一）予以公开
    re.compile(r"^(?:\d+\s*[.、．)）]|[⒈⒉⒊⒋⒌⒍⒎⒏⒐]|[(（]\d+[)）])"),  # 1.属于国家秘密
)
_T3_HEADER_WORDS = ("自然人", "申请人情况", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "勾稽", "法人或其他组织")
_WORDS_2021 = re.compile("逾期不补正|缴纳费用|收费通知")


def t3_row_key(path: list[str]) -> str | None:
    """Row part of a t3 key from the row's label path (outermost first)."""
    return _t3_row_key(tuple(path))


@lru_cache(maxsize=4096)
def _t3_row_key(path: tuple[str, ...]) -> str | None:
    # The same label paths come back on every page of a form.
    keys = [label_key(p) for p in path]
    last, whole = (keys[-1] if keys else ""), "/".join(keys)
    for text in (last, whole):
        for row_key, words in T3_ROWS:
            if any(w in text for w in words):
                if row_key == "result.disclosed" and "不予公开" in text:
                    continue
                return row_key
    if "其他处理" in last:
        return "result.other"  # the 2019 single row (or a 2021 subtotal printed on it)
    if "其他处理" in whole:
        return "result.other.other"  # 2021 "3.其他" (or "3.其他情形") under （六）
    if "总计" in last or "合计" in last:
        return "result.total"
    return None


def is_t3_continuation(grid: list[list[str]]) -> bool:
    """A table holding t3 rows without t3's header: the second half of a t3 split by a
    page break (Word/PDF -> HTML)."""
    rows = [r for r in grid if trailing_values(r, 7) is not None and any(c and not is_value_cell(c) for c in r[:-7])]
    return len(rows) >= 2 and all(t3_row_key([c for c in r[:-7] if c]) for r in rows[:3])


def _split_row(row: list[str]) -> tuple[list[str], list[str] | None]:
    """(label cells, the 7 value cells) of a row: the values are the cells after its last
    label, less blank cells trailing past the seventh (a closing "| |" of a text copy);
    None when fewer than 7."""
    last_label = -1
    for n in range(len(row) - 1, -1, -1):  # from the end: the values trail the labels
        if row[n] and not is_value_cell(row[n]):
            last_label = n
            break
    tail = row[last_label + 1:]
    while len(tail) > 7 and not tail[-1].strip():
        tail = tail[:-1]
    if len(tail) < 7:
        return row, None
    return row[:len(row) - len(tail)] + tail[:-7], tail[-7:]


def _has_t3_row(grid: list[list[str]]) -> bool:
    """A row of 7 values whose label names a row of the form ("四、结转下年度继续办理
    0 0 0 0 0 0 0" alone on a PDF page): a piece of a t3 even without its header."""
    for row in grid[:40]:
        head, values = _split_row(row)
        labels = [c for c in head if c and not is_value_cell(c)]
        if values is not None and labels and t3_row_key(labels) not in (None, "result.total"):
            return True
    return False


def has_t3_header(grid: list[list[str]]) -> bool:
    return any("申请人情况" in c or "本年新收" in c for row in grid[:4] for c in row)


@lru_cache(maxsize=8192)
def _level_of(label: str) -> int | None:
    s = label.strip()
    for n, pattern in enumerate(_LEVELS):
        if pattern.match(s):
            return n
    return None


def _t3_first_value_column(grid: list[list[str]]) -> int | None:
    """Column of 自然人 in a header row that has several cells (an aligned HTML or " | "
    grid); None for one-cell-per-line copies, where columns are positional."""
    for row in grid[:6]:
        if sum(1 for c in row if c) < 2:
            continue
        for n, cell in enumerate(row):
            if label_key(cell) == "自然人":
                return n
    return None


def t3_row_order(two_way_other: bool) -> tuple[str, ...]:
    """The rows of the form, top to bottom (（六） as three sub-rows in the 2021 form)."""
    other = T3_OTHER_SUB_ROWS if two_way_other else ("result.other",)
    return ("new", "carried_in", *T3_RESULT_ROWS, *other, "result.total", "carried_out")


def map_t3(grid: list[list[str]], era: str | None = None) -> list[Indicator]:
    """t3 rows by label path.  The path is tracked across rows by numbering level
    (一、 > （一） > 1.), so a parent printed once (rowspan, or a line of its own in a
    flattened copy) and a label split over two lines ("（四）无" / "法提供") still
    reach the right key.  A row of values whose label was lost (copies that print the
    labels apart from the numbers) or says too little ("3.其他" without its （六）) is
    the form's next row after the one above it."""
    out: list[Indicator] = []
    levels = ["", "", ""]
    previous_was_label_only = False
    first_value_column = _t3_first_value_column(grid)
    text = squash("".join("".join(r) for r in grid))
    order = t3_row_order(bool(_WORDS_2021.search(text)) or (era == "2021" and "其他处理" not in text))
    last_row: int | None = None  # position in ``order`` of the row mapped last
    mapped: set[str] = set()
    for row in grid:
        head, values = _split_row(row)
        if first_value_column is not None and len(row) >= first_value_column + 7:
            # Aligned grid: take the 7 columns under the header, whatever trails them.
            aligned = row[first_value_column:first_value_column + 7]
            if all(is_value_cell(c) for c in aligned) and not all(is_value_cell(c) for c in row[:first_value_column]):
                head, values = row[:first_value_column], aligned
        if values is not None and not any(c.strip() for c in values) \
                and any(w in squash("".join(head)) for w in _T3_HEADER_WORDS):
            values = None  # a head row closed by empty cells ("申请人情况 | ||||||||")
        if values is None:
            if any(c.strip() and is_value_cell(c) for c in row):
                previous_was_label_only = False
                continue  # a mis-shaped data row: not mapped (kept in the table grid)
            labels = dedupe_labels([c for c in row if c])
        else:
            labels = dedupe_labels([c for c in head if not is_value_cell(c)])
        if values is None and (not labels or any(w in squash("".join(labels)) for w in _T3_HEADER_WORDS)
                               or label_key(labels[-1]) in ("其他", "其它", "总计", "合计", "申请人情况")):
            continue  # column headers
        last_level = None
        for position, label in enumerate(labels):
            level = _level_of(label)
            if level is None:
                if position == 0 and previous_was_label_only:
                    deepest = max((i for i in range(3) if levels[i]), default=0)
                    levels[deepest] += label  # continuation of a split label
                    last_level = deepest
                    continue
                if position > 0 and last_level is not None:
                    level = min(last_level + 1, 2)
                else:
                    level = max((i for i in range(3) if levels[i]), default=0)
            levels[level] = label
            for deeper in range(level + 1, 3):
                levels[deeper] = ""
            last_level = level
        previous_was_label_only = values is None
        if values is None:
            continue
        path = [l for l in levels if l]
        row_key = t3_row_key(path) if labels or last_row is None else None
        evidence_path = "/".join(clean_cell(p) for p in path) if labels else ""
        if (row_key is None or row_key in mapped) and last_row is not None and last_row + 1 < len(order) \
                and order[last_row + 1] not in mapped:
            row_key = order[last_row + 1]
            evidence_path = f"{'/'.join(clean_cell(l) for l in labels) or '(no label)'} = row after {order[last_row]}"
        if row_key in order:
            last_row = order.index(row_key)
        if row_key:
            mapped.add(row_key)
        for column, column_label, cell in zip(T3_COLUMNS, T3_COLUMN_LABELS, values):
            key = f"t3.{row_key}.{column}" if row_key else ""
            if not is_canonical(key):
                key = f"unknown:t3:{'/'.join(label_key(p) for p in path)}/{column}"
            out.append(make_indicator(key, cell, f"{evidence_path} × {column_label}"))
    return out


def derive_t3_other_sum(indicators: list[Indicator]) -> list[Indicator]:
    """2021 tables print （六） as three sub-rows; the canonical t3.result.other.* is their
    sum.  Raw is the printed parts joined by "+" so nothing looks printed that was not."""
    by_key = {i.key: i for i in indicators}
    out = []
    for column, column_label in zip(T3_COLUMNS, T3_COLUMN_LABELS):
        if f"t3.result.other.{column}" in by_key:
            continue
        parts = [by_key.get(f"t3.{sub}.{column}") for sub in T3_OTHER_SUB_ROWS]
        if not all(parts):
            continue
        values = [p.value for p in parts]
        value = sum(values) if all(v is not None for v in values) else None
        out.append(Indicator(
            key=f"t3.result.other.{column}", raw="+".join(p.raw for p in parts) if any(p.raw for p in parts) else "",
            value=value, unit="件",
            source=parts[0].source, evidence=f"（六）其他处理 = 1.+2.+3. (sum of sub-rows) × {column_label}",
        ))
    return out


def _has_other_sub_rows(keys) -> bool:
    return any(k.startswith("t3.result.other.no_correction") for k in keys)


def check_t3(values: dict[str, Indicator]) -> list[Flag]:
    """The three t3 rules, each only where every number it needs was printed."""
    flags: list[Flag] = []
    other_rows = T3_OTHER_SUB_ROWS if _has_other_sub_rows(values) else ("result.other",)
    for col in T3_COLUMNS:
        new, carried_in = number(values, f"t3.new.{col}"), number(values, f"t3.carried_in.{col}")
        total, carried_out = number(values, f"t3.result.total.{col}"), number(values, f"t3.carried_out.{col}")
        if None not in (new, carried_in, total, carried_out) and not close(new + carried_in, total + carried_out):
            flags.append(Flag("t3.column_balance", f"{col}: 一+二 = {new}+{carried_in} ≠ （七）总计+四 = {total}+{carried_out}",
                              {"column": col, "new": new, "carried_in": carried_in, "result_total": total, "carried_out": carried_out}))
        parts = {row: number(values, f"t3.{row}.{col}") for row in (*T3_RESULT_ROWS, *other_rows)}
        if total is not None and None not in parts.values():
            s = sum(parts.values())
            if not close(s, total):
                flags.append(Flag("t3.result_sum", f"{col}: （七）总计 {total} ≠ sum of result rows {s}",
                                  {"column": col, "result_total": total, "sum": s}))
    for row in T3_ROW_NAMES:
        cells = [number(values, f"t3.{row}.{c}") for c in T3_COLUMNS]
        if any(f"t3.{row}.{c}" not in values for c in T3_COLUMNS) or None in cells:
            continue
        s = sum(cells[:-1])
        if not close(s, cells[-1]):
            flags.append(Flag("t3.row_sum", f"{row}: 总计 {cells[-1]} ≠ 自然人+法人或其他组织 {s}",
                              {"row": row, "total": cells[-1], "sum": s}))
    return flags


class T3(TableFormat):
    name = "t3"

    def matches(self, grid: list[list[str]], text: str) -> bool:
        return ("申请人情况" in text or "本年新收" in text or ("予以公开" in text and "不予处理" in text)
                or _has_t3_row(grid))

    def is_headerless_part(self, grid: list[list[str]]) -> bool:
        return is_t3_continuation(grid)

    def joins_previous(self, grid: list[list[str]]) -> bool:
        return not has_t3_header(grid)

    def era_hint(self, grid: list[list[str]]) -> str | None:
        return "2021" if _WORDS_2021.search(squash("".join("".join(r) for r in grid))) else None

    def map(self, grid: list[list[str]], era: str | None, caption: str) -> list[Indicator]:
        return map_t3(grid, era)

    def derive(self, indicators: list[Indicator]) -> list[Indicator]:
        return derive_t3_other_sum(indicators)

    def check(self, values: dict[str, Indicator]) -> list[Flag]:
        return check_t3(values)

    def missing(self, present: set[str], era: str) -> list[str]:
        missing = super().missing(present, era)
        if era == "2021" and not _has_other_sub_rows(present):
            # a 2021 report may print the 2019 single （六） row: then its sub-rows are absent
            missing = [k for k in missing if not k.startswith("t3.result.other.")]
        return missing


FORMAT = T3()
