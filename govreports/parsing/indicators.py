"""Map table grids to the canonical indicator keys of ``schema/indicators.csv``.

Three eras, one vocabulary:

* **t2** (主动公开, 2019 and 2021 blocks): rows 规章/规范性文件/行政许可/…, columns from the
  block's "信息内容" header row (positional defaults when a text copy lost the header);
* **t3** (依申请, 7 value columns): the row is found by keywords of its label path, so
  typos, numbering styles and split labels do not matter; columns are positional
  (自然人, 5 × 法人或其他组织, 总计);
* **t4** (复议/诉讼): one 15-number row or three 5-number tables;
* **legacy** 统计表: label variants from the CSV plus those seen in the wild; units
  inside the cells ("78条", "0万元") are kept.

Rows that cannot be mapped are kept as ``unknown:<kind>:<label>``.  Values are never
changed: ``raw`` is the cell as printed, ``value`` its number or None.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import Indicator, Table
from .normalize import clean_cell, is_value_cell, label_key, parse_number, squash, strip_numbering, UNITS

SCHEMA_CSV = Path(__file__).resolve().parents[1] / "schema" / "indicators.csv"


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    table: str
    formats: tuple[str, ...]
    row_label: str
    column_label: str
    unit: str


@lru_cache(maxsize=1)
def indicator_specs() -> dict[str, IndicatorSpec]:
    """The canonical keys, loaded once from the project's schema CSV."""
    with open(SCHEMA_CSV, encoding="utf-8") as f:
        return {
            row["key"]: IndicatorSpec(
                row["key"], row["table"], tuple(row["formats"].split()), row["row_label"], row["column_label"], row["unit"]
            )
            for row in csv.DictReader(f)
        }


def keys_for_era(era: str, table: str | None = None) -> list[str]:
    """Canonical keys a report of ``era`` ("legacy", "2019", "2021") should carry."""
    return [
        k for k, s in indicator_specs().items()
        if era in s.formats and (table is None or s.table == table)
    ]


def default_unit(key: str) -> str:
    spec = indicator_specs().get(key)
    return spec.unit if spec and spec.unit in UNITS else ""


def make_indicator(key: str, raw: str, evidence: str, *, unit: str = "", source: str = "table") -> Indicator:
    raw = clean_cell(raw)
    value, printed_unit = parse_number(raw)
    return Indicator(key=key, raw=raw, value=value, unit=printed_unit or unit or default_unit(key), source=source, evidence=evidence)


def _dedupe(labels: list[str]) -> list[str]:
    """Label cells of one row after colspan/rowspan expansion: drop repeats and blanks."""
    out: list[str] = []
    for label in labels:
        if label and (not out or label_key(label) != label_key(out[-1])):
            out.append(label)
    return out


# ============================================================================ classify

def classify_grid(grid: list[list[str]], caption: str = "") -> str:
    """t2 | t3 | t4 | legacy | other, from the labels the grid holds."""
    text = squash(caption + "".join("".join(r) for r in grid[:40]))
    if "申请人情况" in text or "本年新收" in text or ("予以公开" in text and "不予处理" in text):
        return "t3"
    if re.search("行政复议|行政诉讼|复议后起诉|直接起诉", text) and ("结果维持" in text or "尚未审结" in text or "结果纠正" in text):
        return "t4"
    if "第二十条" in text or ("信息内容" in text and re.search("规章|行政许可|行政处罚|行政事业性收费|规范性文件", text)):
        return "t2"
    if sum(1 for row in grid if _legacy_row_label(row) and legacy_key_for(_legacy_row_label(row), "")) >= 2:
        return "legacy"
    # The legacy 统计表 header (统计指标 | 单位 | 统计数) says what the table is, even
    # when few of its rows use the labels we know.
    if any("统计指标" in squash("".join(r)) and "统计数" in squash("".join(r)) for r in grid[:5]):
        return "legacy"
    return "other"


def is_t3_continuation(grid: list[list[str]]) -> bool:
    """A table holding t3 rows without t3's header: the second half of a t3 split by a
    page break (Word/PDF -> HTML)."""
    rows = [r for r in grid if _trailing_values(r, 7) is not None and any(c and not is_value_cell(c) for c in r[:-7])]
    return len(rows) >= 2 and all(t3_row_key([c for c in r[:-7] if c]) for r in rows[:3])


def era_hints(grid: list[list[str]], kind: str) -> str | None:
    """"2019"/"2021" when the grid's own labels say which template it follows."""
    text = squash("".join("".join(r) for r in grid))
    if kind == "t2":
        if re.search("本年制发件数|本年废止件数|现行有效件数|本年收费金额", text):
            return "2021"
        if re.search("本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|政府集中采购", text):
            return "2019"
    if kind == "t3" and re.search("逾期不补正|缴纳费用|收费通知", text):
        return "2021"
    return None


# ============================================================================ t2

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


def map_t2(grid: list[list[str]], era: str | None) -> list[Indicator]:
    specs = indicator_specs()
    era = era_hints(grid, "t2") or era or "2021"
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
            if key not in specs:
                key = f"unknown:t2:{label_key(first)}/{label_key(header)}"
            out.append(make_indicator(key, cell, evidence, unit="万元" if "万元" in header else ""))
    return out


# ============================================================================ t3

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


def t3_row_key(path: list[str]) -> str | None:
    """Row part of a t3 key from the row's label path (outermost first)."""
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


def _trailing_values(cells: list[str], width: int) -> list[str] | None:
    """The last ``width`` cells when all are value cells, else None."""
    if len(cells) < width + 1:
        return None
    tail = cells[-width:]
    return tail if all(is_value_cell(c) for c in tail) else None


_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]\s*[、.．]"),  # 一、本年新收…
    re.compile(r"^[(（]\s*[一二三四五六七八九十]\s*[)）]"),  # （一）予以公开
    re.compile(r"^(?:\d+\s*[.、．)）]|[⒈⒉⒊⒋⒌⒍⒎⒏⒐]|[(（]\d+[)）])"),  # 1.属于国家秘密
)
_T3_HEADER_WORDS = ("自然人", "申请人情况", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "勾稽", "法人或其他组织")


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


def map_t3(grid: list[list[str]]) -> list[Indicator]:
    """t3 rows by label path.  The path is tracked across rows by numbering level
    (一、 > （一） > 1.), so a parent printed once (rowspan, or a line of its own in a
    flattened copy) and a label split over two lines ("（四）无" / "法提供") still
    reach the right key."""
    specs = indicator_specs()
    out: list[Indicator] = []
    levels = ["", "", ""]
    previous_was_label_only = False
    first_value_column = _t3_first_value_column(grid)
    for row in grid:
        values = _trailing_values(row, 7)
        if first_value_column is not None and len(row) >= first_value_column + 7:
            # Aligned grid: take the 7 columns under the header, whatever trails them.
            aligned = row[first_value_column:first_value_column + 7]
            if all(is_value_cell(c) for c in aligned) and not all(is_value_cell(c) for c in row[:first_value_column]):
                values = aligned
                row = row[:first_value_column] + aligned
        if values is None:
            if any(c.strip() and is_value_cell(c) for c in row):
                previous_was_label_only = False
                continue  # a mis-shaped data row: not mapped (kept in the table grid)
            labels = _dedupe([c for c in row if c])
        else:
            labels = _dedupe(row[: len(row) - 7])
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
        row_key = t3_row_key(path)
        evidence_path = "/".join(clean_cell(p) for p in path)
        for column, column_label, cell in zip(T3_COLUMNS, T3_COLUMN_LABELS, values):
            key = f"t3.{row_key}.{column}" if row_key else ""
            if key not in specs:
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
        parts = [by_key.get(f"t3.result.other.{sub}.{column}") for sub in ("no_correction", "unpaid_fee", "other")]
        if not all(parts):
            continue
        values = [p.value for p in parts]
        value = sum(values) if all(v is not None for v in values) else None
        out.append(Indicator(
            key=f"t3.result.other.{column}", raw="+".join(p.raw for p in parts), value=value, unit="件",
            source=parts[0].source, evidence=f"（六）其他处理 = 1.+2.+3. (sum of sub-rows) × {column_label}",
        ))
    return out


# ============================================================================ t4

T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_GROUP_LABELS = ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


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


def map_t4(grid: list[list[str]], caption: str = "") -> list[Indicator]:
    """One 15-number row (复议 5, 直接起诉 5, 复议后起诉 5), or 5-number rows whose group
    is named by the row label, the table's caption or the header rows above."""
    out: list[Indicator] = []
    header_text = caption
    first = _t4_first_value_column(grid)
    for row in grid:
        values = None
        if first is not None and len(row) >= first + 15 and all(is_value_cell(c) for c in row[first:first + 15]) \
                and any(c.strip() for c in row[first:first + 15]):
            values = row[first:first + 15]  # aligned under the header, whatever trails
        elif len(row) >= 15:
            values = _trailing_values(row, 15)
            if values is None and len(row) == 15 and all(is_value_cell(c) for c in row):
                values = row
        if values is not None:
            for gi, group in enumerate(T4_GROUPS):
                for ci, column in enumerate(T4_COLUMNS):
                    out.append(make_indicator(
                        f"t4.{group}.{column}", values[gi * 5 + ci], f"{T4_GROUP_LABELS[gi]} × {T4_COLUMN_LABELS[ci]}"))
            continue
        tail5 = row[-5:] if len(row) >= 5 else None
        if tail5 and all(is_value_cell(c) for c in tail5) and any(c.strip() for c in tail5) or (
            tail5 and all(is_value_cell(c) for c in tail5) and len(row) == 5
        ):
            group = _t4_group_of(" ".join(row[:-5])) or _t4_group_of(header_text)
            if group:
                gi = T4_GROUPS.index(group)
                for ci, column in enumerate(T4_COLUMNS):
                    out.append(make_indicator(f"t4.{group}.{column}", tail5[ci], f"{T4_GROUP_LABELS[gi]} × {T4_COLUMN_LABELS[ci]}"))
            continue
        header_text += " " + " ".join(row)
    return out


# ============================================================================ legacy

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
    for key, spec in indicator_specs().items():
        if spec.table != "legacy":
            continue
        names = re.sub(r"\([^)]*\)", "", spec.row_label).split("/")
        for name in names + LEGACY_EXTRA_VARIANTS.get(key, []):
            mk = _legacy_match_key(name)
            if mk and mk not in LEGACY_CONTEXT_LABELS:
                out.setdefault(mk, key)
    return out


def legacy_key_for(label: str, context: str) -> str | None:
    """Canonical legacy key of a printed label; ``context`` is "review"/"litigation"."""
    mk = _legacy_match_key(label)
    if not mk:
        return None
    if mk in LEGACY_CONTEXT_LABELS:
        return f"legacy.{context or 'review'}.{LEGACY_CONTEXT_LABELS[mk]}"
    return legacy_variants().get(mk)


def _legacy_value(cells: list[str]) -> tuple[str, str]:
    """(raw, unit cell) from the cells after a legacy label: the number cell wins; a
    lone unit ("人次", "个") is the unit column, not the value."""
    cells = [clean_cell(c) for c in cells]
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
    return _dedupe(row[start:end]), row[end:]


def _legacy_row_label(row: list[str]) -> str:
    labels, _ = _split_legacy_row(row)
    return labels[-1] if labels else ""


def map_legacy(grid: list[list[str]]) -> list[Indicator]:
    """Legacy 统计表 rows.  复议/诉讼 sub-rows that read the same ("被依法纠错数") take
    their meaning from the last group total above them."""
    out: list[Indicator] = []
    context = ""
    for row in grid:
        labels, cells = _split_legacy_row(row)
        if not labels:
            continue
        label = labels[-1]
        raw, unit_cell = _legacy_value(cells)
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


# ============================================================================ dispatch

def map_table(table: Table, era: str | None, rows: list[list[str]] | None = None) -> list[Indicator]:
    """Indicators of one classified table (``table.kind`` set by :func:`classify_grid`).

    ``rows``: the unpadded rows of a table flattened one cell per line (its grid is
    padded with blanks that were never printed)."""
    grid = rows if rows is not None else table.grid
    if table.kind == "t2":
        found = map_t2(grid, era)
    elif table.kind == "t3":
        found = map_t3(grid)
    elif table.kind == "t4":
        found = map_t4(grid, table.caption)
    elif table.kind == "legacy":
        found = map_legacy(grid)
    else:
        return []
    for ind in found:
        if table.source != "html":
            ind.source = "table" if table.source == "text" else table.source
    return found
