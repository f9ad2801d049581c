"""What a fetched report page turned out to be: one verdict per page.

The spider fetches a page a list showed under a report title (or a known report page
it revalidates) and asks :func:`page_verdict` what it is; it then acts on the verdict
alone.  The function reads plain inputs (:class:`FetchedPage`: status, bytes, decoded
text, a few request facts), so every verdict is tested without a crawl.

Verdicts, in the order they are tried:

``NOT_MODIFIED``  a revalidated page answered 304;
``GONE``          a revalidated page now answers 404/410 or is a deleted page;
``DOCUMENT``      the page is a PDF/Word/Excel/zip file listed under a report title:
                  the file is the report (``parsed`` is built from the list's title);
``NOT_TEXT``      neither a page nor a document (an image, a CSS file …);
``EMPTY``         an empty body;
``DELETED``       a 200 page that meta-refreshes to its folder: the report was deleted;
``META_REFRESH``  a page that sends its readers elsewhere (``detail``: where);
``JS_SHELL``      not a report, but a page whose article only a browser shows;
``NOT_A_REPORT``  a look-alike page, or a file listed under another title;
``REPORT``        an annual report (``parsed``; a page that prints no title takes the
                  list's, when that names a report for a year).

A page served as ``text/plain`` (a saved ``.txt`` copy) is parsed as the text copy it
is (:func:`parse_page`), every other page as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from govreports.failures import FailureKind
from govreports.parsing.model import Link, ParsedReport
from govreports.attachments.sniff import sniff_type
from govreports.parsing.report import parse_report_html, parse_report_text
from govreports.parsing.titles import is_report_link, report_year
from govreports.platforms import Page
from govreports.platforms.jsshell import detail_needs_browser
from govreports.responses import deleted_page_target, meta_refresh_target


class VerdictKind(StrEnum):
    NOT_MODIFIED = "not_modified"
    GONE = "gone"
    DOCUMENT = "document"
    NOT_TEXT = "not_text"
    EMPTY = "empty"
    DELETED = "deleted"
    META_REFRESH = "meta_refresh"
    JS_SHELL = "js_shell"
    NOT_A_REPORT = "not_a_report"
    REPORT = "report"


# Verdicts that end a listed page as a recorded non-report, and the failure kind
# each is recorded with (a recrawl does not fetch these pages again).
NON_REPORT_FAILURES: dict[VerdictKind, FailureKind] = {
    VerdictKind.NOT_TEXT: FailureKind.NOT_A_DOCUMENT,
    VerdictKind.EMPTY: FailureKind.EMPTY_PAGE,
    VerdictKind.DELETED: FailureKind.DELETED_PAGE,
    VerdictKind.NOT_A_REPORT: FailureKind.NOT_A_REPORT,
}


@dataclass(frozen=True)
class FetchedPage:
    """What :func:`page_verdict` needs of a fetched page and of its request."""

    url: str
    status: int
    body: bytes
    text: str | None  # the decoded page; None when the response is not text
    # The document type its bytes show (pdf, docx, xls …), "" when it is not one of the
    # document kinds a report may be published as.
    document_type: str = ""
    content_type: str = ""
    list_title: str = ""  # the title the list printed beside the link
    from_report_column: bool = False  # listed in an annual-report column (a title without a year may be a report)
    list_date: str | None = None  # the date the list printed
    revalidating: bool = False  # a conditional GET of a known report page
    in_browser: bool = False  # already rendered by the headless browser


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    # For people: why a page is not a report ("not a report: …", "empty page"), why a
    # known one is gone ("HTTP 404", "deleted page"); the refresh target of
    # META_REFRESH; the file type of DOCUMENT.
    detail: str = ""
    parsed: ParsedReport | None = None  # REPORT and DOCUMENT


def page_verdict(page: FetchedPage, parsed: ParsedReport | None = None) -> Verdict:
    """What a fetched page is (see the module docstring).  ``parsed``: the page
    already parsed by the caller, to avoid parsing it twice."""
    text = page.text or ""
    if page.revalidating:
        if page.status == 304:
            return Verdict(VerdictKind.NOT_MODIFIED)
        if page.status in (404, 410) or deleted_page_target(text, page.url):
            return Verdict(VerdictKind.GONE, f"HTTP {page.status}" if page.status != 200 else "deleted page")
    if page.document_type:
        if not is_report_link(page.list_title, report_column=page.from_report_column):
            return Verdict(VerdictKind.NOT_A_REPORT, f"not a report: a file listed as {page.list_title!r}")
        return Verdict(VerdictKind.DOCUMENT, page.document_type,
                       file_report(page.url, page.list_title, page.list_date))
    if page.text is None:
        return Verdict(VerdictKind.NOT_TEXT, f"not a report: not a page or document ({page.content_type})")
    if not page.body.strip():
        return Verdict(VerdictKind.EMPTY, "empty page")
    gone_to = deleted_page_target(text, page.url)
    if gone_to:
        return Verdict(VerdictKind.DELETED, f"not a report: deleted page (meta refresh to {gone_to})")
    refresh = meta_refresh_target(text, page.url)
    if refresh and refresh != page.url:
        return Verdict(VerdictKind.META_REFRESH, refresh)
    if parsed is None:
        parsed = parse_page(text, page.url, body=page.body, content_type=page.content_type)
    if parsed.is_report:
        if not parsed.title and is_report_link(page.list_title):
            # A copy that prints no title of its own (a text copy starting at its
            # metadata block): the list's title names it, as it names a file report.
            parsed.title = page.list_title.strip()
            parsed.report_year = parsed.report_year or report_year(page.list_title)
        return Verdict(VerdictKind.REPORT, parsed=parsed)
    if not page.in_browser and detail_needs_browser(Page(url=page.url, text=text)):
        return Verdict(VerdictKind.JS_SHELL)
    return Verdict(VerdictKind.NOT_A_REPORT, f"not a report: {parsed.title or '(no title)'}")


def is_text_copy(body: bytes, content_type: str) -> bool:
    """A plain-text copy of a report (a saved ``.txt``): served as ``text/plain`` and not
    HTML by its bytes (servers send HTML pages as text/plain too)."""
    return content_type.split(";", 1)[0].strip().lower() == "text/plain" and sniff_type(body[:4096]) != "html"


def parse_page(text: str, url: str, *, body: bytes, content_type: str) -> ParsedReport:
    """A decoded page parsed as what it is: a text copy with :func:`parse_report_text`
    (its lines are its layout), anything else as HTML."""
    if is_text_copy(body, content_type):
        return parse_report_text(text, url)
    return parse_report_html(text, url)


def file_report(url: str, list_title: str, list_date: str | None) -> ParsedReport:
    """A report that *is* a file a list links to: its title and date are those the
    list printed; the attachment pipeline reads the numbers from the file itself."""
    return ParsedReport(url=url, title=list_title, report_year=report_year(list_title), is_report=True,
                        metadata={"published_date": list_date or ""},
                        attachments=[Link(url=url, text=list_title)])
