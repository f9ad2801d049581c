"""dates: every shape in the spec -> ISO; counters and bare times are not dates."""

import pytest

from govreports.parsing.dates import find_date, parse_date


@pytest.mark.parametrize(
    "text,iso",
    [
        ("2013年02月26日 14:21", "2013-02-26 14:21"),
        ("2022-07-14", "2022-07-14"),
        ("2018.01.08", "2018-01-08"),
        ("2022/7/4", "2022-07-04"),
        ("二○一三年二月二十日", "2013-02-20"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
        ("二零二一年一月五日", "2021-01-05"),
        ("2019年3月25日", "2019-03-25"),
        ("2024-01-25 10:30:59", "2024-01-25 10:30"),
        ("２０２４－０１－２５", "2024-01-25"),
        ("20220714", "2022-07-14"),
        ("发布时间：2024-01-25　来源：办公室", "2024-01-25"),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["浏览次数：2019", "14:21", "2023-02-30", "", "今天", "访问量 20240125"])
def test_not_dates(text):
    assert find_date(text) is None


# ---------------------------------------------------------------- dateparser fallback

import datetime as dt  # noqa: E402
import warnings  # noqa: E402

from govreports.parsing import dates  # noqa: E402
from govreports.parsing.dates import fallback_date, fast_date, find_day, is_date_line, is_iso_date  # noqa: E402

NOW = dt.datetime(2024, 1, 25, 12, 0)


@pytest.mark.parametrize(
    "text,iso",
    [
        ("3天前", "2024-01-22"),
        ("三天前", "2024-01-22"),
        ("（两个月前）", "2023-11-25"),
        ("昨天", "2024-01-24"),
        ("前天", "2024-01-23"),
        ("1小时前", "2024-01-25"),
        ("今天 09:30", "2024-01-25"),
        ("2 days ago", "2024-01-23"),
        ("Yesterday", "2024-01-24"),
    ],
)
def test_relative_dates_against_now(text, iso):
    assert find_date(text, now=NOW) == iso


def test_relative_date_crosses_midnight():
    assert find_date("1小时前", now=dt.datetime(2024, 1, 25, 0, 30)) == "2024-01-24"


def test_aware_now_is_read_in_china_time():
    # 20:00 UTC on the 24th is 04:00 on the 25th in China: "昨天" is the 24th.
    assert find_date("昨天", now=dt.datetime(2024, 1, 24, 20, 0, tzinfo=dt.timezone.utc)) == "2024-01-24"


def test_relative_date_defaults_to_today_in_china():
    assert find_day("昨天") == dates.now_in_china().date() - dt.timedelta(days=1)


@pytest.mark.parametrize(
    "text,iso",
    [
        ("发布于Jan 25, 2024", "2024-01-25"),
        ("25 January 2024", "2024-01-25"),
        ("2024-Jan-25", "2024-01-25"),
        ("2024_01_25", "2024-01-25"),
        ("2024·01·25", "2024-01-25"),
        ("2024、1、25", "2024-01-25"),
        ("2024 01 25", "2024-01-25"),
    ],
)
def test_english_months_and_odd_separators(text, iso):
    assert find_date(text, now=NOW) == iso


@pytest.mark.parametrize(
    "text", ["今天", "今天是星期四", "目前天气晴", "请于二十日前报送", "请于3月前报送", "2023年前三季度", "Jan 2024"])
def test_fallback_reads_no_date_where_none_is_printed(text):
    assert find_date(text, now=NOW) is None


def test_fast_reader_is_right_where_dateparser_is_not():
    assert fast_date("二○一三年二月二十日") == "2013-02-20"
    assert fallback_date("二○一三年二月二十日", now=NOW) is None


def test_a_shape_dateparser_cannot_read_does_not_hide_a_later_date():
    assert find_date("Jan 2024 更新，发布于 2 days ago", now=NOW) == "2024-01-23"


def test_printed_date_is_not_moved_to_another_time_zone():
    assert find_date("Thu, 25 Jan 2024 23:30:00 GMT", now=NOW) == "2024-01-25"


def test_usual_shapes_never_reach_dateparser(monkeypatch):
    calls = []
    monkeypatch.setattr(dates, "dateparser_read", lambda *a: calls.append(a))
    for text in ("2013年02月26日 14:21", "2022-07-14", "二○一三年二月二十日", "浏览次数：2019", "今天", ""):
        find_date(text, now=NOW)
    assert calls == []


def test_dateparser_failure_is_no_date(monkeypatch):
    class Broken:
        def get_date_data(self, text):
            raise RuntimeError("boom")

    monkeypatch.setattr(dates, "_parser", lambda now: Broken())
    assert find_date("3天前", now=NOW) is None


def test_dateparser_emits_no_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert find_date("3天前", now=NOW) == "2024-01-22"
        assert find_date("Jan 25, 2024", now=NOW) == "2024-01-25"
    assert [str(w.message) for w in caught] == []


def test_find_day_is_a_date():
    assert find_day("发布时间：2024年1月5日 10:00") == dt.date(2024, 1, 5)


@pytest.mark.parametrize("value,ok", [("2024-01-25", True), ("2024-01-25 10:30", True), ("2024/01/25", False), ("", False)])
def test_is_iso_date(value, ok):
    assert is_iso_date(value) is ok


@pytest.mark.parametrize("line,ok", [("二○二四年一月十五日", True), ("（2024年1月15日）", True), ("2024年1月15日召开会议", False)])
def test_is_date_line(line, ok):
    assert is_date_line(line) is ok


def test_report_parses_make_no_dateparser_call(monkeypatch):
    from pathlib import Path

    from govreports.parsing.report import parse_report_html, parse_report_text

    calls = []
    monkeypatch.setattr(dates, "dateparser_read", lambda *a: calls.append(a))
    folder = Path(__file__).parent / "fixtures" / "parsing"
    fixtures = sorted([*folder.glob("*.html"), *folder.glob("*.txt")])
    assert len(fixtures) >= 5
    for path in fixtures:
        parse = parse_report_html if path.suffix == ".html" else parse_report_text
        report = parse(path.read_text(encoding="utf-8"), "http://a.gov.cn/")
        assert report.metadata.get("published_date") or report.metadata.get("written_date") or path.suffix == ".txt"
    assert calls == []
