"""DOCX: paragraphs and tables in document order, read from the body XML.

python-docx opens the package; the body is then walked directly because
``Document.paragraphs``/``.tables`` lose the order between them, and its cell API
repeats a merged cell once per grid column.  Merges are resolved from the XML:
``w:gridSpan`` (across), ``w:vMerge`` (down), ``w:gridBefore``/``w:gridAfter``
(rows that start or stop short of the grid).  Tables nested in a cell are returned
as tables of their own, after their parent; the cell keeps their text too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from .grid import clean_cell, collapse_row, render_table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


@dataclass
class DocxResult:
    text: str
    tables: list[list[list[str]]]


def _val(el, path: str, default: str | None = None) -> str | None:
    found = el.find(path)
    if found is None:
        return default
    return found.get(f"{W}val", "")


def paragraph_text(p) -> str:
    """Visible text of a w:p: runs, tabs, breaks; not deleted text, not field codes,
    and a text box only once (mc:Fallback repeats the mc:Choice content)."""
    out = []
    stack = [p]
    # Iterative walk so that whole subtrees (mc:Fallback, w:del) can be skipped.
    order = []
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in (MC_FALLBACK, f"{W}del", f"{W}instrText", f"{W}delText"):
            continue
        order.append(el)
        stack.extend(reversed(list(el)))
    for el in order:
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}tab":
            out.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}p" and el is not p:
            out.append("\n")  # a paragraph inside a text box
    return "".join(out)


def _cell_text(tc) -> str:
    parts = []
    for el in tc:
        if el.tag == f"{W}p":
            parts.append(paragraph_text(el))
        # A nested w:tbl is left out: it becomes a table of its own (see walk_body), and
        # its text glued to the cell's ("0" + "其中 5") would corrupt the cell's value.
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                parts.append(_cell_text(content))
    return "\n".join(parts)


def _nearest(el, tag: str):
    """The closest ancestor with this tag (rows and cells may sit inside w:sdt wrappers)."""
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def table_grid(tbl) -> tuple[list[list[str]], list[list[int]]]:
    """(grid, ids): every slot holds the text of the cell covering it, and that
    cell's number, so merged cells can be printed once."""
    rows: list[list[tuple[int, str]]] = []
    owners: dict[int, tuple[int, str]] = {}  # grid column -> cell started by vMerge="restart"
    n = 0
    for tr in tbl.iter(f"{W}tr"):
        if _nearest(tr, f"{W}tbl") is not tbl:
            continue  # a row of a nested table
        row: list[tuple[int, str]] = []
        before = int(_val(tr, f"{W}trPr/{W}gridBefore", "0") or 0)
        row.extend((-1, "") for _ in range(before))
        for tc in tr.iter(f"{W}tc"):
            if _nearest(tc, f"{W}tr") is not tr:
                continue  # a cell of a nested table
            span = int(_val(tc, f"{W}tcPr/{W}gridSpan", "1") or 1)
            vmerge = _val(tc, f"{W}tcPr/{W}vMerge")
            col = len(row)
            if vmerge is not None and vmerge != "restart" and col in owners:
                cell = owners[col]  # continuation: the cell above covers this slot
            else:
                n += 1
                cell = (n, clean_cell(_cell_text(tc)))
                if vmerge == "restart":
                    owners[col] = cell
                else:
                    owners.pop(col, None)
            row.extend(cell for _ in range(span))
        after = int(_val(tr, f"{W}trPr/{W}gridAfter", "0") or 0)
        row.extend((-1, "") for _ in range(after))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [(-1, "")] * (width - len(r)) for r in rows]
    return [[t for _, t in r] for r in rows], [[i for i, _ in r] for r in rows]


def _nested(tbl) -> list:
    return [t for t in tbl.iter(f"{W}tbl") if t is not tbl]


def walk_body(body) -> tuple[list[str], list[list[list[str]]]]:
    """Body children in order -> (text blocks, tables)."""
    blocks: list[str] = []
    tables: list[list[list[str]]] = []

    def visit(container) -> None:
        for el in container:
            if el.tag == f"{W}p":
                blocks.append(paragraph_text(el))
            elif el.tag == f"{W}tbl":
                grid, ids = table_grid(el)
                for t in [el] + _nested(el):
                    grid, ids = table_grid(t) if t is not el else (grid, ids)
                    if grid:
                        tables.append(grid)
                        blocks.append("\n" + render_table([collapse_row(r, i) for r, i in zip(grid, ids)]) + "\n")
            elif el.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent"):
                visit(el.find(f"{W}sdtContent") if el.tag == f"{W}sdt" else el)

    visit(body)
    return blocks, tables


def extract_docx(data: bytes) -> DocxResult:
    """Raises on a damaged package; :func:`extract` turns that into "failed"."""
    import docx  # python-docx

    document = docx.Document(io.BytesIO(data))
    blocks, tables = walk_body(document.element.body)
    text = "\n".join(blocks)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return DocxResult(text.strip(), tables)
