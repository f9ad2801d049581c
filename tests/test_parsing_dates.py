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
