"""What a fetched report page is: one test per verdict, on saved pages, without Scrapy."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreports.encoding import decode_html
from govreports.parsing.report import parse_report_html
from govreports.verdicts import NON_REPORT_FAILURES, FetchedPage, VerdictKind, page_verdict
from govreports.failures import NON_REPORT_KINDS
from tests.harness import REPO

SITES = REPO / "tests" / "sites"
REPORT = SITES / "guizhou_hhg/zwgk/xxgkndbg/202401/t20240126_83575412.html"
LOOKALIKE = SITES / "guizhou_hhg/zwgk/xxgkndbg/202403/t20240308_83016672.html"
DELETED = SITES / "trs_multi/xxgk/zfxxgknb/202101/t20210129_0987654.html"
JS_DETAIL = SITES / "js_list/zwgk/xxgknb/content/post_0901234.html"
MOVED = REPO / "tests/fixtures/spider/moved.html"
PDF = REPO / "tests/fixtures/attachments/split-table.pdf"
REPORT_TITLE = "红花岗区人民政府2023年政府信息公开工作年度报告"


def page(path: Path | None, url: str = "http://a.gov.cn/zwgk/nb/202401/t20240126_1.html", *,
         body: bytes | None = None, text: bool = True, **fields) -> FetchedPage:
    body = path.read_bytes() if body is None else body
    return FetchedPage(url=url, status=fields.pop("status", 200), body=body,
                       text=decode_html(body)[0] if text else None, **fields)


def test_a_report_page_is_a_report_with_its_parsed_data():
    verdict = page_verdict(page(REPORT))
    assert (verdict.kind, verdict.parsed.title, verdict.parsed.report_year) == (VerdictKind.REPORT, REPORT_TITLE, 2023)


def test_a_page_parsed_already_is_not_parsed_again():
    parsed = parse_report_html(REPORT.read_text(encoding="utf-8"), "http://a.gov.cn/x.html")
    assert page_verdict(page(REPORT), parsed).parsed is parsed


def test_a_lookalike_page_is_not_a_report_and_says_its_title():
    verdict = page_verdict(page(LOOKALIKE))
    assert (verdict.kind, verdict.detail) == (VerdictKind.NOT_A_REPORT, "not a report: 红花岗区2024年政务公开工作要点")


def test_a_page_without_a_title_says_so():
    verdict = page_verdict(page(None, body="<html><body><p>欢迎访问</p></body></html>".encode()))
    assert (verdict.kind, verdict.detail) == (VerdictKind.NOT_A_REPORT, "not a report: (no title)")


def test_a_deleted_page_is_deleted_and_says_where_it_sends():
    verdict = page_verdict(page(DELETED, "http://a.gov.cn/xxgk/zfxxgknb/202101/t20210129_0987654.html"))
    assert (verdict.kind, verdict.detail) == (
        VerdictKind.DELETED, "not a report: deleted page (meta refresh to http://a.gov.cn/xxgk/zfxxgknb/)")


def test_a_page_refreshing_elsewhere_is_followed():
    verdict = page_verdict(page(MOVED, "http://a.gov.cn/zwgk/nb/202401/t20240126_1.html"))
    assert (verdict.kind, verdict.detail) == (
        VerdictKind.META_REFRESH, "http://a.gov.cn/art/2024/1/26/art_1229012345_58812345.html")


def test_a_page_refreshing_to_itself_is_read_as_it_is():
    url = "http://a.gov.cn/art/2024/1/26/art_1229012345_58812345.html"
    assert page_verdict(page(MOVED, url)).kind is VerdictKind.NOT_A_REPORT


def test_an_empty_page_is_empty():
    verdict = page_verdict(page(None, body=b" \r\n"))
    assert (verdict.kind, verdict.detail) == (VerdictKind.EMPTY, "empty page")


def test_a_response_that_is_neither_page_nor_document_is_not_text():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    verdict = page_verdict(page(None, body=png, text=False, content_type="image/png"))
    assert (verdict.kind, verdict.detail) == (VerdictKind.NOT_TEXT, "not a report: not a page or document (image/png)")


def test_a_file_listed_under_a_report_title_is_the_report():
    verdict = page_verdict(page(PDF, "http://a.gov.cn/nb/2023.pdf", text=False, document_type="pdf",
                                list_title=REPORT_TITLE, list_date="2024-01-26"))
    parsed = verdict.parsed
    assert (verdict.kind, verdict.detail, parsed.title, parsed.report_year, parsed.metadata["published_date"],
            [a.url for a in parsed.attachments]) == (
        VerdictKind.DOCUMENT, "pdf", REPORT_TITLE, 2023, "2024-01-26", ["http://a.gov.cn/nb/2023.pdf"])


def test_a_file_listed_under_another_title_is_not_a_report():
    verdict = page_verdict(page(PDF, text=False, document_type="pdf", list_title="红花岗区2024年政务公开工作要点"))
    assert (verdict.kind, verdict.detail) == (
        VerdictKind.NOT_A_REPORT, "not a report: a file listed as '红花岗区2024年政务公开工作要点'")


def test_a_page_whose_article_only_a_browser_shows_is_a_javascript_shell():
    assert page_verdict(page(JS_DETAIL)).kind is VerdictKind.JS_SHELL


def test_a_javascript_shell_already_rendered_is_not_a_report():
    assert page_verdict(page(JS_DETAIL, in_browser=True)).kind is VerdictKind.NOT_A_REPORT


def test_revalidated_page_not_modified():
    assert page_verdict(page(None, body=b"", status=304, revalidating=True)).kind is VerdictKind.NOT_MODIFIED


@pytest.mark.parametrize("status", [404, 410])
def test_revalidated_page_gone_with_its_status(status):
    verdict = page_verdict(page(None, body="<h1>404 页面不存在</h1>".encode(), status=status, revalidating=True))
    assert (verdict.kind, verdict.detail) == (VerdictKind.GONE, f"HTTP {status}")


def test_revalidated_page_now_deleted_is_gone():
    verdict = page_verdict(page(DELETED, "http://a.gov.cn/xxgk/zfxxgknb/202101/t20210129_0987654.html",
                                revalidating=True))
    assert (verdict.kind, verdict.detail) == (VerdictKind.GONE, "deleted page")


def test_revalidated_page_still_there_is_read_again():
    assert page_verdict(page(REPORT, revalidating=True)).kind is VerdictKind.REPORT


def test_a_304_outside_revalidation_is_not_taken_for_not_modified():
    assert page_verdict(page(None, body=b"", status=304)).kind is VerdictKind.EMPTY


def test_every_non_report_verdict_is_recorded_with_a_kind_recrawls_skip():
    assert set(NON_REPORT_FAILURES.values()) == set(NON_REPORT_KINDS)


# --- text copies served as text/plain (a saved .txt) ------------------------------------
TEXT_COPY = REPO / "tests/fixtures/parsing/flat_2021_report.txt"


def test_a_text_plain_page_is_read_as_the_text_copy_it_is():
    body = TEXT_COPY.read_bytes()
    verdict = page_verdict(page(None, body=body, content_type="text/plain"))
    as_html = page_verdict(page(None, body=body, content_type="text/html"))
    # Its lines are its layout: read as text it gives its tables, run together as HTML it does not.
    assert verdict.kind is VerdictKind.REPORT and len(verdict.parsed.indicators) > len(as_html.parsed.indicators)


def test_an_html_page_served_as_text_plain_is_still_html():
    verdict = page_verdict(page(REPORT, content_type="text/plain; charset=utf-8"))
    assert (verdict.kind, verdict.parsed.title) == (VerdictKind.REPORT, REPORT_TITLE)


TITLELESS_COPY = ("索引号: | 330803-054/2022-59460 | 公开方式: | 主动公开 |\n发布单位: | 衢江区峡川镇 |\n"
                  "根据《中华人民共和国政府信息公开条例》，现将2017年政府信息公开工作情况报告如下：\n"
                  "一、主要开展的工作\n我镇健全工作机制。\n二、主动公开政府信息情况\n全年主动公开政府信息78条。\n"
                  "三、依申请公开政府信息情况\n全年未收到申请。\n")


def test_a_report_without_a_title_takes_the_title_the_list_gave_it():
    listed = "衢江区峡川镇2017年政府信息公开工作年度报告"
    verdict = page_verdict(page(None, body=TITLELESS_COPY.encode(), content_type="text/plain", list_title=listed))
    assert (verdict.kind, verdict.parsed.title, verdict.parsed.report_year) == (VerdictKind.REPORT, listed, 2017)


def test_a_list_title_naming_no_report_for_a_year_gives_no_title():
    verdict = page_verdict(page(None, body=TITLELESS_COPY.encode(), content_type="text/plain",
                                list_title="政府信息公开年报"))
    assert (verdict.kind, verdict.parsed.title) == (VerdictKind.REPORT, "")


def test_a_page_with_a_title_keeps_its_own_title():
    verdict = page_verdict(page(REPORT, list_title="红花岗区2023年度政府信息公开年报"))
    assert verdict.parsed.title == REPORT_TITLE
