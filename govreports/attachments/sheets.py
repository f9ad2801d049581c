"""Spreadsheets (xlsx via openpyxl, xls via xlrd): every sheet becomes one table.

Merged ranges are expanded (each covered slot carries the merged text, like the
HTML and DOCX grids); numbers print as the sheet shows them where we can tell
(7730.28 stays 7730.28, 12.0 prints as 12); trailing empty rows/columns go.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from .grid import clean_cell, collapse_row, render_table, trim_grid

MAX_CELLS = 200_000  # per sheet: a "used range" of a million empty rows is a formatting accident


@dataclass
class SheetResult:
    text: str
    tables: list[list[list[str]]]
    sheets: int


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(round(value, 10)).rstrip("0").rstrip(".") if "e" not in repr(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) or not (value.hour or value.minute) else value.isoformat(" ", "minutes")
    return clean_cell(value)


def _finish(named: list[tuple[str, list[list[str]], list[list[object]]]]) -> SheetResult:
    texts, tables = [], []
    for name, grid, ids in named:
        grid = trim_grid(grid)
        if not grid:
            continue
        ids = [row[: len(grid[0])] for row in ids[: len(grid)]]
        tables.append(grid)
        texts.append(f"{name}\n" + render_table([collapse_row(r, i) for r, i in zip(grid, ids)]))
    return SheetResult("\n\n".join(texts), tables, len(named))


def extract_xlsx(data: bytes) -> SheetResult:
    import openpyxl

    # Not read_only: merged ranges are only known in the normal mode.
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    named = []
    for ws in wb.worksheets:
        rows, cols = ws.max_row or 0, ws.max_column or 0
        if rows * cols > MAX_CELLS:
            rows = max(1, MAX_CELLS // max(cols, 1))
        grid = [[_fmt(ws.cell(r + 1, c + 1).value) for c in range(cols)] for r in range(rows)]
        ids: list[list[object]] = [[(r, c) for c in range(cols)] for r in range(rows)]
        for rng in ws.merged_cells.ranges:
            text = _fmt(ws.cell(rng.min_row, rng.min_col).value)
            for r in range(rng.min_row - 1, min(rng.max_row, rows)):
                for c in range(rng.min_col - 1, min(rng.max_col, cols)):
                    grid[r][c] = text
                    ids[r][c] = ("m", rng.coord)
        named.append((ws.title, grid, ids))
    return _finish(named)


def extract_xls(data: bytes) -> SheetResult:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    named = []
    for sheet in book.sheets():
        rows, cols = sheet.nrows, sheet.ncols
        if rows * cols > MAX_CELLS:
            rows = max(1, MAX_CELLS // max(cols, 1))
        grid = []
        for r in range(rows):
            row = []
            for c in range(cols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        value: object = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                    except (ValueError, OverflowError):
                        value = cell.value
                else:
                    value = cell.value
                row.append(_fmt(value))
            grid.append(row)
        ids: list[list[object]] = [[(r, c) for c in range(cols)] for r in range(rows)]
        for rlo, rhi, clo, chi in sheet.merged_cells:
            if rlo >= rows or clo >= cols:
                continue
            text = grid[rlo][clo]
            for r in range(rlo, min(rhi, rows)):
                for c in range(clo, min(chi, cols)):
                    grid[r][c] = text
                    ids[r][c] = ("m", rlo, clo)
        named.append((sheet.name, grid, ids))
    book.release_resources()
    return _finish(named)
