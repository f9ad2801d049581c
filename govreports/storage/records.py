"""From items to rows: what the store writes for a report item."""

from __future__ import annotations

import hashlib
import json

from govreports.bodies import report_body_columns
from govreports.identity import canonical_url, report_id, report_identity
from govreports.items import ReportItem
from govreports.storage.section_texts import sections_as_stored
from govreports.storage.store import ReportRecord


def compact_json(value) -> str:
    """JSON as stored: UTF-8 text, no spaces between items."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def content_sha256(item: ReportItem) -> str:
    """Hash of what we store of a report, so that a recrawl can tell a revision."""
    parsed = item.parsed
    payload = json.dumps(
        {
            "title": parsed.title,
            "title_original": parsed.title_original or parsed.title,
            "metadata": parsed.metadata,
            "body": parsed.body_text_original or parsed.body_text,
            "tables": [t.grid for t in parsed.tables],
            "attachments": [a.url for a in parsed.attachments],
            "attachment_files": [a.get("sha256") for a in item.attachments],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_from_item(item: ReportItem, identity: str = "", portal_body: str = "") -> ReportRecord:
    """Flatten a report item into the rows the store writes.  ``identity``: the report's
    identity when not the crawl's (:func:`~govreports.identity.report_identity`), e.g. an
    imported file's (:func:`~govreports.identity.file_identity`).  ``portal_body``: the
    registry row's body (a department's or town's column), the report's unless its title
    names another (:func:`govreports.bodies.classify_report`)."""
    parsed = item.parsed
    meta = parsed.metadata
    identity = identity or report_identity(parsed.index_no, item.url)
    url = canonical_url(item.url)
    indicators: dict[str, dict] = {}
    for ind in parsed.indicators:
        key = ind.key
        n = 2
        while key in indicators:  # an unknown label printed twice keeps both rows
            key = f"{ind.key}#{n}"
            n += 1
        indicators[key] = {
            "key": key,
            "value": ind.value,
            "raw": ind.raw,
            "unit": ind.unit,
            "source": ind.source,
            "evidence": ind.evidence,
        }
    attachments = {a["url"]: a for a in item.attachments} or {
        a.url: {"url": a.url, "link_text": a.text} for a in parsed.attachments
    }
    report = {
        "report_id": report_id(identity),
        "identity": identity,
        "url": url,
        "portal_id": item.portal_id,
        "region_code": item.region_code or parsed.region_code,
        "region_name": item.region_name,
        "publisher": parsed.publisher or meta.get("publisher", ""),
        "title": parsed.title,
        "title_original": parsed.title_original or parsed.title,
        "report_year": parsed.report_year,
        "era": parsed.era or "",
        "index_no": parsed.index_no,
        "written_date": meta.get("written_date", ""),
        "published_date": meta.get("published_date", "") or (item.list_date or ""),
        "doc_no": meta.get("doc_no", ""),
        "metadata": compact_json(
            {"block": meta, "block_as_printed": parsed.metadata_original, "page_meta": parsed.page_meta}),
        "body_text": parsed.body_text,
        # NULL when the page was not converted from Traditional: then it is body_text.
        "body_text_original": parsed.body_text_original if parsed.body_text_original != parsed.body_text else None,
        "cover_letter": parsed.cover_letter,
        "next_year_plan": parsed.next_year_plan,
        # Offsets into body_text where a section's text is a piece of it (storage.section_texts).
        "sections": compact_json(sections_as_stored((s.__dict__ for s in parsed.sections), parsed.body_text)),
        "source_format": item.source_format,
        "attachment_urls": " ".join(attachments),
        "sha256": content_sha256(item),
        "flags": compact_json([f.__dict__ for f in parsed.flags]),
        "attachment_text": item.attachment_text,
    }
    report.update(report_body_columns(report, {"body": portal_body, "region_name": item.region_name}))
    return ReportRecord(
        report=report,
        url=url,
        list_url=canonical_url(item.list_url) if item.list_url else "",
        indicators=list(indicators.values()),
        tables=[
            {
                "table_index": t.index,
                "kind": t.kind,
                "caption": t.caption,
                "n_rows": len(t.grid),
                "n_cols": max((len(r) for r in t.grid), default=0),
                "cells": compact_json(t.grid),
                "source": t.source,
            }
            for t in parsed.tables
        ],
        attachments=list(attachments.values()),
        etag=item.etag,
        last_modified=item.last_modified,
    )
