"""Report schema validation."""

from govreports.items import ReportItem, validate_report
from govreports.parsing.model import Indicator, ParsedReport


def item(**parsed_fields):
    fields = {"url": "http://a.gov.cn/t1.html", "title": "示范县2023年政府信息公开工作年度报告", "report_year": 2023,
              "is_report": True, "era": "2021"}
    fields.update(parsed_fields)
    return ReportItem(portal_id="p", region_code="520302", region_name="红花岗区", url=fields["url"], list_url="",
                      source_format="html", sha256="x", parsed=ParsedReport(**fields))


def test_a_good_report_passes():
    assert bool(validate_report(item(), latest_year=2026)) is True


def test_year_out_of_range():
    assert validate_report(item(report_year=2030), latest_year=2026).errors == ["reporting year 2030 out of range"]


def test_missing_year():
    assert validate_report(item(report_year=None), latest_year=2026).errors == ["reporting year not found"]


def test_not_a_report():
    assert "page is not an annual report" in validate_report(item(is_report=False), latest_year=2026).errors


def test_bad_date():
    errors = validate_report(item(metadata={"published_date": "2024年1月"}), latest_year=2026).errors
    assert errors == ["published_date '2024年1月' is not an ISO date"]


def test_unknown_indicator_key():
    bad = item(indicators=[Indicator(key="t9.made_up", raw="1", value=1)])
    assert validate_report(bad, latest_year=2026).errors == ["indicator key 't9.made_up' is not canonical"]


def test_unknown_label_rows_are_allowed():
    ok = item(indicators=[Indicator(key="unknown:legacy:收费金额", raw="7730.28", value=7730.28)])
    assert bool(validate_report(ok, latest_year=2026)) is True


def test_invalid_report_becomes_a_recorded_failure():
    from scrapy.utils.test import get_crawler

    from govreports.failures import FailureKind
    from govreports.items import FetchFailureItem
    from govreports.pipelines import ValidateReportPipeline

    crawler = get_crawler()
    crawler.stats.open_spider()
    out = ValidateReportPipeline.from_crawler(crawler).process_item(item(report_year=None))
    assert isinstance(out, FetchFailureItem)
    assert (out.reason, out.kind) == ("invalid report: reporting year not found", FailureKind.INVALID_REPORT)
