"""Dates as printed on report and list pages -> ISO strings.  The one date reader.

Two readers behind one entry point (:func:`find_date`):

* the **fast reader** (regexes) reads the shapes reports and lists print:
  "2013年02月26日 14:21", "2022-07-14", "2022/07/14 09:30:00", "2018.01.08",
  "二○一三年二月二十日" (○ U+25CB, 〇 U+3007 or 零), "2019年3月25日".  It costs
  microseconds and is right where dateparser is not (dateparser reads no
  "二○一三年二月二十日" and no "20220714").
* **dateparser** is the fallback for what the fast reader does not read: relative
  dates on list pages (3天前, 三天前, 昨天, 前天, 1小时前, 今天 09:30, 2 days ago),
  English month names (Jan 25, 2024 / 25 January 2024) and unusual separators
  (2024_01_25, 2024·01·25, 2024、1、25, 2024 01 25).  A cheap regex must first find
  one of those shapes in the text, and only that snippet is handed over: an ordinary
  page never reaches dateparser, and it is imported on first use.

Only explicit dates are read: a view counter, a bare time, a month without a day or
a bare "今天" (portal headers print "今天是…") never becomes a date.  Relative dates
are relative to ``now`` (a parameter everywhere, so tests are deterministic; by
default the current time in China, where the pages are written); they come back as
a day without a time, because "1小时前" is not a time anybody printed.  A printed
date is never moved to another time zone.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from functools import lru_cache

from .normalize import chinese_to_int, fold_width

CHINA = _dt.timezone(_dt.timedelta(hours=8), "Asia/Shanghai")
# What every reader returns: "YYYY-MM-DD", optionally " HH:MM".
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")

# ------------------------------------------------------------------ the fast reader

_TIME = r"(?:\s*(?P<hh>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?:[:：][0-5]\d)?)?"
_NUMERIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?" + _TIME
)
_CN = "〇○零一二三四五六七八九十廿卅"
_CHINESE = re.compile(rf"(?P<y>[〇○零一二][{_CN}]{{3}})\s*年\s*(?P<m>[{_CN}]{{1,2}})\s*月\s*(?P<d>[{_CN}]{{1,3}})\s*日")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
# A line that is only a date, as under a report's signature: "二○二四年一月十五日",
# "(2024年1月15日)".  Loose on purpose: a shape, not a value.
_DATE_LINE = re.compile(
    r"[(（]?\s*(?:(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})\s*年.{1,6}月.{1,6}日\s*[)）]?"
)


def _iso(y: int, m: int, d: int, hh: str | None = None, mi: str | None = None) -> str | None:
    try:
        _dt.date(y, m, d)
    except ValueError:
        return None
    out = f"{y:04d}-{m:02d}-{d:02d}"
    if hh is not None and mi is not None:
        out += f" {int(hh):02d}:{mi}"
    return out


def fast_date(text: str, *, compact: bool = False) -> str | None:
    """The fast reader alone: the first printed date of ``text`` in a usual shape."""
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


# ------------------------------------------------------------ the dateparser fallback

_CN_COUNT = "零〇○一二两三四五六七八九十百"
_RELATIVE = (
    # Not "日前" nor "月前" without 个: "请于二十日前/3月前报送" are deadlines; and no
    # four-digit count: "2023年前三季度" is a period.
    rf"(?:(?<!\d)\d{{1,3}}|[{_CN_COUNT}]+)\s*(?:个?\s*(?:秒钟?|分钟|小时|钟头|天|周|星期|礼拜)|个\s*月|年)\s*[以之]?前"
    r"|昨天|昨日|(?<![目当提之以此事面眼跟超向])前天|今天\s*(?:[01]?\d|2[0-3])[:：][0-5]\d"
    r"|(?<![a-z0-9])(?:\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago|yesterday)(?![a-z0-9])"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Word boundaries by hand: to Python's \b a Chinese character is a word character.
_ENGLISH = (
    rf"(?<![a-z0-9])(?:{_DAY}[\s\-/.,]*{_MONTH}[\s\-/.,]*(?:19|20)\d{{2}}"
    rf"|{_MONTH}[\s\-/.,]*{_DAY}[\s\-/.,]*(?:19|20)\d{{2}}"
    rf"|(?:19|20)\d{{2}}[\s\-/.,]*{_MONTH}[\s\-/.,]*{_DAY})(?![a-z0-9])"
)
_SEPARATED = (
    r"(?<!\d)(?:19|20)\d{2}\s*(?P<sep>[_·・、,，])\s*\d{1,2}\s*(?P=sep)\s*\d{1,2}(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2} +\d{1,2} +\d{1,2}(?!\d)"
)
_FALLBACK_SHAPES = re.compile(
    rf"(?P<relative>{_RELATIVE})|(?P<english>{_ENGLISH})|(?P<separated>{_SEPARATED})", re.IGNORECASE
)
_CN_COUNT_RUN = re.compile(rf"[{_CN_COUNT}]+")
_MAX_SNIPPETS = 3  # shapes tried per text: a long text must not mean many dateparser calls
# dateparser settings: both languages named (no language detection), only the relative
# and absolute parsers (no timestamps, no "no-spaces" guessing), dates in the past, and
# no time-zone conversion: a printed date stays the date printed.
_LANGUAGES = ("zh", "en")
_PARSERS = ["relative-time", "absolute-time"]


def now_in_china() -> _dt.datetime:
    """The current wall-clock time in China (naive): what "昨天" on a portal means."""
    return _dt.datetime.now(CHINA).replace(tzinfo=None)


def _reference(now: _dt.datetime | _dt.date | None) -> _dt.datetime:
    if now is None:
        return now_in_china().replace(second=0, microsecond=0)
    if isinstance(now, _dt.datetime):
        return now.replace(tzinfo=None) if now.tzinfo is None else now.astimezone(CHINA).replace(tzinfo=None)
    # A day without a time: noon, so "1小时前" stays on that day.
    return _dt.datetime.combine(now, _dt.time(12))


@lru_cache(maxsize=8)
def _parser(now: _dt.datetime):
    from dateparser.date import DateDataParser  # imported on first use: off the hot path

    return DateDataParser(
        languages=list(_LANGUAGES),
        try_previous_locales=False,
        use_given_order=True,
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": now,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PARSERS": _PARSERS,
        },
    )


def dateparser_read(snippet: str, now: _dt.datetime) -> tuple[_dt.datetime, str] | None:
    """(datetime, period) as dateparser reads ``snippet``, or None.  Never raises.

    dateparser asks for the machine's time zone even though nothing here uses it, and
    warns when it cannot tell; that warning is about a setting we do not use."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = _parser(now).get_date_data(snippet)
    except Exception:  # noqa: BLE001 - a library failing on odd text means "no date"
        return None
    if data is None or data.date_obj is None:
        return None
    return data.date_obj, data.period or ""


def fallback_date(text: str, *, now: _dt.datetime | _dt.date | None = None) -> str | None:
    """The dateparser fallback alone: the first relative date, English-month date or
    oddly separated date in ``text``, as ``YYYY-MM-DD`` (no time)."""
    if not text:
        return None
    s = fold_width(text)
    for n, match in enumerate(_FALLBACK_SHAPES.finditer(s)):
        if n == _MAX_SNIPPETS:
            break
        found = _read_snippet(match, now)
        if found:
            return found
    return None  # the usual case: no such shape, and dateparser is not even imported


def _read_snippet(match: re.Match, now: _dt.datetime | _dt.date | None) -> str | None:
    snippet = match.group(0).strip()
    relative = match.group("relative") is not None
    if relative:
        # "三天前", "两个月前": dateparser counts in digits only.
        snippet = _CN_COUNT_RUN.sub(lambda m: str(chinese_to_int(m.group(0)) or m.group(0)), snippet)
    read = dateparser_read(snippet, _reference(now))
    if read is None:
        return None
    when, period = read
    if not relative and period not in ("day", "time"):
        return None  # "Jan 2024": a month is not a date
    if not 1900 <= when.year <= 2100:
        return None
    return when.date().isoformat()


# ------------------------------------------------------------------------ public API

def find_date(text: str, *, compact: bool = False, now: _dt.datetime | _dt.date | None = None) -> str | None:
    """The first date in ``text`` as 'YYYY-MM-DD' (plus ' HH:MM' when a time follows it).

    The fast reader first; dateparser only for the shapes it leaves (see the module
    docstring), relative to ``now``.  ``compact=True`` also accepts "20220714" (only
    sensible in a date-labelled field).
    """
    return fast_date(text, compact=compact) or fallback_date(text, now=now)


def parse_date(text: str, *, now: _dt.datetime | _dt.date | None = None) -> str | None:
    """Read a date-labelled field value (compact yyyymmdd allowed)."""
    return find_date(text, compact=True, now=now)


def find_day(text: str, *, compact: bool = False, now: _dt.datetime | _dt.date | None = None) -> _dt.date | None:
    """:func:`find_date` as a :class:`datetime.date` (the time dropped)."""
    found = find_date(text, compact=compact, now=now)
    return _dt.date.fromisoformat(found[:10]) if found else None


def is_iso_date(value: str) -> bool:
    """Whether ``value`` is what the readers return: 'YYYY-MM-DD' with an optional ' HH:MM'."""
    return bool(ISO_DATE.match(value or ""))


def is_date_line(line: str) -> bool:
    """Whether ``line`` is nothing but a printed date (a signature's date line)."""
    return bool(_DATE_LINE.fullmatch((line or "").strip()))
