"""Dates as printed on report pages -> ISO strings.

Shapes: "2013年02月26日 14:21", "2022-07-14", "2022/07/14 09:30:00", "2018.01.08",
"二○一三年二月二十日" (○ U+25CB, 〇 U+3007 or 零), "2019年3月25日".  Only explicit dates
are read: a view counter, a bare time or "today" never becomes a date.
"""

from __future__ import annotations

import datetime as _dt
import re

from .normalize import chinese_to_int, fold_width

_TIME = r"(?:\s*(?P<hh>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?:[:：][0-5]\d)?)?"
_NUMERIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?" + _TIME
)
_CN = "〇○零一二三四五六七八九十"
_CHINESE = re.compile(rf"(?P<y>[〇○零一二][{_CN}]{{3}})\s*年\s*(?P<m>[{_CN}]{{1,2}})\s*月\s*(?P<d>[{_CN}]{{1,3}})\s*日")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")


def _iso(y: int, m: int, d: int, hh: str | None = None, mi: str | None = None) -> str | None:
    try:
        _dt.date(y, m, d)
    except ValueError:
        return None
    out = f"{y:04d}-{m:02d}-{d:02d}"
    if hh is not None and mi is not None:
        out += f" {int(hh):02d}:{mi}"
    return out


def find_date(text: str, *, compact: bool = False) -> str | None:
    """The first date in ``text`` as 'YYYY-MM-DD' (plus ' HH:MM' when a time follows it).

    ``compact=True`` also accepts "20220714" (only sensible in a date-labelled field).
    """
    if not text:
        return None
    s = fold_width(text)
    candidates = []
    m = _NUMERIC.search(s)
    if m:
        candidates.append((m.start(), _iso(int(m["y"]), int(m["m"]), int(m["d"]), m["hh"], m["mi"])))
    m = _CHINESE.search(s)
    if m:
        y, mo, d = (chinese_to_int(m[g]) for g in ("y", "m", "d"))
        if y and mo and d:
            candidates.append((m.start(), _iso(y, mo, d)))
    if compact and not candidates:
        m = _COMPACT.search(s)
        if m:
            candidates.append((m.start(), _iso(int(m["y"]), int(m["m"]), int(m["d"]))))
    candidates = [c for c in candidates if c[1]]
    return min(candidates)[1] if candidates else None


def parse_date(text: str) -> str | None:
    """Read a date-labelled field value (compact yyyymmdd allowed)."""
    return find_date(text, compact=True)
