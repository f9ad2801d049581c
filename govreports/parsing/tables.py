"""Tables as rectangular grids of cell texts.

* :func:`html_table_grid` expands rowspan/colspan so every cell of a merged region
  carries the merged text (row/column label paths then read straight across).
* :func:`text_table_grids` recovers tables from text copies: " | "-separated rows, and
  tables flattened one cell per line (label, then its values, then the next label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .normalize import clean_cell, is_value_cell


def _span(cell: etree._Element, name: str) -> int:
    value = cell.get(name)
    if value is None or value == "1":
        return 1
    try:
        return max(1, min(int(re.sub(r"\D", "", value) or 1), 200))
    except ValueError:
        return 1


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The <tr> of this table, not of tables nested in its cells."""
    rows = []
    for tr in table.iter("tr"):
        parent = tr.getparent()
        while parent is not None and parent.tag != "table":
            parent = parent.getparent()
        if parent is table:
            rows.append(tr)
    return rows


def html_table_grid(table: etree._Element) -> list[list[str]]:
    """Rectangular grid of the table's cell texts, merged cells expanded."""
    return html_table(table)[0]


def html_table(table: etree._Element) -> tuple[list[list[str]], list[list[str]]]:
    """(expanded grid, rows as printed): one pass over the cells for both."""
    grid: list[list[str]] = []
    printed: list[list[str]] = []
    # row index -> {column: text} filled by a rowspan from above
    carried: dict[int, dict[int, str]] = {}
    for r, tr in enumerate(_own_rows(table)):
        from_above = carried.pop(r, {})
        row: list[str] = []
        printed_row: list[str] = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while len(row) in from_above:
                row.append(from_above.pop(len(row)))
            text = clean_cell("".join(cell.itertext()))
            printed_row.append(text)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            start = len(row)
            row.extend([text] * colspan)
            for dr in range(1, rowspan):
                below = carried.setdefault(r + dr, {})
                for dc in range(colspan):
                    below[start + dc] = text
        # rowspans hanging past the last cell of this row
        for column in sorted(from_above):
            while len(row) < column:
                row.append("")
            row.insert(column, from_above[column])
        if any(row):
            grid.append(row)
        if any(printed_row):
            printed.append(printed_row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid], printed


# ----------------------------------------------------------------------------- text


@dataclass
class TextTable:
    grid: list[list[str]]
    start_line: int
    end_line: int  # exclusive
    caption: str = ""
    layout: str = "pipe"  # pipe | per_line
    rows: list[list[str]] | None = None  # per_line: rows without padding (no empty cells were seen)


def split_pipe_row(line: str) -> list[str]:
    """"a | b | |" -> ["a", "b", ""]: a trailing delimiter closes the row, it is not a cell."""
    cells = [clean_cell(c) for c in line.split("|")]
    if line.rstrip().endswith("|"):
        cells = cells[:-1]
    return cells


_PROSE_END = re.compile(r"[。；;：:！!？?]$")
MAX_CELL_LINE = 48


def _is_cell_line(line: str) -> bool:
    s = line.strip()
    if split_spaced_row(s):
        return True
    return len(s) <= MAX_CELL_LINE and not _PROSE_END.search(s)


_SPACED_VALUE = re.compile(r"(?:[+\-]?\d[\d,]*(?:\.\d+)?[^\s\d]{0,2}|[/—\-]{1,2}|——)")


def split_spaced_row(line: str) -> list[str] | None:
    """PDF text often prints a row on one line: "1.属于国家秘密 0 0 0 0 0 0 0" or
    "0 0 1 0 0 0 1".  Returns [label?, values…] when the line ends with at least two
    space-separated values, else None."""
    tokens = line.split()
    values: list[str] = []
    while tokens and _SPACED_VALUE.fullmatch(tokens[-1]) and is_value_cell(tokens[-1]):
        values.insert(0, tokens.pop())
    if len(values) < 2:
        return None
    label = " ".join(tokens)
    if label and (len(label) > 80 or _PROSE_END.search(label)):
        return None
    return ([label] if label else []) + values


def text_table_grids(text: str) -> list[TextTable]:
    """Every table recoverable from a text copy, in order."""
    lines = text.split("\n")
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        if "|" in lines[i]:
            j = i
            while j < len(lines) and ("|" in lines[j] or not lines[j].strip()):
                j += 1
            rows = [split_pipe_row(l) for l in lines[i:j] if l.strip()]
            width = max(len(r) for r in rows)
            grid = [r + [""] * (width - len(r)) for r in rows]
            tables.append(TextTable(grid, i, j, _caption(lines, i), "pipe"))
            i = j
            continue
        if lines[i].strip() and _is_cell_line(lines[i]) and not _is_table_break(lines[i]):
            j = i
            while j < len(lines) and "|" not in lines[j] and (not lines[j].strip() or _is_cell_line(lines[j])) and not _is_table_break(lines[j]):
                j += 1
            table = _per_line_table(lines, i, j)
            if table:
                tables.append(table)
            i = max(j, i + 1)
            continue
        i += 1
    return tables


def _per_line_table(lines: list[str], start: int, end: int) -> TextTable | None:
    """One cell per line: a label line starts a row, value lines (numbers, units, marks,
    blanks) extend it.  Accepted as a table when enough lines are values."""
    # Trailing blank lines do not belong to the table.
    while end > start and not lines[end - 1].strip():
        end -= 1
    rows: list[list[str]] = []
    values = 0
    for line in lines[start:end]:
        cell = clean_cell(line)
        spaced = split_spaced_row(cell) if " " in cell else None
        if spaced:
            if is_value_cell(spaced[0]):
                if rows:
                    rows[-1].extend(spaced)
                    values += len(spaced)
            else:
                rows.append(spaced)
                values += len(spaced) - 1
            continue
        if cell and not is_value_cell(cell):
            rows.append([cell])
        elif rows and cell:
            # Blank lines are dropped: browser copies put one between every cell, so
            # they say nothing about empty cells.
            rows[-1].append(cell)
            values += 1
    if values < 3 or len(rows) < 3:
        return None
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    return TextTable(grid, start, end, _caption(lines, start), "per_line", rows)


# Section headings between flattened tables ("三、收到和处理政府信息公开申请情况") end a
# per-line table; t3 row labels ("三、本年度办理结果") do not.
_TABLE_BREAK = re.compile(r"^\s*[一二三四五六七八九十]{1,2}\s*[、.．].*情况\s*$")


def _is_table_break(line: str) -> bool:
    return bool(_TABLE_BREAK.match(line))


def _caption(lines: list[str], start: int) -> str:
    """The nearest non-empty line above a table, when it looks like a caption."""
    for k in range(start - 1, max(start - 4, -1), -1):
        s = lines[k].strip()
        if s:
            return s if len(s) <= 60 and not re.fullmatch(r"[\d年月日.\-/ ]+|[〇○零一二三四五六七八九十年月日]+", s) else ""
    return ""
