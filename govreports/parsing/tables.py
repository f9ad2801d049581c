"""Tables as rectangular grids of cell texts.

* :func:`html_table_grid` expands rowspan/colspan so every cell of a merged region
  carries the merged text (row/column label paths then read straight across).
* :func:`text_table_grids` recovers tables printed as text — text copies, attachment
  text, and the body lines of HTML pages without (all of) their <table>s: " | " rows
  (markdown included), one cell per line (with or without pipes and blank lines, empty
  cells kept in place), rows printed with spaces (PDF text), cells run together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .html import inner_text
from .normalize import clean_cell, is_value_cell, squash


_NOT_DIGITS = re.compile(r"\D")


def _span_value(value: str) -> int:
    """A rowspan/colspan other than "1", as printed ("2", "2px", "0"): 1..200."""
    try:
        return max(1, min(int(_NOT_DIGITS.sub("", value) or 1), 200))
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
            while from_above and len(row) in from_above:
                row.append(from_above.pop(len(row)))
            text = clean_cell(inner_text(cell))
            printed_row.append(text)
            # Most cells span nothing: read the attributes without a call each.
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            rowspan = 1 if rowspan is None or rowspan == "1" else _span_value(rowspan)
            colspan = 1 if colspan is None or colspan == "1" else _span_value(colspan)
            start = len(row)
            if colspan == 1:
                row.append(text)
            else:
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

# A line that ends any text table: where the HTML path had a real <table> (already read
# as a grid), so that text on either side of it is never joined into one table.
TABLE_BREAK_LINE = "\x00"


@dataclass
class TextTable:
    grid: list[list[str]]
    start_line: int
    end_line: int  # exclusive
    caption: str = ""
    layout: str = "pipe"  # pipe (one row per line) | per_line (one cell per line) | mixed
    rows: list[list[str]] | None = None  # per_line/mixed: rows without padding (cells never printed are not added)
    complete: bool = True  # False: the text ends inside the table, in a row left unfinished


def split_pipe_row(line: str) -> list[str]:
    """"a | b | |" -> ["a", "b", ""]: a trailing delimiter closes the row, it is not a cell."""
    cells = [clean_cell(c) for c in line.split("|")]
    if line.rstrip().endswith("|"):
        cells = cells[:-1]
    return cells


_PROSE_END = re.compile(r"[。；;：:！!？?]$")
_PROSE_INSIDE = re.compile(r"[。，,；;：:]")
MAX_CELL_LINE = 48
_CJK_END = re.compile(r"[\u4e00-\u9fff）)》”]$")
_PLAIN_NUMBER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?")


# A note printed inside a table ("注：行政复议、行政诉讼数量含上年度结转数量。").
_NOTE = re.compile(r"^(?:注|说明|備註|备注)\s*[:：]")


def _is_cell_line(line: str) -> bool:
    s = line.strip()
    if s == TABLE_BREAK_LINE:
        return False
    if split_spaced_row(s) or (_NOTE.match(s) and len(s) <= 2 * MAX_CELL_LINE):
        return True
    return len(s) <= MAX_CELL_LINE and not _PROSE_END.search(s)


_SPACED_VALUE = re.compile(r"(?:[+\-]?\d[\d,]*(?:\.\d+)?[^\s\d]{0,2}|[/—\-]{1,2}|——)")


def split_spaced_row(line: str) -> list[str] | None:
    """PDF text often prints a row on one line: "1.属于国家秘密 0 0 0 0 0 0 0",
    "0 0 1 0 0 0 1" or "行政处罚 3985758".  Returns [label?, values…] when the line ends
    with at least two space-separated values, or with one plain number after a short
    label (no prose punctuation in it), else None."""
    tokens = line.split()
    values: list[str] = []
    while tokens and _SPACED_VALUE.fullmatch(tokens[-1]) and is_value_cell(tokens[-1]):
        values.insert(0, tokens.pop())
    label = " ".join(tokens)
    if not values or (label and (len(label) > 80 or _PROSE_END.search(label))):
        return None
    if len(values) == 1 and not (label and len(label) <= 30 and _CJK_END.search(label)
                                 and not _PROSE_INSIDE.search(label) and _PLAIN_NUMBER.fullmatch(values[0])):
        return None
    return ([label] if label else []) + values


# Cells run together with no separator: "规章000", "行政事业性收费00", "行政许可1125".
RUN_TOGETHER = re.compile(r"^(.*[\u4e00-\u9fff）)])(\d+(?:\.\d+)?)$")
_MD_RULE = re.compile(r"^:?-{3,}:?$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_PIPES_ONLY = re.compile(r"^[|\s]+$")
# Section headings between flattened tables ("三、收到和处理政府信息公开申请情况") end a
# table; t3 row labels ("三、本年度办理结果") do not.
_TABLE_BREAK = re.compile(r"^\s*[一二三四五六七八九十]{1,2}\s*[、.．].*情[况況]\s*$")


def _is_table_break(line: str) -> bool:
    return line == TABLE_BREAK_LINE or bool(_TABLE_BREAK.match(line))


def _normal_line(line: str) -> str:
    return _MD_HEADING.sub("", clean_cell(line))


def text_table_grids(text: str | list[str]) -> list[TextTable]:
    """Every table recoverable from a text copy (or its lines), in order.

    A table is a run of lines that can be cells — " | " rows, short lines, rows printed
    on one line with spaces ("1.属于国家秘密 0 0 0"), lone "|" lines, blank lines — up to
    a prose line or a section heading.  Inside it every flattening seen in real copies
    is read (see :func:`_region_table`)."""
    lines = [_normal_line(line) for line in (text.split("\n") if isinstance(text, str) else text)]
    last_filled = max((n for n, line in enumerate(lines) if line), default=-1)
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and not _is_table_break(line) and ("|" in line or _is_cell_line(line)):
            j = i
            while j < len(lines) and not _is_table_break(lines[j]) and (
                    not lines[j] or "|" in lines[j] or _is_cell_line(lines[j])):
                j += 1
            end = j
            while end > i and not lines[end - 1]:
                end -= 1
            table = _region_table(lines, i, end, at_text_end=end > last_filled)
            if table:
                tables.append(table)
            i = j
            continue
        i += 1
    return tables


def _tokens(lines: list[str], start: int, end: int) -> list[tuple[str, object]]:
    """Each line of a region as ("blank", None) | ("pipes", count) | ("row", (cells, leading pipe))
    | ("spaced", cells) | ("cell", (text, printed with its own pipe))."""
    tokens: list[tuple[str, object]] = []
    for line in lines[start:end]:
        if not line:
            tokens.append(("blank", None))
        elif "|" in line:
            if _PIPES_ONLY.match(line):
                tokens.append(("pipes", line.count("|")))
                continue
            cells = split_pipe_row(line)
            filled = [c for c in cells if c]
            if all(_MD_RULE.match(c) for c in filled):
                continue  # a markdown |---|---| rule
            if len(filled) >= 2:
                tokens.append(("row", (cells, line.startswith("|"))))
            else:
                tokens.append(("cell", (filled[0], True)))
        else:
            spaced = split_spaced_row(line) if " " in line else None
            tokens.append(("spaced", spaced) if spaced else ("cell", (line, False)))
    return tokens


def _gap(tokens: list[tuple[str, object]]) -> int:
    """Blank lines a copy puts between two cells (0, or 1 for "blank-line separated")."""
    gaps: dict[int, int] = {}
    run, seen = 0, False
    for kind, _ in tokens:
        if kind == "blank":
            run += 1
            continue
        if seen:
            gaps[run] = gaps.get(run, 0) + 1
        run, seen = 0, True
    return max(gaps, key=lambda g: (gaps[g], -g)) if gaps else 0


def _region_table(lines: list[str], start: int, end: int, at_text_end: bool) -> TextTable | None:
    """The table of one region, whatever its flattening:

    * " | " rows (leading and trailing pipes, markdown rules and headings included);
    * one cell per line: a label line starts a row, value lines extend it; cells with a
      trailing " |" and lone "|" / "||||" lines (a lone "|" before a value is an empty
      cell, other pipe lines close rows or fill merged cells), or "|" lines between cells;
    * blank lines: when the copy separates cells by a blank line, each further blank line
      is an empty cell; in a dense copy a blank line before a value is one;
    * rows printed on one line with spaces, values on a line of their own continuing the
      label above.
    """
    tokens = _tokens(lines, start, end)
    cells = [p for k, p in tokens if k == "cell"]
    suffix_pipes = sum(1 for _, piped in cells if piped) * 2 >= len(cells) > 0
    gap = _gap(tokens)
    lead_runs = _leading_pipe_runs(tokens)

    rows: list[list[str]] = []
    has_values: list[bool] = []
    values = 0
    pending = 0  # empty cells seen, kept only if a value of the same row follows
    terminated = True  # the last cell closed with its own pipe
    blanks = 0
    for n, (kind, payload) in enumerate(tokens):
        if kind == "blank":
            blanks += 1
            continue
        if blanks:
            extra = blanks - gap
            if extra > 0 and rows:
                if gap:
                    rows[-1].extend([""] * extra)  # a regular copy: a missing cell is a missing line
                else:
                    pending += extra
            blanks = 0
        if kind == "pipes":
            count = payload
            if not suffix_pipes:
                continue  # "|" lines between cells: separators only
            if not terminated:
                terminated, count = True, count - 1  # the pipe of the cell above, wrapped
            if count == 1:
                pending += 1
            continue
        if kind == "cell":
            text, piped = payload
            if is_value_cell(text):
                if rows:
                    rows[-1].extend([""] * pending)
                    rows[-1].append(text)
                    has_values[-1] = True
                    values += 1
            else:
                rows.append([text])
                has_values.append(False)
                m = RUN_TOGETHER.match(text)
                if m:
                    values += len(m.group(2).replace(".", ""))
            pending, terminated = 0, piped
            continue
        pending, terminated = 0, True
        if kind == "row":
            row, _ = payload
            if n in lead_runs and row and not row[0]:
                row = row[1:]
            rows.append(list(row))
            filled = sum(1 for c in row if c and is_value_cell(c))
            has_values.append(filled > 0)
            values += filled
        else:  # spaced
            row = payload
            if is_value_cell(row[0]) and rows and not has_values[-1]:
                rows[-1].extend(row)  # values on their own line under the label
                has_values[-1] = True
            else:
                rows.append(list(row))
                has_values.append(True)
            values += sum(1 for c in row if is_value_cell(c))

    if not rows:
        return None
    printed_rows = any(k == "row" for k, _ in tokens)
    if not printed_rows and (values < 3 or len(rows) < 3) and not _names_a_form_table(rows):
        return None
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    layout = "pipe" if all(k in ("row", "blank", "pipes") for k, _ in tokens) else (
        "mixed" if printed_rows else "per_line")
    complete = not (at_text_end and _last_row_unfinished(rows, has_values))
    return TextTable(grid, start, end, _caption(lines, start), layout, None if layout == "pipe" else rows, complete)


def _leading_pipe_runs(tokens: list[tuple[str, object]]) -> set[int]:
    """Token positions of " | " rows in runs where every row starts with "|" (markdown,
    "| a | b |"): there the leading pipe opens the row and makes no empty first cell."""
    out: set[int] = set()
    run: list[int] = []
    for n, (kind, payload) in enumerate(tokens + [("end", None)]):
        if kind == "row":
            run.append(n)
            continue
        if run and all(tokens[m][1][1] for m in run):
            out.update(run)
        run = []
    return out


_FORM_CUES = (("第二十条", "信息内容"), ("申请人情况", "自然人"), ("申请人情况", "本年新收"))


def _names_a_form_table(rows: list[list[str]]) -> bool:
    """A table of the report forms printed with labels only (no values at all)."""
    text = squash("".join("".join(r) for r in rows[:60]))
    return any(a in text and b in text for a, b in _FORM_CUES)


def _last_row_unfinished(rows: list[list[str]], has_values: list[bool]) -> bool:
    """The text stops inside the last row: a row label with no values though the table
    has some (a note such as "填报人: …" is not a row label), or fewer cells than the row
    with values before it."""
    if not any(has_values):
        return False
    if not has_values[-1]:
        label = "".join(rows[-1])
        return not re.search(r"[:：]", label) and len(label) <= MAX_CELL_LINE
    previous = next((rows[n] for n in range(len(rows) - 2, -1, -1) if has_values[n]), None)
    return previous is not None and len(rows[-1]) < len(previous)


def _caption(lines: list[str], start: int) -> str:
    """The nearest non-empty line above a table, when it looks like a caption."""
    for k in range(start - 1, max(start - 4, -1), -1):
        s = lines[k].strip()
        if s == TABLE_BREAK_LINE:
            return ""
        if s:
            return s if len(s) <= 60 and not re.fullmatch(r"[\d年月日.\-/ ]+|[〇○零一二三四五六七八九十年月日]+", s) else ""
    return ""
