"""Exports of the database as CSV, JSON Lines or Excel (.xlsx): reports, indicators,
tables, failures; and, from the views of migration m005, headlines (one row per report:
its headline figures and compliance checks), codebook, wide (one column per key of a form
table) and compliance (the scorecard per body and year).  ``EXPORTS`` names them.

Rows are produced by generators (one report at a time), so exporting a large database
needs little memory.

* **Numbers** are written as their unit says (:func:`typed_value`): counts as integers
  (3268, never 3268.0), money as decimals (385.62, 0.0).
* **Codebook.**  An .xlsx whose columns are indicator keys (indicators, headlines, wide)
  has the codebook of those keys as a second sheet; ``labels`` adds a second header row
  with each column's Chinese label (CSV and .xlsx).

* **Format.**  It follows the output's extension (``.csv``, ``.jsonl``, ``.xlsx``) or
  ``--format``; any other extension is refused, and so is a ``--format`` that
  contradicts a known extension.  Standard output (``-``) gets CSV unless told.
* **Atomic.**  A file is written under a temporary name beside it and renamed over the
  target only once complete: a failed export (a bad ``--region``, a full disk, Ctrl-C)
  leaves an existing file as it was.
* **Formulas.**  A CSV text cell that a spreadsheet would run as a formula gets an
  apostrophe in front (see :func:`neutralise`); numbers are left alone, and so is
  ``raw`` (the value exactly as printed) unless ``excel`` (CSV for Excel).  JSON Lines
  are never changed.  In ``.xlsx`` every text is a text cell (never a formula), so
  nothing needs changing there; numbers are number cells.
* **A closed pipe** (``-o - | head``) ends the export quietly (:class:`OutputClosed`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from govreports.bodies import KINDS, kinds_of_level
from govreports.schema import indicator_specs, keys_for_era
from govreports.storage import open_db
from govreports.storage.locking import is_locked
from govreports.storage.reference import is_count
from govreports.storage.store import INDICATOR_ROWS_SQL, REPORT_COLUMNS, report_urls_of

# The reports export: the stored report columns, but for the long texts and JSON (they stay
# in the database, searchable through reports_fts), then when it was seen, its flags as
# text, its portal, every URL it was seen at, and its counts and state.
NOT_EXPORTED = frozenset({
    "identity", "portal_id", "metadata", "body_text", "body_text_original", "cover_letter",
    "next_year_plan", "sections", "flags", "attachment_text", "title_original", "body_kind", "body_name",
    "body_printed",
})
REPORT_EXPORT_COLUMNS = [c for c in REPORT_COLUMNS if c not in NOT_EXPORTED] + [
    "first_seen",
    "last_seen",
    "flags",
    "portal_id",
    "urls",
    "indicator_count",
    "version",
    "removed_at",
    "body_kind",  # who published it (govreports.bodies): government, department, township …
    "body_name",
    "title_original",  # last, so that the columns before keep their places
]
INDICATOR_COLUMNS = [
    "report_id",
    "url",
    "region_code",
    "report_year",
    "key",
    "value",
    "raw",
    "unit",
    "source",
    "evidence",
    "version",
]
TABLE_COLUMNS = [
    "report_id",
    "url",
    "region_code",
    "report_year",
    "table_index",
    "kind",
    "caption",
    "row",
    "col",
    "cell",
]
FAILURE_COLUMNS = [
    "id",
    "run_id",
    "portal_id",
    "url",
    "reason",
    "kind",
    "http_status",
    "attempts",
    "last_error",
    "at",
]
# A text cell starting with one of these (after what spreadsheets skip) is a formula.
FORMULA_START = ("=", "+", "-", "@")
# Kept exactly as printed in CSV, unless the CSV is for Excel (``excel``).
VERBATIM_COLUMNS = frozenset({"raw"})

FORMATS = ("csv", "jsonl", "xlsx")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
XLSX_MAX_ROWS = 1_048_576  # header included
XLSX_MAX_CELL = 32_767  # characters


class ExportError(ValueError):
    """The export cannot be made as asked (unknown kind, unknown region …)."""


class OutputClosed(Exception):
    """Whoever read the export stopped reading (``-o - | head``): not an error."""


def _skipped(char: str) -> bool:
    """Characters in front of a formula that hide it from a simple check but not from
    every spreadsheet: whitespace (full-width too), control characters (NUL, tab, CR
    …) and invisible format characters (zero-width space, BOM …)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def neutralise(value: Any) -> Any:
    """Keep a spreadsheet from evaluating a text cell as a formula: an apostrophe in
    front of text that starts with a control or invisible character, or whose first
    other character (after whitespace) is ``= + - @``.  Numbers are returned as they are."""
    if not isinstance(value, str) or not value:
        return value
    if unicodedata.category(value[0]) in ("Cc", "Cf") or _first_shown(value) in FORMULA_START:
        return "'" + value
    return value


def _first_shown(text: str) -> str:
    return next((char for char in text if not _skipped(char)), "")


def _number(value: Any) -> Any:
    """Integral floats (SQLite REAL) print as integers: 4712, not 4712.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Per canonical key: 1 a count, 0 money, None not known (govreports.storage.reference.is_count).
VALUE_KINDS = {spec.key: is_count(spec.unit) for spec in indicator_specs()}


def typed_value(value: Any, count: int | None) -> Any:
    """A value as its unit says: money as a decimal (385.62, 0.0), a count — or a value
    of unknown unit — whole as an integer (3268, not 3268.0); a fraction stays one."""
    if value is None or isinstance(value, str):
        return value
    if count == 0:
        return float(value)
    return _number(value)


def _date(stamp: str | None) -> str:
    return (stamp or "")[:10]


def _flags_text(flags_json: str | None) -> str:
    flags = json.loads(flags_json or "[]")
    return "; ".join(f"{f['rule']}: {f['message']}" for f in flags)


def region_clause(db: sqlite_utils.Database, region: str | None, table: str = "reports") -> tuple[str, list[Any]]:
    """SQL condition on ``table`` (which has ``region_code`` and ``region_name``) for a
    ``--region`` value: a stored code or name as such (``demo``), else a GB/T 2260
    name, code or prefix, which takes in every region under it."""
    if not region:
        return "1=1", []
    stored = db.execute(
        "SELECT 1 FROM portals WHERE region_code = ? OR region_name = ? LIMIT 1", (region, region)
    ).fetchone()
    if stored:
        return f"({table}.region_code = ? OR {table}.region_name = ?)", [region, region]
    from govreports.regions import RegionError, default_index

    try:
        found = default_index().lookup(region)
    except RegionError as exc:
        raise ExportError(str(exc)) from exc
    return f"{table}.region_code LIKE ?", [found.prefix + "%"]


def level_clause(level: str | None, table: str) -> tuple[str, list[Any]]:
    """SQL condition on ``table`` (which has ``body_kind``) for a ``--level`` value: the
    reports of those kinds of body (:func:`govreports.bodies.kinds_of_level`)."""
    if not level:
        return "", []
    try:
        kinds = kinds_of_level(level)
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
    if set(kinds) == set(KINDS):
        return "", []
    return (f" AND COALESCE(NULLIF({table}.body_kind, ''), 'unknown') IN ({', '.join('?' * len(kinds))})",
            list(kinds))


def selected_reports(db: sqlite_utils.Database, region: str | None, year: int | None,
                     level: str | None = None) -> Iterator[dict]:
    where, params = region_clause(db, region)
    if year is not None:
        where += " AND reports.report_year = ?"
        params.append(year)
    by_level, kinds = level_clause(level, "reports")
    where += by_level
    params += kinds
    yield from db.query(
        f"SELECT * FROM reports WHERE {where} ORDER BY region_code, report_year, report_id",
        params,
    )


def report_versions(db: sqlite_utils.Database, report_id: str) -> list[dict]:
    """Earlier versions of a report (oldest first), each with its stored snapshot."""
    return list(db.query(
        "SELECT * FROM report_versions WHERE report_id = ? ORDER BY version", [report_id]))


def _report_row(db: sqlite_utils.Database, report: dict) -> dict:
    urls = report_urls_of(db.conn, report["report_id"])
    count = db.execute(
        "SELECT count(*) FROM indicators WHERE report_id = ? AND key NOT LIKE 'unknown:%'",
        (report["report_id"],),
    ).fetchone()[0]
    return {
        **{c: report.get(c) for c in REPORT_EXPORT_COLUMNS if c in report},
        "first_seen": _date(report["first_seen"]),
        "last_seen": _date(report["last_seen"]),
        "removed_at": _date(report.get("removed_at")),
        "flags": _flags_text(report["flags"]),
        "urls": " ".join(urls),
        "indicator_count": count,
    }


def report_rows(db: sqlite_utils.Database, region: str | None, year: int | None,
                history: bool = False, level: str | None = None) -> Iterator[dict]:
    """The current version of each report; with ``history``, its earlier versions too
    (as stored before each revision replaced them), oldest first."""
    for report in selected_reports(db, region, year, level):
        if history:
            for old in report_versions(db, report["report_id"]):
                snapshot = json.loads(old["report"])
                yield {**_report_row(db, {**snapshot, "removed_at": None}), "version": old["version"],
                       "last_seen": _date(old["superseded_at"])}
        yield _report_row(db, report)


def _indicator_rows(report: dict, stored: dict[str, dict], version: int | None,
                    include_unknown: bool = True) -> Iterator[dict]:
    era_keys = keys_for_era(report["era"] or None)
    keys = era_keys
    if include_unknown:  # then the stored rows no key of the era names, in stored order
        known = set(era_keys)
        keys = era_keys + [key for key in stored if key not in known]
    for key in keys:
        row = stored.get(key, {})
        yield {
            "report_id": report["report_id"],
            "url": report["url"],
            "region_code": report["region_code"],
            "report_year": report["report_year"],
            "key": key,
            "value": typed_value(row.get("value"), VALUE_KINDS.get(key)),
            "raw": row.get("raw", ""),
            "unit": row.get("unit", ""),
            "source": row.get("source", ""),
            "evidence": row.get("evidence", ""),
            "version": version,
        }


def indicator_rows(db: sqlite_utils.Database, region: str | None, year: int | None,
                   history: bool = False, include_unknown: bool = True, level: str | None = None) -> Iterator[dict]:
    """One row per report and canonical key of its era; empty value where not given.
    With ``include_unknown`` (the default), then the report's other stored rows: labels
    the parser could not map (``unknown:<table>:<label>``), a label printed twice
    (``…#2``), keys of another era.  With ``history``, the indicators of earlier versions too."""
    for report in selected_reports(db, region, year, level):
        if history:
            for old in report_versions(db, report["report_id"]):
                snapshot = json.loads(old["report"])
                stored = {row["key"]: row for row in json.loads(old["indicators"])}
                yield from _indicator_rows(snapshot, stored, old["version"], include_unknown)
        stored = {
            row["key"]: row
            for row in db.query(INDICATOR_ROWS_SQL, [report["report_id"]])
        }
        yield from _indicator_rows(report, stored, report.get("version"), include_unknown)


def table_rows(db: sqlite_utils.Database, region: str | None, year: int | None,
               history: bool = False, level: str | None = None) -> Iterator[dict]:
    """Every parsed table, one row per cell (long format)."""
    for report in selected_reports(db, region, year, level):
        for table in db.query(
            "SELECT * FROM report_tables WHERE report_id = ? ORDER BY table_index", [report["report_id"]]
        ):
            for r, cells in enumerate(json.loads(table["cells"])):
                for c, cell in enumerate(cells):
                    yield {
                        "report_id": report["report_id"],
                        "url": report["url"],
                        "region_code": report["region_code"],
                        "report_year": report["report_year"],
                        "table_index": table["table_index"],
                        "kind": table["kind"],
                        "caption": table["caption"],
                        "row": r,
                        "col": c,
                        "cell": cell,
                    }


def failure_rows(db: sqlite_utils.Database, region: str | None, year: int | None,
                 history: bool = False) -> Iterator[dict]:
    where, params = region_clause(db, region, table="portals")
    yield from db.query(
        f"""SELECT fetch_failures.* FROM fetch_failures
            LEFT JOIN portals ON portals.portal_id = fetch_failures.portal_id
            WHERE {where} ORDER BY fetch_failures.id""",
        params,
    )


# --- research exports: from the views of migration m005 -------------------------------------
@dataclass(frozen=True)
class ExportOptions:
    """What an export was asked for besides its kind and output."""

    region: str | None = None
    year: int | None = None
    history: bool = False
    table: str | None = None  # wide: the form table whose keys are the columns
    include_unknown: bool | None = None  # None: the export's default
    labels: bool = False  # a second header row with the columns' Chinese labels
    level: str | None = None  # the kinds of body (govreports.bodies.kinds_of_level); None: all


# The report columns the research exports begin with (from the report_list view).
REPORT_ID_COLUMNS = ["report_id", "report_year", "era", "region_code", "region_name", "province", "city",
                     "portal_id", "body", "body_kind", "publisher", "title", "title_original",
                     "published_date", "url"]
# headlines view column -> codebook key: the export names each figure by its key.
HEADLINE_FIGURES = {
    "proactive_total": "headline.proactive_total",
    "applications_received": "headline.applications_received",
    "applications_disclosed": "headline.applications_disclosed",
    "admin_reviews": "headline.admin_reviews",
    "lawsuits": "headline.lawsuits",
    "fees": "headline.fees",
}
# Per report, from the compliance view.
REPORT_COMPLIANCE_COLUMNS = ["deadline", "on_time", "days_late", "sections_complete", "sections_missing",
                             "tables_complete", "tables_missing", "tables_incomplete", "consistent",
                             "consistency_breaks", "rules_broken", "yoy_reviews", "yoy_review", "passed", "issues"]
HEADLINE_EXPORT_COLUMNS = REPORT_ID_COLUMNS + list(HEADLINE_FIGURES.values()) + ["flags_count"] \
    + REPORT_COMPLIANCE_COLUMNS
CODEBOOK_COLUMNS = ["key", "table", "eras", "row_label", "column_label", "label", "unit", "value_type",
                    "canonical", "note"]
# From the compliance_body_years view: one row per body and year.
COMPLIANCE_EXPORT_COLUMNS = ["portal_id", "region_code", "region_name", "province", "city", "body", "body_kind",
                             "report_year", "status", "reports", "report_ids", "published_date", "deadline",
                             "on_time", "sections_complete", "tables_complete", "consistent", "yoy_reviews",
                             "passed", "issues"]
# Chinese names of the columns, for --labels (figure columns take their codebook label).
COLUMN_LABELS = {
    "report_id": "报告编号", "report_year": "报告年度", "era": "格式", "region_code": "区划代码",
    "region_name": "地区", "province": "省", "city": "市", "portal_id": "门户", "body": "发布主体",
    "body_kind": "主体类型", "publisher": "发布机构", "title": "标题", "title_original": "原标题（繁体等）",
    "published_date": "发布日期", "url": "网址", "flags_count": "标记数", "deadline": "公布期限",
    "on_time": "按时公布", "days_late": "逾期天数", "sections_complete": "章节齐全",
    "sections_missing": "缺少章节", "tables_complete": "表格齐全", "tables_missing": "缺少表格",
    "tables_incomplete": "表格不完整", "consistent": "勾稽关系相符", "consistency_breaks": "勾稽不符数",
    "rules_broken": "不符规则", "yoy_reviews": "同比异常数", "yoy_review": "同比异常", "passed": "合规",
    "issues": "问题", "status": "状态", "reports": "报告数", "report_ids": "报告编号", "unknown": "未识别项目",
}
VALUE_TYPES = {1: "count", 0: "money"}


def _filtered(db: sqlite_utils.Database, alias: str, opts: ExportOptions) -> tuple[str, list[Any]]:
    """The --region, --year and --level condition on the rows of ``alias`` (a view with
    region_code, region_name, report_year and body_kind)."""
    where, params = region_clause(db, opts.region, table=alias)
    if opts.year is not None:
        where += f" AND {alias}.report_year = ?"
        params.append(opts.year)
    by_level, kinds = level_clause(opts.level, alias)
    return where + by_level, params + kinds


def headline_export_rows(db: sqlite_utils.Database, opts: ExportOptions) -> Iterator[dict]:
    """One row per report: where it is from, its headline figures (counts as integers,
    fees in 元 as decimals), its flags count and its compliance checks."""
    where, params = _filtered(db, "h", opts)
    compliance = ", ".join(f"c.{c}" for c in REPORT_COMPLIANCE_COLUMNS)
    for row in db.query(
        f"""SELECT h.*, {compliance} FROM headlines h LEFT JOIN compliance c ON c.report_id = h.report_id
            WHERE {where} ORDER BY h.region_code, h.report_year, h.report_id""",
        params,
    ):
        for column, key in HEADLINE_FIGURES.items():
            row[key] = typed_value(row.pop(column), VALUE_KINDS.get(key))
        yield row


def _codebook_row(row: dict) -> dict:
    return {
        "key": row["key"], "table": row["table_kind"], "eras": row["eras"], "row_label": row["row_label"],
        "column_label": row["column_label"], "label": row["label"], "unit": row["unit"],
        "value_type": VALUE_TYPES.get(row["is_count"], ""), "canonical": row["canonical"], "note": row["note"],
    }


def codebook_rows(db: sqlite_utils.Database, opts: ExportOptions) -> Iterator[dict]:
    """The codebook: every canonical key with its table, eras, Chinese row and column
    labels, unit and value type, in schema order; with ``include_unknown``, then the
    labels reports printed that no key names (``canonical`` 0)."""
    canonical = "1=1" if opts.include_unknown else "canonical = 1"
    for row in db.query(f"""SELECT * FROM indicator_keys WHERE {canonical}
                            ORDER BY canonical DESC, position, table_kind, key"""):
        yield _codebook_row(row)


def codebook_of(db: sqlite_utils.Database, keys: Iterable[str]) -> list[dict]:
    """Codebook rows of ``keys`` (those the codebook has), in the order given."""
    rows = {row["key"]: row for row in db.query("SELECT * FROM indicator_keys")}
    return [_codebook_row(rows[key]) for key in keys if key in rows]


def table_names(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT table_kind FROM indicator_keys WHERE canonical = 1 GROUP BY table_kind ORDER BY MIN(position)")]


def table_keys(db: sqlite_utils.Database, table: str) -> list[tuple[str, int | None, str]]:
    """(key, is_count, eras) of the canonical keys of a form table, in schema order."""
    return [tuple(row) for row in db.execute(
        "SELECT key, is_count, eras FROM indicator_keys WHERE canonical = 1 AND table_kind = ? ORDER BY position",
        (table,))]


def _wide_table(db: sqlite_utils.Database, opts: ExportOptions) -> str:
    names = table_names(db)
    if not opts.table:
        raise ExportError(f"the wide export needs --table, one of: {', '.join(names)}")
    if opts.table not in names:
        raise ExportError(f"unknown table {opts.table!r} for --table; choose one of: {', '.join(names)}")
    return opts.table


def wide_columns(db: sqlite_utils.Database, opts: ExportOptions) -> list[str]:
    keys = [key for key, _, _ in table_keys(db, _wide_table(db, opts))]
    return REPORT_ID_COLUMNS + keys + (["unknown"] if opts.include_unknown else [])


def wide_rows(db: sqlite_utils.Database, opts: ExportOptions) -> Iterator[dict]:
    """One row per report of an era the table exists in, one column per canonical key
    of the table (empty where the report gives no value); with ``include_unknown``, an
    ``unknown`` column: the table's rows no key names, ``label：as printed`` joined by ；."""
    table = _wide_table(db, opts)
    keys = table_keys(db, table)
    eras = {era for _, _, key_eras in keys for era in key_eras.split()}
    where, params = _filtered(db, "l", opts)
    if "all" not in eras:
        where += f" AND l.era IN ({', '.join('?' * len(eras))})"
        params += sorted(eras)
    unknown_prefix = f"unknown:{table}:"
    for report in db.query(
            f"SELECT * FROM report_list l WHERE {where} ORDER BY l.region_code, l.report_year, l.report_id", params):
        row = {c: report.get(c) for c in REPORT_ID_COLUMNS}
        stored = {r["key"]: r for r in db.query(
            "SELECT key, value, raw FROM indicators WHERE report_id = ? ORDER BY position", [report["report_id"]])}
        for key, count, _ in keys:
            row[key] = typed_value(stored.get(key, {}).get("value"), count)
        if opts.include_unknown:
            row["unknown"] = "；".join(f"{key[len(unknown_prefix):]}：{r['raw']}" for key, r in stored.items()
                                      if key.startswith(unknown_prefix))
        yield row


def compliance_rows(db: sqlite_utils.Database, opts: ExportOptions) -> Iterator[dict]:
    """The scorecard: one row per body and year (found, missing or not yet due)."""
    where, params = _filtered(db, "b", opts)
    yield from db.query(
        f"""SELECT * FROM compliance_body_years b WHERE {where}
            ORDER BY b.region_code, b.portal_id, b.body_kind, b.body, b.report_year""", params)


def column_labels(db: sqlite_utils.Database, columns: list[str]) -> list[str]:
    """The Chinese label of each column: its codebook label when it is a key."""
    keys = {row[0]: row[1] for row in db.execute("SELECT key, label FROM indicator_keys")}
    return [keys.get(c) or COLUMN_LABELS.get(c, c) for c in columns]


@dataclass(frozen=True)
class ExportKind:
    """One kind of ``scrapy export``: its columns and rows (given the options), the
    options it takes besides the output ones, and what its .xlsx codebook sheet lists."""

    columns: Callable[[sqlite_utils.Database, ExportOptions], list[str]]
    rows: Callable[[sqlite_utils.Database, ExportOptions], Iterable[dict]]
    takes: frozenset[str] = frozenset({"region", "year"})
    include_unknown: bool = False  # the default of --include-unknown
    codebook_keys: Callable[[sqlite_utils.Database, ExportOptions], list[str]] | None = None


def _static(columns: list[str]) -> Callable[[sqlite_utils.Database, ExportOptions], list[str]]:
    return lambda db, opts: columns


def _canonical_keys(db: sqlite_utils.Database, opts: ExportOptions) -> list[str]:
    return [row[0] for row in db.execute("SELECT key FROM indicator_keys WHERE canonical = 1 ORDER BY position")]


EXPORTS: dict[str, ExportKind] = {
    "reports": ExportKind(_static(REPORT_EXPORT_COLUMNS),
                          lambda db, o: report_rows(db, o.region, o.year, o.history, o.level),
                          takes=frozenset({"region", "year", "history", "level"})),
    "indicators": ExportKind(_static(INDICATOR_COLUMNS),
                             lambda db, o: indicator_rows(db, o.region, o.year, o.history, o.include_unknown,
                                                          o.level),
                             takes=frozenset({"region", "year", "history", "include_unknown", "level"}),
                             include_unknown=True, codebook_keys=_canonical_keys),
    # --history was always accepted (and meant nothing) for these two.
    "tables": ExportKind(_static(TABLE_COLUMNS), lambda db, o: table_rows(db, o.region, o.year, level=o.level),
                         takes=frozenset({"region", "year", "history", "level"})),
    "failures": ExportKind(_static(FAILURE_COLUMNS), lambda db, o: failure_rows(db, o.region, o.year),
                           takes=frozenset({"region", "year", "history"})),
    "headlines": ExportKind(_static(HEADLINE_EXPORT_COLUMNS), headline_export_rows,
                            takes=frozenset({"region", "year", "labels", "level"}),
                            codebook_keys=lambda db, o: list(HEADLINE_FIGURES.values())),
    "codebook": ExportKind(_static(CODEBOOK_COLUMNS), codebook_rows, takes=frozenset({"include_unknown"})),
    "wide": ExportKind(wide_columns, wide_rows,
                       takes=frozenset({"region", "year", "table", "include_unknown", "labels", "level"}),
                       include_unknown=True,
                       codebook_keys=lambda db, o: [k for k, _, _ in table_keys(db, _wide_table(db, o))]),
    "compliance": ExportKind(_static(COMPLIANCE_EXPORT_COLUMNS), compliance_rows,
                             takes=frozenset({"region", "year", "labels", "level"})),
}
# How each option is spelt on the command line, for messages.
OPTION_FLAGS = {"region": "--region", "year": "--year", "history": "--history", "table": "--table",
                "include_unknown": "--include-unknown/--no-include-unknown", "labels": "--labels", "level": "--level"}


def _given_options(opts: ExportOptions) -> set[str]:
    given = {name for name in ("region", "year", "table", "include_unknown", "level")
             if getattr(opts, name) is not None}
    return given | {name for name in ("history", "labels") if getattr(opts, name)}


def output_format(path: str, fmt: str | None = None, *, excel: bool = False) -> str:
    """The format to write ``path`` in: ``fmt`` if given, else its extension's;
    ExportError for an unknown extension, a ``fmt`` that contradicts a known one, or
    ``excel`` (a CSV option) with another format."""
    if fmt is not None and fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    suffix = "" if path == "-" else Path(path).suffix.lower()
    by_extension = EXTENSIONS.get(suffix)
    if fmt is None:
        if path == "-":
            fmt = "csv"
        elif by_extension is None:
            raise ExportError(f"cannot tell the format of {path!r} from its extension: name it "
                              f"{', '.join(EXTENSIONS)}, or give --format {{{','.join(FORMATS)}}}")
        else:
            fmt = by_extension
    elif by_extension is not None and by_extension != fmt:
        raise ExportError(f"--format {fmt} contradicts the extension of {path!r} ({by_extension})")
    if excel and fmt != "csv":
        raise ExportError(f"--excel is for CSV; {fmt} is written without it")
    if fmt == "xlsx" and path == "-":
        raise ExportError("an .xlsx workbook cannot go to standard output; name a file")
    return fmt


@contextmanager
def replaced_on_success(path: str, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO]:
    """A temporary file beside ``path``, renamed over it once the block completes;
    removed (and ``path`` left as it was) when the block fails."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{path} is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline="")) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _stdout(encoding: str) -> Iterator[IO]:
    """Standard output as text; a reader that went away ends the export quietly."""
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=True)
    try:
        yield stream
        stream.flush()
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # Whatever is still buffered must not fail again at exit: send it nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise OutputClosed() from None
    finally:
        stream.detach()


@contextmanager
def _text_output(path: str, encoding: str) -> Iterator[IO]:
    if path == "-":
        with _stdout(encoding) as f:
            yield f
    else:
        with replaced_on_success(path, encoding=encoding) as f:
            yield f


@dataclass(frozen=True)
class Sheet:
    """A further sheet of an .xlsx workbook (the codebook beside an export)."""

    name: str
    columns: list[str]
    rows: Iterable[dict]


def write_rows(rows: Iterable[dict], columns: list[str], path: str, *, excel: bool = False,
               fmt: str | None = None, sheet: str = "export", label_row: list[str] | None = None,
               more_sheets: Iterable[Sheet] = ()) -> int:
    """Write ``rows`` to ``path`` (``-`` for stdout) in ``fmt`` (default: by the
    extension, see :func:`output_format`): CSV (UTF-8; with a BOM and ``raw``
    neutralised too when ``excel``), JSON Lines, or an .xlsx workbook whose first sheet
    is named ``sheet``, followed by ``more_sheets``.  ``label_row`` (CSV and .xlsx): a
    second header row, one label per column.  Returns the row count (first sheet)."""
    fmt = output_format(path, fmt, excel=excel)
    if label_row is not None and fmt == "jsonl":
        raise ExportError("--labels is for CSV and .xlsx; JSON Lines have no header row")
    if fmt == "xlsx":
        with replaced_on_success(path, binary=True) as f:
            return _write_xlsx([Sheet(sheet, columns, rows), *more_sheets], f, label_row)
    count = 0
    if fmt == "jsonl":
        with _text_output(path, "utf-8") as f:
            for row in rows:
                f.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
                count += 1
        return count
    guarded = [c for c in columns if excel or c not in VERBATIM_COLUMNS]
    with _text_output(path, "utf-8-sig" if excel else "utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        if label_row is not None:
            writer.writerow({c: neutralise(label) for c, label in zip(columns, label_row)})
        for row in rows:
            writer.writerow({c: row.get(c) for c in columns} | {c: neutralise(row.get(c)) for c in guarded})
            count += 1
    return count


def _write_xlsx(sheets: list[Sheet], f: IO[bytes], label_row: list[str] | None = None) -> int:
    """One sheet per ``Sheet``: a header row (and ``label_row`` under the first sheet's),
    then numbers as number cells and every text as a text cell (never a formula).
    Characters XML cannot carry (control characters but tab, LF and CR) become U+FFFD.
    Returns the first sheet's row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    counts = []
    for n, sheet in enumerate(sheets):
        worksheet = workbook.create_sheet(title=sheet.name)

        def cell(value: Any, column: str) -> Any:
            if value is None or isinstance(value, (int, float)):
                return value
            text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
            if len(text) > XLSX_MAX_CELL:
                raise ExportError(f"a {column!r} value is longer than the {XLSX_MAX_CELL} characters an .xlsx cell "
                                  "holds; export as .csv or .jsonl")
            written = WriteOnlyCell(worksheet, value=text)
            written.data_type = "s"  # text, even when it starts with "="
            return written

        count = 0
        try:
            worksheet.append([cell(c, c) for c in sheet.columns])
            if n == 0 and label_row is not None:
                worksheet.append([cell(label, column) for label, column in zip(label_row, sheet.columns)])
            for row in sheet.rows:
                count += 1
                if count >= XLSX_MAX_ROWS:
                    raise ExportError(f"more than {XLSX_MAX_ROWS - 1} rows: too many for an .xlsx sheet; "
                                      "narrow it (--region, --year) or export as .csv or .jsonl")
                worksheet.append([cell(row.get(c), c) for c in sheet.columns])
        except BaseException:
            worksheet.close()  # ends openpyxl's sheet stream cleanly (the output is discarded)
            raise
        counts.append(count)
    workbook.save(f)
    return counts[0]


def export(db_path: str, kind: str, output: str, *, region: str | None = None,
           year: int | None = None, excel: bool = False, history: bool = False,
           fmt: str | None = None, table: str | None = None, include_unknown: bool | None = None,
           labels: bool = False, level: str | None = None) -> int:
    """Write export ``kind`` of the database at ``db_path`` to ``output``; returns the
    row count.  Everything that can be checked is checked before anything is written:
    ExportError says what is wrong, and an existing output file is left as it was.
    An .xlsx of an export with indicator columns (indicators, headlines, wide) has the
    codebook of those keys as a second sheet."""
    if kind not in EXPORTS:
        raise ExportError(f"unknown export {kind!r}; choose one of: {', '.join(EXPORTS)}")
    spec = EXPORTS[kind]
    opts = ExportOptions(region=region, year=year, history=history, table=table,
                         include_unknown=include_unknown, labels=labels, level=level)
    stray = sorted(_given_options(opts) - spec.takes)
    if stray:
        raise ExportError(f"{', '.join(OPTION_FLAGS[o] for o in stray)} does not apply to the {kind} export")
    if opts.include_unknown is None:
        opts = replace(opts, include_unknown=spec.include_unknown)
    level_clause(level, kind)  # an unknown level fails here, before the output is touched
    fmt = output_format(output, fmt, excel=excel)
    if labels and fmt == "jsonl":
        raise ExportError("--labels is for CSV and .xlsx; JSON Lines have no header row")
    if not Path(db_path).is_file():
        raise ExportError(f"no database at {db_path}; run a crawl first (scrapy crawl portal -a region=demo)")
    try:
        db = open_db(db_path)
    except sqlite3.DatabaseError as exc:
        raise ExportError(_database_problem(db_path, exc)) from exc
    try:
        region_clause(db, region)  # an unknown region fails here, before the output is touched
        columns = spec.columns(db, opts)  # … and an unknown --table here
        sheets = []
        if fmt == "xlsx" and spec.codebook_keys is not None:
            sheets.append(Sheet("codebook", CODEBOOK_COLUMNS, codebook_of(db, spec.codebook_keys(db, opts))))
        return write_rows(spec.rows(db, opts), columns, output, excel=excel, fmt=fmt, sheet=kind,
                          label_row=column_labels(db, columns) if labels else None, more_sheets=sheets)
    except sqlite3.DatabaseError as exc:
        raise ExportError(_database_problem(db_path, exc)) from exc
    finally:
        db.close()


def _database_problem(db_path: str, exc: sqlite3.DatabaseError) -> str:
    if is_locked(exc):
        return f"the database {db_path} is locked by another process; try again once it is done"
    return f"cannot read the database {db_path}: {exc}"
