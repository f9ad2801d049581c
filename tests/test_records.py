"""From a report item to the rows the store writes (govreports.storage.records)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from govreports.identity import report_id
from govreports.items import ReportItem
from govreports.parsing.model import Flag, Indicator, Link, ParsedReport, Section, Table
from govreports.storage import ReportStore
from govreports.storage.records import content_sha256, record_from_item
from govreports.storage.store import REPORT_COLUMNS

URL = "HTTP://www.HC.gov.cn:80/zwgk/t20240120_1.html?utm_source=wechat"
CANONICAL = "http://www.hc.gov.cn/zwgk/t20240120_1.html"
INDEX_NO = "11520303MB1234567X/2024-00012"


def parsed(**changes) -> ParsedReport:
    report = ParsedReport(
        url=URL,
        title="汇川区2023年政府信息公开工作年度报告",
        report_year=2023,
        is_report=True,
        era="2021",
        publisher="汇川区人民政府办公室",
        metadata={"index_no": INDEX_NO, "publisher": "汇川区政府", "written_date": "2024-01-18",
                  "published_date": "2024-01-20 09:30", "doc_no": "汇府办发〔2024〕3号"},
        metadata_original={"publisher": "匯川區政府"},
        page_meta={"ArticleTitle": "年度报告"},
        region_code="520303",
        body_text="本年度主动公开政府信息4712条。",
        body_text_original="本年度主動公開政府信息4712條。",
        cover_letter="根据《条例》规定，编制本报告。",
        next_year_plan="2024年将继续推进。",
        sections=[Section("一", "总体情况", "主动公开4712条")],
        tables=[Table(0, [["信息内容", "本年制发件数"], ["规章", "0"], ["行政规范性文件", "12", "x"]],
                      caption="表二", kind="t2", source="html")],
        indicators=[
            Indicator("headline.proactive_total", "4712条", 4712, "条", "text", "主动公开政府信息4712条"),
            Indicator("unknown:t2:其他", "3", 3, "件", "table", "其他"),
            Indicator("unknown:t2:其他", "/", None, "件", "table", "其他"),
        ],
        flags=[Flag("t3.row_sum", "总计与各项之和不符", {"total": 5, "sum": 4})],
        attachments=[Link("http://www.hc.gov.cn/zwgk/a.pdf", "附件1")],
    )
    return dataclasses.replace(report, **changes)


def item(**changes) -> ReportItem:
    fields = dict(
        portal_id="huichuan", region_code="520303", region_name="汇川区", url=URL,
        list_url="http://www.hc.gov.cn/zwgk/index.html?utm_medium=x", source_format="html",
        sha256="f" * 64, parsed=parsed(), list_date="2024-01-21", etag='"abc"',
        last_modified="Sat, 20 Jan 2024 01:30:00 GMT",
        attachments=[{"url": "http://www.hc.gov.cn/zwgk/a.pdf", "link_text": "附件1", "sha256": "1" * 64,
                      "status": "parsed"},
                     {"url": "http://www.hc.gov.cn/zwgk/b.xls", "link_text": "附件2", "sha256": "2" * 64,
                      "status": "parsed"}],
        attachment_text="附件：依申请公开情况统计表",
    )
    return ReportItem(**{**fields, **changes})


@pytest.fixture(scope="module")
def record():
    return record_from_item(item())


def test_report_row_has_exactly_the_report_columns(record):
    assert sorted(record.report) == sorted(REPORT_COLUMNS)


def test_identity_is_the_index_no_on_its_site(record):
    assert record.report["identity"] == f"ix:hc.gov.cn:{INDEX_NO}"


def test_identity_without_index_no_is_the_canonical_url():
    no_index = record_from_item(item(parsed=parsed(metadata={"published_date": "2024-01-20"})))
    assert no_index.report["identity"] == f"url:{CANONICAL}"


def test_report_id_is_the_key_of_the_identity(record):
    assert record.report["report_id"] == report_id(f"ix:hc.gov.cn:{INDEX_NO}")


def test_url_is_canonical(record):
    assert record.report["url"] == CANONICAL


def test_record_url_is_canonical(record):
    assert record.url == CANONICAL


def test_portal_id(record):
    assert record.report["portal_id"] == "huichuan"


def test_region_code_from_the_item(record):
    assert record.report["region_code"] == "520303"


def test_region_code_from_the_page_when_the_item_has_none():
    assert record_from_item(item(region_code="", parsed=parsed(region_code="520302"))).report["region_code"] == "520302"


def test_region_name(record):
    assert record.report["region_name"] == "汇川区"


def test_publisher_from_the_parser(record):
    assert record.report["publisher"] == "汇川区人民政府办公室"


def test_publisher_from_the_metadata_block_when_the_parser_has_none():
    assert record_from_item(item(parsed=parsed(publisher=""))).report["publisher"] == "汇川区政府"


def test_title(record):
    assert record.report["title"] == "汇川区2023年政府信息公开工作年度报告"


def test_report_year(record):
    assert record.report["report_year"] == 2023


def test_era(record):
    assert record.report["era"] == "2021"


def test_unknown_era_is_empty():
    assert record_from_item(item(parsed=parsed(era=None))).report["era"] == ""


def test_index_no_verbatim(record):
    assert record.report["index_no"] == INDEX_NO


def test_written_date(record):
    assert record.report["written_date"] == "2024-01-18"


def test_published_date_from_the_page(record):
    assert record.report["published_date"] == "2024-01-20 09:30"


def test_published_date_from_the_list_when_the_page_has_none():
    no_date = parsed(metadata={"index_no": INDEX_NO})
    assert record_from_item(item(parsed=no_date)).report["published_date"] == "2024-01-21"


def test_doc_no(record):
    assert record.report["doc_no"] == "汇府办发〔2024〕3号"


def test_metadata_json(record):
    assert json.loads(record.report["metadata"]) == {
        "block": parsed().metadata, "block_as_printed": {"publisher": "匯川區政府"},
        "page_meta": {"ArticleTitle": "年度报告"}}


def test_body_text(record):
    assert record.report["body_text"] == "本年度主动公开政府信息4712条。"


def test_body_text_original(record):
    assert record.report["body_text_original"] == "本年度主動公開政府信息4712條。"


def test_cover_letter(record):
    assert record.report["cover_letter"] == "根据《条例》规定，编制本报告。"


def test_next_year_plan(record):
    assert record.report["next_year_plan"] == "2024年将继续推进。"


def test_sections_json(record):
    """A section whose text is not a piece of the body keeps it."""
    assert json.loads(record.report["sections"]) == [{"number": "一", "heading": "总体情况", "text": "主动公开4712条"}]


def test_sections_that_are_pieces_of_the_body_are_stored_as_offsets():
    body = "一、总体情况\n本年度主动公开政府信息4712条。\n二、其他\n无。"
    report = record_from_item(item(parsed=parsed(body_text=body, sections=[
        Section("一", "总体情况", "本年度主动公开政府信息4712条。"), Section("二", "其他", "无。")]))).report
    assert report["sections"] == ('[{"number":"一","heading":"总体情况","start":7,"end":24},'
                                  '{"number":"二","heading":"其他","start":30,"end":32}]')
    assert body[7:24] == "本年度主动公开政府信息4712条。" and body[30:32] == "无。"


def test_source_format(record):
    assert record.report["source_format"] == "html"


def test_attachment_urls_from_the_downloaded_attachments(record):
    assert record.report["attachment_urls"] == "http://www.hc.gov.cn/zwgk/a.pdf http://www.hc.gov.cn/zwgk/b.xls"


def test_attachment_urls_from_the_page_links_when_none_were_downloaded():
    assert record_from_item(item(attachments=[])).report["attachment_urls"] == "http://www.hc.gov.cn/zwgk/a.pdf"


def test_flags_json(record):
    assert json.loads(record.report["flags"]) == [
        {"rule": "t3.row_sum", "message": "总计与各项之和不符", "numbers": {"total": 5, "sum": 4}}]


def test_attachment_text(record):
    assert record.report["attachment_text"] == "附件：依申请公开情况统计表"


def test_sha256_is_the_content_hash(record):
    assert record.report["sha256"] == content_sha256(item())
    assert len(record.report["sha256"]) == 64 and record.report["sha256"] != "f" * 64


def test_sha256_ignores_how_it_was_fetched():
    assert content_sha256(item(etag='"other"', sha256="0" * 64, list_date="2024-02-01")) == content_sha256(item())


@pytest.mark.parametrize("changed", [
    {"parsed": parsed(body_text_original="本年度主動公開政府信息4713條。")},
    {"parsed": parsed(title="汇川区2023年政府信息公开工作年度报告（修订）")},
    {"parsed": parsed(metadata={**parsed().metadata, "doc_no": "汇府办发〔2024〕4号"})},
    {"parsed": parsed(tables=[Table(0, [["规章", "1"]])])},
    {"attachments": [{"url": "http://www.hc.gov.cn/zwgk/a.pdf", "sha256": "3" * 64}]},
])
def test_sha256_tells_a_revision(changed):
    assert content_sha256(item(**changed)) != content_sha256(item())


def test_list_url_is_canonical(record):
    assert record.list_url == "http://www.hc.gov.cn/zwgk/"


def test_no_list_url_when_crawled_directly():
    assert record_from_item(item(list_url="")).list_url == ""


def test_indicators_keep_a_label_printed_twice(record):
    assert [(row["key"], row["raw"]) for row in record.indicators] == [
        ("headline.proactive_total", "4712条"), ("unknown:t2:其他", "3"), ("unknown:t2:其他#2", "/")]


def test_indicator_row(record):
    assert record.indicators[0] == {"key": "headline.proactive_total", "value": 4712, "raw": "4712条", "unit": "条",
                                    "source": "text", "evidence": "主动公开政府信息4712条"}


def test_table_row(record):
    assert record.tables == [{"table_index": 0, "kind": "t2", "caption": "表二", "n_rows": 3, "n_cols": 3,
                              "cells": json.dumps(parsed().tables[0].grid, ensure_ascii=False, separators=(",", ":")),
                              "source": "html"}]


def test_body_text_original_is_null_when_the_page_was_not_converted():
    text = "本年度主动公开政府信息4712条。"
    stored = record_from_item(item(parsed=parsed(body_text=text, body_text_original=text)))
    assert stored.report["body_text_original"] is None and stored.report["body_text"] == text


def test_attachments_are_the_downloaded_ones(record):
    assert [a["sha256"] for a in record.attachments] == ["1" * 64, "2" * 64]


def test_attachments_are_the_page_links_when_none_were_downloaded():
    assert record_from_item(item(attachments=[])).attachments == [
        {"url": "http://www.hc.gov.cn/zwgk/a.pdf", "link_text": "附件1"}]


def test_etag(record):
    assert record.etag == '"abc"'


def test_last_modified(record):
    assert record.last_modified == "Sat, 20 Jan 2024 01:30:00 GMT"


def test_record_round_trips_through_the_store(tmp_path, record):
    """Every mapped column lands in its own database column."""
    store = ReportStore(tmp_path / "r.db")
    try:
        store.conn.execute("INSERT INTO portals (portal_id) VALUES ('huichuan')")
        store.save_reports([record], "run1")
        row = store.db["reports"].get(record.report["report_id"])
        assert {c: row[c] for c in REPORT_COLUMNS} == record.report
        assert store.report_urls(record.report["report_id"]) == [CANONICAL]
    finally:
        store.close()
