"""Helpers shared by the extractors: cell text clean-up, tables rendered as text,
and the "is this text garbage?" test."""

from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def join_lines(text: str) -> str:
    """Lines broken inside one cell or label ("三、\\n本\\n年\\n度") rejoined.

    Chinese needs no space at a line end; Latin words and numbers keep one.
    """
    parts = [p.strip() for p in text.replace("\r", "\n").split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(part[0])):
            out += " "
        out += part
    return out


def clean_cell(value: object) -> str:
    if value is None:
        return ""
    return join_lines(str(value)).replace("\u00a0", " ").strip()


def collapse_row(cells: list[str], ids: list[object] | None = None) -> list[str]:
    """A row for text output: a cell merged across columns printed once, its other
    slots left empty so the columns stay aligned (the parser pads short rows at the
    end, which would shift every value one column left)."""
    if ids is None:
        return list(cells)
    out, last = [], object()
    for cell, cid in zip(cells, ids):
        out.append("" if cid is not None and cid == last else cell)
        last = cid
    return out


def render_table(rows: list[list[str]]) -> str:
    """" | "-separated lines: what ``parsing.tables.text_table_grids`` reads back."""
    return "\n".join(" | ".join(c.replace("|", "｜") for c in row) for row in rows if any(row))


def trim_grid(grid: list[list[str]]) -> list[list[str]]:
    """Drop empty trailing rows and columns (spreadsheets report a huge used range)."""
    rows = [r for r in grid]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    while width and not any(r[width - 1].strip() for r in rows):
        width -= 1
        rows = [r[:width] for r in rows]
    return rows


_CID = re.compile(r"\(cid:\d+\)")
# Printable ASCII, CJK punctuation and ideographs, full-width forms: assigned, not
# private-use, not control (U+FFFD, in none of these ranges, is looked up).
_UNCOMMON = re.compile(r"[^\x21-\x7e\u3001-\u303f\u4e00-\u9fff\uff01-\uffbe\uffe0-\uffe6]")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # letters, and Chinese ones


def garbage_reason(text: str) -> str:
    """Why extracted text is unusable ("" when it looks fine).

    Broken font maps give "(cid:123)", U+FFFD, private-use characters, or plausible
    but wrong Latin-1 letters ("ÕþÎñ").  These reports are Chinese, so text whose
    letters are mostly not CJK is junk too.
    """
    stripped = re.sub(r"\s", "", text)
    if not stripped:
        return "no text layer"
    n = len(stripped)
    cids = len(_CID.findall(text))
    if cids and cids * 8 / n > 0.05:
        return f"{cids} unmapped glyphs (cid:NNN)"
    # Only characters outside the common blocks can be replacement, private-use,
    # unassigned or control characters: look those up one by one.
    bad = sum(1 for ch in _UNCOMMON.findall(stripped)
              if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cn", "Cc"))
    if bad / n > 0.05:
        return f"{bad} replacement/private-use characters"
    if len(_IDEOGRAPH.findall(stripped)) >= 0.2 * n:
        return ""  # Chinese enough, whatever the other letters are (there are at most n)
    letters = [ch for ch in stripped if ch.isalpha()]
    cjk = sum(1 for ch in letters if is_cjk(ch))
    if len(letters) >= 40 and cjk / len(letters) < 0.2:
        return f"only {cjk} of {len(letters)} letters are Chinese"
    return ""
