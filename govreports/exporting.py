"""Exports of the database as CSV or JSON Lines: reports, indicators, tables, failures.

Rows are produced by generators (one report at a time), so exporting a large database
needs little memory.  CSV cells that a spreadsheet would read as a formula
(starting with = + - @, tab or carriage return) are prefixed with an apostrophe;
numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from govreports.schema import keys_for_era
from govreports.storage import open_db
from govreports.storage.store import REPORT_COLUMNS, report_urls_of

# The reports export: the stored report columns, but for the long texts and JSON (they stay
# in the database, searchable through reports_fts), then when it was seen, its flags as
# text, its portal, every URL it was seen at, and its counts and state.
NOT_EXPORTED = frozenset({
    "identity", "portal_id", "metadata", "body_text", "body_text_original", "cover_letter",
    "next_year_plan", "sections", "flags", "attachment_text",
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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """The export cannot be made as asked (unknown kind, unknown region …)."""


def neutralise(value: Any) -> Any:
    """Keep a spreadsheet from evaluating a text cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _number(value: Any) -> Any:
    """Integral floats (SQLite REAL) print as integers: 4712, not 4712.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


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


def selected_reports(db: sqlite_utils.Database, region: str | None, year: int | None) -> Iterator[dict]:
    where, params = region_clause(db, region)
    if year is not None:
        where += " AND reports.report_year = ?"
        params.append(year)
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
                history: bool = False) -> Iterator[dict]:
    """The current version of each report; with ``history``, its earlier versions too
    (as stored before each revision replaced them), oldest first."""
    for report in selected_reports(db, region, year):
        if history:
            for old in report_versions(db, report["report_id"]):
                snapshot = json.loads(old["report"])
                yield {**_report_row(db, {**snapshot, "removed_at": None}), "version": old["version"],
                       "last_seen": _date(old["superseded_at"])}
        yield _report_row(db, report)


def _indicator_rows(report: dict, stored: dict[str, dict], version: int | None) -> Iterator[dict]:
    for key in keys_for_era(report["era"] or None):
        row = stored.get(key, {})
        yield {
            "report_id": report["report_id"],
            "url": report["url"],
            "region_code": report["region_code"],
            "report_year": report["report_year"],
            "key": key,
            "value": _number(row.get("value")),
            "raw": row.get("raw", ""),
            "unit": row.get("unit", ""),
            "source": row.get("source", ""),
            "evidence": row.get("evidence", ""),
            "version": version,
        }


def indicator_rows(db: sqlite_utils.Database, region: str | None, year: int | None,
                   history: bool = False) -> Iterator[dict]:
    """One row per report and canonical key of its era; empty value where not given.
    With ``history``, the indicators of earlier versions too."""
    for report in selected_reports(db, region, year):
        if history:
            for old in report_versions(db, report["report_id"]):
                snapshot = json.loads(old["report"])
                stored = {row["key"]: row for row in json.loads(old["indicators"])}
                yield from _indicator_rows(snapshot, stored, old["version"])
        stored = {
            row["key"]: row
            for row in db.query("SELECT * FROM indicators WHERE report_id = ?", [report["report_id"]])
        }
        yield from _indicator_rows(report, stored, report.get("version"))


def table_rows(db: sqlite_utils.Database, region: str | None, year: int | None,
               history: bool = False) -> Iterator[dict]:
    """Every parsed table, one row per cell (long format)."""
    for report in selected_reports(db, region, year):
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


EXPORTS = {
    "reports": (REPORT_EXPORT_COLUMNS, report_rows),
    "indicators": (INDICATOR_COLUMNS, indicator_rows),
    "tables": (TABLE_COLUMNS, table_rows),
    "failures": (FAILURE_COLUMNS, failure_rows),
}


@contextmanager
def _open_output(path: str, encoding: str):
    if path == "-":
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=True)
        try:
            yield stream
        finally:
            stream.detach()
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding=encoding, newline="") as f:
            yield f


def write_rows(rows: Iterable[dict], columns: list[str], path: str, *, excel: bool = False) -> int:
    """Write ``rows`` to ``path`` (``-`` for stdout): JSON Lines if it ends in
    ``.jsonl``, else CSV (UTF-8; with a BOM when ``excel``).  Returns the row count."""
    count = 0
    if path.endswith(".jsonl"):
        with _open_output(path, "utf-8") as f:
            for row in rows:
                f.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
                count += 1
        return count
    with _open_output(path, "utf-8-sig" if excel else "utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: neutralise(row.get(c)) for c in columns})
            count += 1
    return count


def export(db_path: str, kind: str, output: str, *, region: str | None = None,
           year: int | None = None, excel: bool = False, history: bool = False) -> int:
    if kind not in EXPORTS:
        raise ExportError(f"unknown export {kind!r}; choose one of: {', '.join(EXPORTS)}")
    if not Path(db_path).is_file():
        raise ExportError(f"no database at {db_path}; run a crawl first (scrapy crawl portal -a region=demo)")
    columns, producer = EXPORTS[kind]
    db = open_db(db_path)
    try:
        return write_rows(producer(db, region, year, history), columns, output, excel=excel)
    finally:
        db.close()
