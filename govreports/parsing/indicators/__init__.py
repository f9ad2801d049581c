"""Table grids -> the canonical indicator keys of ``schema/indicators.csv``.

Each table format of the report forms is a module here holding its classification
cues, its label -> key mapping and its 勾稽 rules:

* :mod:`.t2` — 主动公开 (2019 and 2021 blocks);
* :mod:`.t3` — 依申请 (7 value columns, rows by label path);
* :mod:`.t4` — 复议/诉讼 (one 15-number row or three 5-number tables);
* :mod:`.legacy` — the pre-2019 统计表 (label variants, units inside cells).

:mod:`.formats` lists them (the registry); the functions below are the generic
machinery and only iterate that registry, so adding a format touches no code here.
The keys themselves come from the one schema loader, :mod:`govreports.schema`.

Rows that cannot be mapped are kept as ``unknown:<kind>:<label>``.  Values are never
changed: ``raw`` is the cell as printed, ``value`` its number or None.
"""

from __future__ import annotations

from ..model import ERAS, Indicator, Table
from ..normalize import parse_number, squash
from . import formats
from .base import TableFormat, default_unit, make_indicator
from .formats import format_named, register, unregister
from .legacy import legacy_key_for, map_legacy
from .t2 import map_t2
from .t3 import T3_COLUMNS, derive_t3_other_sum, is_t3_continuation, map_t3, t3_row_key
from .t4 import T4_COLUMNS, T4_GROUPS, map_t4

__all__ = [
    "TableFormat", "format_named", "register", "unregister",
    "classify_grid", "classify_tables", "group_split_tables", "map_table", "derive", "detect_era", "era_for_year",
    "makes_report", "make_indicator", "default_unit",
    "map_t2", "map_t3", "map_t4", "map_legacy", "t3_row_key", "legacy_key_for", "is_t3_continuation",
    "derive_t3_other_sum", "T3_COLUMNS", "T4_COLUMNS", "T4_GROUPS",
]

OTHER = "other"  # the kind of a table no format claims


# ============================================================================ classify

def classify_grid(grid: list[list[str]], caption: str = "") -> str:
    """The name of the first registered format whose cues the grid matches, else "other"."""
    text = squash(caption + "".join("".join(r) for r in grid[:40]))
    for fmt in formats.FORMATS:
        if fmt.matches(grid, text):
            return fmt.name
    return OTHER


def classify_tables(tables: list[Table]) -> None:
    """Set ``kind`` on each table of a page, in page order.  An unclaimed table right
    after a classified one that holds its rows without its header is its second half
    (a page break in the Word/PDF original) and takes its kind and caption."""
    for n, table in enumerate(tables):
        table.kind = classify_grid(table.grid, table.caption)
        if table.kind == OTHER and n:
            previous = format_named(tables[n - 1].kind)
            if previous is not None and previous.is_headerless_part(table.grid):
                table.kind = previous.name
                table.caption = table.caption or tables[n - 1].caption


def group_split_tables(tables: list[Table]) -> list[list[Table]]:
    """Tables mapped together: consecutive tables of a format that joins split parts
    (t3 over a page break) are one, so the row path carries over; every other table
    stands alone."""
    groups: list[list[Table]] = []
    for table in tables:
        fmt = format_named(table.kind)
        last = groups[-1][-1] if groups else None
        if (fmt is not None and last is not None and last.kind == table.kind
                and last.index == table.index - 1 and fmt.joins_previous(table.grid)):
            groups[-1].append(table)
        else:
            groups.append([table])
    return groups


def makes_report(tables: list[Table]) -> bool:
    """Whether one of the tables is of a format that only annual reports print."""
    return any((fmt := format_named(t.kind)) is not None and fmt.proves_report(t.grid) for t in tables)


# ============================================================================ map

def map_table(table: Table, era: str | None, rows: list[list[str]] | None = None, *, cut: bool = False) -> list[Indicator]:
    """Indicators of one classified table (``table.kind`` set by :func:`classify_grid`).

    ``rows``: the unpadded rows of a table flattened one cell per line (its grid is
    padded with blanks that were never printed).  ``cut``: the text ends inside the
    last row; its cells so far are read from the left, the rest left blank (not printed)."""
    fmt = format_named(table.kind)
    if fmt is None:
        return []
    rows = rows if rows is not None else table.grid
    if cut:
        rows = _pad_cut_row(rows)
    found = fmt.map(rows, era, table.caption)
    for ind in found:
        if table.source != "html":
            ind.source = "table" if table.source == "text" else table.source
    return found


def _pad_cut_row(rows: list[list[str]]) -> list[list[str]]:
    """The last row, cut short by the end of the text, padded with blank cells to the
    length of the row with values above it."""
    if len(rows) < 2:
        return rows
    above = next((r for r in reversed(rows[:-1]) if any(c and parse_number(c)[0] is not None for c in r)), None)
    if above is None or len(rows[-1]) >= len(above):
        return rows
    return rows[:-1] + [rows[-1] + [""] * (len(above) - len(rows[-1]))]


def derive(indicators: list[Indicator]) -> list[Indicator]:
    """Values each format defines from printed ones (e.g. t3's （六） as the sum of its sub-rows)."""
    return [d for fmt in formats.FORMATS for d in fmt.derive(indicators)]


# ============================================================================ era

def era_for_year(year: int | None) -> str | None:
    """The era of the form a report for ``year`` should follow.  An era named by a year
    is the first report year of its form; the oldest era ("legacy") is everything before."""
    if not year:
        return None
    named = [era for era in ERAS if era.isdigit()]
    return next((era for era in reversed(named) if year >= int(era)), ERAS[0])


def detect_era(tables: list[Table], year: int | None, text: str) -> str | None:
    """legacy | 2019 | 2021 (:data:`~govreports.parsing.model.ERAS`).

    The tables decide first: only the formats of the newest form among them count
    (a legacy-looking table beside a t3 does not make a report legacy); an era hint
    printed in one of them (2021 column names) wins, the newest hint first; else the
    report year picks among the eras those formats exist in (the earliest when the
    year is unknown or older).  Without tables, the year; then the section heading of
    the 2019+ forms."""
    found = [(fmt, t.grid) for t in tables if (fmt := format_named(t.kind)) is not None and fmt.eras]
    if found:
        newest = max(ERAS.index(fmt.eras[-1]) for fmt, _ in found)
        found = [(fmt, grid) for fmt, grid in found if ERAS.index(fmt.eras[-1]) == newest]
        candidates = [era for era in ERAS if any(era in fmt.eras for fmt, _ in found)]
        hints = {fmt.era_hint(grid) for fmt, grid in found} & set(candidates)
        if hints:
            return max(hints, key=ERAS.index)
        by_year = era_for_year(year)
        if by_year in candidates:
            return by_year
        if by_year is not None and ERAS.index(by_year) > ERAS.index(candidates[-1]):
            return candidates[-1]
        return candidates[0]
    if year:
        return era_for_year(year)
    if "收到和处理政府信息公开申请情况" in text:
        return "2019"
    return None
