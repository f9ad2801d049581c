"""A PDF's text layer read with PDFium (pypdfium2): the fast way to a report's text.

PDFium gives each page's text in the order it is drawn, one line per printed line,
with the cells of a table row on one line separated by spaces ("（一）予以公开 1288 21
0 0 50 3 1362"), which is what ``parsing.tables.text_table_grids`` reads.  That takes
a few milliseconds per page where finding tables by their geometry with pdfplumber
(:mod:`.pdf`) takes a hundred or more.

What this module does besides reading the text:

* it drops page furniture — page numbers and lines repeated at the top or bottom of
  most pages — but only among the two topmost and two bottommost lines of a page (by
  position: PDFium often gives the footer first), since a lone "3" elsewhere can be a
  table cell;
* it notes text drawn far out of reading order (lines jumping back up the page again
  and again), which the parser could not read, and text in a font PDFium has no
  glyphs for (neither embedded in the file nor installed): PDFium leaves out runs of
  a single character it cannot measure;
* it joins the lines of a cell wrapped inside a ruled table ("（五）不" / "予处理"),
  as pdfplumber gives a cell's text;
* it notes the pages where pdfplumber would look for tables (:attr:`TextLayer.table_pages`):
  pages that draw a grid of ruled lines, or print three lines of three or more numbers.

Whether the text is good enough to stand in for pdfplumber's reading is decided by
:mod:`.vouch`, with the report parser; this module never imports the parser.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

from .grid import join_lines
from .pdf import PageInfo, _is_chrome, _numeric_lines, _running_lines

# Lines going back up the page by more than this many points count as a jump out of
# reading order.  Table cells whose text is centred in a taller cell (a merged label,
# values beside a two-line label) jump back a row or two; a second text column jumps
# back a whole page once.
JUMP = 48.0
# A page whose lines jump back more often than this share of the time, and at least
# MIN_JUMPS times, is out of reading order.
MAX_JUMP_SHARE = 0.25
MIN_JUMPS = 4
# Ruled lines: straight segments at least MIN_RULE long, at most AXIS_SLOP off the
# horizontal or vertical (the short sides of a thin filled box are not rules).
MIN_RULE = 4.0
AXIS_SLOP = 0.5
LINE_WIDTH = 2.5  # pt: a path's bounds this thin are a line, not a box
EDGE_SNAP = 2.0  # pt: edges this close are one edge
FLAT = 0.05  # pt: a character inked less high than this has no glyph (a dash is ~0.4)


@dataclass
class TextLayer:
    text: str
    pages: int  # in the file
    pages_read: int  # at most max_pages
    table_pages: list[int] = field(default_factory=list)  # 1-based: where pdfplumber would look for tables
    problem: str = ""  # why this text cannot stand in for pdfplumber's reading (order, fonts), "" if none


@dataclass
class _Line:
    text: str
    # Box of the line in PDF space (x0, bottom, x1, top: y grows upwards), from its first
    # and last characters; None when unknown.
    box: tuple[float, float, float, float] | None

    @property
    def top(self) -> float | None:  # y of the line's top, for ordering (larger is higher)
        return None if self.box is None else self.box[3]


@dataclass
class _Rules:
    """Ruled lines drawn on a page, in PDF space."""

    verticals: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)
    horizontals: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)


def read_text_layer(data: bytes, max_pages: int = 300) -> TextLayer:
    """Text of the first ``max_pages`` pages.  Raises ``pypdfium2.PdfiumError`` on a
    file PDFium cannot open."""
    import pypdfium2 as pdfium  # here: importing the package must not need it

    doc = pdfium.PdfDocument(data)
    try:
        total = len(doc)
        limit = min(total, max_pages)
        pages: list[list[_Line]] = []
        table_pages: list[int] = []
        unglyphed: list[int] = []
        for index in range(limit):
            page = doc[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                    lines, flat = _lines(text, textpage.count_chars(), _CharBoxes(textpage))
                finally:
                    textpage.close()
                rules = _rules(page)
            finally:
                page.close()
            if _numeric_lines(text.replace("\r\n", "\n")) >= 3 or _draws_grid(rules):
                table_pages.append(index + 1)
            if flat:
                unglyphed.append(index + 1)
            pages.append(_join_cells(lines, rules))
    finally:
        doc.close()
    kept = _drop_furniture(pages)
    problem = next((f"page {n + 1} is drawn out of reading order" for n, lines in enumerate(kept)
                    if _out_of_order(lines)), "")
    if unglyphed:
        # PDFium measures text by its glyphs: with neither the PDF nor this machine
        # holding the font, a run of one character has no size and is left out.
        problem = problem or f"page {unglyphed[0]} uses a font neither embedded nor installed (PDFium may drop text)"
    text = "\n".join(line.text for lines in kept for line in lines)
    return TextLayer(text, total, limit, table_pages, problem)


def _lines(text: str, chars: int, boxes: "_CharBoxes") -> tuple[list[_Line], bool]:
    """The page's non-blank lines, each with its box (read from its first and last
    characters, when the text's characters are PDFium's: ``chars`` of them); and
    whether a line starts with a character PDFium has no glyph for (a flat ink box)."""
    # Character boxes are indexed by PDFium's characters; a character outside the
    # Basic Multilingual Plane is two of them and one of Python's.
    positioned = chars == len(text)
    out = []
    unglyphed = False
    for m in re.finditer(r"[^\r\n]+", text):
        content = m.group(0)
        stripped = content.strip()
        if not stripped:
            continue
        box = None
        if positioned:
            first = m.start() + len(content) - len(content.lstrip())
            last = m.start() + len(content.rstrip()) - 1
            # Loose boxes: the font's height, the same for every character of a line
            # (a "（" inks far less of it than a "不").
            left, bottom, _, top = boxes.loose(first)
            box = (left, bottom, boxes.loose(last)[2], top)
            unglyphed = unglyphed or boxes.ink_height(first) < FLAT
        out.append(_Line(stripped, box))
    return out, unglyphed


class _CharBoxes:
    """Character boxes of a text page, read through PDFium's C API with reused
    buffers (pypdfium2's ``get_charbox`` allocates per call: a third of the time of
    reading a page's lines)."""

    def __init__(self, textpage):
        import pypdfium2.raw as pdfium_c

        self._raw = textpage.raw
        self._c = pdfium_c
        self._rect = pdfium_c.FS_RECTF()
        self._edges = [ctypes.c_double() for _ in range(4)]

    def loose(self, index: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of the font's box round the character."""
        r = self._rect
        self._c.FPDFText_GetLooseCharBox(self._raw, index, r)
        return r.left, r.bottom, r.right, r.top

    def ink_height(self, index: int) -> float:
        """Height of the character's glyph as inked (0: PDFium has no glyph for it)."""
        left, right, bottom, top = self._edges
        self._c.FPDFText_GetCharBox(self._raw, index, left, right, bottom, top)  # sic: l, r, b, t
        return top.value - bottom.value


def _edges(lines: list[_Line]) -> list[_Line]:
    """The two topmost and two bottommost lines (by position when known)."""
    placed = sorted(lines, key=lambda l: -l.top) if all(l.box is not None for l in lines) else lines
    return placed[:2] + placed[-2:]


def _drop_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Pages without their page numbers and running heads, judged as :mod:`.pdf` judges
    them (same patterns, same "on most pages" rule), among each page's edge lines."""
    edge_infos = [PageInfo(n, 0.0, lines=[(0.0, l.text) for l in _edges(lines)]) for n, lines in enumerate(pages)]
    running = _running_lines(edge_infos) if len(pages) > 1 else set()
    kept = []
    for lines in pages:
        chrome = {id(l) for l in _edges(lines) if _is_chrome(l.text, running)}
        kept.append([l for l in lines if id(l) not in chrome])
    return kept


def _out_of_order(lines: list[_Line]) -> bool:
    tops = [l.top for l in lines if l.box is not None]
    jumps = sum(1 for a, b in zip(tops, tops[1:]) if b > a + JUMP)
    return jumps >= MIN_JUMPS and jumps > MAX_JUMP_SHARE * max(len(tops) - 1, 1)


# ---------------------------------------------------------------------------- ruled lines

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _then(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` first, then ``outer`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _rules(page) -> _Rules:
    """The straight horizontal and vertical segments the page strokes or fills (cell
    borders are drawn either way: as lines, or as thin filled boxes), forms included.
    A path of up to five segments (a line, a box) is read from its bounds; a longer
    one segment by segment, and not at all if it has curves (a seal, a logo)."""
    import pypdfium2.raw as pdfium_c

    rules = _Rules()
    x, y = ctypes.c_float(), ctypes.c_float()
    m = pdfium_c.FS_MATRIX()
    bounds = [ctypes.c_float() for _ in range(4)]

    def matrix_of(obj, outer: Matrix) -> Matrix:
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
            return outer
        return _then((m.a, m.b, m.c, m.d, m.e, m.f), outer)

    def add(p: tuple[float, float], q: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y1 - y0) <= AXIS_SLOP and abs(x1 - x0) >= MIN_RULE:
            rules.horizontals.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= AXIS_SLOP and abs(y1 - y0) >= MIN_RULE:
            rules.verticals.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    def add_box(left: float, bottom: float, right: float, top: float) -> None:
        if top - bottom <= LINE_WIDTH:
            add((left, (top + bottom) / 2), (right, (top + bottom) / 2))
        elif right - left <= LINE_WIDTH:
            add(((left + right) / 2, bottom), ((left + right) / 2, top))
        else:
            for p, q in (((left, bottom), (right, bottom)), ((left, top), (right, top)),
                         ((left, bottom), (left, top)), ((right, bottom), (right, top))):
                add(p, q)

    def add_path(obj, outer: Matrix) -> None:
        segments = pdfium_c.FPDFPath_CountSegments(obj)
        if segments <= 5:
            if pdfium_c.FPDFPageObj_GetBounds(obj, *bounds):
                left, bottom, right, top = (v.value for v in bounds)
                if outer is not _IDENTITY:  # inside a form: bounds are in the form's space
                    a, b, c, d, e, f = outer
                    xs = [a * px + c * py + e for px in (left, right) for py in (bottom, top)]
                    ys = [b * px + d * py + f for px in (left, right) for py in (bottom, top)]
                    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
                add_box(left, bottom, right, top)
            return
        a, b, c, d, e, f = matrix_of(obj, outer)
        points: list[tuple[tuple[float, float], bool, int]] = []
        for s in range(segments):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, s)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                return
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            points.append(((a * x.value + c * y.value + e, b * x.value + d * y.value + f),
                           bool(pdfium_c.FPDFPathSegment_GetClose(segment)), kind))
        start = previous = None
        for point, closes, kind in points:
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or previous is None:
                start = point
            else:
                add(previous, point)
            if closes and start is not None:
                add(point, start)
            previous = point

    get_type, path_type, form_type = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM

    def visit(objects, outer: Matrix) -> None:
        for obj in objects:
            kind = get_type(obj)
            if kind == path_type:
                add_path(obj, outer)
            elif kind == form_type:
                count = pdfium_c.FPDFFormObj_CountObjects(obj)
                visit([pdfium_c.FPDFFormObj_GetObject(obj, j) for j in range(count)], matrix_of(obj, outer))

    raw = page.raw
    get_object = pdfium_c.FPDFPage_GetObject
    visit([get_object(raw, k) for k in range(pdfium_c.FPDFPage_CountObjects(raw))], _IDENTITY)
    return rules


def _draws_grid(rules: _Rules) -> bool:
    """Whether the rules could make a table of two columns and two rows (three distinct
    vertical and three horizontal edges): what pdfplumber's "lines" strategy needs."""
    return (len(_distinct(x for x, _, _ in rules.verticals)) >= 3
            and len(_distinct(y for y, _, _ in rules.horizontals)) >= 3)


def _distinct(values) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_SNAP:
            out.append(v)
    return out


# ---------------------------------------------------------------------------- cells

def _join_cells(lines: list[_Line], rules: _Rules) -> list[_Line]:
    """Lines wrapped inside one cell of a ruled table joined into one ("（五）不" +
    "予处理", a label printed one character per line), as pdfplumber gives a cell's
    text.  Two lines are joined when they follow each other, the second right under
    the first, both inside the same cell: between the same two vertical rules of a
    table of several columns, with no horizontal rule between them.  Lines that cross
    a vertical rule (a row's label and values on one baseline) are never joined."""
    if not rules.verticals or not lines:
        return lines
    out = [lines[0]]
    for line in lines[1:]:
        above = out[-1]
        if _same_cell(above, line, rules):
            x0, _, x1, top = above.box
            out[-1] = _Line(join_lines(above.text + "\n" + line.text),
                            (min(x0, line.box[0]), line.box[1], max(x1, line.box[2]), top))
        else:
            out.append(line)
    return out


def _same_cell(above: _Line, below: _Line, rules: _Rules) -> bool:
    if above.box is None or below.box is None:
        return False
    ax0, abottom, ax1, atop = above.box
    bx0, bbottom, bx1, btop = below.box
    height = max(atop - abottom, btop - bbottom, 1.0)
    if not -0.5 * height <= abottom - btop <= 1.5 * height:
        return False  # not the next printed line down
    y = (abottom + btop) / 2
    crossing = sorted(x for x, y0, y1 in rules.verticals if y0 - 1 <= y <= y1 + 1)
    if len(_distinct(crossing)) < 3:
        return False  # not inside a table of several columns (a frame round a paragraph)
    left = [x for x in crossing if x <= min(ax0, bx0) + 1]
    right = [x for x in crossing if x >= max(ax1, bx1) - 1]
    if not left or not right:
        return False
    cell_left, cell_right = max(left), min(right)
    if any(cell_left + 1 < x < cell_right - 1 for x in crossing):
        return False  # a line crosses into the next cell
    middle = (cell_left + cell_right) / 2
    return not any(btop - 1 <= hy <= abottom + 1 and hx0 <= middle <= hx1 for hy, hx0, hx1 in rules.horizontals)


__all__ = ["TextLayer", "read_text_layer"]
