"""PDF: text in reading order, ruled tables as grids, tables split by a page break
stitched back together, garbage and image-only files sent to OCR instead of stored.

Two readers.  The fast one takes the text layer as PDFium draws it (:mod:`.pdftext`,
a few ms per page): table rows come out as lines of cells separated by spaces, which
the report parser reads.  The thorough one, pdfplumber, finds tables by their
geometry (100–250 ms per page).  :func:`extract_pdf` with ``reader="auto"`` (the
default) takes the text layer when the report parser vouches for its tables
(:mod:`.vouch`) and reads the file with pdfplumber otherwise — so every cell is what
pdfplumber's reading gives, and most files cost the fast reader only.

pdfplumber handles tables as *geometry* (cells with x/y extents), not as its row
lists: merged cells then expand by position, and a continuation on the next page is
appended by shifting its y coordinates under the first part, snapping its column
edges onto the first part's (Word redraws a split table a few points off).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .grid import clean_cell, collapse_row, garbage_reason, join_lines, render_table

SNAP = 6.0  # pt: column edges this close on two pages are the same edge
EDGE_TOL = 1.5  # pt: edges this close within one table are one edge
OCR_DPI = 200


@dataclass
class Cell:
    x0: float
    x1: float
    y0: float
    y1: float
    text: str


@dataclass
class GeoTable:
    page: int  # page index of the first part
    cells: list[Cell]
    top: float = 0.0  # of the first part, on its page
    bottom_page: int = 0  # page of the last part
    parts: int = 1

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.cells)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.cells)

    @property
    def y0(self) -> float:
        return min(c.y0 for c in self.cells)

    @property
    def y1(self) -> float:
        return max(c.y1 for c in self.cells)


@dataclass
class PageInfo:
    index: int
    height: float
    tables: list[GeoTable] = field(default_factory=list)
    lines: list[tuple[float, str]] = field(default_factory=list)  # (top, text) outside tables


@dataclass
class PdfResult:
    text: str
    tables: list[list[list[str]]]  # pdfplumber's grids; none from the text layer (its tables are in the text)
    pages: int
    pages_read: int
    status: str  # parsed | needs_ocr
    reason: str = ""
    reader: str = "pdfplumber"  # pdfium | pdfplumber | ocr: what gave the text
    table_pages: list[int] = field(default_factory=list)  # pdfium: pages where pdfplumber would look for tables
    warnings: list[str] = field(default_factory=list)  # why pdfplumber read a file the text layer could not give


READERS = ("auto", "pdfium", "pdfplumber")


# ---------------------------------------------------------------------------- grid building

def _edges(values: list[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def build_grid(cells: list[Cell]) -> tuple[list[list[str]], list[list[int | None]]]:
    """A rectangular grid, each slot carrying the text of the cell that covers it
    (merged cells expanded, as ``parsing.tables.html_table_grid`` does), plus the
    covering cell's index per slot (to print a merged cell once per row in text)."""
    xs = _edges([c.x0 for c in cells] + [c.x1 for c in cells])
    ys = _edges([c.y0 for c in cells] + [c.y1 for c in cells])
    grid = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    ids: list[list[int | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for n, c in enumerate(cells):
        for r in range(len(ys) - 1):
            cy = (ys[r] + ys[r + 1]) / 2
            if not c.y0 <= cy <= c.y1:
                continue
            for k in range(len(xs) - 1):
                cx = (xs[k] + xs[k + 1]) / 2
                if c.x0 <= cx <= c.x1:
                    grid[r][k] = c.text
                    ids[r][k] = n
    return grid, ids


# ---------------------------------------------------------------------------- finding tables

def _numeric_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if len(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", line)) >= 3)


def _geo_tables(page, index: int) -> list[GeoTable]:
    found = []
    for strategy in ("lines", "text"):
        if strategy == "text":
            # Borderless tables: only where the page reads like rows of numbers, since
            # the text strategy also "finds" tables in ordinary justified prose.
            if found or _numeric_lines(page.extract_text() or "") < 3:
                break
            settings = {"vertical_strategy": "text", "horizontal_strategy": "text"}
        else:
            settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
        for t in page.find_tables(settings):
            texts = t.extract()
            cells = []
            for row, row_texts in zip(t.rows, texts):
                for bbox, txt in zip(row.cells, row_texts):
                    if bbox is not None:
                        cells.append(Cell(bbox[0], bbox[2], bbox[1], bbox[3], clean_cell(txt)))
            if not cells:
                continue
            grid, _ = build_grid(cells)
            cols = len(grid[0]) if grid else 0
            min_cols, min_rows = (2, 2) if strategy == "lines" else (3, 3)
            # A one-column "table" is a frame drawn round a paragraph: leave it to the text.
            if cols < min_cols or len(grid) < min_rows or not any(c.text for c in cells):
                continue
            found.append(GeoTable(page=index, cells=cells, top=t.bbox[1], bottom_page=index))
    return found


def _inside(obj: dict, tables: list[GeoTable]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(t.x0 <= cx <= t.x1 and t.y0 <= cy <= t.y1 for t in tables)


# ---------------------------------------------------------------------------- running headers/footers

_PAGE_NO = re.compile(r"^[-—–_\s]*(?:第\s*)?[\d一二三四五六七八九十]+\s*(?:页)?(?:\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?[-—–_\s]*$|^page\s*\d+", re.I)


def _running_lines(pages: list[PageInfo]) -> set[str]:
    """Lines printed at the top or bottom of most pages (title running heads, "- 3 -")."""
    counts: dict[str, int] = {}
    for p in pages:
        edge = {re.sub(r"\d+", "#", t) for _, t in p.lines[:2] + p.lines[-2:]}
        for key in edge:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, v in counts.items() if v >= need and len(k) <= 60}


def _is_chrome(text: str, running: set[str]) -> bool:
    return bool(_PAGE_NO.match(text)) or re.sub(r"\d+", "#", text) in running


# ---------------------------------------------------------------------------- stitching

_MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．)）]|其中|合计|总计|小计)")
_NUMBER = re.compile(r"^[\s\-—–+/／]*[\d０-９][\d０-９,，.．%％]*\s*(?:[件条个次项人万元亿%])?$|^[/／\-—–]+$")


def _snap(cells: list[Cell], edges: list[float]) -> None:
    for c in cells:
        for attr in ("x0", "x1"):
            v = getattr(c, attr)
            near = min(edges, key=lambda e: abs(e - v))
            if abs(near - v) <= SNAP:
                setattr(c, attr, near)


def _same_x(a: Cell, b: Cell) -> bool:
    return abs(a.x0 - b.x0) <= EDGE_TOL and abs(a.x1 - b.x1) <= EDGE_TOL


def _rows_text(cells: list[Cell], y0: float, y1: float) -> list[str]:
    return [c.text for c in sorted(cells, key=lambda c: (c.y0, c.x0)) if c.y0 >= y0 - EDGE_TOL and c.y1 <= y1 + EDGE_TOL]


def _drop_repeated_header(prev: GeoTable, cells: list[Cell]) -> list[Cell]:
    """A header row printed again at the top of the next page is not data."""
    ys = _edges([c.y0 for c in prev.cells] + [c.y1 for c in prev.cells])
    cys = _edges([c.y0 for c in cells] + [c.y1 for c in cells])
    best = 0
    for k in range(1, min(len(ys), len(cys), 5)):
        head_prev = _rows_text(prev.cells, ys[0], ys[k])
        head_next = _rows_text(cells, cys[0], cys[k])
        if head_prev and head_prev == head_next and not any(_NUMBER.match(t) for t in head_next if t):
            best = k
    if not best:
        return cells
    cut = cys[best]
    return [c for c in cells if c.y0 >= cut - EDGE_TOL]


def _merge_split_row(prev: GeoTable, cells: list[Cell]) -> list[Cell]:
    """Glue the first row on the new page onto the last row of the old one where a
    cell was cut by the page break: "（四）无" + "法提供", or an empty stub of a
    vertically merged label ("三、本年度办理结果")."""
    bottom = prev.y1
    top = min(c.y0 for c in cells)
    last_row_top = max(c.y0 for c in prev.cells if abs(c.y1 - bottom) <= EDGE_TOL)
    lower = [c for c in prev.cells if abs(c.y1 - bottom) <= EDGE_TOL]
    upper = [c for c in cells if abs(c.y0 - top) <= EDGE_TOL]
    plan: list[tuple[Cell, Cell]] = []  # (cell above the break, its continuation)
    split_row = True  # every cell of the new first row continues the one above it
    for u in upper:
        match = next((l for l in lower if _same_x(l, u)), None)
        if match is None:
            split_row = False
            continue
        if not u.text:
            if match.text and match.y0 < last_row_top - EDGE_TOL:
                plan.append((match, u))  # stub of a merged cell running across the break
            continue
        if match.text and not _NUMBER.match(u.text) and not _NUMBER.match(match.text) and not _MARKER.match(u.text):
            plan.append((match, u))  # text cut mid-label
            continue
        if match.text:
            split_row = False  # a new label or a new number: a new row starts here
    if split_row:
        plan = [(l, u) for u in upper for l in lower if _same_x(l, u)]
    removed = set()
    for above, below in plan:
        above.text = join_lines(above.text + "\n" + below.text) if below.text else above.text
        above.y1 = below.y1
        removed.add(id(below))
    return [c for c in cells if id(c) not in removed]


def _continues(prev: GeoTable, nxt: GeoTable) -> bool:
    return abs(prev.x0 - nxt.x0) <= SNAP and abs(prev.x1 - nxt.x1) <= SNAP


def stitch(prev: GeoTable, nxt: GeoTable) -> None:
    """Append ``nxt`` (top of the next page) to ``prev`` in place."""
    edges = _edges([c.x0 for c in prev.cells] + [c.x1 for c in prev.cells])
    cells = [Cell(c.x0, c.x1, c.y0, c.y1, c.text) for c in nxt.cells]
    _snap(cells, edges)
    cells = _drop_repeated_header(prev, cells)
    if not cells:
        return
    # Put the continuation right under the first part: no gap row between them.
    shift = prev.y1 - min(c.y0 for c in cells)
    for c in cells:
        c.y0 += shift
        c.y1 += shift
    cells = _merge_split_row(prev, cells)
    prev.cells.extend(cells)
    prev.bottom_page = nxt.page
    prev.parts += 1


# ---------------------------------------------------------------------------- main

def _collect(pdf, limit: int) -> list[PageInfo]:
    infos = []
    for index, page in enumerate(pdf.pages[:limit]):
        tables = _geo_tables(page, index)
        outside = page.filter(lambda o: not (o.get("object_type") == "char" and _inside(o, tables)))
        lines = [(l["top"], l["text"].strip()) for l in outside.extract_text_lines(return_chars=False)]
        infos.append(PageInfo(index, float(page.height), tables, [(t, s) for t, s in lines if s]))
        page.flush_cache()  # big reports: keep memory flat
    return infos


def _assemble(infos: list[PageInfo]) -> tuple[str, list[GeoTable]]:
    running = _running_lines(infos) if len(infos) > 1 else set()
    for p in infos:
        p.lines = [(t, s) for t, s in p.lines if not _is_chrome(s, running)]
    tables: list[GeoTable] = []
    out: list[object] = []  # text lines and tables, in reading order
    open_table: GeoTable | None = None  # the last table of the previous page, if it ends that page
    for p in infos:
        items: list[tuple[float, object]] = [(t, s) for t, s in p.lines]
        for n, t in enumerate(p.tables):
            first_on_page = n == 0 and not any(top < t.top for top, _ in p.lines)
            if open_table is not None and first_on_page and open_table.bottom_page == p.index - 1 and _continues(open_table, t):
                stitch(open_table, t)
                table = open_table
            else:
                tables.append(t)
                items.append((t.top, t))
                table = t
            last_on_page = n == len(p.tables) - 1 and not any(top > t.y1 for top, _ in p.lines)
            open_table = table if last_on_page else None
        if not p.tables and p.lines:
            open_table = None
        out.extend(item for _, item in sorted(items, key=lambda i: i[0]))
    # Tables are printed only now: a table's later parts were stitched on after its
    # first page was laid out.
    chunks = []
    for item in out:
        if isinstance(item, GeoTable):
            grid, ids = build_grid(item.cells)
            chunks.append("\n" + render_table([collapse_row(r, i) for r, i in zip(grid, ids)]) + "\n")
        else:
            chunks.append(item)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(chunks)).strip()
    return text, tables


def extract_pdf(data: bytes, *, max_pages: int = 300, ocr: bool = False, reader: str = "auto") -> PdfResult:
    """Text and tables of the first ``max_pages`` pages.  Raises on a file pdfminer
    cannot open; :func:`extract` turns that into "failed".

    ``reader``: "auto" — the text layer when :func:`.vouch.unvouched` has nothing
    against it, else pdfplumber; "pdfium" — the text layer unless it is unreadable,
    garbage or out of reading order (the worker's parent then judges it, see
    :mod:`.worker`); "pdfplumber" — pdfplumber only.  Whenever pdfplumber reads a file
    the text layer could not give, the result's warnings say why.  Image-only and
    garbled files are judged by pdfplumber's reading, as they always were (needs_ocr,
    or OCR)."""
    if reader not in READERS:
        raise ValueError(f"unknown PDF reader {reader!r} (one of {', '.join(READERS)})")
    if reader == "pdfplumber":
        return _extract_with_pdfplumber(data, max_pages, ocr)
    from .pdftext import read_text_layer

    try:
        layer = read_text_layer(data, max_pages)
    except MemoryError:
        raise
    except Exception as exc:  # PDFium refuses files pdfminer may still read
        why = f"PDFium cannot read it ({type(exc).__name__}: {str(exc)[:200]})"
    else:
        why = _unusable(layer.text, layer.pages_read) or layer.problem
        if not why and reader == "auto":
            from .vouch import unvouched_or_error

            why = unvouched_or_error(layer.text, layer.table_pages)
        if not why:
            return PdfResult(layer.text, [], layer.pages, layer.pages_read, "parsed", reader="pdfium",
                             table_pages=layer.table_pages)
    return with_fallback_warning(_extract_with_pdfplumber(data, max_pages, ocr), why)


def with_fallback_warning(result, why: str):
    """``result`` (a :class:`PdfResult` or an ``Extraction``) of pdfplumber reading a file
    whose text layer was not kept, with the reason first among its warnings (a file
    that is not parsed — needs OCR, unreadable — gets none: its status says enough)."""
    if result.status == "parsed":
        result.warnings.insert(0, f"read with pdfplumber: {why}")
    return result


def _unusable(text: str, pages_read: int) -> str:
    """Why this text is no text at all (garbage, or almost none: scanned pages)."""
    reason = garbage_reason(text)
    if not reason and len(re.sub(r"\s", "", text)) < 10 * max(pages_read, 1):
        reason = "almost no text layer (scanned/image-only PDF?)"
    return reason


def _extract_with_pdfplumber(data: bytes, max_pages: int, ocr: bool) -> PdfResult:
    import pdfplumber  # imported here: importing the package must not need it

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        total = len(pdf.pages)
        limit = min(total, max_pages)
        infos = _collect(pdf, limit)
    text, geo = _assemble(infos)
    grids = [build_grid(t.cells)[0] for t in geo]
    reason = _unusable(text, limit)
    if not reason:
        return PdfResult(text, grids, total, limit, "parsed")
    if not ocr:
        return PdfResult("", [], total, limit, "needs_ocr", reason)
    ocr_text = ocr_pdf(data, limit)
    return PdfResult(ocr_text, [], total, limit, "parsed", f"OCR ({reason})", reader="ocr")


# ---------------------------------------------------------------------------- OCR

class OcrUnavailable(RuntimeError):
    pass


def ocr_available() -> str:
    """"" when OCR can run, else what is missing."""
    missing = [b for b in ("pdftoppm", "tesseract") if not shutil.which(b)]
    if missing:
        return f"OCR needs {', '.join(missing)} (install poppler-utils, tesseract-ocr, tesseract-ocr-chi-sim)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    if "chi_sim" not in langs.split():
        return "tesseract has no chi_sim language data (install tesseract-ocr-chi-sim)"
    return ""


def _tidy_ocr(text: str) -> str:
    # Tesseract puts a space between every pair of Chinese characters.
    text = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])", "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def ocr_pdf(data: bytes, pages: int, timeout: int = 120) -> str:
    """pdftoppm -> PNG per page -> tesseract chi_sim.  Raises OcrUnavailable."""
    missing = ocr_available()
    if missing:
        raise OcrUnavailable(missing)
    with tempfile.TemporaryDirectory(prefix="govreports-ocr-") as tmp:
        src = Path(tmp) / "input.pdf"
        src.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", str(OCR_DPI), "-gray", "-png", "-f", "1", "-l", str(pages), str(src), str(Path(tmp) / "p")],
                       check=True, capture_output=True, timeout=timeout)
        texts = []
        for png in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1])):
            res = subprocess.run(["tesseract", str(png), "stdout", "-l", "chi_sim"], capture_output=True, timeout=timeout)
            texts.append(_tidy_ocr(res.stdout.decode("utf-8", "replace")))
    return "\n\n".join(t for t in texts if t)


__all__ = ["extract_pdf", "with_fallback_warning", "READERS", "ocr_pdf", "ocr_available", "OcrUnavailable", "build_grid", "stitch", "Cell", "GeoTable"]
