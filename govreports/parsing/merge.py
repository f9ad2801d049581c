"""Combining what a report page says with what its attachment says.

Many reports are a one-line page ("详见附件") and a PDF, or a page with the text and a
.doc 统计表.  The source that gives more canonical numbers wins; the other one's
numbers fill only the keys the winner lacks (nothing printed is lost), and every key
on which the two disagree is flagged — never silently resolved.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from govreports.parsing.model import Flag, Indicator, ParsedReport

# Below this much body text a page says no more than "see the attachment".
THIN_PAGE_CHARS = 300


def canonical_count(report: ParsedReport) -> int:
    """Numbers a report's tables give under canonical keys (t2/t3/t4/legacy): headlines
    and the era keys read from sentences aside."""
    return sum(
        1
        for i in report.indicators
        if i.value is not None and i.source != "text" and not i.key.startswith(("unknown:", "headline."))
    )


def _disagreements(page: dict[str, Indicator], attachment: dict[str, Indicator], source: str) -> list[Flag]:
    flags = []
    for key in sorted(page.keys() & attachment.keys()):
        a, b = page[key], attachment[key]
        if a.value is not None and b.value is not None and a.value != b.value:
            flags.append(Flag(
                rule="page_vs_attachment",
                message=f"{key}: page says {a.raw or a.value}, {source} says {b.raw or b.value}",
                numbers={"key": key, "page": a.value, "attachment": b.value},
            ))
    return flags


def merge_attachment(page: ParsedReport, attachment: ParsedReport, source: str) -> tuple[ParsedReport, bool]:
    """``(merged report, whether the attachment won)``.

    ``page`` keeps its metadata (the page's 目录 block is authoritative); the
    attachment's tables are appended; indicators come from the richer source, with
    the other's filling missing keys; flags are the winner's checks plus every
    page-vs-attachment disagreement.
    """
    attachment_wins = canonical_count(attachment) > canonical_count(page)
    winner, other = (attachment, page) if attachment_wins else (page, attachment)
    merged = copy.copy(page)

    by_key = {i.key: i for i in winner.indicators}
    for indicator in other.indicators:
        if indicator.key not in by_key:
            by_key[indicator.key] = indicator
    merged.indicators = list(by_key.values())

    offset = len(page.tables)
    merged.tables = page.tables + [replace(t, index=offset + n) for n, t in enumerate(attachment.tables)]
    merged.flags = winner.flags + _disagreements(
        {i.key: i for i in page.indicators}, {i.key: i for i in attachment.indicators}, source)
    merged.era = winner.era or other.era
    merged.report_year = page.report_year or attachment.report_year
    merged.publisher = page.publisher or attachment.publisher
    if len(page.body_text) < THIN_PAGE_CHARS:
        merged.sections = attachment.sections or page.sections
        merged.cover_letter = page.cover_letter or attachment.cover_letter
        merged.next_year_plan = page.next_year_plan or attachment.next_year_plan
    return merged, attachment_wins
