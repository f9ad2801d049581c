"""Consistency rules (勾稽关系) of the report tables and their coverage.  They only
*flag*: no value is ever changed, because the record must say what the report says.

The rules belong to the table formats (:mod:`govreports.parsing.indicators.t3`:
``t3.column_balance``, ``t3.result_sum``, ``t3.row_sum``; :mod:`~.indicators.t4`:
``t4.total``); this module runs every registered format's rules, and
``coverage.<format>`` — a table was found but canonical cells of its era were not read.

A rule is checked only when every number it needs was printed.
"""

from __future__ import annotations

from collections.abc import Iterable

from .indicators import formats
from .model import Flag, Indicator


def check(indicators: list[Indicator]) -> list[Flag]:
    """Every registered format's 勾稽 rules over the table values (sentences aside)."""
    values = {i.key: i for i in indicators if i.source != "text"}
    return [flag for fmt in formats.FORMATS for flag in fmt.check(values)]


def coverage(indicators: list[Indicator], era: str | None, table_kinds: Iterable[str]) -> list[Flag]:
    """``coverage.<format>``: a table of a format that has a fixed form in ``era`` was
    found, but some canonical cells of the era were not read from it (an unusual
    layout, or a row the page left out).  One flag per format, in the order of
    ``table_kinds`` (the page's order of its tables)."""
    present = {i.key for i in indicators}
    flags = []
    for kind in dict.fromkeys(table_kinds):
        fmt = formats.format_named(kind)
        if fmt is None or not fmt.checks_coverage or era not in fmt.eras:
            continue
        missing = fmt.missing(present, era)
        if missing:
            flags.append(Flag(f"coverage.{fmt.name}", f"{len(missing)} {fmt.name} cells of the {era} form not found",
                              {"missing": missing}))
    return flags
