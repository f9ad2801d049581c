"""Is a PDF's text layer (:mod:`.pdftext`) good enough to stand in for pdfplumber's
reading (:mod:`.pdf`)?  The report parser is the judge: the text is parsed exactly as
the crawl parses it, and anything the parse cannot vouch for sends the file to
pdfplumber, whose geometry places every cell (blank ones included) where it is
printed.

The text is kept only when:

* the parse raises no flag at all — no ``coverage.<table>`` (cells of the era's form
  not found), no ``table_incomplete``, no broken 勾稽 rule (a value in the wrong
  column breaks the sums), no ``duplicate_key``, no text-vs-table disagreement — and
  maps every table row it read (no ``unknown:…`` keys);
* in an era with fixed forms (2019, 2021), every table of the form is there (t2, t3,
  t4: the formats that check their coverage in that era);
* otherwise (legacy era, or no report era), there is no table to read at all: none in
  the text, and no page where pdfplumber would look for one (ruled grids, rows of
  numbers).  Legacy 统计表 have no fixed form to check a reading against.

A report whose own numbers break a 勾稽 rule is read by pdfplumber as well: slower,
never different.
"""

from __future__ import annotations

def unvouched(text: str, table_pages: list[int]) -> str:
    """Why the parse of ``text`` (a PDF's text layer) cannot be trusted to give the
    cells pdfplumber's reading would give; "" when it can.  ``table_pages``: the
    pages where pdfplumber would look for tables (:attr:`.pdftext.TextLayer.table_pages`)."""
    # The parser is imported only to judge: the worker process that reads the file does not need it.
    from govreports.parsing.indicators import formats
    from govreports.parsing.report import parse_report_text

    report = parse_report_text(text, "", source="attachment")
    if report.flags:
        rules = ", ".join(dict.fromkeys(f.rule for f in report.flags))
        return f"the text's parse is flagged ({rules})"
    unknown = [i.key for i in report.indicators if i.key.startswith("unknown:")]
    if unknown:
        return f"the text has table rows the parser cannot place ({unknown[0]}{', …' if len(unknown) > 1 else ''})"
    kinds = {t.kind for t in report.tables}
    form = [f.name for f in formats.FORMATS if f.checks_coverage and report.era in f.eras]
    if form:
        missing = [name for name in form if name not in kinds]
        if missing:
            return f"the text lacks the {'/'.join(sorted(missing))} table{'s' if len(missing) > 1 else ''} of the {report.era} form"
        return ""
    if report.tables:
        return f"the text has tables and the {report.era or 'unknown'} era has no fixed form to check them against"
    if table_pages:
        return f"page {table_pages[0]} may hold a table the text does not show"
    return ""


def unvouched_or_error(text: str, table_pages: list[int]) -> str:
    """:func:`unvouched`, with a parser error as the reason (pdfplumber's text is then
    what the crawl parses)."""
    try:
        return unvouched(text, table_pages)
    except MemoryError:
        raise
    except Exception as exc:
        return f"the parser failed on the text ({type(exc).__name__}: {str(exc)[:200]})"


__all__ = ["unvouched", "unvouched_or_error"]
