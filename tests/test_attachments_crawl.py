"""Reports published as files, crawled for real from the local ``attach`` portal:
the real 淮安 2024 PDF, generated fixtures, and bad files of every kind."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.harness import SHARED, Database, crawl_portals, portal_row, require_shared, scrapy_cmd
from tests.portal_server import PortalServer

HUAIAN_PDF = SHARED / "samples" / "huaian-city-2024-report.pdf"
HUAIAN_PAGE = "attach/zwgk/xxgknb/202501/t20250120_7001.html"
HUAIAN_SOURCE = "attachment:P020250120386915421552.pdf"
SPEC = SHARED / "spec" / "indicators.csv"


@pytest.fixture(autouse=True, scope="module")
def _shared_samples():
    require_shared(HUAIAN_PDF)

# What the PDF prints (read off the PDF by eye, not by this code).
HUAIAN_VALUES = {
    "t2.rules.issued": 1,
    "t2.normative.repealed": 26,
    "t2.normative.in_force": 66,
    "t2.licensing.decisions": 447228,
    "t2.penalty.decisions": 3985758,
    "t2.coercion.decisions": 88283,
    "t2.fees.amount": 96171.6,
    "t3.new.natural_person": 3001,
    "t3.new.total": 3119,
    "t3.carried_in.total": 34,
    "t3.result.disclosed.total": 1362,
    "t3.result.withheld.admin_query.total": 105,
    "t3.result.unavailable.not_held.total": 769,
    "t3.result.unavailable.needs_creation.total": 11,  # its label is split by the page break
    "t3.result.not_processed.petition.commercial": 6,
    "t3.result.other.no_correction.total": 71,
    "t3.result.other.unpaid_fee.total": 6,
    "t3.result.other.other.total": 110,
    "t3.result.total.total": 3050,
    "t3.carried_out.total": 103,
    "t4.review.upheld": 72,
    "t4.review.total": 351,
    "t4.litigation_direct.total": 26,
    "t4.litigation_after_review.pending": 6,
    "t4.litigation_after_review.total": 20,
}


def spec_keys_2021_tables() -> list[str]:
    with SPEC.open(encoding="utf-8", newline="") as f:
        return [r["key"] for r in csv.DictReader(f)
                if r["table"] in ("t2", "t3", "t4") and "2021" in r["formats"].split()]


@pytest.fixture(scope="module")
def attach_crawl(tmp_path_factory):
    with PortalServer() as server:
        row = portal_row("attach", "320800", "淮安市", server.url("attach/zwgk/xxgknb/index.html"),
                         portal_name="淮安市人民政府", home_url=server.url("attach/index.html"))
        run = crawl_portals(tmp_path_factory.mktemp("attach"), [row], region="淮安市",
                            settings={"GOVREPORTS_ATTACHMENT_MAXSIZE": str(1024 * 1024)})
        yield server, run.db.path, run


def rows(db: Path, sql: str, *params) -> list[tuple]:
    return Database(db).rows(sql, *params)


def huaian_indicators(server, db) -> dict[str, tuple]:
    report_id = rows(db, "SELECT report_id FROM report_urls WHERE url = ?", server.url(HUAIAN_PAGE))[0][0]
    return {k: (v, s) for k, v, s in rows(db, "SELECT key, value, source FROM indicators WHERE report_id = ?", report_id)}


def attachment(db, server, name) -> tuple:
    found = rows(db, "SELECT type, status, error, path FROM attachments WHERE url = ?", server.url(f"attach/files/{name}"))
    return found[0] if found else None


def test_crawl_finishes_despite_bad_files(attach_crawl):
    _, _, result = attach_crawl
    assert result.returncode == 0 and "8 new" in result.stdout


@pytest.mark.parametrize("key", spec_keys_2021_tables())
def test_huaian_pdf_gives_every_2021_table_key(attach_crawl, key):
    server, db, _ = attach_crawl
    value, source = huaian_indicators(server, db)[key]
    assert value is not None and source == HUAIAN_SOURCE


@pytest.mark.parametrize("key, value", sorted(HUAIAN_VALUES.items()))
def test_huaian_pdf_values_as_printed(attach_crawl, key, value):
    server, db, _ = attach_crawl
    assert huaian_indicators(server, db)[key][0] == value


def test_huaian_report_format_is_pdf(attach_crawl):
    server, db, _ = attach_crawl
    assert rows(db, "SELECT r.source_format, r.era FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                server.url(HUAIAN_PAGE)) == [("pdf", "2021")]


def test_huaian_pdf_text_is_searchable(attach_crawl):
    _, db, _ = attach_crawl
    hits = rows(db, "SELECT r.title FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
                    "WHERE reports_fts MATCH '不予处理'")
    assert ("淮安市人民政府2024年政府信息公开工作年度报告",) in hits


def test_export_indicators_carries_the_pdf_numbers(attach_crawl, tmp_path):
    server, db, _ = attach_crawl
    out = tmp_path / "i.csv"
    scrapy_cmd("export", "indicators", "-o", str(out), "--year", "2024", db=db)
    with out.open(encoding="utf-8", newline="") as f:
        exported = {r["key"]: r for r in csv.DictReader(f)}
    assert (exported["t3.result.total.total"]["value"], exported["t3.result.total.total"]["source"]) == ("3050", HUAIAN_SOURCE)


def test_report_that_is_a_pdf_in_the_list(attach_crawl):
    server, db, _ = attach_crawl
    assert rows(db, "SELECT r.source_format FROM reports r JOIN report_urls u USING (report_id) WHERE u.url = ?",
                server.url("attach/files/P020240130777777777701.pdf")) == [("pdf",)]


def test_legacy_doc_and_xls_statistics(attach_crawl):
    server, db, _ = attach_crawl
    statuses = [attachment(db, server, n)[:2] for n in ("P020130301412345678901.doc", "P020130301412345678902.xls")]
    assert statuses == [("doc", "parsed"), ("xls", "parsed")]


def test_legacy_doc_numbers_reach_the_report(attach_crawl):
    server, db, _ = attach_crawl
    found = rows(db, "SELECT i.value, i.source FROM indicators i JOIN report_urls u USING (report_id) "
                     "WHERE u.url = ? AND i.key = 'legacy.proactive.total'",
                 server.url("attach/zwgk/xxgknb/201302/t20130301_7002.html"))
    assert found and found[0][0] == 4712 and found[0][1].startswith("attachment:")


def test_lying_extension_is_read_as_what_the_bytes_are(attach_crawl):
    server, db, _ = attach_crawl
    assert attachment(db, server, "tongjibiao.doc")[:2] == ("pdf", "parsed")


def test_image_only_pdf_needs_ocr(attach_crawl):
    server, db, _ = attach_crawl
    assert attachment(db, server, "P020240201555555555501.pdf")[1] == "needs_ocr"


def test_corrupt_pdf_fails_with_a_reason(attach_crawl):
    server, db, _ = attach_crawl
    _, status, error, _ = attachment(db, server, "P020240203000000000001.pdf")
    assert status == "failed" and error


def test_oversized_file_is_refused(attach_crawl):
    server, db, _ = attach_crawl
    assert attachment(db, server, "P020240204999999999999.pdf")[1] == "too_large"


def test_files_are_named_by_content_hash(attach_crawl):
    server, db, _ = attach_crawl
    _, _, _, name = attachment(db, server, "download.do?fileId=7")
    # Stored relative to the files folder (files/ beside the database), where the file is.
    path = db.parent / "files" / name
    assert Path(name).name == name and len(path.stem) == 64 and path.suffix == ".xls" and path.is_file()


def test_hostile_content_disposition_writes_nothing_outside(attach_crawl):
    assert not Path("/tmp/govreports-evil.xls").exists()


def test_attachment_files_are_not_duplicated(attach_crawl):
    _, db, _ = attach_crawl
    stored = list((db.parent / "files").iterdir())
    assert len(stored) == len({p.name for p in stored}) == len(
        {r[0] for r in rows(db, "SELECT sha256 FROM attachments WHERE sha256 IS NOT NULL")})
