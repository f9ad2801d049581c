"""Exports of the database as CSV, JSON Lines or Excel (.xlsx): reports, indicators,
tables, failures.

Rows are produced by generators (one report at a time), so exporting a large database
needs little memory.

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from govreports.schema import keys_for_era
from govreports.storage import open_db
from govreports.storage.locking import is_locked
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
def _replaced_on_success(path: str, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO]:
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
        with _replaced_on_success(path, encoding=encoding) as f:
            yield f


def write_rows(rows: Iterable[dict], columns: list[str], path: str, *, excel: bool = False,
               fmt: str | None = None, sheet: str = "export") -> int:
    """Write ``rows`` to ``path`` (``-`` for stdout) in ``fmt`` (default: by the
    extension, see :func:`output_format`): CSV (UTF-8; with a BOM and ``raw``
    neutralised too when ``excel``), JSON Lines, or an .xlsx workbook of one sheet
    named ``sheet``.  Returns the row count."""
    fmt = output_format(path, fmt, excel=excel)
    if fmt == "xlsx":
        with _replaced_on_success(path, binary=True) as f:
            return _write_xlsx(rows, columns, f, sheet)
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
        for row in rows:
            writer.writerow({c: row.get(c) for c in columns} | {c: neutralise(row.get(c)) for c in guarded})
            count += 1
    return count


def _write_xlsx(rows: Iterable[dict], columns: list[str], f: IO[bytes], sheet: str) -> int:
    """One sheet: a header row, then numbers as number cells and every text as a text
    cell (never a formula).  Characters XML cannot carry (control characters but tab,
    LF and CR) become U+FFFD."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet)

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
        worksheet.append([cell(c, c) for c in columns])
        for row in rows:
            count += 1
            if count >= XLSX_MAX_ROWS:
                raise ExportError(f"more than {XLSX_MAX_ROWS - 1} rows: too many for an .xlsx sheet; "
                                  "narrow it (--region, --year) or export as .csv or .jsonl")
            worksheet.append([cell(row.get(c), c) for c in columns])
    except BaseException:
        worksheet.close()  # ends openpyxl's sheet stream cleanly (the output is discarded)
        raise
    workbook.save(f)
    return count


def export(db_path: str, kind: str, output: str, *, region: str | None = None,
           year: int | None = None, excel: bool = False, history: bool = False,
           fmt: str | None = None) -> int:
    """Write export ``kind`` of the database at ``db_path`` to ``output``; returns the
    row count.  Everything that can be checked is checked before anything is written:
    ExportError says what is wrong, and an existing output file is left as it was."""
    if kind not in EXPORTS:
        raise ExportError(f"unknown export {kind!r}; choose one of: {', '.join(EXPORTS)}")
    output_format(output, fmt, excel=excel)
    if not Path(db_path).is_file():
        raise ExportError(f"no database at {db_path}; run a crawl first (scrapy crawl portal -a region=demo)")
    columns, producer = EXPORTS[kind]
    try:
        db = open_db(db_path)
    except sqlite3.DatabaseError as exc:
        raise ExportError(_database_problem(db_path, exc)) from exc
    try:
        region_clause(db, region)  # an unknown region fails here, before the output is touched
        return write_rows(producer(db, region, year, history), columns, output, excel=excel, fmt=fmt, sheet=kind)
    except sqlite3.DatabaseError as exc:
        raise ExportError(_database_problem(db_path, exc)) from exc
    finally:
        db.close()


def _database_problem(db_path: str, exc: sqlite3.DatabaseError) -> str:
    if is_locked(exc):
        return f"the database {db_path} is locked by another process; try again once it is done"
    return f"cannot read the database {db_path}: {exc}"
